"""Reports and decline templates over HTTP against the live server: the .xlsx export, the
monthly summary, the open-data page (counts only, nothing personal), a decline reason chosen
from the municipality's templates, unhiding."""
from __future__ import annotations

import csv
import io
import re

import openpyxl
import requests

from tests.web.conftest import Web, csrf
from tests.web.helpers import bench_suggestion


def _post(session: requests.Session, web: Web, path: str, **data: str) -> requests.Response:
    token = csrf(session.get(f"{web.url}/moderation").text)
    return session.post(web.url + path, data={"csrf_token": token, **data}, allow_redirects=False)


def test_xlsx_export_is_scoped_and_keeps_formulas_as_text(web: Web) -> None:
    bench_suggestion(web, "=1+1 XLSXTEST")
    bench_suggestion(web, "Trebinje XLSXTEST", municipality="trebinje")
    response = web.session("mod-zepce").get(f"{web.url}/moderation/export.xlsx?state=all&q=xlsxtest")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("receipt", "municipality", "created_at")
    assert [(r[1], r[-1]) for r in rows[1:]] == [("zepce", "=1+1 XLSXTEST")]
    assert sheet.cell(2, len(rows[0])).data_type == "s"  # text, never run as a formula


def test_monthly_summary_and_open_data(web: Web) -> None:
    sid, receipt = bench_suggestion(web, "Otvoreni podaci TAJNA-RIJEC", municipality="maglaj")
    moderator = web.session("admin")
    page = moderator.get(f"{web.url}/moderation/reports?lang=en").text
    assert "<h1>Monthly summary</h1>" in page and "Maglaj" in page
    body = moderator.get(f"{web.url}/moderation/reports.csv").content
    assert body.startswith("\ufeffmonth;municipality;received;".encode())
    data = requests.get(f"{web.url}/open-data.json").json()  # public, no login
    maglaj = [m for m in data["months"] if m["municipality"] == "maglaj"]
    assert maglaj and sum(m["received"] for m in maglaj) >= 1
    public = requests.get(f"{web.url}/open-data.json").text + requests.get(f"{web.url}/open-data.csv").text + \
        requests.get(f"{web.url}/open-data?lang=en").text
    assert "TAJNA-RIJEC" not in public and receipt not in public and sid not in public
    assert "Open data" in requests.get(f"{web.url}/open-data?lang=en").text
    rows = list(csv.DictReader(io.StringIO(requests.get(f"{web.url}/open-data.csv").content.decode("utf-8-sig")),
                               delimiter=";"))
    assert set(rows[0]) == set(data["columns"])


def test_decline_with_a_template_and_unhide(web: Web) -> None:
    moderator = web.session("mod-zepce")
    assert _post(moderator, web, "/moderation/decline-reasons", municipality="zepce",
                 text="Ovo je u nadležnosti kantona; proslijedili smo prijedlog.").status_code == 303
    page = moderator.get(f"{web.url}/moderation/decline-reasons").text
    assert "Ovo je u nadležnosti kantona" in page
    assert _post(moderator, web, "/moderation/decline-reasons", municipality="trebinje",
                 text="Tuđa općina").status_code == 404  # outside the moderator's municipalities
    sid, receipt = bench_suggestion(web, "Semafor kod pijace, TEMPLATETEST")
    suggestion_page = moderator.get(f"{web.url}/moderation/suggestions/{sid}").text
    template_id = re.search(r'name="template"><option value="">—</option><option value="(\d+)"', suggestion_page)[1]
    assert _post(moderator, web, f"/moderation/suggestions/{sid}/decline", template=template_id).status_code == 303
    assert "Ovo je u nadležnosti kantona" in requests.get(f"{web.url}/r/{receipt}").text
    hidden, _ = bench_suggestion(web, "Sakriveno greškom UNHIDETEST")
    _post(moderator, web, f"/moderation/suggestions/{hidden}/hide")
    assert "UNHIDETEST" not in moderator.get(f"{web.url}/moderation/suggestions/{hidden}").text
    assert _post(moderator, web, f"/moderation/suggestions/{hidden}/unhide").status_code == 303
    assert "UNHIDETEST" in moderator.get(f"{web.url}/moderation/suggestions/{hidden}").text

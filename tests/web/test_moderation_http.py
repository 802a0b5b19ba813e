"""Moderation over HTTP against the live server: merge, hide, CSV, the initiative editor and the
membership story (apply, approve, the new moderator logs in with the one-time password)."""
from __future__ import annotations

import csv
import io
import re

import requests

from tests.web.conftest import Web, csrf
from tests.web.helpers import bench_suggestion

BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"


def _post(session: requests.Session, web: Web, path: str, **data: str) -> requests.Response:
    token = csrf(session.get(f"{web.url}/join").text)
    return session.post(web.url + path, data={"csrf_token": token, **data}, allow_redirects=False)


def test_merge_shows_the_initiative_on_the_receipt(web: Web) -> None:
    moderator = web.session("mod-zepce")
    sid, receipt = bench_suggestion(web, "Kante uz šetnicu, molim.")
    assert _post(moderator, web, f"/moderation/suggestions/{sid}/merge", initiative_id=BINS).status_code == 303
    page = requests.get(f"{web.url}/r/{receipt}?lang=en").text
    assert "Joined to an initiative" in page and f"/i/{BINS}" in page


def test_hidden_text_never_shows_again(web: Web) -> None:
    moderator = web.session("mod-zepce")
    sid, receipt = bench_suggestion(web, "Uvredljiva riječ PSOVKA123 ovdje.")
    assert _post(moderator, web, f"/moderation/suggestions/{sid}/hide").status_code == 303
    for page in (moderator.get(f"{web.url}/moderation?state=all").text,
                 moderator.get(f"{web.url}/moderation/suggestions/{sid}").text,
                 moderator.get(f"{web.url}/moderation/export.csv?state=all").text,
                 requests.get(f"{web.url}/r/{receipt}").text):
        assert "PSOVKA123" not in page
    assert receipt not in moderator.get(f"{web.url}/moderation?state=all&q=PSOVKA123").text  # not searchable
    trail = moderator.get(f"{web.url}/moderation/suggestions/{sid}").text
    assert "mod-zepce: hide" in trail


def test_csv_export_is_scoped_and_formula_safe(web: Web) -> None:
    bench_suggestion(web, "=HYPERLINK(\"http://evil.example\")")
    bench_suggestion(web, "Trebinje only text XYZ", municipality="trebinje")
    body = web.session("mod-zepce").get(f"{web.url}/moderation/export.csv?state=all").content
    assert body.startswith(b"\xef\xbb\xbfreceipt;municipality;created_at;")  # a BOM, `;`: opens right in BiH
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows and {r["municipality"] for r in rows} == {"zepce"}
    assert any(r["text"].startswith("'=HYPERLINK") for r in rows)
    assert "contact" not in rows[0]


def test_queue_filters_and_search(web: Web) -> None:
    sid, receipt = bench_suggestion(web, "Jedinstveni tekst FILTERTEST")
    moderator = web.session("mod-zepce")
    assert receipt in moderator.get(f"{web.url}/moderation?q=filtertest").text
    assert receipt in moderator.get(f"{web.url}/moderation?q={receipt}&state=all").text
    assert receipt not in moderator.get(f"{web.url}/moderation?q=filtertest&state=declined").text
    assert receipt not in moderator.get(f"{web.url}/moderation?q=filtertest&to=2000-01-01").text


def test_initiative_editor_derives_latin_and_publishes(web: Web) -> None:
    moderator = web.session("mod-trebinje")
    created = _post(moderator, web, "/moderation/initiatives/new", municipality="trebinje", original_language="sr",
                    sr_title="Љетња позорница на Тргу", sr_summary="Концерти уз ријеку", en_title="Summer stage")
    assert created.status_code == 303
    path = created.headers["location"]
    initiative_id = path.rsplit("/", 1)[1]
    assert requests.get(f"{web.url}/i/{initiative_id}").status_code == 404  # a draft is not public
    assert _post(moderator, web, f"{path}/status", to="published").status_code == 303
    assert _post(moderator, web, f"{path}/update", language="sr", text="Почели радови.").status_code == 303
    latin = requests.get(f"{web.url}/i/{initiative_id}?lang=sr-Latn").text
    assert "Ljetnja pozornica na Trgu" in latin and "Počeli radovi." in latin
    assert "Почели радови." in requests.get(f"{web.url}/i/{initiative_id}?lang=sr").text
    assert web.server.rows("SELECT title FROM initiative_texts WHERE initiative_id = ? AND language = 'sr-Latn'",
                           [initiative_id]) == [("Ljetnja pozornica na Trgu",)]
    # another municipality's moderator cannot touch it, even by URL
    other = web.session("mod-zepce")
    assert _post(other, web, f"{path}/status", to="draft").status_code == 404


def test_membership_application_and_one_time_password(web: Web) -> None:
    applicant = requests.Session()
    response = _post(applicant, web, "/join", organisation="Udruženje Zeleni Maglaj", registration_number="RU-123",
                     municipality="maglaj", email="info@zeleni.example", focus="Okoliš i mladi.")
    assert response.status_code == 200 and "<form" not in response.text.split("<main>")[1]
    assert _post(applicant, web, "/join", organisation="", registration_number="", municipality="maglaj",
                 email="not-an-email", focus="").status_code == 422
    admin = web.session("admin")
    page = admin.get(f"{web.url}/admin/applications").text
    application_id = re.search(r'/admin/applications/([0-9a-f-]{36})/approve', page).group(1)
    approved = _post(admin, web, f"/admin/applications/{application_id}/approve")
    assert approved.status_code == 200 and approved.headers["cache-control"] == "no-store"
    username, password = re.findall(r'class="receipt">([^<]+)<', approved.text)
    assert username.startswith("ngo-")
    assert _post(admin, web, f"/admin/applications/{application_id}/approve").status_code == 409  # once only
    assert password not in admin.get(f"{web.url}/admin/applications").text  # shown once
    newcomer = requests.Session()
    login = newcomer.post(f"{web.url}/login", allow_redirects=False, data={
        "username": username, "password": password, "csrf_token": csrf(newcomer.get(f"{web.url}/login").text)})
    # The one-time password opens only the password page, until the NGO chooses its own.
    assert (login.status_code, login.headers["location"]) == (303, "/account/password")
    assert newcomer.get(f"{web.url}/moderation", allow_redirects=False).headers["location"] == "/account/password"
    chosen = _post(newcomer, web, "/account/password", new="our own password", repeat="our own password")
    assert chosen.status_code == 200 and "Vaša lozinka je promijenjena." in chosen.text
    assert newcomer.get(f"{web.url}/moderation?municipality=maglaj").status_code == 200
    assert newcomer.get(f"{web.url}/moderation?municipality=zepce").status_code == 403


def test_unpublishing_asks_first(web: Web) -> None:
    moderator = web.session("mod-trebinje")
    created = _post(moderator, web, "/moderation/initiatives/new", municipality="trebinje", original_language="bs",
                    bs_title="Privremena inicijativa")
    path = created.headers["location"]
    initiative_id = path.rsplit("/", 1)[1]
    _post(moderator, web, f"{path}/status", to="published")
    asked = _post(moderator, web, f"{path}/status?lang=en", to="draft")
    assert asked.status_code == 200 and "Unpublishing takes it off these benches" in asked.text
    assert requests.get(f"{web.url}/i/{initiative_id}").status_code == 200  # still published
    assert _post(moderator, web, f"{path}/status", to="draft", confirmed="yes").status_code == 303
    assert requests.get(f"{web.url}/i/{initiative_id}").status_code == 404
    assert "Draft: not shown on any bench or page yet." in moderator.get(f"{web.url}{path}?lang=en").text


def test_a_photo_over_the_limit_is_refused_in_words(web: Web) -> None:
    moderator = web.session("mod-zepce")
    path = f"/moderation/initiatives/{BINS}/photos"
    token = csrf(moderator.get(f"{web.url}/moderation/initiatives/{BINS}").text)
    big = b"\xff\xd8" + b"\0" * (10 * 1024 * 1024)  # just over 10 MB
    answer = moderator.post(f"{web.url}{path}?lang=en", data={"csrf_token": token},
                            files={"photo": ("big.jpg", big, "image/jpeg")}, allow_redirects=False)
    assert answer.status_code == 422 and "The photo is larger than 10 MB." in answer.text
    huge = moderator.post(f"{web.url}{path}", data={"csrf_token": token},
                          files={"photo": ("huge.jpg", b"\0" * (13 * 1024 * 1024), "image/jpeg")})
    assert huge.status_code == 413  # past max_upload_bytes: refused before it is read whole
    assert web.server.rows("SELECT count(*) FROM initiative_photos WHERE initiative_id = ?", [BINS]) == [(0,)]

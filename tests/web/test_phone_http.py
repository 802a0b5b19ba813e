"""The phone pages over plain HTTP against the live server: hand-off links accepted once,
forged, changed, old and revoked ones refused; receipts and initiatives shown."""
from __future__ import annotations

import re
import time
import uuid

import requests

from kiosk.core.handoff import continue_url, initiative_url, receipt_url
from tests.web.conftest import Web, csrf

BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"
BIKES = "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41"


def _submit(session: requests.Session, url: str, text: str, **extra: str) -> requests.Response:
    page = session.get(url)
    assert page.status_code == 200, page.text[:300]
    return session.post(url, data={"csrf_token": csrf(page.text), "text": text, **extra})


def test_continue_link_submits_once(web: Web) -> None:
    bench_id, token = web.bench()
    url = continue_url(web.url, bench_id, token, str(uuid.uuid4()), "Više klupa u parku", "bs", BINS)
    session = requests.Session()
    form = session.get(url)
    first = session.post(url, data={"csrf_token": csrf(form.text), "text": "Više klupa u parku, i sjene."})
    receipt = re.search(r'class="receipt">([0-9A-Z-]{9})<', first.text).group(1)
    # the same form sent again (back button), and the link opened again: one suggestion only
    again = session.post(url, data={"csrf_token": csrf(form.text), "text": "something else"})
    reopened = session.get(url)
    for page in (again, reopened):
        assert 'class="receipt">' + receipt in page.text
        assert "<textarea" not in page.text
    assert web.server.rows("SELECT text FROM suggestions WHERE receipt = ?", [receipt]) == [
        ("Više klupa u parku, i sjene.",)]
    status = session.get(receipt_url(web.url, receipt, "en"))
    assert status.status_code == 200 and "Received" in status.text
    assert requests.get(f"{web.url}/api/v1/status/{receipt}").json()["state"] == "received"


def test_contact_needs_consent(web: Web) -> None:
    bench_id, token = web.bench()
    url = continue_url(web.url, bench_id, token, str(uuid.uuid4()), "Rasvjeta", "en")
    refused = _submit(requests.Session(), url, "Rasvjeta", contact="ana@example.org")
    assert refused.status_code == 422
    accepted = _submit(requests.Session(), url, "Rasvjeta", contact="ana@example.org", consent="yes")
    assert accepted.status_code == 200
    draft_id = url  # the stored contact is checked through the database
    rows = web.server.rows("SELECT contact FROM suggestions WHERE text = 'Rasvjeta'")
    assert rows == [("ana@example.org",)], draft_id


def test_changed_forged_old_and_revoked_links_are_refused(web: Web) -> None:
    bench_id, token = web.bench("mostar")
    url = continue_url(web.url, bench_id, token, str(uuid.uuid4()), "Tekst", "hr")
    payload, tag = url.rsplit("/", 1)[1].split(".")
    changed = continue_url(web.url, bench_id, token, str(uuid.uuid4()), "Drugi tekst", "hr").rsplit("/", 1)[1]
    cases = {
        "tag of another draft": f"{web.url}/c/{payload}.{changed.split('.')[1]}",
        "flipped character": f"{web.url}/c/{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{tag}",
        "wrong key": continue_url(web.url, bench_id, "not-the-token", str(uuid.uuid4()), "Tekst", "hr"),
        "too old": continue_url(web.url, bench_id, token, str(uuid.uuid4()), "Tekst", "hr", now=time.time() - 90000),
        "garbage": f"{web.url}/c/%3Cscript%3E.x",
        "unknown bench": continue_url(web.url, "no-such-bench", token, str(uuid.uuid4()), "Tekst", "hr"),
    }
    for name, link in cases.items():
        response = requests.get(link)
        assert response.status_code == 400, name
        assert "<textarea" not in response.text, name
    web.server.revoke_bench(bench_id)
    assert requests.get(url).status_code == 400


def test_initiative_in_reader_language_and_latin_from_cyrillic(web: Web) -> None:
    latin = requests.get(initiative_url(web.url, BIKES, "sr-Latn")).text
    assert "Biciklistička staza" in latin and "Бициклистичка" not in latin
    english = requests.get(initiative_url(web.url, BIKES, "en")).text
    assert "original language" in english and "Бициклистичка" in english
    assert requests.get(f"{web.url}/i/{uuid.uuid4()}").status_code == 404


def test_security_headers(web: Web) -> None:
    headers = requests.get(f"{web.url}/i/{BINS}").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_a_text_or_contact_too_long_is_refused_with_the_limit_in_the_reader_s_words(web: Web) -> None:
    bench_id, token = web.bench()
    draft_id = str(uuid.uuid4())
    url = continue_url(web.url, bench_id, token, draft_id, "Klupe", "hr")
    long_text = _submit(requests.Session(), url, "k" * 2001)
    assert long_text.status_code == 422
    assert "Tekst je predug: najviše 2000 znakova." in long_text.text
    assert 'maxlength="2000"' in long_text.text and 'maxlength="200"' in long_text.text
    assert "Briše se 90 dana nakon zatvaranja mog prijedloga." in long_text.text  # the retention setting
    long_contact = _submit(requests.Session(), url, "Klupe", contact="a" * 201, consent="yes")
    assert long_contact.status_code == 422
    assert "Kontakt je predug: najviše 200 znakova." in long_contact.text
    assert web.server.rows("SELECT count(*) FROM suggestions WHERE id = ?", [draft_id]) == [(0,)]

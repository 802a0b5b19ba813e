"""The citizen's ways in from any phone, over HTTP against a real server: ideas at /suggest (and
what holds scripts off), supports on /i/<id>, the bench's hand-off link, the receipt page, and the
words and times people read. The browser tests (test_browser_citizen.py) walk the same paths."""
from __future__ import annotations

import ast
import time
import re
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from babel.messages.pofile import read_po

from kiosk.core.handoff import continue_url
from tests.live_server import GENEROUS_LIMITS, LiveServer
from tests.web.conftest import FAST_FORMS, ROOT, Web, add_people, csrf
from tests.web.helpers import bench_suggestion, form_fields, heading, receipt_in, web_idea

BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"    # Žepče, open for support
BIKES = "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41"   # Trebinje, in progress
NETWORK = "e7d6c5b4-a3b2-4c1d-9e8f-7a6b5c4d3e2f"  # network-wide


def stored(web: Web, text: str) -> list[tuple]:
    return web.server.rows("SELECT source, bench_id, municipality, category, initiative_id, language, contact "
                           "FROM suggestions WHERE text = ?", [text])


def test_an_idea_from_the_web_enters_the_moderation_queue(web: Web) -> None:
    text = f"Česma na trgu, {uuid.uuid4().hex[:6]}."
    response = web_idea(requests.Session(), web.url, text, "zepce", category="environment",
                        contact="lejla@example.org", consent=True)
    assert heading(response.text) == "Hvala vam!"
    receipt = receipt_in(response.text)
    assert f'href="/r/{receipt}"' in response.text
    assert stored(web, text) == [("web", None, "zepce", "environment", None, "bs", "lejla@example.org")]
    queue = web.session("mod-zepce").get(f"{web.url}/moderation", params={"q": receipt}).text
    card = queue.split(receipt, 1)[1].split("</article>", 1)[0]
    assert "s weba" in card and text in queue
    assert text not in web.session("mod-trebinje").get(f"{web.url}/moderation").text  # Žepče's, not Trebinje's


def test_the_form_preselects_municipality_and_initiative(web: Web) -> None:
    page = requests.get(f"{web.url}/suggest?m=trebinje").text
    assert re.search(r'<option value="trebinje" selected>', page)
    page = requests.get(f"{web.url}/suggest?i={BINS}").text
    assert re.search(r'<option value="zepce" selected>', page)
    assert re.search(rf'<option value="{BINS}" selected>', page)
    text = f"Više kanti kod škole {uuid.uuid4().hex[:6]}"
    response = web_idea(requests.Session(), web.url, text, "zepce", query=f"?i={BINS}", initiative_id=BINS)
    assert heading(response.text) == "Hvala vam!"
    assert stored(web, text)[0][4] == BINS
    # A network-wide initiative takes an idea from any municipality; Žepče's not one from Mostar.
    assert heading(web_idea(requests.Session(), web.url, text + " mreža", "mostar", initiative_id=NETWORK).text) == "Hvala vam!"
    wrong = web_idea(requests.Session(), web.url, text + " Mostar", "mostar", initiative_id=BINS)
    assert wrong.status_code == 422 and "nije otvorena u općini" in wrong.text
    assert stored(web, text + " Mostar") == []


@pytest.mark.parametrize(("case", "status", "says"), [
    ("too fast", 422, "To je bilo vrlo brzo"),
    ("honeypot", 400, "nije mogao biti sačuvan"),
    ("forged stamp", 400, "Obrazac je istekao"),
    ("contact without consent", 422, "označite polje"),
    ("no municipality", 422, "Odaberite svoju općinu"),
    ("empty text", 422, "napišite svoj prijedlog"),
    ("too long", 422, "Tekst je predug"),
    ("no CSRF", 400, "Obrazac je istekao"),
])
def test_what_holds_scripts_off_changes_nothing(web: Web, case: str, status: int, says: str) -> None:
    text = f"Provjera: {case} {uuid.uuid4().hex[:6]}"
    fields: dict[str, str] = {}
    wait_s, municipality = 1.0, "zepce"
    if case == "too fast":
        wait_s = 0
    elif case == "honeypot":
        fields["website"] = "http://spam.example"
    elif case == "forged stamp":
        fields["started"] = "1700000000000.0000"
    elif case == "contact without consent":
        fields["contact"] = "x@example.org"
    elif case == "no municipality":
        municipality = ""
    elif case == "empty text":
        text = "   "
    elif case == "too long":
        text = "a" * 2001
    elif case == "no CSRF":
        fields["csrf_token"] = "0" * 64
    response = web_idea(requests.Session(), web.url, text, municipality, wait_s=wait_s, **fields)
    assert response.status_code == status, response.text[:500]
    plain = re.sub(r"<[^>]+>", "", response.text)
    assert says in plain, plain[:2000]
    assert web.server.rows("SELECT count(*) FROM suggestions WHERE text = ?", [text.strip()]) == [(0,)]
    if status == 422:  # the person's text is kept for them to correct
        assert heading(response.text) == "Dajte ideju"


def test_the_same_idea_twice_is_refused(web: Web) -> None:
    text = f"Biciklistička staza uz rijeku {uuid.uuid4().hex[:6]}"
    assert heading(web_idea(requests.Session(), web.url, text).text) == "Hvala vam!"
    again = web_idea(requests.Session(), web.url, "  " + text.upper() + " ")
    assert again.status_code == 422 and "već poslana" in again.text
    assert web.server.rows("SELECT count(*) FROM suggestions WHERE lower(text) = lower(?)", [text]) == [(1,)]
    # Another municipality may well need the same.
    assert heading(web_idea(requests.Session(), web.url, text, "maglaj").text) == "Hvala vam!"


def test_per_address_limits(tmp_path: Path) -> None:
    env = {"SMART_BENCH_SUGGEST_MIN_FILL_S": "0", "SMART_BENCH_WEB_IDEAS_BURST": "3",
           "SMART_BENCH_WEB_SUPPORTS_BURST": "2"}
    with LiveServer.start_new(tmp_path, extra_args=GENEROUS_LIMITS, env=env) as server:
        web = Web(server)
        answers = [web_idea(requests.Session(), web.url, f"Ideja {n}", wait_s=0).status_code for n in range(4)]
        assert answers == [200, 200, 200, 429]
        supports = []
        for _ in range(3):  # three "browsers" from one address
            session = requests.Session()
            page = session.get(f"{web.url}/i/{BINS}")
            supports.append(session.post(f"{web.url}/i/{BINS}/support", data={"csrf_token": csrf(page.text)}))
        assert [r.status_code for r in supports] == [200, 200, 429]
        assert "Previše zahtjeva" in supports[-1].text
        assert server.rows("SELECT count(*) FROM suggestions") == [(3,)]
        assert server.rows("SELECT support_count FROM initiatives WHERE id = ?", [BINS]) == [(2,)]


def supporters(html: str) -> int:
    return int(re.search(r'class="supporters">(\d+)', html).group(1))


def test_support_from_the_phone_counts_once_per_browser(web: Web) -> None:
    phone = requests.Session()
    page = phone.get(f"{web.url}/i/{BIKES}").text
    before = supporters(page)
    first = phone.post(f"{web.url}/i/{BIKES}/support", data={"csrf_token": csrf(page)})
    assert "Hvala! Vaša podrška je ubrojana." in first.text and supporters(first.text) == before + 1
    assert "Podržavate ovu inicijativu." in first.text and f'action="/i/{BIKES}/support"' not in first.text  # no second button
    assert f'href="/i/{BIKES}?lang=en"' in first.text  # the language links lead to the page, not the post
    second = phone.post(f"{web.url}/i/{BIKES}/support", data={"csrf_token": csrf(page)})
    assert "Već podržavate ovu inicijativu" in second.text and supporters(second.text) == before + 1
    other = requests.Session()
    other_page = other.get(f"{web.url}/i/{BIKES}").text
    assert "/support" in other_page
    other.post(f"{web.url}/i/{BIKES}/support", data={"csrf_token": csrf(other_page)})
    # A bench tap adds to the same count, which every page and the benches' feed show.
    _, token = web.bench("trebinje")
    tap = requests.post(f"{web.url}/api/v1/supports", headers={"Authorization": f"Bearer {token}"}, json={
        "items": [{"id": str(uuid.uuid4()), "created_at": "2026-11-30T10:00:00Z", "initiative_id": BIKES}]})
    assert tap.json()["rejected"] == []
    assert supporters(requests.get(f"{web.url}/i/{BIKES}").text) == before + 3
    portal = requests.get(f"{web.url}/?municipality=trebinje").text
    assert re.search(rf"{before + 3} podršk[ae]", portal)
    feed = requests.get(f"{web.url}/api/v1/initiatives", headers={"Authorization": f"Bearer {token}"}).json()
    assert [i["support_count"] for i in feed["items"] if i["id"] == BIKES] == [before + 3]


def test_a_handoff_link_first_says_sent_then_already_sent(web: Web) -> None:
    """The bug of issue 11: the drawn receipt '27K5JSS9' was compared with the stored '27K5-JSS9',
    so the very first answer said "already sent"."""
    bench_id, token = web.bench()
    link = continue_url(web.url, bench_id, token, str(uuid.uuid4()), "Klupe u hladu", "bs", BINS)
    phone = requests.Session()
    form = phone.get(link).text
    assert heading(form) == "Dovršite svoj prijedlog"
    first = phone.post(link, data={"csrf_token": csrf(form), "text": "Klupe u hladu kod škole."})
    assert heading(first.text) == "Hvala vam!"
    receipt = receipt_in(first.text)
    again = phone.post(link, data={"csrf_token": csrf(form), "text": "Klupe u hladu kod škole."})
    assert heading(again.text) == "Već poslano" and receipt_in(again.text) == receipt
    reopened = phone.get(link).text
    assert heading(reopened) == "Već poslano" and receipt_in(reopened) == receipt


@pytest.mark.parametrize(("language", "title"), [
    ("bs", "Dovršite svoj prijedlog"), ("hr", "Dovršite svoj prijedlog"), ("sr", "Довршите свој приједлог"),
    ("sr-Latn", "Dovršite svoj prijedlog"), ("en", "Finish your suggestion")])
def test_every_handoff_link_carries_the_readers_language(web: Web, language: str, title: str) -> None:
    bench_id, token = web.bench()
    link = continue_url(web.url, bench_id, token, str(uuid.uuid4()), "…", language)
    # A phone set to another language, with another language remembered: the bench's choice wins.
    other = "en" if language != "en" else "bs"
    page = requests.get(link, headers={"Accept-Language": other}, cookies={"lang": other})
    assert page.headers["Content-Language"] == language
    assert f'<html lang="{language}">' in page.text and heading(page.text) == title


def test_the_receipt_page_shows_the_citizens_text_and_what_next(web: Web) -> None:
    text = f"Rasvjeta u parku {uuid.uuid4().hex[:6]}"
    receipt = receipt_in(web_idea(requests.Session(), web.url, text).text)
    page = requests.get(f"{web.url}/r/{receipt}").text
    assert "Šta ste napisali" in page and text in page
    assert "Nevladina organizacija iz vaše općine čita svaki prijedlog" in page
    assert "Primljeno, čeka pregled" in page


def test_times_are_shown_in_sarajevo_time(web: Web) -> None:
    sid, receipt = bench_suggestion(web, "Koliko je sati?")
    [(received_at,)] = web.server.rows("SELECT received_at FROM suggestions WHERE id = ?", [sid])
    local = datetime.fromisoformat(received_at.replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/Sarajevo"))
    page = requests.get(f"{web.url}/r/{receipt}").text
    assert re.search(rf'<time datetime="{re.escape(received_at)}">{local:%Y-%m-%d %H:%M}</time>', page)
    queue = web.session("mod-zepce").get(f"{web.url}/moderation/suggestions/{sid}").text
    assert f"{local:%Y-%m-%d %H:%M}" in queue


def _kiosk_names() -> dict[str, str]:
    """The kiosk's msgid per state, read from its source (the server imports no kiosk code)."""
    tree = ast.parse((ROOT / "kiosk" / "ui" / "names.py").read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in ("SUGGESTION_STATES",
                                                                                   "INITIATIVE_STATUSES"):
            names.update({k.value: v.args[0].value for k, v in zip(node.value.keys, node.value.values)})
    return names


def _kiosk_word(language: str, state: str) -> str:
    source = "sr" if language == "sr-Latn" else language
    with (ROOT / "kiosk" / "i18n" / "locale" / source / "LC_MESSAGES" / "kiosk.po").open("rb") as file:
        word = read_po(file).get(_kiosk_names()[state]).string
    if language == "sr-Latn":
        from sync_server.i18n.script import to_latin
        word = to_latin(word)
    return word


@pytest.mark.parametrize("state", ["received", "confirmed", "declined",
                                   "merged", "published", "in_progress", "done"])
@pytest.mark.parametrize("language", ["bs", "hr", "sr", "sr-Latn", "en"])
def test_one_name_per_state_on_bench_and_phone(web: Web, language: str, state: str) -> None:
    from sync_server.i18n import gettext_for

    server_msgid = re.search(rf'"{state}": _\("([^"]+)"\)',
                             (ROOT / "sync_server/web/templates/labels.html").read_text()).group(1)
    assert gettext_for(language, server_msgid) == _kiosk_word(language, state)


def test_serbian_cyrillic_readers_read_place_names_in_cyrillic(web: Web) -> None:
    page = requests.get(f"{web.url}/i/{BIKES}?lang=sr").text
    assert "Требиње" in page and "Trebinje" not in page
    assert '<option value="zepce">Жепче</option>' in requests.get(f"{web.url}/suggest?lang=sr").text
    assert "Требиње" in requests.get(f"{web.url}/?lang=sr").text
    assert "Trebinje" in requests.get(f"{web.url}/i/{BIKES}?lang=sr-Latn").text


@pytest.mark.parametrize(("query", "municipality", "initiative"), [
    ("?m=trebinje", "trebinje", None), (f"?i={BINS}", "zepce", BINS), (f"?m=mostar&i={NETWORK}", "mostar", NETWORK)])
def test_the_contract_fields_alone_are_enough_after_a_preselection(web: Web, query: str, municipality: str,
                                                                  initiative: str | None) -> None:
    """`text`, `contact`, `consent` (and the form's hidden fields) posted to the form's own action:
    the municipality and initiative come from `?m=` / `?i=`, as the preselected choices would."""
    phone = requests.Session()
    page = phone.get(f"{web.url}/suggest{query}").text
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert action == f"/suggest{query}"
    time.sleep(1.0)
    text = f"Samo tri polja {uuid.uuid4().hex[:6]}"
    answer = phone.post(web.url + action, data={**form_fields(page), "text": text, "contact": "x@example.org",
                                                "consent": "yes"})
    assert heading(answer.text) == "Hvala vam!", answer.text[:1500]
    assert stored(web, text) == [("web", None, municipality, None, initiative, "bs", "x@example.org")]

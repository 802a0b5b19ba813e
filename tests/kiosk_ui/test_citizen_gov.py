"""Issue #11 on the bench, in the real Kivy window, in Latin and Cyrillic: the suggestion form's
"Finish on your phone" QR (its URL opened against a real server finishes the draft, and the bench
queues nothing for it), the municipality's official response on the initiative screen, and
"I'll join" on an action's event."""
from __future__ import annotations

import copy
import dataclasses
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from kiosk.core.store import BenchStore
from kiosk.ui.tr import tr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from live_server import LiveServer  # noqa: E402

MOSTAR_BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"
EVENT = "9c2e4a10-5b7d-4e21-8f3a-1d2c3b4a5e6f"
RESPONSE = {"decision": "accepted", "decided_on": "2026-11-30", "at": "2026-11-30T10:00:00Z",
            "texts": {"bs": "Općina postavlja kante do proljeća.", "sr": "Општина поставља канте до прољећа."}}
TYPED = {"bs": "Klupa kod mosta", "sr": "Клупа код моста"}


@pytest.fixture
def answered(kiosk):
    """The sample Mostar initiative with the municipality's response and an event next week, as
    the feed brings them; put back as it was afterwards."""
    store = kiosk.app.store
    original = store.initiative(MOSTAR_BINS)
    changed = copy.deepcopy(original)
    starts = (datetime.now(timezone.utc) + timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
    changed["official_response"] = RESPONSE
    changed["events"] = [{"id": EVENT, "starts_at": starts.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
                          "place": "Šetalište uz Neretvu", "needed": "Rukavice", "people_wanted": 20, "join_count": 4}]
    store.apply_initiatives({"items": [changed]})
    yield starts
    store.apply_initiatives({"items": [original]})


@pytest.mark.parametrize("language", ["bs", "sr"])
def test_the_municipalitys_answer_and_ill_join(kiosk, answered, language):
    store = kiosk.app.store
    before = store.pending_joins().get(EVENT, 0)
    kiosk.start(language)
    kiosk.tap([row for row in kiosk.find(cls="InitiativeRow") if row.initiative_id == MOSTAR_BINS][0])
    screen = kiosk.screen()
    assert kiosk.find(screen, text=tr._("The municipality's official response")), "the heading is on screen"
    assert kiosk.find(screen, text=f"{tr._('Accepted')}  ·  30.11.2026.")
    assert kiosk.find(screen, text=RESPONSE["texts"][language]), "the answer in the reader's script"
    sarajevo = answered.astimezone(ZoneInfo("Europe/Sarajevo")).strftime("%d.%m.%Y. %H:%M")  # 10:00 in winter
    assert kiosk.find(screen, text=f"{sarajevo}  ·  Šetalište uz Neretvu"), "when and where, in Sarajevo time"
    count = tr.ngettext("{count} person has joined, {wanted} wanted", "{count} people have joined, {wanted} wanted",
                        4 + before)
    assert kiosk.find(screen, text=count.format(count=4 + before, wanted=20))
    kiosk.screenshot(f"initiative-answer-{language}")
    # Below the fold in the longer Cyrillic texts: the visitor scrolls down to the button first.
    join = kiosk.button(tr._("I'll join"))
    screen.ids.scroller.scroll_to(join, padding=20, animate=False)
    kiosk.frames()
    kiosk.tap(join)
    assert kiosk.find(screen, text=tr._("You are joining. Thank you!"))[0].disabled
    after = tr.ngettext("{count} person has joined, {wanted} wanted", "{count} people have joined, {wanted} wanted",
                        5 + before).format(count=5 + before, wanted=20)
    assert kiosk.find(screen, text=after), "the bench's own join counts at once"
    assert store.pending_joins()[EVENT] == before + 1
    assert [i for i in store.pending_batch("joins", 100) if i["event_id"] == EVENT]
    kiosk.screenshot(f"initiative-joined-{language}")
    # once per visit: back to the list and in again, the button stays "joining"
    kiosk.tap(kiosk.button(tr._("Back to the list")))
    kiosk.tap([row for row in kiosk.find(cls="InitiativeRow") if row.initiative_id == MOSTAR_BINS][0])
    assert not [w for w in kiosk.find(kiosk.screen(), text=tr._("I'll join")) if not w.disabled]
    assert store.pending_joins()[EVENT] == before + 1


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer.start_new(tmp_path_factory.mktemp("handoff-server")) as live:
        yield live


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("language", ["bs", "sr"])
def test_finish_on_the_phone_from_the_qr(kiosk, server, language):
    bench_id, token = server.add_bench("mostar")
    config = kiosk.app.config_
    kiosk.app.config_ = dataclasses.replace(config, server_url=server.url, bench_id=bench_id, token=token)
    try:
        kiosk.start(language)
        kiosk.tap(kiosk.button(tr._("Suggest an idea")))
        screen = kiosk.screen()
        kiosk.type_on_keys(TYPED[language])
        kiosk.tap(kiosk.button(tr._("Continue on your phone")))
        caption = kiosk.find(screen, text=tr._("Finish on your phone"))
        qr = [w for w in kiosk.find(screen, cls="QRCode") if w.data]
        assert caption and qr, "the hand-off QR and its caption are on screen"
        assert qr[0].width >= 206, "35 mm at 149 dpi"
        assert not kiosk.find(screen, cls="Key"), "the QR takes the keyboard's place"
        url = qr[0].data  # what a phone reads from the QR the kiosk drew
        assert url.startswith(f"{server.url}/c/")
        kiosk.screenshot(f"suggest-handoff-{language}")
        # the phone: the draft is there, in the bench's language; the first send says it was sent
        phone = requests.Session()
        form = phone.get(url)
        assert form.status_code == 200 and TYPED[language] in form.text
        assert f'lang="{language}"' in form.text
        sent = phone.post(url, data={"csrf_token": _csrf(form.text), "text": TYPED[language] + "!"})
        first_heading = re.search(r"<h1>(.*?)</h1>", sent.text).group(1)
        receipt = re.search(r'class="receipt">([0-9A-Z-]{9})<', sent.text).group(1)
        again = phone.get(url)
        assert re.search(r"<h1>(.*?)</h1>", again.text).group(1) != first_heading, "a reopened link says already sent"
        assert server.rows("SELECT text, bench_id FROM suggestions WHERE receipt = ?", [receipt]) == [
            (TYPED[language] + "!", bench_id)]
        draft_id = screen.draft_id
        kiosk.tap(kiosk.button(tr._("Back to the keyboard")))
        assert kiosk.find(screen, cls="Key") and not [w for w in kiosk.find(screen, cls="QRCode") if w.data]
        # the citizen walks away: the bench resets and queues nothing for that draft
        kiosk.app.reset_session()
        kiosk.frames(2)
        on_disk = BenchStore(kiosk.app.config_.store_path)
        try:
            assert all(item["id"] != draft_id for item in on_disk.pending_batch("suggestions", 1000))
            assert on_disk.conn.execute("SELECT count(*) FROM suggestions WHERE id = ?", [draft_id]).fetchone() == (0,)
        finally:
            on_disk.close()
        assert screen.draft_id == "" and screen.handoff_url == ""
    finally:
        kiosk.app.config_ = config


def test_no_qr_without_a_bench_token(kiosk):
    """A bench without a token cannot sign the link, so it shows no QR rather than a broken one."""
    kiosk.start("bs")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.type_on_keys("Ideja")
    assert not kiosk.find(kiosk.screen(), text=tr._("Continue on your phone"))
    assert not kiosk.find(kiosk.screen(), text=tr._("Finish on your phone"))
    assert kiosk.screen().handoff_url == ""

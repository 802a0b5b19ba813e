"""The hidden maintainer entry: five taps on the attract screen's logo, then the PIN."""
from __future__ import annotations

from hardware.status import SWITCHABLE_PORTS
from kiosk.ui.tr import tr
from tests.speech_audio import assert_spoken


def test_wrong_pin_is_refused(kiosk):
    kiosk.open_pin()
    kiosk.type_pin("1234")
    assert kiosk.app.manager.current == "pin"
    assert kiosk.screen().message == "Pogrešan PIN."
    kiosk.screenshot("pin-wrong")


def test_demo_pin_opens_diagnostics(kiosk):
    kiosk.open_pin()
    kiosk.type_pin("0000")
    assert kiosk.app.manager.current == "diagnostics"
    screen = kiosk.screen()
    info = screen.ids.info.text
    assert "Verzija aplikacije" in info and "Čeka slanje" in info
    assert "Energetski plan: –" in info  # no controller in this test, so no plan yet
    ports = list(screen.ids.ports.children)
    kiosk.wait(2.5, step=0.5)  # two refreshes
    assert list(screen.ids.ports.children) == ports, "a refresh changes texts, not widgets"
    kiosk.tap(kiosk.button(tr._("Back to the start screen")))
    assert kiosk.app.manager.current == "attract"


def test_diagnostics_reads_in_ten_seconds(kiosk):
    """Traffic lights with translated words first; the raw figures only after a second tap."""
    kiosk.open_pin()
    kiosk.type_pin("0000")
    screen = kiosk.screen()
    cards = kiosk.find(screen, cls="LightCard")
    assert [card.topic for card in cards] == ["Solarna energija", "Baterija", "Priključci za punjenje",
                                              "Serijska veza", "Sinhronizacija", "Pohrana"]
    assert cards[3].fact == "Kontroler napajanja nije podešen." and cards[3].sign == "?"
    assert not kiosk.find(screen, text=screen.ids.info.text), "the raw figures wait for a second tap"
    assert screen.ids.info.get_root_window() is None, "hidden, they are not drawn either"
    ports = [b for b in kiosk.find(screen.ids.ports) if type(b).__name__ == "QuietButton"]
    assert len(ports) == len(SWITCHABLE_PORTS), "one toggle per port"
    assert [b.text for b in ports if b.text.startswith("Svjetlo")] == ["Svjetlo: –"], "named in Bosnian"
    kiosk.screenshot("diagnostics-summary-bs")
    kiosk.tap(kiosk.button(tr._("Show details")))
    info = screen.ids.info
    assert kiosk.find(screen, text=info.text) and "Verzija aplikacije" in info.text
    for word in ("True", "SMART_BENCH_", "absorption", "+00:00", "LIGHT"):
        assert word not in info.text + "".join(card.fact for card in cards), word
    kiosk.screenshot("diagnostics-details-bs")
    kiosk.tap(kiosk.button(tr._("Back to the start screen")))


def test_the_speaker_test_is_heard_or_says_why_not(kiosk, monkeypatch):
    kiosk.open_pin()
    kiosk.type_pin("0000")
    screen, speaker = kiosk.screen(), kiosk.app.services.speech
    kiosk.tap(kiosk.button(tr._("Test the speaker")))
    assert kiosk.find(screen, text="Pušta se probna rečenica. Čujete li je?"), "the technician is asked to listen"
    assert speaker.wait_until_quiet(30)
    utterance, wav = speaker.recordings[-1]
    assert utterance.text == "Ovo je zvučnik klupe. Ako ovo čujete, čuje se i audio vodič." and utterance.language == "bs"
    assert_spoken(wav, utterance.text)
    kiosk.wait(1.5, step=0.5)
    assert screen.speaker_status == "Pušta se probna rečenica. Čujete li je?", "no fault after a sentence heard"
    kiosk.screenshot("diagnostics-speaker-bs")

    # A bench whose espeak-ng is gone (the program renamed: it cannot be uninstalled here).
    monkeypatch.setattr("kiosk.core.speech.PROGRAM", "espeak-ng-missing")
    kiosk.tap(kiosk.button(tr._("Test the speaker")))
    assert speaker.wait_until_quiet(30)
    kiosk.wait(1.5, step=0.5)  # the next refresh
    assert kiosk.find(screen, text="Zvučnik ne radi: espeak-ng nije instaliran ili nema glas za ovaj jezik")
    monkeypatch.undo()
    kiosk.tap(kiosk.button(tr._("Back to the start screen")))
    assert screen.speaker_status == "", "the next technician starts with no old finding"


def test_four_taps_do_nothing(kiosk):
    logo = kiosk.find(kiosk.screen(), text=tr._("Smart Bench"))[0]
    for _ in range(4):
        kiosk.tap(logo)
    # The taps on the attract screen's logo are the logo's, not "touch to start".
    assert kiosk.app.manager.current == "attract"


def test_top_bar_logo_is_no_way_out_mid_session(kiosk):
    kiosk.start("bs")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.type_on_keys("park")  # typed text that the gesture would throw away
    logo = kiosk.find(kiosk.screen(), where=lambda w: str(getattr(w, "text", "")).startswith(tr._("Smart Bench") + "\n"))[0]
    for _ in range(5):
        kiosk.tap(logo)
    assert kiosk.app.manager.current == "suggest" and kiosk.screen().ids.text.text == "park"


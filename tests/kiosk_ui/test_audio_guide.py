"""The audio guide in the real window: a person who cannot see the screen holds a finger on it,
hears it read, browses by moving the finger, supports an initiative with a double tap and hears
that it counted; every screen is spoken in every language; the idle reset silences the guide.

What the kiosk sent to the speech engine is read from the Speaker's history; the engine is the
real espeak-ng, writing each utterance to a WAV file (no sound card here), checked with ``wave``."""
from __future__ import annotations

import pytest
from kivy.core.window import Window

from kiosk.core.speech import espeak_input, in_language, plain
from kiosk.ui.guide import HOLD_S, SCREEN_NAMES
from kiosk.ui.tr import ngettext, tr
from tests.speech_audio import assert_spoken

MOSTAR_BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"
LANGUAGES = ("bs", "hr", "sr", "sr-Latn", "en")
FINGER_STEP_S = 0.05
PAUSE_S = 0.6  # a person's pause between one gesture and the next: longer than a double tap's gap


class Finger:
    """One finger on the glass: pressed, moved and lifted as SDL reports it to Kivy."""

    def __init__(self, kiosk) -> None:
        self.kiosk = kiosk
        self.x = self.y = 0.0

    def _sdl(self, x: float, y: float) -> tuple[float, float]:
        return x, Window.height - 1 - y

    def down(self, x: float, y: float) -> None:
        self.x, self.y = x, y
        Window.dispatch("on_mouse_down", *self._sdl(x, y), "left", [])
        self.kiosk.wait(FINGER_STEP_S, step=FINGER_STEP_S)

    def move_to(self, x: float, y: float, steps: int = 1) -> None:
        for index in range(1, steps + 1):
            at = (self.x + (x - self.x) * index / steps, self.y + (y - self.y) * index / steps)
            Window.dispatch("on_mouse_move", *self._sdl(*at), [])
            self.kiosk.wait(FINGER_STEP_S, step=FINGER_STEP_S)
        self.x, self.y = x, y

    def up(self, pause_s: float = PAUSE_S) -> None:
        Window.dispatch("on_mouse_up", *self._sdl(self.x, self.y), "left", [])
        self.kiosk.wait(pause_s, step=FINGER_STEP_S)

    def hold(self, x: float, y: float, seconds: float = HOLD_S + 0.2) -> None:
        self.down(x, y)
        self.kiosk.wait(seconds, step=0.1)
        self.up()

    def tap(self, x: float, y: float, pause_s: float = PAUSE_S) -> None:
        self.down(x, y)
        self.up(pause_s)

    def double_tap(self, x: float, y: float) -> None:
        self.tap(x, y, pause_s=0.15)
        self.tap(x, y)


def centre(widget) -> tuple[float, float]:
    return widget.to_window(*widget.center)


def said(kiosk) -> list[str]:
    return [utterance.text for utterance in kiosk.app.services.speech.history]


def last_said(kiosk) -> str:
    return said(kiosk)[-1]


def supporters(kiosk) -> str:
    return kiosk.screen("initiative").shown["supporters"]


def test_a_blind_visitor_supports_an_initiative_by_ear(kiosk):
    guide, finger = kiosk.app.guide, Finger(kiosk)
    # Somewhere on the attract screen (it starts on a touch), held still for three seconds.
    finger.hold(Window.width / 2, Window.height / 2)
    assert guide.on and kiosk.app.manager.current == "initiatives"
    heard = last_said(kiosk)
    assert heard.startswith("Audio vodič je uključen.") and "Inicijative" in heard
    first_row = kiosk.find(cls="InitiativeRow")[0]
    assert first_row.title in heard, "the screen's content is read, the list's rows with it"

    # Browse: the finger slides down the list; each row it reaches is read, nothing is pressed.
    rows = kiosk.find(cls="InitiativeRow")
    target = next(row for row in rows if row.initiative_id == MOSTAR_BINS)
    finger.down(*centre(rows[0]))
    finger.move_to(*centre(target), steps=8)
    finger.up()
    assert kiosk.app.manager.current == "initiatives", "browsing presses nothing"
    heard = last_said(kiosk)
    assert heard.startswith(target.title) and heard.endswith(f"{target.supporters}, dugme")
    assert target.summary in heard and "Mostar" in heard

    finger.double_tap(Window.width / 2, 40)  # anywhere: it activates what was read last
    kiosk.frames(2)
    assert kiosk.app.manager.current == "initiative" and kiosk.screen().initiative_id == MOSTAR_BINS
    before = supporters(kiosk)
    assert last_said(kiosk).startswith("Inicijativa. ") and f"{before}." in last_said(kiosk)

    # Find "I support this" by sliding the finger across the right-hand column, and use it.
    button = kiosk.button(tr._("I support this"))
    x, y = centre(button)
    finger.down(x, Window.height - 120)
    finger.move_to(x, y, steps=6)
    finger.up()
    assert last_said(kiosk) == tr._("{label}, button").format(label=tr._("I support this")), said(kiosk)[-6:]
    count = int(before.split()[0])
    finger.double_tap(x, y)
    kiosk.frames(2)
    assert supporters(kiosk) == ngettext("{count} supporter", "{count} supporters", count + 1).format(count=count + 1)
    assert last_said(kiosk) == tr._("{label}, button").format(label="✓ " + tr._("Supported"))
    kiosk.screenshot("guide-supported-bs")

    # The count line, touched, says the new count.
    count_label = kiosk.find(kiosk.screen(), text=supporters(kiosk))[0]
    finger.tap(*centre(count_label))
    assert last_said(kiosk) == supporters(kiosk)

    speaker = kiosk.app.services.speech
    assert speaker.wait_until_quiet(30)
    utterance, wav = speaker.recordings[-1]
    assert utterance.text == supporters(kiosk) and utterance.language == "bs"
    assert_spoken(wav, utterance.text)

    finger.hold(Window.width / 2, Window.height / 2)  # three seconds again: off
    assert not guide.on and last_said(kiosk) == "Audio vodič je isključen."
    counted = supporters(kiosk)
    kiosk.tap(kiosk.button(tr._("Back to the list")))  # touches press buttons again
    assert kiosk.app.manager.current == "initiatives"
    [row] = kiosk.find(cls="InitiativeRow", where=lambda r: r.initiative_id == MOSTAR_BINS)
    assert row.supporters == counted, "the list counts the new support too"


def test_the_guide_key_reads_the_fate_of_the_ideas(kiosk):
    """The public results screen is read as counts by state: never another visitor's receipt code."""
    store = kiosk.app.store
    receipt = store.add_suggestion("Klupa u hladu kod škole", "sr").receipt
    waiting = store.suggestion_counts()["pending"]
    kiosk.start("sr")
    kiosk.tap(kiosk.button(tr._("What became of the ideas")))
    kiosk.tap(kiosk.button(tr._("Audio guide")))
    heard = last_said(kiosk)
    assert kiosk.app.guide.on and heard.startswith("Аудио водич је укључен.")
    assert tr._("What became of the ideas from this bench") in heard
    count = tr.ngettext("{count} idea", "{count} ideas", waiting).format(count=waiting)
    assert f"{tr._('Waiting to be sent')}. {count}" in heard and receipt not in heard
    speaker = kiosk.app.services.speech
    assert speaker.wait_until_quiet(60)
    utterance, wav = speaker.recordings[-1]
    assert utterance.text == heard and utterance.language == "sr"
    assert_spoken(wav, heard)
    finger = Finger(kiosk)
    heading = kiosk.find(kiosk.screen(), text=tr._("What became of the ideas from this bench"))[0]
    finger.tap(*centre(heading))
    finger.double_tap(*centre(heading))  # a text does nothing: it is read again
    assert said(kiosk)[-2:] == [heading.text, heading.text] and kiosk.app.manager.current == "results"
    # The key is on every screen, also for turning the guide off: found by touch, used by a double tap.
    key = kiosk.find(kiosk.screen(), text=tr._("Audio guide"))[0]
    finger.tap(*centre(key))
    assert last_said(kiosk) == tr._("{label}, button").format(label=tr._("Audio guide"))
    finger.double_tap(*centre(key))
    kiosk.frames(2)
    assert not kiosk.app.guide.on and last_said(kiosk) == "Аудио водич је искључен."


def test_the_idle_reset_silences_the_guide(kiosk):
    kiosk.start("en")
    kiosk.tap(kiosk.button(tr._("Audio guide")))
    idle = kiosk.app.idle
    assert kiosk.app.guide.on
    kiosk.wait(idle.timeout_s + 1, step=1.0)
    assert idle.warning and tr._("Are you still there?") in last_said(kiosk), "the warning is read aloud"
    kiosk.wait(idle.warning_s + 1, step=1.0)
    assert kiosk.app.manager.current == "attract" and not kiosk.app.guide.on
    speaker = kiosk.app.services.speech
    assert speaker.wait_until_quiet(5), "the reset cut the speech"
    kiosk.start("en")  # the next visitor's touches press buttons again


SCREEN_ARGUMENTS = {"initiative": {"initiative_id": MOSTAR_BINS}, "thanks": {"receipt": "K7QX-94MD"}}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_is_spoken_in_every_language(kiosk, language):
    kiosk.app.set_language(language)
    guide, speaker = kiosk.app.guide, kiosk.app.services.speech
    for screen in kiosk.app.manager.screen_names:
        kiosk.app.go(screen, **SCREEN_ARGUMENTS.get(screen, {}))
        kiosk.frames(2)
        text = guide.screen_text()
        assert text.startswith(tr._(SCREEN_NAMES[screen])), screen
        guide.say(text)
        assert speaker.wait_until_quiet(60)
        utterance, wav = speaker.recordings[-1]
        assert utterance.text == text and utterance.language == language, screen
        seconds, _rms = assert_spoken(wav, text)
        print(f"{language} {screen}: {len(text)} characters, {seconds:.1f} s")


def test_the_hold_that_starts_the_guide_presses_nothing(kiosk):
    """Held on a list row (a ScrollView hands a still finger to the row after 0.25 s), the lift
    after three seconds opens nothing: the guide is on, the list is still there."""
    kiosk.start("hr")
    row = kiosk.find(cls="InitiativeRow")[0]
    Finger(kiosk).hold(*centre(row))
    assert kiosk.app.guide.on and kiosk.app.manager.current == "initiatives"
    assert last_said(kiosk).startswith("Audio vodič je uključen.")
    kiosk.app.guide.stop()


def test_typing_by_ear(kiosk):
    """With the guide on, the keyboard's keys are found by touch and pressed by a double tap;
    symbol keys are read by name, and a shift (which rebuilds the keys) is confirmed, not the screen."""
    kiosk.start("bs")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.tap(kiosk.button(tr._("Audio guide")))
    finger, text = Finger(kiosk), kiosk.screen().ids.text
    finger.tap(*centre(kiosk.special_key("shift")))
    assert last_said(kiosk) == "Veliko slovo"
    finger.double_tap(*centre(kiosk.special_key("shift")))
    kiosk.frames(2)
    assert last_said(kiosk) == "Veliko slovo" and kiosk.screen().ids.keyboard.mode == "shift"
    for letter in ("K", "l"):
        finger.tap(*centre(kiosk.key(letter)))
        assert last_said(kiosk) == letter
        finger.double_tap(*centre(kiosk.key(letter)))
        kiosk.frames(2)
    finger.tap(*centre(kiosk.special_key("backspace")))
    assert last_said(kiosk) == "Briši"
    assert text.text == "Kl"
    kiosk.app.guide.stop()


SERBIAN_ONLY = "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41"  # the sample's cycle path: texts in Serbian only


def test_a_title_in_its_original_language_is_read_in_that_language_s_voice(kiosk):
    """An English reader on an initiative not translated yet: the screen shows the Serbian title
    (in Latin letters) with a note; the guide reads the English words in the English voice and the
    title in the Serbian one. What the screen shows carries no trace of it."""
    kiosk.start("en")
    kiosk.app.go("initiative", initiative_id=SERBIAN_ONLY)
    kiosk.frames(2)
    screen = kiosk.screen()
    title = screen.shown["title"]
    assert title.startswith("[PRIMJER] Biciklistička staza") and screen.shown["note"].startswith("Not translated yet")
    heading = kiosk.find(screen, text=title)[0]
    guide, finger = kiosk.app.guide, Finger(kiosk)
    kiosk.tap(kiosk.button(tr._("Audio guide")))
    heard = last_said(kiosk)
    assert in_language(title, "sr-Latn") in heard and in_language(screen.shown["summary"], "sr-Latn") in heard
    assert heard.startswith("Audio guide on.") and "Initiative. " in plain(heard)
    finger.tap(*centre(heading))
    assert last_said(kiosk) == in_language(title, "sr-Latn")
    assert heading.text == title, "the marks are for the voice only"
    options, text = espeak_input(kiosk.app.services.speech.history[-2])  # the screen, as spoken
    assert f'<voice name="sr">{title}</voice>' in text and text.startswith('<speak><voice name="en">Audio guide on.')
    speaker = kiosk.app.services.speech
    assert speaker.wait_until_quiet(30)
    utterance, wav = speaker.recordings[-1]
    assert utterance.text == in_language(title, "sr-Latn") and utterance.language == "en"
    assert_spoken(wav, utterance.text)
    guide.stop(quietly=True)


def test_the_line_about_an_initiative_reads_its_title_in_that_language_s_voice(kiosk):
    """Writing about an initiative not translated yet, an English reader hears "About:" in English
    and the Serbian title in the Serbian voice; the line on screen is plain."""
    kiosk.start("en")
    kiosk.app.go("initiative", initiative_id=SERBIAN_ONLY)
    kiosk.frames(2)
    title = kiosk.screen().shown["title"]
    kiosk.tap(kiosk.button(tr._("Write a suggestion about this")))
    screen = kiosk.screen()
    assert kiosk.app.manager.current == "suggest" and screen.ids.about.text == f"About: {title}"
    kiosk.tap(kiosk.button(tr._("Audio guide")))
    assert f"About: {in_language(title, 'sr-Latn')}" in last_said(kiosk)
    Finger(kiosk).tap(*centre(screen.ids.about))
    assert last_said(kiosk) == f"About: {in_language(title, 'sr-Latn')}"
    kiosk.app.guide.stop(quietly=True)
    kiosk.app.go("initiative", initiative_id=MOSTAR_BINS)  # in English: nothing to mark
    kiosk.frames(2)
    kiosk.tap(kiosk.button(tr._("Write a suggestion about this")))
    assert screen.ids.about.spoken_text == "" and screen.ids.about.text.startswith("About: [SAMPLE]")

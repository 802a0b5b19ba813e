"""Every screen in Bosnian, Serbian Cyrillic and English, at normal and large text, read from the
real window's pixels: text at least 4.5:1 against what is drawn behind it (placeholders too), the
edge of every control at least 3:1 against its surroundings, nothing under 24 px (36 px in large
text), no text spilling out of its box, one primary button per screen and the current section
marked in the top bar. The screenshots are left under test-artifacts/screenshots/looks-*."""
from __future__ import annotations

import pytest
from kivy.core.window import Window

from kiosk.ui.app import LARGE_TEXT_SCALE
from kiosk.ui.tr import tr
from tests.kiosk_ui.looks import primary_buttons, problems


def check(kiosk, name: str, scale: float, *, primaries: int | None = 1) -> list[str]:
    path = kiosk.screenshot(name)
    top = Window.children[0]
    faults = [f"{name}: {p}" for p in problems(path, top, scale=scale)]
    if primaries is not None and len(primary_buttons(top)) != primaries:
        faults.append(f"{name}: {[b.text for b in primary_buttons(top)]} primary buttons, want {primaries}")
    return faults


def current_tab(kiosk) -> list[str]:
    return [w.text for w in kiosk.find(kiosk.screen(), cls="TabButton") if w.tone == "current"]


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("language", ["bs", "sr", "en"])
def test_every_screen_is_legible(kiosk, language, large):
    scale = LARGE_TEXT_SCALE if large else 1.0
    tag = f"{language}-{'large' if large else 'normal'}"
    kiosk.app.set_language(language)
    faults = check(kiosk, f"looks-attract-{tag}", 1.0, primaries=None)
    kiosk.start(language)
    if large:
        kiosk.tap(kiosk.button("Aa"))
        assert kiosk.app.text_scale == 1.5
    faults += check(kiosk, f"looks-initiatives-{tag}", scale, primaries=0)
    assert current_tab(kiosk) == [tr._("Initiatives")]
    kiosk.tap(kiosk.find(cls="InitiativeRow")[0])
    faults += check(kiosk, f"looks-initiative-{tag}", scale)
    assert current_tab(kiosk) == [tr._("Initiatives")]
    kiosk.tap(kiosk.button(tr._("Write a suggestion about this")))
    assert current_tab(kiosk) == [tr._("Suggest an idea")]
    faults += check(kiosk, f"looks-suggest-{tag}", scale)
    field = kiosk.screen().ids.text
    assert field.height >= field.line_height + field.padding[1] + field.padding[3], "room for a line of text"
    kiosk.type_on_keys("Klupe" if language != "sr" else "Клупе")
    kiosk.tap(kiosk.button(tr._("Contact (optional)")))
    faults += check(kiosk, f"looks-contact-{tag}", scale)
    kiosk.tap(kiosk.button(tr._("Preview")))
    faults += check(kiosk, f"looks-preview-{tag}", scale)
    kiosk.tap(kiosk.button(tr._("Send")))
    faults += check(kiosk, f"looks-thanks-{tag}", scale)
    kiosk.tap(kiosk.button(tr._("What became of the ideas")))
    assert current_tab(kiosk) == [tr._("What became of the ideas")]
    faults += check(kiosk, f"looks-results-{tag}", scale, primaries=0)
    idle = kiosk.app.idle
    kiosk.wait(idle.timeout_s + 2, step=1.0)
    assert idle.warning
    faults += check(kiosk, f"looks-idle-{tag}", scale)
    assert kiosk.find(text=tr._("Continue")), "the prompt offers a button"
    assert faults == [], "\n".join(faults)

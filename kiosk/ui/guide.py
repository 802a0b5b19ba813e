"""The audio guide: the kiosk for a person who cannot see the screen, as phone screen readers work.

A finger held still anywhere for three seconds, or the "Audio guide" key of every screen, turns it
on: it says how it works, then reads the screen's name and content. From then on a touch does not
press anything: the element under the finger is read (move the finger to browse), and a double tap
anywhere activates the element read before it; what changed is read next. Holding three seconds
again, the key, or the idle reset turns it off. Speech runs on ``kiosk.core.speech.Speaker``'s
thread, so the UI never waits for it, and each new reading cuts the one before. A label showing
content sets ``content_language`` (kv): its text is read in that language's voice; a line that
mixes languages sets ``spoken_text``, its words with the content marked (``speech.in_language``).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Iterator

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.textinput import TextInput
from kivy.uix.widget import Widget

from kiosk.core.speech import in_language
from kiosk.ui.names import N_
from kiosk.ui.tr import _, tr
from kiosk.ui.widgets.keyboard import Key

HOLD_S = 3.0
DOUBLE_TAP_S = 0.4  # a second touch this soon after a lift is a double tap (phones use ~0.3 s)
STILL_PX = 40  # a finger that moves further is browsing, not holding
# Found by touch; read aloud with every screen they would drown its content. By class name: the
# top bar is a kv rule with no Python class.
SKIPPED_IN_SUMMARY = ("OnScreenKeyboard", "TopBar")

# The keys whose label is a symbol, by keycode (the symbols page key by its label).
KEY_NAMES = {"backspace": N_("Delete"), "spacebar": N_("Space"), "enter": N_("Enter"),
             "shift": N_("Capital letter"), "?123": N_("Digits and symbols"), "abc": N_("Letters")}

SCREEN_NAMES = {
    "attract": N_("Smart Bench"), "initiatives": N_("Initiatives"), "initiative": N_("Initiative"),
    "suggest": N_("Suggest an idea"), "thanks": N_("Thank you! Your idea is saved."),
    "results": N_("What became of the ideas from this bench"), "pin": N_("Enter the PIN"),
    "diagnostics": N_("Diagnostics"),
}


def sentences(texts: Iterable[str]) -> str:
    """Texts read one after the other, each ended as a sentence (a pause in the voice)."""
    return " ".join(text if text[-1] in ".!?:…" else text + "." for text in texts if text)


def _shown(widget: Widget) -> bool:
    return widget.opacity > 0 and widget.width > 0 and widget.height > 0


def _own_text(widget: Widget) -> str:
    if isinstance(widget, TextInput):
        return widget.text or widget.hint_text
    if isinstance(widget, Label):
        if getattr(widget, "spoken_text", ""):  # a line mixing languages says how it is read
            return widget.spoken_text
        # A label that shows content (an initiative's title) says in which language it is: shown
        # in its original language to a reader of another, it is read in that language's voice.
        language = getattr(widget, "content_language", "")
        return in_language(widget.text, language) if language and language != tr.language else widget.text
    return ""


def _texts_within(widget: Widget, skipped: tuple[str, ...] = ()) -> Iterator[str]:
    """The texts shown inside ``widget`` in reading order (kv order), leaving out the widgets of
    the classes named in ``skipped``; a control is one text (a list row with its labels)."""
    for child in reversed(widget.children):
        if not _shown(child) or type(child).__name__ in skipped:
            continue
        if isinstance(child, (Label, TextInput)) or _is_control(child):
            text = describe(child)
            if text:
                yield text
        else:
            yield from _texts_within(child, skipped)


def _is_control(widget: Widget) -> bool:
    return isinstance(widget, (ButtonBehavior, TextInput))


def describe(widget: Widget) -> str:
    """What the guide says for ``widget``: its text, and what kind of control it is."""
    if isinstance(widget, Key):  # a key says its letter: "a, button" forty times helps no one
        name = KEY_NAMES.get(widget.keycode) or KEY_NAMES.get(widget.text)
        return _(name) if name else widget.text
    text = " ".join(_own_text(widget).split()) or sentences(_texts_within(widget)).rstrip(".")
    if not text:
        return ""
    if isinstance(widget, TextInput):
        return _("{label}, text field").format(label=text)
    if isinstance(widget, ButtonBehavior):
        if widget.disabled:
            return _("{label}, not available").format(label=text)
        return _("{label}, button").format(label=text)
    return text


def element_at(root: Widget, x: float, y: float) -> Widget | None:
    """The element a finger at window position (x, y) is on: the innermost control (a button, a
    list row, a text field) or else the innermost text, inside ``root``; None on empty space."""
    for child in root.children:  # the last added comes first: it is drawn on top
        if not _shown(child) or not child.collide_point(*root.to_widget(x, y)):
            continue
        if _is_control(child):
            return child  # a row's own labels are read as part of the row
        inner = element_at(child, x, y)
        if inner is not None:
            return inner
        if _own_text(child):
            return child
    return None


class AudioGuide:
    """Owns the touches while it is on; watches for the three-second hold while it is off."""

    def __init__(self, app: Any, speak: Callable[[str, str], None], silence: Callable[[], None]) -> None:
        self.app = app
        self._speak, self._silence = speak, silence
        self.on = False
        self.focused: Widget | None = None
        self._focused_before_tap: Widget | None = None
        self._hold = None
        self._held_touch: Any = None
        self._owned: set[int] = set()  # touches the guide took: their lift presses nothing
        self._last_lift = -math.inf
        self._double = False
        Window.bind(on_touch_down=self._down, on_touch_move=self._move, on_touch_up=self._up)

    # --- what it says -----------------------------------------------------------------------

    def say(self, text: str) -> None:
        self._speak(text, self.app.language)

    def screen_text(self) -> str:
        """The name and content of what is in front of the person: an open popup, else the screen."""
        popups = [w for w in Window.children if isinstance(w, ModalView)]
        if popups:
            return sentences(_texts_within(popups[0]))
        screen = self.app.manager.current_screen
        name = _(SCREEN_NAMES.get(screen.name, screen.name))
        return sentences([name, *(text for text in _texts_within(screen, SKIPPED_IN_SUMMARY) if text != name)])

    # --- on and off -------------------------------------------------------------------------

    def start(self) -> None:
        self.on = True
        self.focused = None
        self.say(_("Audio guide on. Move a finger over the screen to hear what is under it, and tap "
                   "twice to use it. Hold a finger still for three seconds to turn the guide off.")
                 + " " + self.screen_text())

    def stop(self, *, quietly: bool = False) -> None:
        """Off: touches press buttons again. ``quietly`` (the idle reset) also cuts any speech."""
        was_on, self.on, self.focused = self.on, False, None
        self._cancel_hold()
        if quietly:
            self._silence()
        elif was_on:
            self.say(_("Audio guide off."))

    def toggle(self) -> None:
        """The "Audio guide" key."""
        if self.on:
            self.stop()
        else:
            self.start()

    # --- touches ----------------------------------------------------------------------------

    def _down(self, _window: Any, touch: Any) -> bool:
        self._cancel_hold()
        self._held_touch = touch
        self._hold = Clock.schedule_once(lambda _dt: self._held(touch), HOLD_S)
        if not self.on:
            return False  # the touch goes on to the screen as usual
        self._owned.add(touch.uid)
        self._double = Clock.get_boottime() - self._last_lift < DOUBLE_TAP_S
        if not self._double:
            # Should this turn out to be the first tap of a double tap, what it lands on does not
            # count: the double tap uses what was read before it, wherever it is made.
            self._focused_before_tap = self.focused
            self._explore(touch)
        return True

    def _move(self, _window: Any, touch: Any) -> bool:
        if touch is self._held_touch and math.dist(touch.pos, touch.opos) > STILL_PX:
            self._cancel_hold()
        if touch.uid not in self._owned:
            return False
        if not self._double:
            self._explore(touch)
        return True

    def _up(self, _window: Any, touch: Any) -> bool:
        if touch is self._held_touch:
            self._cancel_hold()
        if touch.uid not in self._owned:
            return False
        self._owned.discard(touch.uid)
        if self.on:
            self._last_lift = Clock.get_boottime()
            if self._double:
                self._double = False
                self._last_lift = -math.inf  # a third tap starts afresh
                self.focused = self._focused_before_tap or self.focused
                self._activate()
        return True

    def _cancel_hold(self) -> None:
        if self._hold is not None:
            self._hold.cancel()
            self._hold = None
        self._held_touch = None

    def _held(self, touch: Any) -> None:
        """Three seconds still: the guide turns on (or off), and the touch presses nothing."""
        self._hold = self._held_touch = None
        self._let_go_of(touch)
        self._double = False
        if self.on:
            self.stop()
        else:
            self.start()

    @staticmethod
    def _let_go_of(touch: Any) -> None:
        """Take a touch back from the buttons that grabbed it, so its lift presses none of them (a
        ScrollView keeps its grab: it needs the lift to settle)."""
        for reference in list(touch.grab_list):
            widget = reference()
            if isinstance(widget, ButtonBehavior):
                touch.ungrab(widget)
                if widget.state == "down" and not hasattr(widget, "group"):  # a toggle keeps its state
                    widget.state = "normal"

    def _explore(self, touch: Any) -> None:
        top = next((w for w in Window.children if isinstance(w, ModalView)), self.app.manager.current_screen)
        element = element_at(top, *touch.pos)
        if element is None or element is self.focused:
            return
        self.focused = element
        self.say(describe(element))

    # --- activating -------------------------------------------------------------------------

    def _activate(self) -> None:
        element = self.focused
        if element is None or element.get_root_window() is None:
            self.say(_("Touch an element first, then tap twice."))
            return
        if element.disabled or not _is_control(element):  # a text: nothing to do but read it again
            self.say(describe(element))
            return
        screen, described = self.app.manager.current, describe(element)
        popup_before = any(isinstance(w, ModalView) for w in Window.children)
        if isinstance(element, TextInput):
            element.focus = True
        else:
            element.trigger_action(duration=0)
        # kv rules and the screen change settle on the next frame: read what is there then.
        Clock.schedule_once(lambda _dt: self._after_activation(element, described, screen, popup_before), 0)

    def _after_activation(self, element: Widget, described: str, screen: str, popup_before: bool) -> None:
        if not self.on:  # it was the guide's own key: "Audio guide off" is the last word
            return
        popup_now = any(isinstance(w, ModalView) for w in Window.children)
        if self.app.manager.current != screen or popup_now != popup_before:
            self.focused = None
            self.say(self.screen_text())
        elif element.get_root_window() is None:  # rebuilt in place (a keyboard after shift)
            self.focused = None
            self.say(described)
        else:
            self.say(describe(element))

"""The "are you still there?" prompt, with a countdown and a Continue button; the App takes the
tap anywhere that continues."""
from __future__ import annotations

from kivy.properties import NumericProperty
from kivy.uix.modalview import ModalView


class IdleWarning(ModalView):
    seconds_left = NumericProperty(0)
    fraction_left = NumericProperty(1.0)  # of the warning's time: the bar that shrinks

    def __init__(self, **kwargs) -> None:
        super().__init__(auto_dismiss=False, **kwargs)

    def show(self, seconds_left: int, total_s: float) -> None:
        self.seconds_left = seconds_left
        self.fraction_left = min(1.0, seconds_left / total_s)
        if self._window is None:
            self.open(animation=False)

    def dismiss(self, *args, **kwargs) -> None:
        if self._window is not None:
            super().dismiss(animation=False)


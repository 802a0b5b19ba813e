"""The "are you still there?" overlay; the App takes the tap anywhere that continues."""
from __future__ import annotations

from kivy.properties import NumericProperty
from kivy.uix.modalview import ModalView


class IdleWarning(ModalView):
    seconds_left = NumericProperty(0)

    def __init__(self, **kwargs) -> None:
        super().__init__(auto_dismiss=False, **kwargs)

    def show(self, seconds_left: int) -> None:
        self.seconds_left = seconds_left
        if self._window is None:
            self.open(animation=False)

    def dismiss(self, *args, **kwargs) -> None:
        if self._window is not None:
            super().dismiss(animation=False)


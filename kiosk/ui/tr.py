"""The translator as kv sees it: ``tr._("Touch anywhere to start")`` (or ``tr.ngettext(...)``) in a kv
rule re-evaluates when the language changes, because kv binds to the ``_`` (``ngettext``) attribute
and this observable calls those bindings on every switch. The App points it at the injected
Translator and language."""
from __future__ import annotations

from typing import Any, Callable

from kivy.event import Observable

from kiosk.i18n.translator import Translator


TRANSLATING = ("_", "ngettext")  # the attributes a kv rule may bind to


class ObservableTranslation(Observable):
    def __init__(self) -> None:
        super().__init__()
        self.translator: Translator | None = None
        self.language = "en"
        self._observers: list[tuple[Callable, tuple, dict]] = []

    def _(self, text: str) -> str:
        return self.translator.gettext(self.language, text) if self.translator else text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self.translator is None:
            return singular if n == 1 else plural
        return self.translator.ngettext(self.language, singular, plural, n)

    def switch(self, translator: Translator, language: str) -> None:
        self.translator, self.language = translator, language
        alive = []
        for callback, largs, kwargs in self._observers:  # as Kivy calls a property's bindings
            try:
                callback(*largs, self, None, **kwargs)
            except ReferenceError:  # a kv rule of a widget that is gone (a closed popup)
                continue
            alive.append((callback, largs, kwargs))
        self._observers = alive

    def fbind(self, name: str, func: Callable, *largs: Any, **kwargs: Any) -> int:
        if name in TRANSLATING:
            self._observers.append((func, largs, kwargs))
            return len(self._observers)
        return super().fbind(name, func, *largs, **kwargs)

    def funbind(self, name: str, func: Callable, *largs: Any, **kwargs: Any) -> None:
        if name in TRANSLATING:
            self._observers = [o for o in self._observers if o != (func, largs, kwargs)]
        else:
            super().funbind(name, func, *largs, **kwargs)


tr = ObservableTranslation()
_ = tr._  # for Python code: the same lookups, read at call time
ngettext = tr.ngettext

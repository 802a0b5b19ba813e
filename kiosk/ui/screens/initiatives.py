"""The initiatives of the municipality and the network: search as you type, categories, status
and supporters of each, in the chosen language where it exists."""
from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.text import cyrillic_to_latin, localised
from kiosk.ui.names import CATEGORIES, INITIATIVE_STATUSES, LANGUAGE_IN_SENTENCE, municipality_name, translated
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.tr import _, ngettext, tr
from kiosk.ui.widgets.photo import PhotoImage  # noqa: F401  (used by the kv rules)
from kiosk.ui.widgets.rowlist import RowList  # noqa: F401  (used by the kv rules)

load_kv(__file__)

LIST_LIMIT = 20_000
ROWS_KEPT = 64  # rows made up for the list, kept while it scrolls: a few screens' worth
SEARCH_LIMIT = 200
SEARCH_DELAY_S = 0.15  # one search per pause in typing, not one per key


def initiative_texts(initiative: dict[str, Any], language: str) -> tuple[dict[str, str], str, str]:
    """The texts to show in ``language``, a note when they are in another language, and the
    language they are in (the audio guide reads them in its voice)."""
    found = localised(initiative.get("texts") or {}, language, (initiative.get("original_language") or "",))
    if found is None:
        return {"title": "", "summary": "", "body": ""}, "", language
    shown, texts = found
    if shown == "sr" and language != "sr":  # a Latin reader gets Serbian in Latin letters
        texts, shown = {key: cyrillic_to_latin(value) for key, value in texts.items()}, "sr-Latn"
    if shown == language or (shown, language) in (("sr-Latn", "sr"), ("sr", "sr-Latn")):
        return dict(texts), "", shown
    note = _("Not translated yet; shown in the original: {language}").format(
        language=_(LANGUAGE_IN_SENTENCE.get(shown, shown)))
    return dict(texts), note, shown


def row_data(initiative: dict[str, Any], language: str, pending_supports: int = 0) -> dict[str, Any]:
    """What a row shows; the count adds the supports given on this bench that the server's count
    does not have yet (``BenchStore.pending_supports``), so a tap on "I support this" shows at once."""
    texts, note, shown_in = initiative_texts(initiative, language)
    place = municipality_name(initiative.get("municipality"), language)
    status = translated(INITIATIVE_STATUSES, initiative.get("status"))
    meta = "  ·  ".join(filter(None, [status, place, translated(CATEGORIES, initiative.get("category"))]))
    count = (initiative.get("support_count") or 0) + pending_supports
    photos = initiative.get("photos") or []
    return {"initiative_id": initiative["id"], "title": texts.get("title", ""),
            "summary": texts.get("summary", ""), "language": shown_in, "meta": meta, "note": note,
            "photo": photos[0]["sha256"] if photos else "",
            "supporters": ngettext("{count} supporter", "{count} supporters", count).format(count=count)}


class InitiativeRow(ButtonBehavior, BoxLayout):
    initiative_id = StringProperty("")
    title = StringProperty("")
    summary = StringProperty("")
    language = StringProperty("")  # of the title and summary
    meta = StringProperty("")
    note = StringProperty("")
    supporters = StringProperty("")
    photo = StringProperty("")  # sha256 of its first photo, "" for none

    def on_release(self) -> None:
        from kivy.app import App

        App.get_running_app().go("initiative", initiative_id=self.initiative_id)


class InitiativesScreen(KioskScreen):
    category = StringProperty("")  # "" = all
    typing = BooleanProperty(False)

    def on_kv_post(self, *args: Any) -> None:
        # The list holds (id, category) of every initiative; a row's texts are read from the
        # store when it comes into view, and the last ROWS_KEPT are kept (oldest dropped first).
        self._listed: list[tuple[str, str]] = []
        self._loaded_version = -1
        self._rows: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, int] = {}
        self._search = Clock.create_trigger(self._refresh, SEARCH_DELAY_S)
        self.ids.search.bind(text=lambda *_: self._search())
        self.ids.keyboard.target = self.ids.search
        self.app.bind(language=lambda *_: self._reload_if_shown(), store_version=lambda *_: self._reload_if_shown())
        tr.fbind("_", self._build_categories)

    def prepare(self, **kwargs: Any) -> None:
        if self._loaded_version != self.app.store_version:
            self._load()
        self._refresh()

    def _reload_if_shown(self) -> None:
        if self.manager and self.manager.current == self.name:
            self.prepare()

    def _load(self) -> None:
        self._listed = self.app.store.initiative_index(limit=LIST_LIMIT)
        self._loaded_version = self.app.store_version
        self._build_categories()

    def _build_categories(self, *args: Any) -> None:
        present = sorted({category for _id, category in self._listed if category},
                         key=lambda code: translated(CATEGORIES, code))
        box = self.ids.categories
        box.clear_widgets()
        for code in ["", *present]:
            chip = Factory.Chip(text=_("All") if not code else translated(CATEGORIES, code), group="category",
                                state="down" if code == self.category else "normal", allow_no_selection=False)
            chip.bind(on_release=lambda _c, code=code: self.set_category(code))
            box.add_widget(chip)

    def set_category(self, code: str) -> None:
        self.category = code
        self._refresh()

    def _refresh(self, *args: Any) -> None:
        query = self.ids.search.text.strip()
        if query:
            listed = [(i["id"], i.get("category") or "") for i in self.app.store.search(query, limit=SEARCH_LIMIT)]
        else:
            listed = self._listed
        # Rows are made up again: the language, or a count with supports given here, may have changed.
        self._rows, self._pending = {}, self.app.store.pending_supports()
        self.ids.list.show([initiative_id for initiative_id, category in listed
                            if not self.category or category == self.category])
        self.ids.empty.text = "" if self.ids.list.keys else (
            _("Nothing found for “{query}”.").format(query=query) if query else _("No initiatives here yet."))

    def row_of(self, initiative_id: str) -> dict[str, Any]:
        """What the row of one initiative shows, in the current language."""
        row = self._rows.get(initiative_id)
        if row is None:
            # Gone since the list was read (a sync removed it): a blank row until the list reloads.
            initiative = self.app.store.initiative(initiative_id) or {"id": initiative_id}
            row = row_data(initiative, self.app.language, self._pending.get(initiative_id, 0))
            if len(self._rows) >= ROWS_KEPT:
                del self._rows[next(iter(self._rows))]
            self._rows[initiative_id] = row
        return row

    def search_focused(self, focused: bool) -> None:
        if focused:
            self.typing = True

    def done_typing(self) -> None:
        self.typing = False
        self.ids.search.focus = False

    def on_reset(self) -> None:
        self.ids.search.text = ""
        self.category = ""
        self.done_typing()
        self._build_categories()

"""Search finds initiatives the way people type: any script, with or without diacritics, prefixes."""
from __future__ import annotations

import uuid

import pytest

from kiosk.core.store import BenchStore

PARK, BRIDGE, LIBRARY = (str(uuid.UUID(int=n)) for n in (1, 2, 3))


def initiative(initiative_id: str, texts: dict, **extra) -> dict:
    return {"id": initiative_id, "municipality": extra.get("municipality"), "status": "published",
            "category": "infrastructure", "texts": texts, "original_language": next(iter(texts)),
            "support_count": extra.get("support_count", 0), "updated_at": extra.get("updated_at", "2026-05-01T10:00:00Z")}


@pytest.fixture
def filled(store: BenchStore) -> BenchStore:
    store.apply_initiatives({"items": [
        initiative(PARK, {
            "bs": {"title": "Novi park u Žepču", "summary": "Klupe i drveće uz rijeku Bosnu", "body": "…"},
            "sr": {"title": "Нови парк у Жепчу", "summary": "Клупе и дрвеће уз ријеку Босну", "body": "…"},
        }, municipality="zepce"),
        initiative(BRIDGE, {
            "hr": {"title": "Rasvjeta na mostarskim šetalištima", "summary": "Noćna šetnja", "body": "Đurđevdanski sajam"},
            "en": {"title": "Lighting on Mostar's promenades", "summary": "", "body": ""},
        }, municipality="mostar"),
        initiative(LIBRARY, {
            "sr": {"title": "Читаоница у Требињу", "summary": "Љетња школа и џепне књиге", "body": ""},
        }, municipality="trebinje"),
    ], "deleted": [], "cursor": "c1"})
    return store


def ids(results: list[dict]) -> list[str]:
    return [item["id"] for item in results]


@pytest.mark.parametrize("typed", ["Mostar", "mostar", "MOSTARSKI", "most", "Мостар"])
def test_mostar_finds_the_mostarski_promenades_in_any_form(filled: BenchStore, typed: str) -> None:
    assert ids(filled.search(typed)) == [BRIDGE]


@pytest.mark.parametrize("typed", ["zepce", "Žepče", "ŽEPČU", "жепче", "Жепчу", "zep"])
def test_zepce_is_found_with_or_without_diacritics_in_latin_and_cyrillic(filled: BenchStore, typed: str) -> None:
    assert ids(filled.search(typed)) == [PARK]


@pytest.mark.parametrize("typed", ["citaonica", "čitaonica", "trebinju", "ljetnja", "džepne", "dzepne", "ЧИТАОНИЦА"])
def test_latin_queries_find_texts_written_only_in_cyrillic(filled: BenchStore, typed: str) -> None:
    assert ids(filled.search(typed)) == [LIBRARY]


@pytest.mark.parametrize("typed", ["ђурђевдански", "djurdjevdanski", "durdevdan", "Đurđ"])
def test_dj_and_cyrillic_dje_find_latin_dj(filled: BenchStore, typed: str) -> None:
    assert ids(filled.search(typed)) == [BRIDGE]


def test_every_word_must_match(filled: BenchStore) -> None:
    assert ids(filled.search("park zepce")) == [PARK]
    assert filled.search("park mostar") == []


def test_a_title_hit_ranks_above_a_summary_hit(store: BenchStore) -> None:
    store.apply_initiatives({"items": [
        initiative(PARK, {"bs": {"title": "Igralište", "summary": "Blizu škole", "body": ""}}),
        initiative(BRIDGE, {"bs": {"title": "Nova škola", "summary": "", "body": ""}}),
    ]})
    assert ids(store.search("skola")) == [BRIDGE, PARK]


@pytest.mark.parametrize("typed", ["", "   ", "xyzzy", "квргањ"])
def test_nothing_found_is_an_empty_list(filled: BenchStore, typed: str) -> None:
    assert filled.search(typed) == []


@pytest.mark.parametrize("hostile", ['"', '""', "*", "-", "-park", "NEAR(", "NEAR(park zepce, 2)", "park OR",
                                     "AND", "title:park", "^park", "park*)", "(", "'; DROP TABLE initiatives; --",
                                     "\x00", "🙂", "a" * 5000, "%_", "{title}: x"])
def test_hostile_queries_never_raise(filled: BenchStore, hostile: str) -> None:
    assert isinstance(filled.search(hostile), list)
    assert filled.initiative(PARK) is not None


def test_the_feed_replaces_updates_and_deletes(filled: BenchStore) -> None:
    filled.apply_initiatives({"items": [initiative(PARK, {"bs": {"title": "Park u Maglaju", "summary": "", "body": ""}},
                                                   support_count=7)],
                              "deleted": [LIBRARY], "cursor": "c2"})
    assert filled.search("zepce") == [] and ids(filled.search("maglaj")) == [PARK]
    assert filled.initiative(PARK)["support_count"] == 7
    assert filled.initiative(LIBRARY) is None and filled.search("trebinju") == []
    assert filled.get_cursor("initiatives") == "c2"
    filled.apply_initiatives({"items": [], "deleted": [], "cursor": "c3", "full": True})
    assert filled.initiatives() == [] and filled.search("mostar") == []


def test_an_initiative_comes_back_in_the_feed_shape(filled: BenchStore) -> None:
    item = filled.initiative(PARK)
    assert item["texts"]["sr"]["title"] == "Нови парк у Жепчу"
    assert set(item) == {"id", "municipality", "status", "category", "texts", "original_language",
                         "support_count", "updated_at", "photos", "official_response", "events"}
    assert item["photos"] == [] and item["official_response"] is None and item["events"] == []


def test_the_first_keystrokes_search_titles_only(filled: BenchStore) -> None:
    assert ids(filled.search("Mo")) == [BRIDGE]  # the English title "Lighting on Mostar's promenades"
    assert ids(filled.search("ri")) == []  # "rijeku" is only in a summary
    assert ids(filled.search("rij")) == [PARK]


def test_the_municipalitys_response_and_events_are_kept(tmp_path) -> None:
    """The feed's official_response and events survive the store; unusable ones are dropped."""
    from kiosk.core.store import BenchStore

    with BenchStore(tmp_path / "bench.db") as store:
        event = {"id": "9c2e4a10-5b7d-4e21-8f3a-1d2c3b4a5e6f", "starts_at": "2026-12-12T09:00:00.000000Z",
                 "place": "Платани", "needed": "Рукавице", "people_wanted": 20, "join_count": 3}
        response = {"decision": "accepted", "decided_on": "2026-11-30", "texts": {"sr": "Прихваћено.", "xx": "?"},
                    "at": "2026-11-30T10:00:00Z"}
        store.apply_initiatives({"items": [
            {"id": "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41", "texts": {"sr": {"title": "Стаза"}},
             "official_response": response, "events": [event, {"id": "bad", "place": "x"}]},
            {"id": "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10", "texts": {"bs": {"title": "Kante"}},
             "official_response": {"decision": "perhaps", "texts": {"bs": "?"}}}], "cursor": "c1"})
        kept = store.initiative("8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41")
        assert kept["official_response"] == {"decision": "accepted", "decided_on": "2026-11-30",
                                             "texts": {"sr": "Прихваћено."}}
        assert kept["events"] == [event]
        assert store.initiative("5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10")["official_response"] is None

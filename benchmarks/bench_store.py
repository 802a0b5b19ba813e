"""How fast the bench's store is where a person waits for it.

    .venv/bin/python benchmarks/bench_store.py [--suggestions N] [--initiatives N] [--dir DIR]

Figures printed:
- ``add_suggestion``: p50/p99 of one durable insert (WAL, synchronous=FULL, BEGIN IMMEDIATE:
  the suggestion is on disk when the call returns), over N inserts into a real file;
- search: p50/p99 per query over N initiatives with texts in 3-4 languages (Bosnian, Croatian,
  English, Serbian in Cyrillic), for queries as a person types them, first letters included,
  since the screen searches as you type; and how long loading that feed took.

Each measurement is one entry of SECTIONS, so further ones slot in beside them.
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable

from kiosk.core.store import BenchStore

MUNICIPALITIES = ("Berkovići", "Jablanica", "Kostajnica", "Maglaj", "Mostar", "Nevesinje", "Novi Grad",
                  "Prijedor", "Ravno", "Trebinje", "Zavidovići", "Žepče")
WORDS = ("park", "klupe", "rasvjeta", "djeca", "igralište", "škola", "biblioteka", "most", "rijeka",
         "šetalište", "česma", "drveće", "smeće", "kanti", "autobus", "stanica", "pješački", "prelaz",
         "mladi", "penzioneri", "kultura", "sport", "dvorana", "pijaca", "ulica", "trotoar", "bicikl",
         "staza", "zelenilo", "cvijeće", "volonteri", "čišćenje", "obala", "džamija", "crkva", "trg",
         "mostarski", "žepački", "ljetni", "njegovanje", "đački", "ćevabdžinica")
# Only to make Serbian sample text: Latin -> Cyrillic is ambiguous in general, good enough here.
_TO_CYRILLIC = [("lj", "љ"), ("nj", "њ"), ("dž", "џ"), *zip("abvgdđežzijklmnoprstćufhcčš",
                                                           "абвгдђежзијклмнопрстћуфхцчш")]
QUERIES = ("m", "mo", "mostar", "zepce", "Жепче", "park klupe", "djeca igr", "rasvjeta most", "xyzzy")


def cyrillic(text: str) -> str:
    text = text.lower()
    for latin, letter in _TO_CYRILLIC:
        text = text.replace(latin, letter)
    return text


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Made-up words from BCS syllables: with the real words above, texts whose words are spread
    like a real language's (a few very common, most rare), so a query matches what it would."""
    syllables = ("ka", "pre", "vo", "sto", "mi", "ra", "li", "je", "no", "dža", "ći", "šu", "lje", "nje",
                 "đu", "ba", "gra", "do", "ve", "ze", "ti", "se", "po", "ro", "ko", "ča", "ži", "na")
    words = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def sample_feed(count: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    words = vocabulary(rng)
    rng.shuffle(words)
    for word in WORDS:  # the civic words are common, but not the commonest
        words.insert(rng.randrange(20, 300), word)
    weights = [1.0 / rank for rank in range(1, len(words) + 1)]  # Zipf's law

    def sentence(n: int) -> str:
        return " ".join(rng.choices(words, weights, k=n)).capitalize()

    items = []
    for n in range(count):
        place = rng.choice(MUNICIPALITIES)
        bosnian = {"title": f"{sentence(3)} – {place}", "summary": sentence(12), "body": sentence(60)}
        texts = {"bs": bosnian,
                 "hr": {key: value + " (hr)" for key, value in bosnian.items()},
                 "sr": {key: cyrillic(value) for key, value in bosnian.items()}}
        if n % 2:
            texts["en"] = {"title": f"Proposal {n} for {place}", "summary": "A better public space",
                           "body": "Benches, lights and trees."}
        items.append({"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "municipality": None,
                      "status": "published", "category": "infrastructure", "texts": texts,
                      "original_language": "bs", "support_count": rng.randrange(200),
                      "updated_at": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00Z"})
    return {"items": items, "deleted": [], "cursor": "bench", "full": True}


def percentiles_ms(seconds: list[float]) -> str:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return f"p50 {cuts[49] * 1000:7.2f} ms   p99 {cuts[98] * 1000:7.2f} ms"


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def bench_add_suggestion(args: argparse.Namespace, workdir: Path) -> None:
    with BenchStore(workdir / "suggestions.sqlite3") as store:
        durations = [timed(lambda n=n: store.add_suggestion(f"Prijedlog broj {n}: više klupa u parku.", "bs"))
                     for n in range(args.suggestions)]
    print(f"add_suggestion (durable), {args.suggestions} inserts: {percentiles_ms(durations)}")


def bench_search(args: argparse.Namespace, workdir: Path) -> None:
    feed = sample_feed(args.initiatives)
    with BenchStore(workdir / "search.sqlite3") as store:
        load_s = timed(lambda: store.apply_initiatives(feed))
        print(f"loading {args.initiatives} initiatives (bs, hr, sr Cyrillic, half with en): {load_s:.1f} s, "
              f"store {store.size_bytes() / 1e6:.0f} MB")
        for query in QUERIES:
            hits = len(store.search(query))
            durations = [timed(lambda: store.search(query)) for _ in range(args.repeat)]
            print(f"search {query!r:<14} {hits:>2} hits: {percentiles_ms(durations)}")


SECTIONS: dict[str, Callable[[argparse.Namespace, Path], None]] = {
    "add_suggestion": bench_add_suggestion,
    "search": bench_search,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suggestions", type=int, default=2000)
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200, help="runs of each search query")
    parser.add_argument("--dir", type=Path, default=None, help="where the store files go (default: a temp dir)")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these sections")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="bench-store-") as workdir:
        for name in args.only or SECTIONS:
            SECTIONS[name](args, Path(workdir))


if __name__ == "__main__":
    main()

"""When two ideas say the same: the same text after folding case, script (Serbian Cyrillic to
Latin) and diacritics, or a high overlap of their words. Pure functions, no database."""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

from .i18n.script import to_latin

# Word overlap (Jaccard of word stems) from which two ideas are shown as the same.
SAME = 0.6
# A word stem is its first letters: "klupa", "klupe", "klupu" are one word for this purpose.
STEM = 4
# Words that say nothing about the idea (BCS and English), after folding.
_STOP = frozenset("""i u na za se je da od do sa ili kod ima nam smo su te to ovo ova ovaj koji koja koje
bi bih biti vise jos sto kao ali pa po iz the and for with this that our please molim treba trebalo
trebaju potrebno neka nema""".split())
_WORD = re.compile(r"[a-z0-9]+")
# A stem in more ideas than this carries no signal and would make the comparison quadratic.
_COMMON = 300


# Serbian Cyrillic and the diacritics of our languages in one pass (the common case); anything
# else goes through NFKD.
_BARE = {"č": "c", "ć": "c", "š": "s", "ž": "z", "đ": "dj"}
_LETTERS = str.maketrans({
    **{c: to_latin(c).lower().translate(str.maketrans(_BARE)) for c in map(chr, range(0x400, 0x460))
       if to_latin(c) != c},
    **_BARE, **{k.upper(): v for k, v in _BARE.items()}})


def fold(text: str) -> str:
    """'Ђачки ПАРК, молим!' -> 'djacki park molim': Latin script, no case, no diacritics, words only."""
    bare = text.translate(_LETTERS).lower()
    if not bare.isascii():
        bare = "".join(c for c in unicodedata.normalize("NFKD", bare) if not unicodedata.combining(c))
    return " ".join(_WORD.findall(bare))


def _stems_of_folded(folded: str) -> frozenset[str]:
    return frozenset(w[:STEM] for w in folded.split() if len(w) > 2 and w not in _STOP)


@lru_cache(maxsize=20_000)
def signature(text: str) -> tuple[str, frozenset[str]]:
    """The folded text and its stems, remembered: the triage view compares one idea with
    thousands whose texts never change."""
    folded = fold(text)
    return folded, _stems_of_folded(folded)


def stems(text: str) -> frozenset[str]:
    return signature(text)[1]


def likeness(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _pairs(words: Mapping[str, frozenset[str]]) -> Iterable[tuple[str, str, float]]:
    """Pairs of ids sharing at least one stem, with their likeness (each pair once)."""
    index: dict[str, list[str]] = defaultdict(list)
    for key, stem_set in words.items():
        for stem in stem_set:
            index[stem].append(key)
    seen: set[tuple[str, str]] = set()
    for keys in index.values():
        if len(keys) > _COMMON:
            continue
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                pair = (a, b) if a < b else (b, a)
                if pair not in seen:
                    seen.add(pair)
                    yield a, b, likeness(words[a], words[b])


def group(texts: Mapping[str, str], threshold: float = SAME) -> list[list[str]]:
    """Ids of the texts that say the same, in groups of two or more; each id in one group at most.
    Groups and their members keep the order of `texts`."""
    order = {key: n for n, key in enumerate(texts)}
    parent = {key: key for key in texts}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb, key=order.get)] = min(ra, rb, key=order.get)

    by_fold: dict[str, str] = {}
    words: dict[str, frozenset[str]] = {}
    for key, text in texts.items():
        folded, words[key] = signature(text)
        if folded in by_fold:
            join(by_fold[folded], key)
        else:
            by_fold[folded] = key
    for a, b, score in _pairs(words):
        if score >= threshold:
            join(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for key in texts:
        groups[root(key)].append(key)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: order[g[0]])


def most_alike(text: str, others: Mapping[str, str], limit: int = 5, floor: float = 0.3) -> list[tuple[str, float]]:
    """The ids of `others` most like `text`, best first, with their likeness (1.0: the same text)."""
    folded, mine = signature(text)
    scored = []
    for key, other in others.items():
        theirs, their_stems = signature(other)
        scored.append((key, 1.0 if theirs == folded else likeness(mine, their_stems)))
    return sorted([s for s in scored if s[1] >= floor], key=lambda s: -s[1])[:limit]

"""Aligning two documents' blocks and two paragraphs' words (pure sequences: no XML).

Blocks are aligned on their keys (kind and text) with :class:`difflib.SequenceMatcher`; inside
a changed stretch they are paired in order by similarity of their words (ratio >= 0.5). Two
paired paragraphs are compared token by token (:func:`word_changes`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from typing import Any

SIMILAR = 0.5  # word ratio from which two changed paragraphs are diffed word by word
MAX_PAIRINGS = 40_000  # beyond this many comparisons a changed stretch is not paired

# A word with its elision apostrophe (« l' », « d’ »), a run of spaces (NBSP and U+202F
# included, tabs and breaks apart), or any other single character.
TOKEN = re.compile(r"\w+['’]?|[^\S\t\n]+|.", re.DOTALL)
WORD = re.compile(r"\w")


def count_words(text: str) -> int:
    return sum(1 for token in TOKEN.findall(text) if WORD.match(token))



def _similarities(ko: list[str], kn: list[str]) -> dict[tuple[int, int], float]:
    """Word ratio of each (old, new) pair of blocks of the same kind, when >= SIMILAR. Each
    block is split into words once, and each new block indexed once (``set_seq2``)."""
    def split(key: str) -> tuple[str, list[str]]:
        return key.partition(":")[0], re.findall(r"\w+", key)

    olds, news = [split(k) for k in ko], [split(k) for k in kn]
    sim: dict[tuple[int, int], float] = {}
    m = difflib.SequenceMatcher(autojunk=False)
    for j, (kind_new, words_new) in enumerate(news):
        m.set_seq2(words_new)
        for i, (kind_old, words_old) in enumerate(olds):
            if kind_old != kind_new:
                continue
            m.set_seq1(words_old)
            if m.real_quick_ratio() >= SIMILAR and m.quick_ratio() >= SIMILAR:
                ratio = m.ratio()
                if ratio >= SIMILAR:
                    sim[i, j] = ratio
    return sim


def align(old: Sequence[Any], new: Sequence[Any], ko: list[str], kn: list[str]) -> Iterator[tuple]:
    """(old, new, equal) triples in order, ``ko``/``kn`` being the blocks' keys; ``None`` on
    the side a block is missing from."""
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ko, kn, autojunk=False).get_opcodes():
        if tag == "equal":
            yield from ((old[i], new[j], True) for i, j in zip(range(i1, i2), range(j1, j2), strict=True))
        else:
            yield from _pair(old[i1:i2], new[j1:j2], ko[i1:i2], kn[j1:j2])


def _pair(old: Sequence[Any], new: Sequence[Any], ko: list[str], kn: list[str]) -> Iterator[tuple]:
    """Pair the most similar blocks in order (dynamic programming); deletions first."""
    n, m = len(old), len(new)
    sim = _similarities(ko, kn) if n * m <= MAX_PAIRINGS else {}
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            both = best[i + 1][j + 1] + sim[i, j] if (i, j) in sim else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], both)
    i = j = 0
    while i < n or j < m:
        if (i, j) in sim and best[i][j] == best[i + 1][j + 1] + sim[i, j]:
            yield old[i], new[j], False
            i, j = i + 1, j + 1
        elif i < n and (j == m or best[i][j] == best[i + 1][j]):
            yield old[i], None, False
            i += 1
        else:
            yield None, new[j], False
            j += 1


def word_changes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Token opcodes; spaces or punctuation alone between two changes join them."""
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged: list[tuple[str, int, int, int, int]] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal" and 0 < k < len(ops) - 1 and not any(WORD.match(t) for t in a[i1:i2]):
            tag = "replace"
        if tag != "equal" and merged and merged[-1][0] != "equal":
            merged[-1] = ("replace", merged[-1][1], i2, merged[-1][3], j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged

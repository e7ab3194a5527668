"""The kernel's first generation of a kind costs about twice the next ones (its template
compiled, the clause library read, caches filled). Once the home page is shown, the application
renders one valid document of each kind in memory (nothing written), one step at a time on the
kernel's own event loop: between the drafter's clicks, never beside them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

from ..dossier import Document

DELAY = 1.0  # seconds after the page is built
PAUSE = 0.05  # between two steps: a click waiting is handled in between


def one_per_kind(documents: Iterable[Document | None]) -> list[Document]:
    chosen: dict[str, Document] = {}
    for doc in documents:
        if doc is not None and doc.kind.name not in chosen:
            chosen[doc.kind.name] = doc
    return list(chosen.values())


def _render(doc: Document) -> None:
    from ..render import render_bytes

    with contextlib.suppress(Exception):  # a warm-up step: the real generation reports problems
        render_bytes(doc)


def schedule(documents: Iterable[Document | None]) -> bool:
    """Render one document per kind in the background of the running kernel; False (nothing
    scheduled) outside an event loop, as in tests and scripts."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    todo = one_per_kind(documents)

    def step(i: int) -> None:
        if i < len(todo):
            _render(todo[i])
            loop.call_later(PAUSE, step, i + 1)

    loop.call_later(DELAY, step, 0)
    return True

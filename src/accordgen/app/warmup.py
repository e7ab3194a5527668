"""The kernel's first generation of a kind costs about twice the next ones (its template
compiled, the clause library read, caches filled), and the first timeline half a second of
imports. Once the home page is on screen (the page says so, see ``app.ui.SHOWN``), the
application imports matplotlib and renders one valid document of each kind in memory (nothing
written), one step at a time on the kernel's own event loop: between the drafter's clicks,
never beside them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable

from ..dossier import Document

DELAY = 0.3  # seconds after the page said it is on screen
PAUSE = 0.05  # between two steps: a click waiting is handled in between


def soon(action: Callable[[], None]) -> None:
    """``action`` once the kernel has sent what the current click built (the page shows
    first); at once outside an event loop (tests, scripts)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        action()
        return
    loop.call_soon(action)


def one_per_kind(documents: Iterable[Document | None]) -> list[Document]:
    chosen: dict[str, Document] = {}
    for doc in documents:
        if doc is not None and doc.kind.name not in chosen:
            chosen[doc.kind.name] = doc
    return list(chosen.values())


def _import_matplotlib() -> None:  # half a second, once: the dossier page's timeline draws with it
    with contextlib.suppress(ImportError):
        import matplotlib.pyplot  # noqa: F401


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
    todo: list[Callable[[], None]] = [_import_matplotlib]
    todo += [lambda doc=doc: _render(doc) for doc in one_per_kind(documents)]

    def step(i: int) -> None:
        if i < len(todo):
            todo[i]()
            loop.call_later(PAUSE, step, i + 1)

    loop.call_later(DELAY, step, 0)
    return True

"""The registry of document kinds: one class per kind, listed here in document order.

Other packages add kinds through the ``accordgen.kinds`` entry point group (an entry point
names a :class:`~accordgen.kinds.base.DocumentKind` subclass): the registry loads them the first
time it is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib.metadata import entry_points

from ..errors import UnknownKindError
from .accord import AccordKind
from .avenant import AvenantKind
from .base import DocumentKind
from .consolide import ConsolideKind
from .convention import ConventionKind
from .lettre import LettreKind

BUILTIN: tuple[type[DocumentKind], ...] = (
    AccordKind, AvenantKind, ConventionKind, ConsolideKind, LettreKind,
)
ENTRY_POINT_GROUP = "accordgen.kinds"

Kind = DocumentKind  # the name the public API has always used


class Registry(Mapping[str, DocumentKind]):
    """Name -> kind, the built-in kinds first, then those of installed extensions."""

    def __init__(self, classes: tuple[type[DocumentKind], ...]) -> None:
        self._builtin = classes
        self._kinds: dict[str, DocumentKind] | None = None

    def _load(self) -> dict[str, DocumentKind]:
        if self._kinds is None:
            kinds = {cls.name: cls() for cls in self._builtin}
            for ep in entry_points(group=ENTRY_POINT_GROUP):
                cls = ep.load()
                if not (isinstance(cls, type) and issubclass(cls, DocumentKind)):
                    raise TypeError(f"entry point {ep.name}: {cls!r} is not a DocumentKind subclass")
                kinds.setdefault(cls.name, cls())
            self._kinds = kinds
        return self._kinds

    def __getitem__(self, name: str) -> DocumentKind:
        return self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


DOCUMENT_KINDS = Registry(BUILTIN)


def get_kind(name: str) -> DocumentKind:
    try:
        return DOCUMENT_KINDS[name]
    except KeyError:
        known = ", ".join(DOCUMENT_KINDS)
        raise UnknownKindError(f"type de document inconnu : « {name} » (types connus : {known})") from None


__all__ = ["DOCUMENT_KINDS", "DocumentKind", "Kind", "Registry", "get_kind"]

"""Texts left « [à compléter] »: the application writes that mark in a new document for what
the drafter has not given yet, and drafters type it themselves. A draft may hold it (a warning
names each field); a final document (``statut: definitif``), the text to sign, may not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

A_COMPLETER = "[à compléter]"
_MARK = re.compile(r"\[\s*[àa]\s+compl[ée]ter\s*\]", re.IGNORECASE)


def has_mark(text: str) -> bool:
    return bool(_MARK.search(text))


def fields_to_complete(values: Any, path: str = "") -> Iterator[str]:
    """The paths (``parties[1].adresse``) of the texts under ``values`` (a model's dump, or
    what the YAML file holds) that still carry the mark, in order."""
    if isinstance(values, str):
        if has_mark(values):
            yield path
    elif isinstance(values, dict):
        for key, value in values.items():
            yield from fields_to_complete(value, f"{path}.{key}" if path else str(key))
    elif isinstance(values, (list, tuple)):
        for i, value in enumerate(values):
            yield from fields_to_complete(value, f"{path}[{i}]")


WARNING = "texte encore « [à compléter] » (à remplir avant le définitif)"
PROBLEM = ("texte encore « [à compléter] » dans un document définitif (le texte à signer) : "
           "complétez-le, ou repassez le document en projet")

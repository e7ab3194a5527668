"""Register overrides: set a value in a document's YAML data by its dotted path (``a.b[2].c``)."""

from __future__ import annotations

import re
from typing import Any


def set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``a.b[2].c`` in nested YAML data (used by register overrides).

    Missing mappings on the way are created (the model then says what they lack); a path
    through a plain value, a name used on a list or a position beyond a list's end raises
    ValueError with a French message naming the part of the path that cannot be followed."""
    parts = [p for p in re.split(r"\.|\[(\d+)\]", dotted) if p not in (None, "")]
    if not parts:
        raise ValueError("chemin vide")
    node: Any = data
    walked = ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit():
                raise ValueError(f"« {walked} » est une liste : indiquez un rang, par exemple "
                                 f"{walked}[0].{part} (le premier élément est le rang 0)")
            key: Any = int(part)
            if key >= len(node):
                raise ValueError(f"« {walked} » n'a que {len(node)} élément(s) (rangs 0 à "
                                 f"{len(node) - 1}) : pas de rang {key}")
            here = f"{walked}[{key}]"
        elif isinstance(node, dict):
            key = part
            here = f"{walked}.{key}" if walked else key
        else:
            raise ValueError(f"« {walked} » est une valeur simple, pas un ensemble de champs : "
                             f"« {part} » n'y existe pas")
        if last:
            node[key] = value
        else:
            if isinstance(node, dict) and node.get(key) is None:
                node[key] = {}
            node = node[key]
        walked = here

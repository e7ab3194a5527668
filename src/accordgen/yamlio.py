"""Reading drafters' YAML files safely.

- dates stay strings (the models parse them, so ``2023-02-30`` is a field error, not a crash);
- only ``true``/``false`` are booleans (``Non`` or ``On`` in a name stays text);
- duplicate keys are refused (the second would silently win);
- aliases are limited (no "billion laughs");
- every failure is an :class:`InputError` naming the file, in French.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_ALIASES = 50
MAX_BYTES = 5_000_000


class _Loader(yaml.SafeLoader):
    """SafeLoader without timestamps, with YAML 1.2 booleans, duplicate-key and alias checks."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()
                raise yaml.YAMLError(
                    f"trop d'alias YAML (plus de {MAX_ALIASES}, ligne {event.start_mark.line + 1}) :"
                    " les références *alias ne sont pas utiles ici, écrivez les valeurs"
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise yaml.YAMLError(
                    f"clé « {key} » en double (lignes {seen[key]} et {line}) : "
                    "une seule valeur est permise"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


# Drop the implicit timestamp and YAML 1.1 boolean resolvers, keep true/false only.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (
        "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_yaml(text: str, file: Path | str = "<texte>") -> Any:
    """Parse YAML text with the rules above; errors name ``file``."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "position inconnue"
        raise InputError(file, f"YAML illisible ({where}) : {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(file, f"YAML refusé : {exc}") from None


def read_yaml(path: Path | str) -> dict[str, Any]:
    """Read a parameter file; the top level must be a mapping."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(path, f"fichier trop volumineux (plus de {MAX_BYTES} octets)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "fichier introuvable") from None
    except IsADirectoryError:
        raise InputError(path, "c'est un dossier, pas un fichier YAML") from None
    except PermissionError:
        raise InputError(path, "lecture refusée (droits insuffisants)") from None
    except OSError as exc:
        raise InputError(path, f"lecture impossible ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            path, f"le fichier n'est pas en UTF-8 (octet invalide à la position {exc.start})"
        ) from None
    data = parse_yaml(text, path)
    if not isinstance(data, dict):
        raise InputError(path, "le fichier doit contenir des champs « nom: valeur » au premier niveau")
    return data

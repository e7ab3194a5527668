"""Reading drafters' YAML files safely.

- dates stay strings (the models parse them, so ``2023-02-30`` is a field error, not a crash);
- only ``true``/``false`` are booleans (``Non`` or ``On`` in a name stays text);
- duplicate keys are refused (the second would silently win);
- aliases are limited (no "billion laughs"), and so is the number of values (a 2 MB file of
  tiny paragraphs would otherwise cost hundreds of MB once parsed);
- keys are plain values (``? [a, b] : c`` is refused);
- the file must be a regular file of at most :data:`MAX_BYTES` (see :mod:`accordgen.safeio`);
- every failure is an :class:`InputError` naming the file, in French.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .safeio import MAX_YAML_BYTES, read_regular_file

MAX_ALIASES = 50
MAX_EXPANDED = 10_000  # values reached through aliases, counted as if written out
MAX_BYTES = MAX_YAML_BYTES  # 2 MB: a real parameter file is under 50 KB
MAX_NODES = 50_000  # values (scalars, lists, mappings) in one file; the example has ~300
_BAD_KEY = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """Number of nodes ``node`` stands for once its aliases are written out (memoised)."""
    key = id(node)
    if key not in sizes:
        sizes[key] = 0  # a recursive alias counts once, not forever
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(_expanded_size(child, sizes) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
        else:
            total = 1
        sizes[key] = total
    return sizes[key]


def _refuse_cycles(node: yaml.Node, open_: set[int], done: set[int]) -> None:
    """Refuse an alias that points at one of its own containers (``&a [*a]``)."""
    key = id(node)
    if key in done:
        return
    if key in open_:
        raise yaml.YAMLError(
            f"alias YAML récursif (ligne {node.start_mark.line + 1}) : une valeur ne peut pas se contenir"
        )
    if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
        open_.add(key)
        children = node.value if isinstance(node, yaml.SequenceNode) else [
            n for pair in node.value for n in pair]
        for child in children:
            _refuse_cycles(child, open_, done)
        open_.discard(key)
    done.add(key)


class _Loader(yaml.SafeLoader):
    """SafeLoader without timestamps, with YAML 1.2 booleans, duplicate-key and alias checks."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._expanded = 0
        self._sizes: dict[int, int] = {}
        self._nodes = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        self._nodes += 1
        if self._nodes > MAX_NODES:
            line = self.peek_event().start_mark.line + 1
            raise yaml.YAMLError(
                f"trop de valeurs (plus de {MAX_NODES}, ligne {line}) : "
                "un fichier de paramètres n'en contient que quelques centaines"
            )
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            line = self.peek_event().start_mark.line + 1
            if self._aliases > MAX_ALIASES:
                raise yaml.YAMLError(
                    f"trop d'alias YAML (plus de {MAX_ALIASES}, ligne {line}) :"
                    " les références *alias ne sont pas utiles ici, écrivez les valeurs"
                )
            node = super().compose_node(parent, index)
            # "billion laughs": few aliases, each pointing at aliases, expand exponentially
            self._expanded += _expanded_size(node, self._sizes)
            if self._expanded > MAX_EXPANDED:
                raise yaml.YAMLError(
                    f"trop d'alias YAML (ils se développent en plus de {MAX_EXPANDED} valeurs, "
                    f"ligne {line}) :"
                    " les références *alias ne sont pas utiles ici, écrivez les valeurs"
                )
            return node
        return super().compose_node(parent, index)

    def compose_document(self):  # type: ignore[no-untyped-def]
        node = super().compose_document()
        _refuse_cycles(node, set(), set())
        return node

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.YAMLError(
                    f"nom de champ invalide ligne {line} : une liste ou un ensemble de champs "
                    "ne peut pas servir de nom (écrivez « nom: valeur »)"
                )
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and _BAD_KEY.search(key):
                raise yaml.YAMLError(
                    f"nom de champ invalide ligne {line} : il contient un caractère de contrôle "
                    "ou une moitié isolée de paire Unicode"
                )
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
    except RecursionError:
        raise InputError(file, "YAML refusé : valeurs imbriquées trop profondément") from None


def read_yaml(path: Path | str) -> dict[str, Any]:
    """Read a parameter file; the top level must be a mapping."""
    path = Path(path)
    raw = read_regular_file(path, MAX_BYTES)
    return parse_file_bytes(raw, path)


def parse_file_bytes(raw: bytes, path: Path | str) -> dict[str, Any]:
    """The mapping in ``raw``, the bytes read from ``path``."""
    path = Path(path)
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

"""Loading a document's YAML: resolve its accord, validate, check it against its dossier.

A dossier is the folder of an ``accord.yaml`` and every YAML beside it that points at it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pydantic

from .errors import DossierError, InputError, UnknownKindError, ValidationError
from .kinds import Kind, get_kind
from .models.accord import Accord
from .models.base import Modele, french_problems
from .yamlio import read_yaml

_RAW_CACHE: dict[Path, tuple[tuple[int, int], dict[str, Any] | None]] = {}


def _raw(path: Path) -> dict[str, Any] | None:
    """A sibling's raw YAML, cached by size and mtime; ``None`` when unreadable."""
    try:
        st = path.stat()
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _RAW_CACHE.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    try:
        data: dict[str, Any] | None = read_yaml(path)
    except InputError:
        data = None
    _RAW_CACHE[path] = (stamp, data)
    return data


@dataclass
class Dossier:
    """The documents that share one accord: the accord's folder, scanned lazily. A Dossier
    is made afresh for each loaded document: what is derived from it is computed once."""

    accord_path: Path
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time ``key`` is asked, the same value afterwards."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def folder(self) -> Path:
        return self.accord_path.parent

    def documents(self, kind: str) -> Iterator[tuple[Path, dict[str, Any]]]:
        """Raw parameters of the dossier's documents of one kind, sorted by file name."""
        for path in sorted(self.folder.glob("*.y*ml")):
            raw = _raw(path)
            if not raw or raw.get("type") != kind:
                continue
            ref = raw.get("accord")
            if isinstance(ref, str) and (path.parent / ref).resolve() == self.accord_path:
                yield path.resolve(), raw


@dataclass
class Document:
    """A validated document: its kind, file, parameters, accord and dossier."""

    kind: Kind
    path: Path
    params: Modele
    accord: Accord
    accord_path: Path
    dossier: Dossier = field(repr=False)

    def context(self) -> dict[str, Any]:
        """What the template sees: the kind's own context, and the draft status (``statut``)."""
        context = self.params.context(self)  # type: ignore[attr-defined]
        return context | {"statut": self.params.statut_vue()}  # type: ignore[attr-defined]

    @property
    def output_stem(self) -> str:
        values = self.params.model_dump(mode="json")
        return self.kind.output.format(**values)


def set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``a.b[2].c`` in nested YAML data (used by register overrides).

    Missing mappings on the way are created (the model then says what they lack); a path
    through a plain value, a name used on a list or a position beyond a list's end raises
    ValueError with a French message naming the part of the path that cannot be followed."""
    import re

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


def load(
    path: Path | str,
    kind: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Document:
    """Read, validate and cross-check one document; raise a French error naming the file
    and the field path on any problem."""
    path = Path(path).resolve()
    raw = read_yaml(path)
    if overrides:
        raw = copy.deepcopy(raw)
        for dotted, value in overrides.items():
            try:
                set_path(raw, dotted, value)
            except ValueError as exc:
                raise ValidationError(path, [(dotted, f"chemin inconnu dans ce document : {exc}")]) from None
    doc_kind, params = validate_params(raw, path, kind)
    return resolve(doc_kind, params, path)


def validate_params(raw: dict[str, Any], path: Path, kind: str | None = None) -> tuple[Kind, Modele]:
    """Validate a document's parameters on their own: its ``type``, the model, the
    document's own checks. Raises :class:`ValidationError` naming ``path``."""
    declared = raw.get("type")
    if not isinstance(declared, str):
        raise ValidationError(path, [("type", "champ obligatoire manquant : le type du document "
                                               "(accord, avenant-renouvellement, ...)")])
    if kind is not None and declared != kind:
        raise ValidationError(path, [("type", f"ce fichier décrit un document « {declared} », "
                                              f"pas « {kind} »")])
    try:
        doc_kind = get_kind(declared)
    except UnknownKindError as exc:
        raise ValidationError(path, [("type", str(exc))]) from None
    try:
        params = doc_kind.model.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise ValidationError(path, french_problems(exc)) from None
    problems = list(params.problems())  # type: ignore[attr-defined]
    if problems:
        raise ValidationError(path, problems)
    return doc_kind, params


def resolve(doc_kind: Kind, params: Modele, path: Path) -> Document:
    """Attach a validated document to its accord and dossier, and run the cross-document
    checks. Raises :class:`ValidationError` or :class:`DossierError` naming ``path``."""
    if isinstance(params, Accord):
        accord, accord_path = params, path
    else:
        accord_path = (path.parent / params.accord).resolve()  # type: ignore[attr-defined]
        try:
            accord = load(accord_path, "accord").params  # type: ignore[assignment]
        except InputError as exc:
            raise ValidationError(path, [("accord", f"accord référencé illisible : {exc}")]) from None
        except ValidationError as exc:
            raise ValidationError(
                path, [("accord", f"l'accord référencé est invalide :\n{exc}")]
            ) from None
    doc = Document(doc_kind, path, params, accord, accord_path, Dossier(accord_path))
    problems = list(params.dossier_problems(doc))  # type: ignore[attr-defined]
    if problems:
        raise DossierError(path, problems)
    return doc

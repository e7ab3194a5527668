"""A workspace's own template filters, declared in ``<workspace>/filtres.yaml``.

A legal service adds the filters its templates need without writing Python: each filter is a
Jinja *expression* over ``valeur`` (the value filtered) and the filter's named parameters,
evaluated in the same sandbox as the templates (no Python internals, the same size and time
bounds), with the French filters, Jinja's built-in ones and the filters declared above it::

    # filtres.yaml
    euros: "valeur|nombre ~ ' euros'"                   # {{ montant|euros }}
    sigle:
      description: Le sigle d'une collectivité, ou la valeur telle quelle.
      parametres: [defaut]                             # {{ p.nom|sigle('—') }}
      expression: "{'Département de Seine-et-Marne': 'CD77'}.get(valeur, defaut)"

Executing a workspace's Python would let anyone who can write in the shared folder run code on
every drafter's machine; an expression in the sandbox cannot. The file is read at each render
(it is small); its filters are compiled once per content (a bounded cache keyed by its
SHA-256), so a render with unchanged filters reuses the compiled templates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import pydantic
from pydantic import Field

from ..errors import InputError, ValidationError
from ..models.base import Modele, french_problems
from ..safeio import read_regular_file
from ..yamlio import parse_file_bytes

FILTERS_FILE = "filtres.yaml"
MAX_FILTERS_BYTES = 256 * 1024
VALUE = "valeur"


class FiltreDeclare(Modele):
    expression: str = Field(min_length=1, description="Expression Jinja sur « valeur » et les paramètres.")
    parametres: list[str] = Field(default_factory=list, description="Noms des paramètres, dans l'ordre.")
    description: str | None = Field(default=None, description="Ce que fait le filtre (pour les rédacteurs).")

    @pydantic.field_validator("parametres")
    @classmethod
    def _noms(cls, names: list[str]) -> list[str]:
        for name in names:
            if not name.isidentifier() or name.startswith("_") or name == VALUE:
                raise ValueError(f"nom de paramètre invalide : « {name} » (lettres, chiffres et _, "
                                 f"pas « {VALUE} »)")
        if len(set(names)) != len(names):
            raise ValueError("un paramètre est nommé deux fois")
        return names


class _Declared:
    """One declared filter, callable as a Jinja filter: ``valeur|nom(a, b=...)``."""

    def __init__(self, name: str, declared: FiltreDeclare, expression: Any) -> None:
        self.name, self.declared, self.expression = name, declared, expression
        self.__name__ = name

    def __call__(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        names = self.declared.parametres
        if len(args) > len(names):
            raise TypeError(f"{len(names)} paramètre(s) attendu(s) ({', '.join(names) or 'aucun'}), "
                            f"{len(args)} donné(s)")
        values = dict(zip(names, args, strict=False))
        for key, arg in kwargs.items():
            if key not in names or key in values:
                raise TypeError(f"paramètre inconnu ou donné deux fois : « {key} »")
            values[key] = arg
        missing = [n for n in names if n not in values]
        if missing:
            raise TypeError(f"paramètre manquant : {', '.join(missing)}")
        return self.expression(**values, **{VALUE: value})


def filters_file(workspace: Path | None) -> Path | None:
    """The workspace's filter file, when it has one."""
    if workspace is None:
        return None
    path = workspace / FILTERS_FILE
    return path if path.is_file() else None


def read_filters(workspace: Path | None) -> tuple[dict[str, Callable[..., Any]], str | None]:
    """The workspace's declared filters (name -> filter) and the SHA-256 of their file (None
    without a file). Raises :class:`~accordgen.errors.ValidationError` naming the file and the
    filter at fault, or :class:`~accordgen.errors.InputError` for an unreadable file."""
    path = filters_file(workspace)
    if path is None:
        return {}, None
    data = read_regular_file(path, MAX_FILTERS_BYTES)
    digest = hashlib.sha256(data).hexdigest()
    return dict(_compile(str(path), data, digest)), digest


@lru_cache(maxsize=8)  # keyed by the file's content (its SHA-256): a few workspaces per process
def _compile(path: str, data: bytes, digest: str) -> tuple[tuple[str, Callable[..., Any]], ...]:
    from .template import make_env

    raw = parse_file_bytes(data, path) if data.strip() else {}
    filters: dict[str, Callable[..., Any]] = {}
    problems: list[tuple[str, str]] = []
    for name, spec in raw.items():
        try:
            declared = FiltreDeclare(expression=spec) if isinstance(spec, str) \
                else FiltreDeclare.model_validate(spec)
        except pydantic.ValidationError as exc:
            problems += [(f"{name}.{where}" if where else str(name), msg) for where, msg in french_problems(exc)]
            continue
        try:
            env = make_env(filters)  # the filters declared above this one, bounded
            if not str(name).isidentifier() or str(name).startswith("_"):
                raise ValueError(f"nom de filtre invalide : « {name} » (lettres, chiffres et _)")
            if name in env.filters:
                raise ValueError(f"le filtre « {name} » existe déjà (accordgen, Jinja ou plus haut dans ce fichier) : "
                                 "choisissez un autre nom")
            expression = env.compile_expression(declared.expression, undefined_to_none=False)
        except jinja2.TemplateSyntaxError as exc:
            from .template import syntax_message

            problems.append((f"{name}.expression", f"expression invalide : {syntax_message(exc)}"))
            continue
        except ValueError as exc:
            problems.append((str(name), str(exc)))
            continue
        filters[str(name)] = _Declared(str(name), declared, expression)
    if problems:
        raise ValidationError(path, problems)
    return tuple(filters.items())


def merged(workspace: Mapping[str, Callable[..., Any]], given: Mapping[str, Callable[..., Any]] | None
           ) -> dict[str, Callable[..., Any]]:
    """The workspace's filters and a caller's (``filters=``); a name in both is an error."""
    both = sorted(set(workspace) & set(given or {}))
    if both:
        raise InputError(FILTERS_FILE, f"filtre déjà déclaré par l'espace de travail : {', '.join(both)}")
    return {**workspace, **(given or {})}

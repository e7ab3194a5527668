"""The parameter reference and JSON Schemas, generated from the models so they cannot drift."""

from __future__ import annotations

import json
import types
import typing
from decimal import Decimal
from enum import Enum
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from ..kinds import DOCUMENT_KINDS, get_kind


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is typing.Annotated:
        return _type_name(get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return " ou ".join(_type_name(a) for a in args)
    if origin is list:
        return f"liste de {_type_name(get_args(tp)[0])}"
    if origin is dict:
        return f"par clé de partie : {_type_name(get_args(tp)[1])}"
    if origin is typing.Literal:
        return " | ".join(repr(a) if a else "''" for a in get_args(tp))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return " | ".join(str(m.value) for m in tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return "champs"
    return {str: "texte", int: "entier", bool: "true/false", float: "nombre",
            Decimal: "montant (1500.00)"}.get(
        tp, getattr(tp, "__name__", str(tp)).replace("date", "date (AAAA-MM-JJ)")
    )


def _submodels(tp: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    for arg in get_args(tp):
        found += _submodels(arg)
    return found


def rows(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str, str]]:
    """(path, type, required, description) for each field, depth first."""
    out = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        tp = field.annotation
        containers = [tp, *get_args(tp)] if get_origin(tp) in (typing.Union, types.UnionType) else [tp]
        is_list = any(get_origin(a) is list for a in containers)
        is_map = any(get_origin(a) is dict for a in containers)
        required = "oui" if field.is_required() else "non"
        out.append((path, _type_name(tp), required, field.description or ""))
        for sub in _submodels(tp):
            out += rows(sub, f"{path}[]." if is_list else f"{path}.<cle>." if is_map else f"{path}.")
    return out


def markdown() -> str:
    """The parameter reference of every kind, as Markdown (docs/parametres.md)."""
    lines = [
        "# Référence des paramètres",
        "",
        "Générée depuis les modèles (`accordgen reference`) : ne pas modifier à la main.",
        "Un chemin `a[].b` désigne le champ `b` de chaque élément de la liste `a` ;",
        "`a.<cle>.b` le champ `b` de l'entrée d'une partie (clé « departement », « orange »...).",
        "",
    ]
    for kind in DOCUMENT_KINDS.values():
        lines += [f"## `{kind.name}` — {kind.label}", "",
                  f"Modèle : `templates/{kind.template}` · notebook : `notebooks/{kind.notebook}`", "",
                  "| Champ | Type | Obligatoire | Description |", "|---|---|---|---|"]
        for path, tp, req, desc in rows(kind.model):
            cell = desc.replace("|", "\\|")
            lines.append(f"| `{path}` | {tp.replace('|', chr(92) + '|')} | {req} | {cell} |")
        lines.append("")
    return "\n".join(lines)


def json_schema(kind_name: str) -> str:
    kind = get_kind(kind_name)
    schema = kind.model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"accordgen — {kind.label}"
    return json.dumps(schema, ensure_ascii=False, indent=2)

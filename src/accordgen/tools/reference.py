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
        lines += clauses_markdown(kind)
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def clauses_markdown(kind: Any) -> list[str]:
    """The clause topics of a kind's template, each variant with its description, when it is
    the default, what refuses it and its parameters (read from the clause library)."""
    from ..library import load_library

    topics = tuple(getattr(kind, "clause_topics", ()))
    if not topics:
        return []
    lib = load_library()
    lines = [f"### Clauses de la bibliothèque (`clauses.<thème>`) — {kind.label}", "",
             "Chaque thème prend la variante indiquée par `variante`, avec ses paramètres, "
             "ou, absent, la variante par défaut (`accordgen clauses` les liste) :", "",
             "```yaml", "clauses:", f"  {topics[0]}: {{variante: NOM, parametre: valeur}}", "```", ""]
    for topic in topics:
        lines += [f"#### `clauses.{topic}`", ""]
        for name in sorted(lib.topics.get(topic, {})):
            v = lib.topics[topic][name]
            sc = v.sidecar
            lines += [f"- **`{name}`** — {sc.titre}. {_cell(sc.description)}"]
            defaults = [d.type + (" (sous condition)" if d.si else "") for d in sc.defaut_pour]
            if defaults:
                lines.append(f"  Par défaut pour : {', '.join(defaults)}.")
            for r in sc.refus:
                lines.append(f"  Refusée : {_cell(r.motif)}.")
            if sc.parametres:
                lines += ["", "  | Paramètre | Type | Obligatoire | Description |", "  |---|---|---|---|"]
                for par in sc.parametres:
                    kind_txt = par.type.value + (f" ({', '.join(par.valeurs)})" if par.valeurs else "")
                    desc = par.libelle + (f" ; par défaut : {par.defaut}" if par.defaut is not None else "")
                    lines.append(f"  | `clauses.{topic}.{par.nom}` | {_cell(kind_txt)} | "
                                 f"{'oui' if par.requis else 'non'} | {_cell(desc)} |")
            lines.append("")
    return lines


_JSON_TYPES: dict[str, dict[str, Any]] = {
    "texte": {"type": ["string", "number"]},
    "date": {"type": "string", "format": "date"},
    "montant": {"type": ["number", "string"], "description": "Montant en euros (1500.00)."},
    "entier": {"type": "integer"},
    "liste": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "partie": {"type": "string", "description": "Clé d'une partie de l'accord."},
    "parties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "duree": {"oneOf": [{"type": "string", "pattern": "^[0-9]+ (jours?|mois|ans?|années?)$"},
                        {"type": "object", "properties": {"valeur": {"type": "integer"},
                                                          "unite": {"enum": ["jours", "mois", "ans"]}}}]},
}


def clauses_schema(kind: Any) -> dict[str, Any] | None:
    """JSON Schema of ``clauses``: per topic, one of its variants (``variante`` and its own
    parameters), with the titles and descriptions of the library."""
    from ..library import VARIANTE, load_library

    topics = tuple(getattr(kind, "clause_topics", ()))
    if not topics:
        return None
    lib = load_library()
    props: dict[str, Any] = {}
    for topic in topics:
        variants = []
        for name in sorted(lib.topics.get(topic, {})):
            sc = lib.topics[topic][name].sidecar
            params: dict[str, Any] = {VARIANTE: {"const": name, "title": sc.titre}}
            for par in sc.parametres:
                entry = dict(_JSON_TYPES.get(par.type.value, {}))
                if par.valeurs:
                    entry = {"enum": list(par.valeurs),
                             "description": "; ".join(f"{k} : {t}" for k, t in par.valeurs.items())}
                params[par.nom] = {**entry, "title": par.libelle}
            refus = "".join(f" Refusée : {r.motif.strip()}." for r in sc.refus)
            variants.append({
                "title": f"{name} — {sc.titre}", "description": " ".join(sc.description.split()) + refus,
                "type": "object", "properties": params, "additionalProperties": False,
                "required": [VARIANTE, *(par.nom for par in sc.parametres if par.requis)]})
        props[topic] = {"title": f"Clause « {topic} »", "oneOf": variants}
    return {"type": "object", "properties": props, "additionalProperties": False,
            "description": "Variantes choisies dans la bibliothèque de clauses, par thème (accordgen clauses)."}


def json_schema(kind_name: str) -> str:
    kind = get_kind(kind_name)
    schema = kind.model.model_json_schema()
    clauses = clauses_schema(kind)
    if clauses is not None and "clauses" in schema.get("properties", {}):
        schema["properties"]["clauses"] = {**clauses, "title": schema["properties"]["clauses"].get("title", "Clauses")}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"accordgen — {kind.label}"
    return json.dumps(schema, ensure_ascii=False, indent=2)

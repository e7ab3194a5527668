"""Shared building blocks of the parameter models: strict base class, text and identifier
types, durations, and the translation of pydantic errors into French field messages."""

from __future__ import annotations

import re
import time
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import pydantic
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from ..rules.dates import Unite

# Control characters other than tab and LF (XML 1.0 cannot hold them; CR it can, but a
# Word run has no carriage return: it is refused too), lone surrogates, and U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: str) -> str:
    match = _XML_ILLEGAL.search(value)
    if match:
        char = match.group()
        raise ValueError(
            f"caractère interdit U+{ord(char):04X} à la position {match.start() + 1} "
            "(caractère de contrôle ou invisible qu'un document Word ne peut pas contenir) : "
            "retirez-le"
        )
    return value


Texte = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_xml_safe),
]
"""A non-empty text, stripped, that XML can hold."""

DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2200, 12, 31)


def _date_plausible(value: date) -> date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueError(
            f"date hors des limites : « {value.isoformat()} » (attendu : entre "
            f"{DATE_MIN.year} et {DATE_MAX.year})"
        )
    return value


Jour = Annotated[date, AfterValidator(_date_plausible)]
"""A calendar date (``AAAA-MM-JJ``) between 1900-01-01 and 2200-12-31: every date field of
the models uses it, so that terms, notices and renewals computed from it stay in the
calendar (a year 9998 would pass validation and fail at rendering)."""

MONTANT_MAX = Decimal("999999999999.99")


def _montant_plausible(value: Decimal) -> Decimal:
    if value.is_finite() and abs(value) > MONTANT_MAX:
        raise ValueError("montant trop élevé (au plus 999 999 999 999,99 euros)")
    return value


Montant = Annotated[Decimal, AfterValidator(_montant_plausible)]
"""An amount in euros, at most 999 999 999 999.99 (``1e30`` would pass and fail at rendering)."""

Cle = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", min_length=1, max_length=40),
]
"""A short identifier drafters use to point at a party (``departement``, ``orange``)."""

Bloc = Texte | list[Texte]
"""A paragraph, or a bullet list written as a YAML list."""


class Modele(BaseModel):
    """Base of every parameter model: unknown keys are errors, values are validated on
    assignment, and field descriptions (French) feed the parameter reference."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        str_strip_whitespace=True,
        use_attribute_docstrings=False,
        populate_by_name=False,
    )


class Statut(StrEnum):
    """Where a document stands: a draft being negotiated, or the text to sign."""

    PROJET = "projet"
    DEFINITIF = "definitif"


class Redaction(Modele):
    """Draft status, shared by every kind: a draft carries « PROJET », its version and date in
    the header of every page; the final text carries no mark."""

    statut: Statut = Field(
        default=Statut.PROJET,
        description="projet (par défaut : la mention « PROJET », la version et la date figurent "
        "en en-tête de chaque page) ou definitif (le texte à signer, sans mention).",
    )
    version: Texte | None = Field(
        default=None, max_length=40,
        description="Version du projet (« 3 », « 2-bis »), imprimée après « PROJET » et reprise "
        "dans les propriétés du document.",
    )
    date_version: Jour | None = Field(
        default=None,
        description="Date de cette version du projet (par défaut : le jour de la génération).",
    )

    @field_validator("statut", mode="before")
    @classmethod
    def _statut_sans_accent(cls, value: Any) -> Any:
        """« Définitif », « PROJET » are what a drafter types: compare without case or accents."""
        if isinstance(value, str):
            plain = unicodedata.normalize("NFKD", value.strip().lower())
            return "".join(c for c in plain if not unicodedata.combining(c))
        return value

    @field_validator("version", mode="before")
    @classmethod
    def _version_nombre(cls, value: Any) -> Any:
        """``version: 3`` in YAML is a number: it reads as the text « 3 »."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    def statut_vue(self) -> dict[str, Any]:
        """What the templates and the document properties see (``statut.*``)."""
        projet = self.statut is Statut.PROJET
        return {
            "code": self.statut.value,
            "projet": projet,
            "libelle": "Projet" if projet else "Définitif",
            "version": self.version,
            "date": (self.date_version or today()) if projet else self.date_version,
        }


class Duree(Modele):
    """A duration: an amount and a unit ("15 jours", "5 ans")."""

    valeur: int = Field(ge=1, le=1000, description="Nombre (entier, au moins 1).")
    unite: Unite = Field(description="Unité : jours, mois ou ans.")

    def __str__(self) -> str:
        return f"{self.valeur} {self.unite.value}"


def blocs(items: list[str | list[str]]) -> list[dict[str, Any]]:
    """Turn YAML blocks (paragraph strings or bullet lists) into template-friendly dicts."""
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, list):
            out.append({"liste": True, "elements": list(item), "texte": ""})
        else:
            out.append({"liste": False, "elements": [], "texte": item})
    return out


# --- pydantic error -> French message -------------------------------------------------

_TYPE_MESSAGES: dict[str, str] = {
    "missing": "champ obligatoire manquant",
    "string_type": "texte attendu (mettez la valeur entre guillemets si besoin)",
    "string_too_short": "valeur vide : un texte est attendu",
    "string_pattern_mismatch": "format invalide (attendu : lettres minuscules, chiffres, - ou _)",
    "string_unicode": "caractère interdit (moitié isolée d'une paire Unicode, écrite par exemple "
    "« \\ud800 ») qu'un document Word ne peut pas contenir : retirez-le",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu (sans décimales)",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "decimal_type": "montant attendu (par exemple 1500.00)",
    "decimal_parsing": "montant attendu (par exemple 1500.00)",
    "bool_type": "true ou false attendu",
    "bool_parsing": "true ou false attendu",
    "list_type": "liste attendue (une ligne « - valeur » par élément)",
    "dict_type": "ensemble de champs attendu (« nom: valeur » en retrait)",
    "model_type": "ensemble de champs attendu (« nom: valeur » en retrait)",
    "model_attributes_type": "ensemble de champs attendu (« nom: valeur » en retrait)",
    "date_type": "date attendue au format AAAA-MM-JJ",
    "date_parsing": "date invalide (attendu : AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date invalide ou impossible (attendu : une date qui existe, AAAA-MM-JJ)",
    "date_from_datetime_inexact": "date attendue sans heure (AAAA-MM-JJ)",
    "extra_forbidden": "champ inconnu (faute de frappe ?)",
    "union_tag_invalid": "valeur non permise",
}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.startswith(("function-", "list[", "str", "constrained-str")):
            # pydantic's union branch markers (str | list[str]) are not field names
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind in ("greater_than_equal", "greater_than"):
        return f"doit être au moins {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"doit être au plus {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_too_long":
        return f"texte trop long (au plus {ctx.get('max_length')} caractères)"
    if kind in ("too_short",):
        return f"au moins {ctx.get('min_length')} élément(s) attendu(s)"
    if kind in ("too_long",):
        return f"au plus {ctx.get('max_length')} élément(s) permis"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"valeur non permise : « {err.get('input')} » (attendu : {expected})"
    base = _TYPE_MESSAGES.get(kind) or f"valeur invalide ({err['msg']})"
    if kind.startswith("date") and kind != "date_type" and err.get("input") is not None:
        base += f" : « {err['input']} »"
    return base


def french_problems(exc: pydantic.ValidationError) -> list[tuple[str, str]]:
    """(field path, French message) for each error of a pydantic validation.

    A value that may be a paragraph or a list (``Bloc``) yields one error per branch:
    only the most useful one is kept per path.
    """
    seen: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        path = _path(tuple(err["loc"]))
        msg = _message(err)
        if path in seen:
            continue
        seen[path] = msg
    return list(seen.items())


TIME_ZONE = ZoneInfo("Europe/Paris")
"""The one time zone of "today" (a draft's default date), whatever ``TZ`` says: the
Départements are in metropolitan France."""


def _clock() -> float:
    """The current instant, seconds since the epoch (the one clock; tests freeze it here)."""
    return time.time()


def today() -> date:
    """Today's date in Europe/Paris, whatever ``TZ`` says (one place, so tests can reason
    about it)."""
    return datetime.fromtimestamp(_clock(), TIME_ZONE).date()

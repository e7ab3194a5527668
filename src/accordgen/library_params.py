"""The parameters of a clause variant: their declared types (a sidecar's ``parametres``) and
how a document's values are checked and typed for the clause's template."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import pydantic
from pydantic import Field

from .models.base import Modele, Texte


class TypeParametre(StrEnum):
    TEXTE = "texte"
    DATE = "date"
    MONTANT = "montant"
    ENTIER = "entier"
    LISTE = "liste"
    PARTIE = "partie"
    PARTIES = "parties"
    DUREE = "duree"
    CHOIX = "choix"


class Parametre(Modele):
    nom: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Nom du paramètre (minuscules, chiffres, _).")
    type: TypeParametre = Field(default=TypeParametre.TEXTE, description="texte, date, montant, entier, liste, partie, parties, duree ou choix.")
    requis: bool = Field(default=True, description="Obligatoire (par défaut) ou facultatif.")
    libelle: Texte = Field(description="Libellé en français, montré au rédacteur.")
    valeurs: dict[str, Texte] | None = Field(
        default=None, description="Pour le type choix : chaque valeur permise et le texte que la clause imprime.")
    defaut: Any = Field(default=None, description="Valeur d'un paramètre facultatif laissé vide (facultatif).")

    @pydantic.model_validator(mode="after")
    def _choix(self) -> Parametre:
        if (self.type is TypeParametre.CHOIX) != bool(self.valeurs):
            raise ValueError("« valeurs » (clé : texte imprimé) est requis pour le type choix, et "
                             "seulement pour lui")
        if self.defaut is not None and self.requis:
            raise ValueError("« defaut » ne s'emploie que pour un paramètre facultatif (requis: false)")
        return self



def typed(p: Parametre, value: Any, parties: Mapping[str, Any]) -> Any:
    if p.type is TypeParametre.TEXTE:
        if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
            raise ValueError("texte non vide attendu")
        return str(value).strip()
    if p.type is TypeParametre.DATE:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
            raise ValueError("date attendue (AAAA-MM-JJ)")
        try:
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"date invalide : « {value} » (attendu : AAAA-MM-JJ)") from None
    if p.type is TypeParametre.MONTANT:
        try:
            amount = Decimal(str(value)) if not isinstance(value, bool) else None
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError(f"montant invalide : « {value} » (attendu : un nombre positif, deux décimales au plus, 1500.00)")
        return amount
    if p.type is TypeParametre.ENTIER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"nombre entier attendu, pas « {value} »")
        return value
    if p.type is TypeParametre.LISTE:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError("liste de textes non vide attendue")
        return [v.strip() for v in value]
    if p.type is TypeParametre.DUREE:
        return _duree(value)
    if p.type is TypeParametre.CHOIX:
        assert p.valeurs is not None
        if not isinstance(value, str) or value not in p.valeurs:
            raise ValueError(f"valeur non permise : « {value} » (valeurs : {', '.join(p.valeurs)})")
        return p.valeurs[value]
    if p.type is TypeParametre.PARTIES:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise ValueError("liste de clés de parties non vide attendue (« [departement, orange] »)")
        if len(set(map(str, value))) < len(value):
            raise ValueError("une partie y figure deux fois")
        return [_partie(v, parties) for v in value]
    return _partie(value, parties)


def _partie(value: Any, parties: Mapping[str, Any]) -> Any:
    if not isinstance(value, str) or value not in parties:
        raise ValueError(f"clé de partie inconnue : « {value} » (parties de l'accord : {', '.join(parties)})")
    return parties[value]


_UNITES = {"jour": "jours", "jours": "jours", "mois": "mois", "an": "ans", "ans": "ans",
           "année": "ans", "années": "ans"}


def _duree(value: Any) -> dict[str, Any]:
    """A duration written « 3 mois » (or ``{valeur: 3, unite: mois}``), as the ``duree``
    filter prints it: ``{"valeur": 3, "unite": "mois"}``."""
    if isinstance(value, Mapping):
        valeur, unite = value.get("valeur"), str(value.get("unite", ""))
    else:
        valeur, _, unite = str(value).strip().partition(" ")
        valeur = int(valeur) if valeur.isdigit() else None
    unite = _UNITES.get(unite.strip().lower(), "")
    if isinstance(valeur, bool) or not isinstance(valeur, int) or not 1 <= valeur <= 1000 or not unite:
        raise ValueError(f"durée invalide : « {value} » (attendu : un nombre et jours, mois ou ans, « 3 mois »)")
    return {"valeur": valeur, "unite": unite}

"""The deciding act of a collectivité (a délibération) and when it becomes enforceable.

A collectivité signs what its assembly — or the Commission permanente acting by delegation of
the Conseil départemental (CGCT, art. L. 3211-2) — has decided. The délibération is enforceable
(« exécutoire ») once transmitted to the représentant de l'État and published or notified
(CGCT, art. L. 3131-1); a contract signed before is illegal (CE, avis, Sect., 10 juin 1996,
Préfet de la Côte-d'Or, n° 176873). :func:`signature_problems` and :func:`effet_problems` are the
checks every signed document shares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, field_validator

from ..rules.fr import date_longue
from ..rules.identifiers import ActesId, parse_actes
from .base import Jour, Modele, Texte

RAPPEL_EXECUTOIRE = (
    "une délibération n'est exécutoire qu'une fois transmise au représentant de l'État et publiée "
    "ou notifiée (CGCT, art. L. 3131-1), et un contrat signé avant est illégal (CE, avis, 10 juin "
    "1996, Préfet de la Côte-d'Or, n° 176873)"
)


def _de_organe(organe: str, article: str) -> str:
    """"du Conseil départemental", "de la Commission permanente", "de l'Assemblée"."""
    if article == "le":
        return f"du {organe}"
    if article == "la":
        return f"de la {organe}"
    return f"de l'{organe}"


class DelegationOrgane(Modele):
    """The délibération by which the assembly delegated the decision (to the Commission
    permanente, CGCT L. 3211-2)."""

    organe: Texte = Field(
        default="Conseil départemental",
        description="Assemblée qui a délégué (par défaut : « Conseil départemental »).",
    )
    article: Literal["le", "la", "l'"] = Field(
        default="le", description="Article de l'assemblée : le, la ou l'."
    )
    date: Jour = Field(description="Date de la délibération de délégation (AAAA-MM-JJ).")
    numero: Texte | None = Field(default=None, description="Numéro de la délibération de délégation.")

    @property
    def de_organe(self) -> str:
        return _de_organe(self.organe, self.article)

    @property
    def texte(self) -> str:
        """« statuant par délégation du Conseil départemental (délibération n° … du …) »."""
        numero = f"n°\u00a0{self.numero} " if self.numero else ""
        return (f"statuant par délégation {self.de_organe} (délibération {numero}du "
                f"{date_longue(self.date)})")

    def vue(self) -> dict[str, object]:
        return self.model_dump(mode="python") | {"de_organe": self.de_organe, "texte": self.texte}


class Deliberation(Modele):
    """The délibération that authorises a signature or an amendment, with what makes it
    enforceable."""

    organe: Texte = Field(
        description="Assemblée qui a délibéré (« Conseil départemental », « Commission permanente »)."
    )
    article: Literal["le", "la", "l'"] = Field(
        default="le",
        description="Article de l'assemblée : le (« du Conseil départemental »), la (« de la Commission permanente ») ou l'.",
    )
    date: Jour = Field(description="Date de la délibération (AAAA-MM-JJ).")
    numero: Texte | None = Field(default=None, description="Numéro de la délibération, s'il y en a un.")
    transmission: Jour | None = Field(
        default=None,
        description="Date de transmission au représentant de l'État (préfet), par @CTES ou sur papier "
        "(AAAA-MM-JJ). Obligatoire dès que le document est définitif et daté : la délibération "
        "n'est exécutoire qu'une fois transmise et publiée ou notifiée (CGCT, art. L. 3131-1).",
    )
    publication: Jour | None = Field(
        default=None,
        description="Date de publication ou de notification de la délibération (AAAA-MM-JJ). "
        "Obligatoire dès que le document est définitif et daté.",
    )
    accuse_reception: str | None = Field(
        default=None,
        description="Identifiant de l'accusé de réception @CTES de la délibération, s'il y en a un "
        "(« 077-227700010-20221128-cp2022_11_28_2_04-DE »).",
    )
    delegation: DelegationOrgane | None = Field(
        default=None,
        description="Pour une délibération de la Commission permanente : la délibération du Conseil "
        "départemental qui lui a délégué la décision (organe, article, date, numero), citée dans le "
        "document (« statuant par délégation du Conseil départemental »).",
    )

    @field_validator("accuse_reception")
    @classmethod
    def _accuse(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parse_actes(value)
        return value.strip()

    @property
    def actes(self) -> ActesId | None:
        return parse_actes(self.accuse_reception) if self.accuse_reception else None

    @property
    def de_organe(self) -> str:
        """"du Conseil départemental", "de la Commission permanente", "de l'Assemblée"."""
        return _de_organe(self.organe, self.article)

    @property
    def executoire(self) -> dt.date | None:
        """The day the délibération became enforceable: transmitted and published (None while
        one of the two dates is unknown)."""
        if self.transmission is None or self.publication is None:
            return None
        return max(self.transmission, self.publication)

    @property
    def reference(self) -> str:
        """« n° CP-2022-11-28-2-04 de la Commission permanente du 28 novembre 2022 »."""
        numero = f"n°\u00a0{self.numero} " if self.numero else ""
        return f"{numero}{self.de_organe} du {date_longue(self.date)}"

    @property
    def texte(self) -> str:
        """« délibération n° … de la Commission permanente du …, statuant par délégation du
        Conseil départemental (délibération n° … du …) »."""
        out = f"délibération {self.reference}"
        if self.delegation is not None:
            out += f", {self.delegation.texte}"
        return out

    def vue(self) -> dict[str, object]:
        return self.model_dump(mode="python") | {
            "de_organe": self.de_organe,
            "texte": self.texte,
            "executoire": self.executoire,
            "delegation": self.delegation.vue() if self.delegation else None,
        }

    def own_problems(self, path: str) -> Iterator[tuple[str, str]]:
        """Dates that contradict each other within the délibération."""
        for champ in ("transmission", "publication"):
            jour = getattr(self, champ)
            if jour is not None and jour < self.date:
                yield (f"{path}.{champ}",
                       f"{_LIBELLES[champ]} le {date_longue(jour)}, avant la délibération elle-même "
                       f"({date_longue(self.date)})")
        acte = self.actes
        if acte is not None and acte.date_acte != self.date:
            yield (f"{path}.accuse_reception",
                   f"la date de l'acte dans l'identifiant ({date_longue(acte.date_acte)}) diffère "
                   f"de la date de la délibération ({date_longue(self.date)})")
        if self.delegation is not None and self.delegation.date > self.date:
            yield (f"{path}.delegation.date",
                   f"délégation du {date_longue(self.delegation.date)}, postérieure à la délibération "
                   f"qu'elle fonde ({date_longue(self.date)})")


_LIBELLES = {"transmission": "transmise au représentant de l'État",
             "publication": "publiée ou notifiée"}


def signature_problems(path: str, delib: Deliberation, signe: dt.date | None, definitif: bool,
                       quoi: str) -> Iterator[tuple[str, str]]:
    """A signature (``signe``; ``quoi`` is « l'accord est signé », « la convention est signée »)
    before its
    authorising délibération is enforceable; on a final, dated document, the dates that prove
    it are required."""
    yield from delib.own_problems(path)
    if signe is None:
        return
    manquants = [c for c in ("transmission", "publication") if getattr(delib, c) is None]
    if manquants and definitif:
        champs = " et ".join(f"« {c} »" for c in manquants)
        yield (f"{path}.{manquants[0]}",
               f"{quoi} le {date_longue(signe)} : indiquez la date à laquelle la "
               f"délibération du {date_longue(delib.date)} a été "
               + " et ".join(_LIBELLES[c] for c in manquants)
               + f" ({champs}, AAAA-MM-JJ) ; {RAPPEL_EXECUTOIRE}")
    for champ in ("transmission", "publication"):
        jour = getattr(delib, champ)
        if jour is not None and jour > signe:
            yield (f"{path}.{champ}",
                   f"{quoi} le {date_longue(signe)}, avant que la délibération du "
                   f"{date_longue(delib.date)} soit exécutoire ({_LIBELLES[champ]} le "
                   f"{date_longue(jour)}) : {RAPPEL_EXECUTOIRE} ; signez au plus tôt le "
                   f"{date_longue(delib.executoire or jour)}")


def deliberation_warnings(path: str, delib: Deliberation) -> Iterator[tuple[str, str]]:
    """What a collectivité's act usually carries and this délibération lacks (not blocking)."""
    if delib.numero is None:
        yield (f"{path}.numero",
               f"délibération du {date_longue(delib.date)} sans numéro : le document la cite par sa "
               "seule date ; indiquez son numéro s'il en a un")
    if "commission permanente" in delib.organe.lower() and delib.delegation is None:
        yield (f"{path}.delegation",
               "la Commission permanente décide par délégation du Conseil départemental (CGCT, art. "
               "L. 3211-2) : indiquez la délibération de délégation (delegation : organe, date, "
               "numero), que le document cite")

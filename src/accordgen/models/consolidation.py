"""Consolidated accord (``type: accord-consolide``): the accord as its amendments left it.

Printed from the accord's own template: the current representatives in the comparution, the
axes as reworded, added or closed (each with the amendments that changed it), the renewals
after the duration article, and a note saying which amendments the text includes. The
signature blocks stay those of the initial accord: a consolidated version is read, not signed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from .accord import Accord
from .avenant import Renouvellement, ecartes, empreinte, renouvellements
from .derive import DocumentDerive
from .etat import Changement, appliquer

KIND = "accord-consolide"

# How the consolidation note and the axis mentions name the elements an amendment replaced.
ELEMENTS = {
    "titre": "intitulé",
    "contexte": "contexte",
    "apports": "apports des parties",
    "sujets_introduction": "introduction des sujets",
    "sujets": "sujets",
}


class AccordConsolide(DocumentDerive):
    """Parameters of a consolidated version of the accord (``type: accord-consolide``)."""

    type: Literal["accord-consolide"] = Field(description="Toujours « accord-consolide » pour ce document.")
    jusqu_a_avenant: int | None = Field(
        default=None, ge=1, le=99,
        description="Numéro du dernier avenant intégré (par défaut : tous les avenants signés du "
        "dossier) ; pour établir la version en vigueur à une date passée.",
    )

    def inclus(self, doc: Any) -> list[Renouvellement]:
        """The signed renewals this version includes, in order."""
        return [r for r in renouvellements(doc.accord, doc.dossier)
                if self.jusqu_a_avenant is None or r.numero <= self.jusqu_a_avenant]

    # --- checks against the accord and the dossier -------------------------------------
    def dossier_problems(self, doc: Any) -> Iterator[tuple[str, str]]:
        accord: Accord = doc.accord
        if accord.signature.date is None:
            yield ("accord", "l'accord n'a pas de date de signature (signature.date de accord.yaml) : "
                   "il n'a pas encore d'avenant à intégrer")
            return
        for e in ecartes(accord, doc.dossier):
            if e.signe and (self.jusqu_a_avenant is None or e.numero <= self.jusqu_a_avenant):
                yield ("accord", f"l'avenant n° {e.numero} du dossier ({e.fichier.name}) ne peut être "
                       f"intégré : {e.raison} ; corrigez-le avant d'établir la version consolidée")
        signes = [r.numero for r in renouvellements(accord, doc.dossier)]
        if self.jusqu_a_avenant is not None and self.jusqu_a_avenant not in signes:
            connus = ", ".join(f"n° {n}" for n in signes) or "aucun"
            yield ("jusqu_a_avenant", f"pas d'avenant signé n° {self.jusqu_a_avenant} dans le dossier "
                   f"(avenants signés : {connus})")
        elif not signes:
            yield ("accord", "le dossier ne compte aucun avenant signé (avenant-renouvellement daté) : "
                   "la version consolidée serait le texte de l'accord lui-même")

    # --- what the template sees ----------------------------------------------------------
    def context(self, doc: Any) -> dict[str, Any]:
        accord: Accord = doc.accord
        inclus = self.inclus(doc)
        etat = appliquer(accord, inclus)
        parties = [p.model_copy(update={"representant": etat.representants[p.cle]})
                   for p in accord.parties]
        axes = [etat.axes[n] for n in sorted(etat.axes)]
        vue = accord.model_copy(update={"parties": parties, "axes": axes}).vue()
        for axe in vue["axes"]:
            axe["historique"] = [_changement(c) for c in etat.historique.get(axe["numero"], [])]
            axe["clos"] = axe["numero"] in etat.clos
        return vue | {
            # those who signed the initial accord sign its blocks, not today's representatives
            "signature": accord.vue()["signature"],
            "titre_document": self.titre_document(accord, inclus),
            "date_document": inclus[-1].signature,
            "consolidation": {
                "date": inclus[-1].signature,
                "avenants": [r.vue() for r in inclus],
            },
            "renouvellements": [r.vue() for r in inclus],
        }

    def titre_document(self, accord: Accord, inclus: list[Renouvellement]) -> str:
        from ..rules.fr import date_longue

        return f"Version consolidée au {date_longue(inclus[-1].signature)} – {accord.titre_effectif}"

    def dossier_facts(self, doc: Any) -> Any:
        """The amendments the text is built from (for the inputs hash)."""
        return empreinte(self.inclus(doc))

    def dates_cles(self, doc: Any) -> list[tuple[str, Any]]:
        """Each included renewal: its signature and the last day of the period it grants."""
        rows: list[tuple[str, Any]] = []
        for r in self.inclus(doc):
            rows.append((f"Avenant n° {r.numero} : signature", r.signature))
            rows.append((f"Avenant n° {r.numero} : dernier jour en vigueur", r.periode.fin))
        return rows

    def resume(self, doc: Any) -> list[tuple[str, str]]:
        from ..rules.fr import date_longue

        accord: Accord = doc.accord
        inclus = self.inclus(doc)
        etat = appliquer(accord, inclus)
        rows = [
            ("Accord", f"{accord.titre_effectif} ({self.accord})"),
            ("Avenants intégrés", " ; ".join(
                f"n° {r.numero} signé le {date_longue(r.signature)} ({r.fichier.name})" for r in inclus)),
            ("Terme en vigueur", f"du {date_longue(etat.terme.debut)} au {date_longue(etat.terme.fin)} "
             "inclus" if etat.terme else "inconnu"),
        ]
        for p in accord.parties:
            nouveau = etat.representants[p.cle]
            if nouveau != p.representant:
                rows.append((f"Représentant ({p.appellation})",
                             f"{nouveau.civilite} {nouveau.nom_complet}, {nouveau.qualite} (à la "
                             f"signature : {p.representant.civilite} {p.representant.nom_complet})"))
        for numero, changements in sorted(etat.historique.items()):
            rows.append((f"Axe n° {numero}", " ; ".join(
                f"{_ACTION[c.action]} par l'avenant n° {c.renouvellement.numero}" for c in changements)))
        en_attente = [e for e in ecartes(accord, doc.dossier) if not e.signe]
        if en_attente:
            rows.append(("Non intégrés (non signés)", ", ".join(
                f"avenant n° {e.numero} ({e.fichier.name})" for e in en_attente)))
        return rows


_ACTION = {"remplacer": "modifié", "ajouter": "ajouté", "clore": "clos"}


def _changement(c: Changement) -> dict[str, Any]:
    return {
        "action": c.action,
        "numero": c.renouvellement.numero,
        "date": c.renouvellement.signature,
        "elements": [ELEMENTS[e] for e in c.elements],
    }

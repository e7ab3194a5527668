"""Consolidated accord (``type: accord-consolide``): the accord as its amendments left it.

Printed from the accord's own template: the current representatives in a note (the comparution
stays as signed), the axes as reworded, added or closed (each with the amendments that changed
it), the renewals after the duration article, and a note saying which amendments the text
includes. The signature blocks stay those of the initial accord: a consolidated version is read,
not signed. A draft amendment is included only on request, and always named as a draft.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..chain import Changement, EtatAccord, Renouvellement, appliquer, empreinte
from ..models.accord import Accord
from ..models.avenant import ACTION_PARTICIPE
from ..models.consolidation import AccordConsolide
from ..rules.fr import date_longue
from .accord import accord_key_dates, accord_view
from .base import DocumentKind, KeyDate, Problem, Span
from .resiliation import resiliation

if TYPE_CHECKING:
    from ..dossier import Document

# How the consolidation note and the axis mentions name the elements an amendment replaced.
ELEMENTS = {
    "titre": "intitulé",
    "contexte": "contexte",
    "apports": "apports des parties",
    "sujets_introduction": "introduction des sujets",
    "sujets": "sujets",
}


def _inclus(doc: Document) -> list[Renouvellement]:
    """The renewals this version includes, in order (drafts only with ``inclure_projets``)."""
    p: AccordConsolide = doc.params
    chaine = doc.dossier.chain(projets=p.inclure_projets)
    return [r for r in chaine.renouvellements
            if p.jusqu_a_avenant is None or r.numero <= p.jusqu_a_avenant]


def _etat(doc: Document) -> EtatAccord:
    return appliquer(doc.accord, _inclus(doc))


def _mention(r: Renouvellement) -> str:
    return (f"signé le {date_longue(r.signature)}" if r.signe
            else f"en projet, non signé (signature prévue le {date_longue(r.signature)})")


def _changement(c: Changement) -> dict[str, Any]:
    return {
        "action": c.action,
        "numero": c.renouvellement.numero,
        "date": c.renouvellement.signature,
        "signe": c.renouvellement.signe,
        "elements": [ELEMENTS[e] for e in c.elements],
    }


class ConsolideKind(DocumentKind):
    name = "accord-consolide"
    label = "Version consolidée de l'accord"
    model = AccordConsolide
    template = "accord.docx"
    notebook = "accord_consolide.ipynb"
    output = "accord-consolide"

    def dossier_problems(self, doc: Document) -> Iterator[Problem]:
        p: AccordConsolide = doc.params
        accord: Accord = doc.accord
        if accord.signature.date is None:
            yield ("accord", "l'accord n'a pas de date de signature (signature.date de accord.yaml) : "
                   "il n'a pas encore d'avenant à intégrer")
            return
        chaine = doc.dossier.chain(projets=p.inclure_projets)
        for e in chaine.ecartes:
            if e.signe and (p.jusqu_a_avenant is None or e.numero <= p.jusqu_a_avenant):
                yield ("accord", f"l'avenant n° {e.numero} du dossier ({e.fichier.name}) ne peut être "
                       f"intégré : {e.raison} ; corrigez-le avant d'établir la version consolidée")
        inclus = [r.numero for r in chaine.renouvellements]
        if p.jusqu_a_avenant is not None and p.jusqu_a_avenant not in inclus:
            connus = ", ".join(f"n° {n}" for n in inclus) or "aucun"
            quels = "intégrables" if p.inclure_projets else "signés"
            yield ("jusqu_a_avenant", f"pas d'avenant {quels[:-1]} n° {p.jusqu_a_avenant} dans le "
                   f"dossier (avenants {quels} : {connus})")
        elif not inclus:
            projets = [e for e in chaine.ecartes if not e.signe]
            conseil = ""
            if projets and not p.inclure_projets:
                conseil = (f" ; le dossier compte des projets ({', '.join(e.fichier.name for e in projets)}) : "
                           "une version consolidée en projet peut les intégrer (inclure_projets: true)")
            yield ("accord", "le dossier ne compte aucun avenant signé (avenant-renouvellement "
                   f"définitif et daté) : la version consolidée serait le texte de l'accord lui-même{conseil}")

    def context(self, doc: Document) -> dict[str, Any]:
        accord: Accord = doc.accord
        inclus = _inclus(doc)
        etat = appliquer(accord, inclus)
        axes = [etat.axes[n] for n in sorted(etat.axes)]
        vue = accord_view(accord.model_copy(update={"axes": axes}))
        for axe in vue["axes"]:
            axe["historique"] = [_changement(c) for c in etat.historique.get(axe["numero"], [])]
            axe["clos"] = axe["numero"] in etat.clos
        # When an amendment changed a representative, the note names every party's current
        # representative (naming only the changed ones reads as the complete list).
        change = any(etat.representants[p.cle] != p.representant for p in accord.parties)
        representants = [
            {"partie": partie, "representant": etat.representants[partie["cle"]].vue()}
            for partie in vue["parties"]
        ] if change else []
        return vue | {
            # the initial accord's blocks, reprinted: a consolidated version is not signed
            "signature_bloc": vue["signature_bloc"] | {"a_signer": False},
            "titre_document": self.title(doc),
            "date_document": inclus[-1].signature,
            "consolidation": {
                "date": inclus[-1].signature,
                "signee": all(r.signe for r in inclus),
                "avenants": [r.vue() | {"mention": _mention(r)} for r in inclus],
                "representants": representants,
            },
            "renouvellements": [r.vue() | {"mention": _mention(r)} for r in inclus],
        }

    def title(self, doc: Document) -> str:
        inclus = _inclus(doc)
        signes = all(r.signe for r in inclus)
        quand = date_longue(inclus[-1].signature)
        prefixe = f"Version consolidée au {quand}" if signes else \
            "Projet de version consolidée (avenants non signés)"
        return f"{prefixe} – {doc.accord.titre_effectif}"

    def document_date(self, doc: Document) -> dt.date | None:
        return _inclus(doc)[-1].signature

    def key_dates(self, doc: Document) -> list[KeyDate]:
        rows = accord_key_dates(doc.accord)
        for r in _inclus(doc):
            quoi = "signature" if r.signe else "signature prévue (projet)"
            rows.append(KeyDate(f"Avenant n° {r.numero} : {quoi}", r.signature))
            rows.append(KeyDate(f"Avenant n° {r.numero} : dernier jour en vigueur", r.periode.fin))
        return rows

    def spans(self, doc: Document) -> list[Span]:
        return []  # the accord and its amendments draw the same periods

    def warnings(self, doc: Document) -> Iterator[Problem]:
        r = resiliation(doc)
        if r is not None:
            yield ("accord", f"l'accord est résilié : {r.texte} ; la version consolidée donne son "
                   "texte tel que ses avenants l'ont laissé, non un accord en vigueur après cette date")

    def hash_facts(self, doc: Document) -> Any:
        return empreinte(_inclus(doc))

    def summary(self, doc: Document) -> list[tuple[str, str]]:
        accord: Accord = doc.accord
        inclus = _inclus(doc)
        etat = _etat(doc)
        rows = [
            ("Accord", f"{accord.titre_effectif} ({doc.params.accord})"),
            ("Avenants intégrés", " ; ".join(
                f"n° {r.numero} {_mention(r)} ({r.fichier.name})" for r in inclus)),
            ("Terme en vigueur", f"du {date_longue(etat.terme.debut)} au {date_longue(etat.terme.fin)} "
             "inclus" if etat.terme else "inconnu"),
        ]
        r = resiliation(doc)
        if r is not None:
            rows.append(("Résiliation", f"{r.fichier}, envoyée le {date_longue(r.envoi)} : l'accord prend "
                         f"fin à l'expiration du {date_longue(r.effet)}"))
        for p in accord.parties:
            nouveau = etat.representants[p.cle]
            if nouveau != p.representant:
                rows.append((f"Représentant ({p.appellation})",
                             f"{nouveau.civilite} {nouveau.nom_complet}, {nouveau.qualite} (à la "
                             f"signature : {p.representant.civilite} {p.representant.nom_complet})"))
        for numero, changements in sorted(etat.historique.items()):
            rows.append((f"Axe n° {numero}", " ; ".join(
                f"{ACTION_PARTICIPE[c.action]} par l'avenant n° {c.renouvellement.numero}" for c in changements)))
        en_attente = [e for e in doc.dossier.chain(projets=doc.params.inclure_projets).ecartes if not e.signe]
        if en_attente:
            rows.append(("Non intégrés (non signés)", ", ".join(
                f"avenant n° {e.numero} ({e.fichier.name})" for e in en_attente)))
        return rows

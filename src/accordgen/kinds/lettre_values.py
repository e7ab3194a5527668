"""The termination letter's derived values: the parties and their representatives on the
sending date, the effective date and the end of confidentiality (computed by ``rules.dates``,
formatted by the template), the conventions in progress on the sending date — signed (final
and dated) on or before it, never a draft —, the signatory's mentions, the salutation and the
recipient's address block.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..chain import Renouvellement, empreinte
from ..models.accord import Accord
from ..models.base import Statut
from ..models.convention import ConventionSpecifique
from ..models.lettre import _COMPLEMENT, LettreResiliation, Signataire, default_address
from ..models.parties import Partie, Personne
from ..rules import dates
from ..rules.dates import RegleDelai, Unite
from ..rules.fr import article, date_longue
from ..rules.identifiers import check_postal_address

if TYPE_CHECKING:
    from ..dossier import Document

KIND_CONVENTION = "convention-specifique"


def fin_en_vigueur(doc: Document) -> dt.date | None:
    """Last day the accord is in force, signed renewals included (None if unsigned)."""
    terme = doc.dossier.term
    return terme.fin if terme else None


def partie_expeditrice(lr: LettreResiliation, accord: Accord) -> Partie:
    return accord.partie(lr.expediteur)


def partie_destinataire(lr: LettreResiliation, accord: Accord) -> Partie:
    if lr.destinataire is not None:
        return accord.partie(lr.destinataire)
    return next(p for p in accord.parties if p.cle != lr.expediteur)


def renouvellements(lr: LettreResiliation, doc: Document) -> list[Renouvellement]:
    """The dossier's valid renewals signed on or before the sending date."""
    if doc.accord.signature.date is None:
        return []
    return [r for r in doc.dossier.chain().renouvellements if r.signature <= lr.date_envoi]


def representant(lr: LettreResiliation, doc: Document, cle: str) -> Personne:
    """A party's representative on the sending date (as updated by earlier renewals)."""
    return doc.dossier.state(lr.date_envoi).representants[cle]


def date_effet(lr: LettreResiliation, accord: Accord) -> dt.date:
    """Last day of the notice: the termination takes effect at the end of this day.

    A notice in days is counted in calendar days from the day after the sending, never
    extended (dates.notice_end, CALENDAIRE); a notice in months or years ends on the same
    day number (dates.add_duration): sent on 3 March with one month -> 3 April.
    """
    preavis = accord.clauses.preavis_resiliation
    if Unite(preavis.unite) is Unite.JOURS:
        return dates.notice_end(lr.date_envoi, preavis.valeur, RegleDelai.CALENDAIRE)
    return dates.add_duration(lr.date_envoi, preavis.valeur, preavis.unite)


def fin_confidentialite(lr: LettreResiliation, accord: Accord) -> dt.date:
    """The accord ends on its effective date; confidentiality survives it (Art. 9.4)."""
    survie = accord.clauses.confidentialite_survie
    return dates.survival_end(date_effet(lr, accord), survie.valeur, survie.unite)


def conventions_et_problemes(lr: LettreResiliation, doc: Document) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Specific conventions in progress on the sending date — signed (final and dated) on or
    before it and not yet ended —, sorted by number, with their end under ``sort_conventions``;
    and the problems of the dossier's invalid convention files."""
    effet = date_effet(lr, doc.accord)
    axes = doc.dossier.state(lr.date_envoi).axes  # as renewals signed before the letter left them
    items: list[dict[str, Any]] = []
    problems: list[tuple[str, str]] = []
    for e in doc.dossier.members(KIND_CONVENTION):
        cs = e.params
        if not isinstance(cs, ConventionSpecifique):
            problems.append(("sort_conventions",
                             f"convention spécifique {e.path.name} invalide ({e.first_problem()}) : "
                             f"corrigez-la (accordgen check {e.path.name})"))
            continue
        if not _signee_le(cs, lr.date_envoi) or cs.date_fin < lr.date_envoi:
            continue  # not signed yet, or already ended, when the letter is sent
        anticipee = lr.sort_conventions == "resiliees" and effet < cs.date_fin
        axe = axes.get(cs.axe)
        items.append({
            "numero": cs.numero,
            "axe": cs.axe,
            "axe_titre": axe.titre if axe else None,
            "objet": " ".join(cs.objet.split()),  # a YAML block may hold line breaks
            "date_signature": cs.date_signature,
            "date_debut": cs.date_debut,
            "date_fin": cs.date_fin,
            "fin": effet if anticipee else cs.date_fin,
            "anticipee": anticipee,
            "fichier": e.path.name,
        })
    items.sort(key=lambda c: (c["numero"], c["fichier"]))
    return items, problems


def _signee_le(cs: ConventionSpecifique, jour: dt.date) -> bool:
    """Signed on ``jour``: final, and dated on or before it."""
    return cs.statut is Statut.DEFINITIF and cs.date_signature is not None and cs.date_signature <= jour


def non_signees(lr: LettreResiliation, doc: Document) -> list[str]:
    """File names of the dossier's valid conventions not signed on the sending date (drafts,
    or signed later): the letter does not mention them."""
    return [e.path.name for e in doc.dossier.members(KIND_CONVENTION)
            if isinstance(e.params, ConventionSpecifique) and not _signee_le(e.params, lr.date_envoi)]


def conventions(lr: LettreResiliation, doc: Document) -> list[dict[str, Any]]:
    return conventions_et_problemes(lr, doc)[0]


def dossier_facts(lr: LettreResiliation, doc: Document) -> Any:
    """What the letter takes from its dossier (part of the output's input hash): the
    conventions in progress, and the renewals (representatives, term in force)."""
    return {"conventions": conventions(lr, doc),
            "avenants": empreinte(doc.dossier.chain().renouvellements)}


def signataire_effectif(lr: LettreResiliation, doc: Document) -> Signataire:
    if lr.signataire is not None:
        return lr.signataire
    return Signataire(**representant(lr, doc, lr.expediteur).model_dump())


def mention_delegation(lr: LettreResiliation, doc: Document) -> str | None:
    sig = signataire_effectif(lr, doc)
    if not sig.delegation:
        return None
    if sig.mention_delegation:
        return sig.mention_delegation.rstrip(", ")
    rep = representant(lr, doc, lr.expediteur)
    titre = _COMPLEMENT.split(rep.qualite, maxsplit=1)[0]
    return f"Pour {article(titre, rep.civilite == 'Madame')} et par délégation"


def mention_arrete(lr: LettreResiliation, doc: Document) -> str | None:
    """« (arrêté n° 2022-DGS-014 du 1er septembre 2022 portant délégation de signature) »."""
    sig = signataire_effectif(lr, doc)
    if not sig.delegation or sig.arrete is None:
        return None
    return (f"(arrêté n°\u00a0{sig.arrete.numero} du {date_longue(sig.arrete.date)} portant "
            "délégation de signature)")


def appel(lr: LettreResiliation, doc: Document) -> str:
    """The salutation without its comma: "Madame", "Madame la Directrice"."""
    if lr.formule_appel:
        return lr.formule_appel.rstrip(", ")
    return representant(lr, doc, partie_destinataire(lr, doc.accord).cle).civilite


def politesse(lr: LettreResiliation, doc: Document) -> str:
    if lr.formule_politesse:
        return lr.formule_politesse
    return f"Je vous prie d'agréer, {appel(lr, doc)}, l'expression de mes salutations distinguées."


def adresse(lr: LettreResiliation, doc: Document) -> list[str]:
    if lr.destinataire_adresse is not None:
        return check_postal_address(lr.destinataire_adresse)
    dest = partie_destinataire(lr, doc.accord)
    return check_postal_address(default_address(dest, representant(lr, doc, dest.cle)))

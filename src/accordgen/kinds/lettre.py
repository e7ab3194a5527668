"""The termination letter sent by registered mail with acknowledgement of receipt (LRAR).

Art. 7 of the accord: termination at any time with a notice following the sending of an
LRAR; Art. 12.4: a breach of the CSR rules allows the same termination. The letter states
the sending date, the effective date (end of the notice, never extended), what happens to the
specific conventions in progress — those signed on the sending date, never a draft — and the
end of the surviving confidentiality (Art. 9.4), and asks for the restitution or destruction
of confidential information (Art. 9.5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..chain import Renouvellement, empreinte
from ..models.accord import Accord
from ..models.base import Statut, blocs
from ..models.convention import ConventionSpecifique
from ..models.lettre import (
    _COMPLEMENT,
    LettreResiliation,
    Signataire,
    _address_problems,
    _article,
    _cap,
    default_address,
)
from ..models.parties import Nature, Partie, Personne
from ..rules import dates
from ..rules.dates import RegleDelai, Unite
from ..rules.fr import date_jour, date_longue, duree
from ..rules.identifiers import check_postal_address
from .accord import accord_key_dates, accord_view
from .base import Category, DocumentKind, KeyDate, Problem, Span
from .lettre_checks import lettre_warnings, meme_resiliation
from .signature import bloc as bloc_signature
from .signature import signataire as bloc_signataire

if TYPE_CHECKING:
    from ..dossier import Document

KIND = "lettre-resiliation"
KIND_CONVENTION = "convention-specifique"


class LettreKind(DocumentKind):
    name = KIND
    label = "Lettre de résiliation (LRAR)"
    model = LettreResiliation
    template = "lettre_resiliation.docx"
    notebook = "lettre_resiliation.ipynb"
    output = "lettre-resiliation-{date_envoi}"

    def dossier_problems(self, doc: Document) -> Iterator[Problem]:
        return _dossier_problems(doc.params, doc)

    def warnings(self, doc: Document) -> Iterator[Problem]:
        yield from lettre_warnings(doc.params, doc)
        absentes = non_signees(doc.params, doc)
        if absentes:
            yield ("sort_conventions", "conventions du dossier non signées à la date d'envoi, que la "
                   f"lettre ne mentionne pas : {', '.join(absentes)}")

    def context(self, doc: Document) -> dict[str, Any]:
        return _context(doc.params, doc)

    def title(self, doc: Document) -> str:
        return f"Lettre de résiliation — {doc.accord.titre_effectif}"

    def document_date(self, doc: Document) -> dt.date | None:
        return doc.params.date_envoi

    def summary(self, doc: Document) -> list[tuple[str, str]]:
        return _resume(doc.params, doc)

    def key_dates(self, doc: Document) -> list[KeyDate]:
        lr: LettreResiliation = doc.params
        rows = accord_key_dates(doc.accord)
        rows.append(KeyDate("Envoi de la lettre (cachet de la poste)", lr.date_envoi))
        rows.append(KeyDate("Prise d'effet de la résiliation (fin du préavis)", date_effet(lr, doc.accord)))
        rows.append(KeyDate("Fin de l'obligation de confidentialité (survie)",
                            fin_confidentialite(lr, doc.accord)))
        fin = _fin_en_vigueur(doc)
        if fin is not None:
            rows.append(KeyDate("Dernier jour en vigueur de l'accord (sans résiliation)", fin))
        return rows

    def spans(self, doc: Document) -> list[Span]:
        lr: LettreResiliation = doc.params
        effet = date_effet(lr, doc.accord)
        survie = fin_confidentialite(lr, doc.accord)
        out = [Span(f"Préavis de résiliation (envoi le {lr.date_envoi:%d/%m/%Y})", lr.date_envoi, effet,
                    Category.PREAVIS)]
        if survie > effet:
            out.append(Span("Confidentialité après résiliation", effet + dt.timedelta(days=1), survie,
                            Category.SURVIE))
        return out

    def hash_facts(self, doc: Document) -> Any:
        return _dossier_facts(doc.params, doc)


def _fin_en_vigueur(doc: Document) -> dt.date | None:
    """Last day the accord is in force, signed renewals included (None if unsigned)."""
    terme = doc.dossier.term
    return terme.fin if terme else None


# --- checks against the accord and the dossier -----------------------------------

def _dossier_problems(lr: LettreResiliation, doc: Document) -> Iterator[tuple[str, str]]:
    accord = doc.accord
    keys = [p.cle for p in accord.parties]
    if lr.expediteur not in keys:
        yield "expediteur", accord.partie_inconnue(lr.expediteur)
        return
    expediteur = accord.partie(lr.expediteur)
    if (lr.decision is None and expediteur.nature is Nature.COLLECTIVITE
            and lr.statut is Statut.DEFINITIF):
        yield ("decision",
               f"{expediteur.nom_texte} est une collectivité : indiquez la délibération qui a décidé "
               "la résiliation (organe, article, date, numero), que la lettre cite ; son représentant "
               "n'exécute que ce que l'assemblée a décidé (CGCT, art. L. 3221-1)")
    if lr.destinataire is None and len(keys) > 2:
        others = ", ".join(k for k in keys if k != lr.expediteur)
        yield "destinataire", f"obligatoire : l'accord a {len(keys)} parties, indiquez laquelle reçoit la lettre ({others})"
        return
    if lr.destinataire is not None and lr.destinataire not in keys:
        yield "destinataire", accord.partie_inconnue(lr.destinataire)
        return
    if lr.destinataire_adresse is None:
        yield from _default_address_problems(lr, doc)

    for e in doc.dossier.members(KIND):
        if e.path != doc.path and not (isinstance(e.params, LettreResiliation)
                                       and meme_resiliation(lr, e.params)):
            envoi = e.raw.get("date_envoi") if e.raw else None
            yield ("type", f"l'accord est déjà résilié par une autre lettre du dossier : {e.path.name}"
                           + (f" (envoi du {envoi})" if envoi else "")
                           + " ; un accord ne peut être résilié qu'une fois : supprimez ou déplacez "
                           "l'une des deux lettres"
                           + (" (les lettres d'une même résiliation, une par autre partie, ont le "
                              "même expéditeur, la même date d'envoi et chacune son destinataire)"
                              if len(keys) > 2 else ""))

    signature = accord.signature.date
    if signature is None:
        yield ("accord", "l'accord n'a pas de date de signature (signature.date vide dans "
                         f"{doc.accord_path.name}) : un accord non signé ne peut pas être résilié")
        return
    if lr.date_envoi < signature:
        yield ("date_envoi", f"envoi le {lr.date_envoi:%d/%m/%Y}, avant la signature de l'accord "
                             f"({signature:%d/%m/%Y}) : on ne résilie qu'un accord signé")
        return
    fin = _fin_en_vigueur(doc)
    if fin is not None and lr.date_envoi > fin:
        yield ("date_envoi", f"envoi le {lr.date_envoi:%d/%m/%Y}, après l'échéance de l'accord (en "
                             f"vigueur jusqu'au {fin:%d/%m/%Y} inclus) : il n'y a plus rien à résilier")
        return
    effet = date_effet(lr, accord)
    if fin is not None and effet > fin:
        yield ("date_envoi", f"avec un envoi le {lr.date_envoi:%d/%m/%Y}, le préavis expirerait le "
                             f"{effet:%d/%m/%Y}, après l'échéance de l'accord ({fin:%d/%m/%Y} inclus) : "
                             "l'accord prend fin de lui-même avant, la résiliation serait sans objet")
    _items, problems = _conventions(lr, doc)
    yield from problems


def _default_address_problems(lr: LettreResiliation, doc: Document) -> Iterator[tuple[str, str]]:
    """The default block comes from the accord (and renewals): a faulty line is reported
    at the path of the value it comes from, naming the file that holds it."""
    partie = partie_destinataire(lr, doc.accord)
    i = doc.accord.parties.index(partie)
    fichier, rep_path = doc.accord_path.name, f"parties[{i}].representant"
    for r in renouvellements(lr, doc):
        if partie.cle in r.avenant.representants:
            fichier, rep_path = r.fichier.name, f"representants.{partie.cle}"
    sources = [(doc.accord_path.name, f"parties[{i}].denomination"),
               (fichier, f"{rep_path}.nom"), (fichier, f"{rep_path}.qualite")]
    sources += [(doc.accord_path.name, f"parties[{i}].adresse[{j}]") for j in range(len(partie.adresse))]
    lines = default_address(partie, representant(lr, doc, partie.cle))
    hint = "corrigez-la, ou donnez le bloc d'adresse complet dans destinataire_adresse"
    for path, message in _address_problems(lines, lambda k: str(k), ""):
        if path:
            source_file, source_path = sources[int(path)]
            yield source_path, (f"{message} ; cette ligne du bloc d'adresse du destinataire vient de "
                                f"{source_file} ({source_path}) : {hint}")
        else:
            yield "destinataire_adresse", (f"bloc d'adresse par défaut (tiré de {doc.accord_path.name}, "
                                           f"parties[{i}]) : {message} ; donnez un bloc plus court "
                                           "dans destinataire_adresse")

# --- derived values (computed by dates.py, formatted by the template) ------------

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


def _conventions(lr: LettreResiliation, doc: Document) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
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
    return _conventions(lr, doc)[0]


def _dossier_facts(lr: LettreResiliation, doc: Document) -> Any:
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
    return f"Pour {_article(titre, rep.civilite == 'Madame')} et par délégation"


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


def _context(lr: LettreResiliation, doc: Document) -> dict[str, Any]:
    accord = doc.accord
    vue = accord_view(accord)
    by_key = {p["cle"]: p for p in vue["parties"]}
    exp = partie_expeditrice(lr, accord)
    dest = partie_destinataire(lr, accord)
    sig = signataire_effectif(lr, doc)
    effet = date_effet(lr, accord)
    return {
        "accord": vue,
        "expediteur": by_key[exp.cle] | {"representant": representant(lr, doc, exp.cle).vue()},
        "destinataire": by_key[dest.cle] | {"representant": representant(lr, doc, dest.cle).vue()},
        "renouvellements": [r.vue() for r in renouvellements(lr, doc)],
        "adresse": adresse(lr, doc),
        "lieu": lr.lieu,
        "date_envoi": lr.date_envoi,
        "numero_lrar": lr.numero_lrar,
        "motif": lr.motif,
        "faits": blocs(lr.faits),
        "decision": lr.decision.vue() if lr.decision else None,
        "service": lr.service,
        "contact": lr.contact.model_dump(mode="python"),
        "references": lr.references.model_dump(mode="python") if lr.references else None,
        "objet": lr.objet,
        "appel": appel(lr, doc),
        "politesse": politesse(lr, doc),
        "signataire": sig.vue() | {
            "delegation": sig.delegation,
            "mention_delegation": mention_delegation(lr, doc),
            "arrete": mention_arrete(lr, doc),
            "fonction": _cap(_article(sig.qualite, sig.civilite == "Madame")),
        },
        "preavis": accord.clauses.preavis_resiliation.model_dump(mode="python"),
        "preavis_en_jours": Unite(accord.clauses.preavis_resiliation.unite) is Unite.JOURS,
        "date_effet": effet,
        "fin_en_vigueur": _fin_en_vigueur(doc),
        "confidentialite_survie": accord.clauses.confidentialite_survie.model_dump(mode="python"),
        "fin_confidentialite": fin_confidentialite(lr, accord),
        "sort_conventions": lr.sort_conventions,
        "conventions": conventions(lr, doc),
        "titre_document": f"Lettre de résiliation — {accord.titre_effectif}",
        "signature_bloc": bloc_signature(lr.lieu, lr.date_envoi, 1, [bloc_signataire(by_key[exp.cle], sig.vue())]),
        "date_document": lr.date_envoi,
    }


def _resume(lr: LettreResiliation, doc: Document) -> list[tuple[str, str]]:
    accord = doc.accord
    exp, dest = partie_expeditrice(lr, accord), partie_destinataire(lr, accord)
    rep = representant(lr, doc, dest.cle)
    sig = signataire_effectif(lr, doc)
    items = conventions(lr, doc)
    absentes = non_signees(lr, doc)
    if items:
        sort = ("résiliées à la même date" if lr.sort_conventions == "resiliees"
                else "menées à leur terme")
        en_cours = (", ".join(f"n° {c['numero']} (fin le {date_longue(c['fin'])})" for c in items)
                    + f" : {sort}")
    else:
        en_cours = "aucune en cours"
    motif = "article 7" if lr.motif == "article_7" else "article 12.4 (Règles RSE) et article 7"
    return [
        ("Expéditeur", exp.denomination),
        ("Destinataire", f"{rep.civilite} {rep.nom_complet}, {rep.qualite} ({dest.denomination})"),
        ("Adresse", " / ".join(adresse(lr, doc))),
        ("Envoi (LRAR)", f"{date_jour(lr.date_envoi)}, n° {lr.numero_lrar}"),
        ("Motif", motif),
        ("Préavis", duree(accord.clauses.preavis_resiliation)),
        ("Prise d'effet", f"à l'expiration du {date_jour(date_effet(lr, accord))}"),
        ("Confidentialité jusqu'au", date_longue(fin_confidentialite(lr, accord)) + " inclus"),
        ("Conventions spécifiques", en_cours),
        *([("Non mentionnées (non signées à la date d'envoi)", ", ".join(absentes))] if absentes else []),
        ("Signataire", (f"{mention_delegation(lr, doc)}, " if sig.delegation else "")
         + f"{sig.civilite} {sig.nom_complet}, {sig.qualite}"),
    ]


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

from ..models.base import Statut, blocs
from ..models.lettre import LettreResiliation, _address_problems, default_address
from ..models.parties import Nature
from ..rules.dates import Unite
from ..rules.fr import article, date_jour, date_longue, duree, majuscule
from .accord import accord_key_dates, accord_view
from .base import Category, DocumentKind, KeyDate, Problem, Span
from .lettre_checks import lettre_warnings, meme_resiliation
from .lettre_values import (
    adresse,
    appel,
    conventions,
    conventions_et_problemes,
    date_effet,
    dossier_facts,
    fin_confidentialite,
    fin_en_vigueur,
    mention_arrete,
    mention_delegation,
    non_signees,
    partie_destinataire,
    partie_expeditrice,
    politesse,
    renouvellements,
    representant,
    signataire_effectif,
)
from .signature import bloc as bloc_signature
from .signature import signataire as bloc_signataire

if TYPE_CHECKING:
    from ..dossier import Document

KIND = "lettre-resiliation"


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
        fin = fin_en_vigueur(doc)
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
        return dossier_facts(doc.params, doc)


__all__ = ["LettreKind", "date_effet", "fin_confidentialite"]


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
    fin = fin_en_vigueur(doc)
    if fin is not None and lr.date_envoi > fin:
        yield ("date_envoi", f"envoi le {lr.date_envoi:%d/%m/%Y}, après l'échéance de l'accord (en "
                             f"vigueur jusqu'au {fin:%d/%m/%Y} inclus) : il n'y a plus rien à résilier")
        return
    effet = date_effet(lr, accord)
    if fin is not None and effet > fin:
        yield ("date_envoi", f"avec un envoi le {lr.date_envoi:%d/%m/%Y}, le préavis expirerait le "
                             f"{effet:%d/%m/%Y}, après l'échéance de l'accord ({fin:%d/%m/%Y} inclus) : "
                             "l'accord prend fin de lui-même avant, la résiliation serait sans objet")
    _items, problems = conventions_et_problemes(lr, doc)
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
            "fonction": majuscule(article(sig.qualite, sig.civilite == "Madame")),
        },
        "preavis": accord.clauses.preavis_resiliation.model_dump(mode="python"),
        "preavis_en_jours": Unite(accord.clauses.preavis_resiliation.unite) is Unite.JOURS,
        "date_effet": effet,
        "fin_en_vigueur": fin_en_vigueur(doc),
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


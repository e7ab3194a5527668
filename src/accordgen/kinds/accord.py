"""The cooperation accord (``type: accord``), and the view of an accord every template sees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..models.accord import Accord
from ..models.base import blocs
from ..models.deliberation import deliberation_warnings
from ..rules.fr import date_longue, duree
from ..rules.identifiers import NATURES_ACTES
from .base import Category, DocumentKind, KeyDate, Problem, Span
from .signature import bloc as bloc_signature
from .signature import signataire as bloc_signataire

if TYPE_CHECKING:
    import datetime as dt

    from ..dossier import Document


def accord_view(accord: Accord) -> dict[str, Any]:
    """The accord as every template sees it (``accord.*`` in derived documents)."""
    parties = []
    for p in accord.parties:
        autorisation = accord.autorisation(p)  # completed by the ACTES block
        parties.append(p.vue() | {"deliberation": autorisation.vue() if autorisation else None})
    by_key = {p["cle"]: p for p in parties}
    order = accord.signature.signataires or [p.cle for p in accord.parties]
    periode = accord.periode
    actes = None
    if accord.actes:
        acte = accord.actes.parsed
        auteur = accord.auteur_actes()
        delib = auteur.deliberation if auteur else None
        actes = accord.actes.model_dump(mode="python") | {
            # the délibération's own dates when the ACTES block does not repeat them
            "envoi_prefecture": accord.actes.envoi_prefecture or (delib.transmission if delib else None),
            "publication": accord.actes.publication or (delib.publication if delib else None),
            "date_acte": acte.date_acte,
            "nature": acte.nature,
            "nature_libelle": NATURES_ACTES[acte.nature],
        }
    return {
        "titre": accord.titre_effectif,
        "actes": actes,
        "parties": parties,
        "noms_parties": [p["nom_texte"] for p in parties],
        "preambule": blocs(accord.preambule),
        "thematiques_introduction": accord.thematiques_introduction,
        "thematiques": accord.thematiques,
        "preambule_conclusion": blocs(accord.preambule_conclusion),
        "axes": [
            a.vue() | {"apports": [
                {"partie": by_key[x.partie], "texte": blocs(x.texte)} for x in a.apports]}
            for a in accord.axes
        ],
        "clauses": accord.clauses.model_dump(mode="python"),
        "signature": accord.signature.model_dump(mode="python") | {
            "exemplaires": accord.signature.exemplaires or len(accord.parties),
            "signataires": [by_key[k] for k in order],
        },
        "signature_bloc": bloc_signature(accord.signature.lieu, accord.signature.date,
                                accord.signature.exemplaires or len(accord.parties),
                                [bloc_signataire(by_key[k], by_key[k]["representant"]) for k in order]),
        "date_signature": accord.signature.date,
        "debut": periode.debut if periode else None,
        "fin": periode.fin if periode else None,
        "deliberations": [
            {"partie": p, "deliberation": p["deliberation"]}
            for p in parties if p["deliberation"]
        ],
    }


def accord_key_dates(accord: Accord) -> list[KeyDate]:
    """The accord's signature and initial term: the first rows of every document's key dates."""
    rows = []
    if accord.signature.date:
        rows.append(KeyDate("Accord : signature", accord.signature.date))
    periode = accord.periode
    if periode:
        rows.append(KeyDate("Accord : premier jour en vigueur", periode.debut))
        rows.append(KeyDate("Accord : dernier jour en vigueur (terme initial)", periode.fin))
    return rows


class AccordKind(DocumentKind):
    name = "accord"
    label = "Accord de coopération"
    model = Accord
    template = "accord.docx"
    notebook = "accord.ipynb"
    output = "accord"
    derived = False

    def warnings(self, doc: Document) -> Iterator[Problem]:
        accord: Accord = doc.params
        for i, p in enumerate(accord.parties):
            if p.deliberation is not None:
                yield from deliberation_warnings(f"parties[{i}].deliberation", p.deliberation)

    def context(self, doc: Document) -> dict[str, Any]:
        accord: Accord = doc.params
        return accord_view(accord) | {"titre_document": accord.titre_effectif, "consolidation": None,
                                      "renouvellements": []}

    def title(self, doc: Document) -> str:
        return doc.params.titre_effectif

    def document_date(self, doc: Document) -> dt.date | None:
        return doc.params.signature.date

    def summary(self, doc: Document) -> list[tuple[str, str]]:
        accord: Accord = doc.params
        periode = accord.periode
        rows = [
            ("Titre", accord.titre_effectif),
            ("Parties", " ; ".join(
                f"{p.denomination} ({p.representant.civilite} {p.representant.nom_complet}, "
                f"{p.representant.qualite})" for p in accord.parties)),
            ("Axes", " ; ".join(f"n° {a.numero} {a.titre}" for a in accord.axes)),
            ("Signature", f"{accord.signature.lieu}, "
             + (date_longue(accord.signature.date) if accord.signature.date else "date laissée en blanc")),
            ("Durée", duree(accord.clauses.duree)),
        ]
        if periode and accord.fin_confidentialite:
            rows.append(("Période", f"du {date_longue(periode.debut)} au {date_longue(periode.fin)} inclus"))
            rows.append(("Confidentialité jusqu'au", date_longue(accord.fin_confidentialite)))
        rows += [
            ("Préavis de résiliation", duree(accord.clauses.preavis_resiliation)),
            ("Réponse à une demande de communication", duree(accord.clauses.delai_reponse_communication)),
            ("Règlement amiable", duree(accord.clauses.delai_reglement_amiable)),
            ("Juridiction", accord.clauses.juridiction),
        ]
        return rows

    def key_dates(self, doc: Document) -> list[KeyDate]:
        accord: Accord = doc.params
        rows = accord_key_dates(accord)
        if accord.fin_confidentialite:
            rows.append(KeyDate("Fin de l'obligation de confidentialité (survie)", accord.fin_confidentialite))
        return rows

    def spans(self, doc: Document) -> list[Span]:
        periode = doc.params.periode
        if periode is None:
            return []
        return [Span("Accord — terme initial", periode.debut, periode.fin, Category.ACCORD)]

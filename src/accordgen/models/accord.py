"""The cooperation accord: parties, ACTES block, preamble, axes, clauses, signature."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field, field_validator

from ..rules import dates
from ..rules.dates import FinDeTerme, Periode
from ..rules.identifiers import ActesId, parse_actes
from .base import Bloc, Cle, Duree, Jour, Modele, Redaction, Statut, Texte, blocs
from .deliberation import Deliberation, signature_problems
from .parties import Nature, Partie


class Actes(Modele):
    """The prefecture's acknowledgement of receipt (contrôle de légalité, ACTES)."""

    identifiant: str = Field(
        description="Identifiant de l'accusé de réception : DDD-SIREN-AAAAMMJJ-NUMERO-NATURE "
        "(« 077-227700010-20220617-lmc100000023831-DE »)."
    )
    envoi_prefecture: Jour | None = Field(default=None, description="Date d'envoi en préfecture.")
    reception_prefet: Jour | None = Field(default=None, description="Date de réception par le préfet.")
    publication: Jour | None = Field(default=None, description="Date de publication.")
    publication_libelle: Texte = Field(
        default="Publication", description="Libellé de la publication (« Publication RAAD »)."
    )

    @field_validator("identifiant")
    @classmethod
    def _identifiant(cls, value: str) -> str:
        parse_actes(value)
        return value.strip()

    @property
    def parsed(self) -> ActesId:
        return parse_actes(self.identifiant)


class Apport(Modele):
    """What one party brings to an axis."""

    partie: Cle = Field(description="Clé de la partie (« orange »).")
    texte: list[Bloc] = Field(min_length=1, description="Paragraphes et listes décrivant son apport.")


class Axe(Modele):
    """An axis of cooperation (article 2)."""

    numero: int = Field(ge=1, le=99, description="Numéro de l'axe (1, 2, ...).")
    titre: Texte = Field(description="Intitulé de l'axe.")
    contexte: list[Bloc] = Field(
        min_length=1, description="Contexte : paragraphes, et listes écrites comme des listes YAML."
    )
    apports: list[Apport] = Field(default_factory=list, description="Ce que chaque partie apporte.")
    sujets_introduction: Texte | None = Field(
        default=None,
        description="Phrase qui introduit les sujets (« ... conviennent de travailler sur les sujets suivants : »).",
    )
    sujets: list[Texte] = Field(default_factory=list, description="Sujets sur lesquels les parties conviennent de travailler.")

    def vue(self) -> dict[str, Any]:
        data = self.model_dump(mode="python")
        data["contexte"] = blocs(self.contexte)
        data["apports"] = [{"partie": a.partie, "texte": blocs(a.texte)} for a in self.apports]
        data["historique"] = []  # changes by amendments: filled in a consolidated version
        data["clos"] = False
        return data


class Clauses(Modele):
    """Clause values of the accord."""

    duree: Duree = Field(description="Durée de l'accord à compter de sa signature (article « durée »).")
    fin_de_terme: FinDeTerme = Field(
        default=FinDeTerme.VEILLE,
        description="veille_anniversaire (par défaut : 5 ans depuis le 1er juillet 2022 = jusqu'au "
        "30 juin 2027 inclus) ou anniversaire (jusqu'au 1er juillet 2027 inclus).",
    )
    renouvellement_expres: bool = Field(
        default=True, description="L'accord peut être renouvelé par accord exprès des parties."
    )
    preavis_resiliation: Duree = Field(description="Préavis de résiliation après l'envoi de la LRAR.")
    delai_reponse_communication: Duree = Field(
        description="Délai de réponse à une demande d'accord sur un projet de communication."
    )
    confidentialite_survie: Duree = Field(
        description="Durée pendant laquelle la confidentialité survit au terme de l'accord."
    )
    delai_reglement_amiable: Duree = Field(description="Délai de règlement amiable avant saisine du juge.")
    juridiction: Texte = Field(description="Juridiction compétente (« tribunal de commerce de Paris »).")
    droit_applicable: Texte = Field(default="français", description="Droit applicable (« français »).")


class Signature(Modele):
    """Place, date and signatories."""

    lieu: Texte = Field(description="Lieu de signature (« Melun »).")
    date: Jour | None = Field(
        default=None, description="Date de signature ; laisser vide pour un accord à signer."
    )
    exemplaires: int | None = Field(
        default=None, ge=1, le=20,
        description="Nombre d'exemplaires originaux (par défaut : un par partie).",
    )
    signataires: list[Cle] | None = Field(
        default=None, description="Ordre des blocs de signature, par clé de partie (par défaut : l'ordre des parties)."
    )


class Accord(Redaction):
    """Parameters of a cooperation accord (``type: accord``)."""

    type: Literal["accord"] = Field(description="Toujours « accord » pour ce document.")
    titre: Texte | None = Field(
        default=None,
        description="Titre de l'accord (par défaut : « ACCORD DE COOPÉRATION ENTRE » et les désignations des parties, avec leur article).",
    )
    actes: Actes | None = Field(default=None, description="Accusé de réception ACTES (contrôle de légalité), facultatif.")
    parties: list[Partie] = Field(min_length=2, description="Les parties (deux ou plus).")
    preambule: list[Bloc] = Field(min_length=1, description="Paragraphes du préambule, avant les thématiques.")
    thematiques_introduction: Texte | None = Field(
        default=None, description="Phrase qui introduit la liste des thématiques."
    )
    thematiques: list[Texte] = Field(default_factory=list, description="Thématiques de la coopération.")
    preambule_conclusion: list[Bloc] = Field(
        default_factory=list, description="Paragraphes qui closent le préambule, après les thématiques."
    )
    axes: list[Axe] = Field(min_length=1, description="Axes de coopération (article 2).")
    clauses: Clauses = Field(description="Valeurs des clauses (durées, délais, juridiction).")
    signature: Signature = Field(description="Lieu, date et signataires.")

    # --- cross-field checks, with the path of the field at fault ------------------------
    def problems(self) -> Iterator[tuple[str, str]]:
        keys = [p.cle for p in self.parties]
        for key, n in Counter(keys).items():
            if n > 1:
                yield f"parties[{keys.index(key)}].cle", f"clé « {key} » utilisée par {n} parties"
        for i, partie in enumerate(self.parties):
            yield from partie.problems(f"parties[{i}]")
            if partie.deliberation and self.signature.date and partie.deliberation.date > self.signature.date:
                yield (
                    f"parties[{i}].deliberation.date",
                    f"délibération du {partie.deliberation.date:%d/%m/%Y} postérieure à la signature "
                    f"({self.signature.date:%d/%m/%Y}) : l'accord ne peut être signé avant d'être autorisé",
                )
            yield from self._autorisation_problems(i, partie)
        numbers = [a.numero for a in self.axes]
        for i, axe in enumerate(self.axes):
            if numbers.count(axe.numero) > 1 and numbers.index(axe.numero) != i:
                yield f"axes[{i}].numero", f"axe n° {axe.numero} déjà utilisé"
            for j, apport in enumerate(axe.apports):
                if apport.partie not in keys:
                    yield (f"axes[{i}].apports[{j}].partie",
                           self.partie_inconnue(apport.partie))
        yield from self._axes_gap(numbers)
        for j, key in enumerate(self.signature.signataires or []):
            if key not in keys:
                yield f"signature.signataires[{j}]", self.partie_inconnue(key)
        if self.signature.signataires and sorted(self.signature.signataires) != sorted(keys):
            yield "signature.signataires", "chaque partie doit signer une fois et une seule"
        yield from self._actes_problems()

    def _autorisation_problems(self, i: int, partie: Partie) -> Iterator[tuple[str, str]]:
        """A collectivité signs only what its assembly decided (CGCT L. 3221-1), once that
        decision is enforceable (L. 3131-1)."""
        delib = self.autorisation(partie)
        if delib is None:
            if partie.nature is Nature.COLLECTIVITE and self.signature.date is not None:
                yield (f"parties[{i}].deliberation",
                       f"{partie.nom_texte} (clé « {partie.cle} ») est une collectivité : son "
                       "représentant ne signe que ce que l'assemblée a décidé (CGCT, art. L. 3221-1) ; "
                       "indiquez la délibération qui autorise la signature de l'accord (organe, "
                       "article, date, numero, transmission, publication), ou laissez signature.date "
                       "vide tant qu'elle n'est pas prise")
            return
        yield from signature_problems(f"parties[{i}].deliberation", delib, self.signature.date,
                                      self.statut is Statut.DEFINITIF, "l'accord est signé")
        donne = partie.deliberation.accuse_reception if partie.deliberation else None
        if donne and self.actes and self.auteur_actes() is partie and donne != self.actes.identifiant:
            yield (f"parties[{i}].deliberation.accuse_reception",
                   f"« {donne} » diffère de l'identifiant du bloc actes ({self.actes.identifiant}) : "
                   "c'est le même accusé de réception, indiquez-le une seule fois")

    def auteur_actes(self) -> Partie | None:
        """The party whose délibération the ACTES block acknowledges."""
        if not self.actes:
            return None
        acte = self.actes.parsed
        auteur = next((p for p in self.parties if p.siren == acte.siren), None)
        return auteur or next((p for p in self.parties if p.deliberation), None)

    def autorisation(self, partie: Partie) -> Deliberation | None:
        """The party's délibération, completed by the accord's ACTES block when it is this
        délibération's acknowledgement (transmission, publication, acknowledgement number)."""
        delib = partie.deliberation
        if delib is None or self.actes is None or self.auteur_actes() is not partie:
            return delib
        envois = [d for d in (self.actes.envoi_prefecture, self.actes.reception_prefet) if d]
        update: dict[str, object] = {}
        if delib.transmission is None and envois:
            update["transmission"] = max(envois)
        if delib.publication is None and self.actes.publication:
            update["publication"] = self.actes.publication
        if delib.accuse_reception is None:
            update["accuse_reception"] = self.actes.identifiant
        return delib.model_copy(update=update) if update else delib

    def _axes_gap(self, numbers: list[int]) -> Iterator[tuple[str, str]]:
        """Axes 1, 2, 4: refused, naming the first axis after the hole (an amendment may close an
        axis later, but the accord itself numbers its axes from 1 without a gap)."""
        missing = [n for n in range(1, max(numbers) + 1) if n not in numbers]
        if not missing:
            return
        after = min(n for n in numbers if n > missing[0])
        manquants = ", ".join(f"n° {n}" for n in missing)
        yield (f"axes[{numbers.index(after)}].numero",
               f"axe n° {after} : la numérotation des axes a un trou (pas d'axe {manquants}) ; "
               "numérotez les axes de l'accord à la suite à partir de 1")

    def _actes_problems(self) -> Iterator[tuple[str, str]]:
        if not self.actes:
            return
        acte = self.actes.parsed
        auteur = self.auteur_actes()
        if auteur is None or auteur.deliberation is None:
            yield ("actes.identifiant",
                   "l'accusé de réception ACTES suppose une délibération : indiquez-la dans le champ "
                   "« deliberation » de la partie qui l'a prise")
            return
        i = self.parties.index(auteur)
        if auteur.siren and auteur.siren != acte.siren:
            yield ("actes.identifiant",
                   f"le SIREN de l'identifiant ({acte.siren}) n'est pas celui de {auteur.nom_texte} "
                   f"(parties[{i}].siren : {auteur.siren})")
        if acte.date_acte != auteur.deliberation.date:
            yield ("actes.identifiant",
                   f"la date de l'acte dans l'identifiant ({acte.date_acte:%d/%m/%Y}) diffère de la date "
                   f"de la délibération (parties[{i}].deliberation.date : "
                   f"{auteur.deliberation.date:%d/%m/%Y}) : l'identifiant porte la date de l'acte")
        envoi, recu = self.actes.envoi_prefecture, self.actes.reception_prefet
        if envoi and envoi < acte.date_acte:
            yield "actes.envoi_prefecture", "envoi en préfecture antérieur à la délibération"
        if envoi and recu and recu < envoi:
            yield "actes.reception_prefet", "réception par le préfet antérieure à l'envoi"

    # --- derived values (computed by dates.py, formatted by the template) ---------------
    @property
    def periode(self) -> Periode | None:
        """The accord's term, when it is signed."""
        if self.signature.date is None:
            return None
        d = self.clauses.duree
        return dates.term(self.signature.date, d.valeur, d.unite, self.clauses.fin_de_terme)

    def partie(self, cle: str) -> Partie:
        return next(p for p in self.parties if p.cle == cle)

    def partie_inconnue(self, cle: str) -> str:
        """The French message for a party key the accord does not have."""
        return f"partie inconnue « {cle} » (parties de l'accord : {', '.join(p.cle for p in self.parties)})"

    @property
    def titre_effectif(self) -> str:
        if self.titre:
            return self.titre
        # Each party with its article, as the comparution names it (« LE DÉPARTEMENT DE … ET LA
        # SOCIÉTÉ … »), not the bare dénomination.
        noms = [p.designation.upper() for p in self.parties]
        return "ACCORD DE COOPÉRATION ENTRE " + ", ".join(noms[:-1]) + " ET " + noms[-1]

    @property
    def fin_confidentialite(self) -> dt.date | None:
        """Last day covered by the confidentiality obligation, if the accord runs its term."""
        periode = self.periode
        if periode is None:
            return None
        s = self.clauses.confidentialite_survie
        return dates.survival_end(periode.fin, s.valeur, s.unite)

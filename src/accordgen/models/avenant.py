"""Renewal amendment (``type: avenant-renouvellement``): « Avenant n° N ... portant renouvellement ».

The amendment's YAML points at the dossier's ``accord.yaml`` and adds only what is new: its
number, the délibération that authorises it, the new term if it differs, updated
representatives, axis changes, and the place and date of signature.

The term in force is the accord's period extended by the dossier's earlier valid renewals
(:func:`terme_en_vigueur`); a renewal must be signed on or before the last day of that term
(code civil, art. 1212 to 1215): one dated later is refused, a new accord is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from .accord import Accord, Apport
from .base import Bloc, Cle, Duree, Jour, Modele, Statut, Texte
from .deliberation import signature_problems
from .derive import DocumentDerive
from .parties import Deliberation, Personne

KIND = "avenant-renouvellement"

CHAMPS_AXE = ("titre", "contexte", "apports", "sujets_introduction", "sujets")
ACTION_PARTICIPE = {"remplacer": "modifié", "clore": "clos", "ajouter": "ajouté"}
"""How a text says what a change did to an axis (« l'axe n° 5, modifié par l'avenant n° 1 »)."""


class Modification(Modele):
    """A change to the axes of cooperation (article 2 of the accord)."""

    action: Literal["remplacer", "ajouter", "clore"] = Field(
        description="remplacer (un ou plusieurs éléments d'un axe existant), ajouter (un nouvel "
        "axe) ou clore (un axe existant prend fin)."
    )
    axe: int = Field(
        ge=1, le=99,
        description="Numéro de l'axe : un axe existant pour remplacer ou clore, un numéro jamais "
        "utilisé pour ajouter.",
    )
    titre: Texte | None = Field(default=None, description="Nouvel intitulé de l'axe.")
    contexte: list[Bloc] | None = Field(
        default=None, min_length=1,
        description="Nouveau contexte : paragraphes, et listes écrites comme des listes YAML.",
    )
    apports: list[Apport] | None = Field(
        default=None, min_length=1, description="Nouveaux apports de chaque partie."
    )
    sujets_introduction: Texte | None = Field(
        default=None, description="Phrase qui introduit les sujets (avec « sujets »)."
    )
    sujets: list[Texte] | None = Field(
        default=None, min_length=1, description="Nouveaux sujets sur lesquels les parties conviennent de travailler."
    )

    def donnees(self) -> list[str]:
        """The axis elements this change provides, in the order of the accord's article 2."""
        return [name for name in CHAMPS_AXE if getattr(self, name) is not None]

    def problems(self, path: str) -> Iterator[tuple[str, str]]:
        fournis = self.donnees()
        if self.action == "clore":
            for name in fournis:
                yield f"{path}.{name}", "un axe clos n'a pas de nouveau contenu : retirez ce champ"
        elif self.action == "ajouter":
            for name in ("titre", "contexte"):
                if getattr(self, name) is None:
                    yield f"{path}.{name}", "champ obligatoire pour ajouter un axe"
        elif not fournis:
            yield path, ("indiquez au moins un élément à remplacer : titre, contexte, apports, "
                         "sujets_introduction ou sujets")
        if self.sujets_introduction is not None and self.sujets is None and self.action != "clore":
            yield f"{path}.sujets_introduction", "une phrase d'introduction suppose des « sujets »"


class SignatureAvenant(Modele):
    """Place and date of signature of the amendment."""

    lieu: Texte = Field(description="Lieu de signature (« Melun »).")
    date: Jour | None = Field(
        default=None,
        description="Date de signature (AAAA-MM-JJ), au plus tard le dernier jour du terme en "
        "vigueur ; laisser vide pour un avenant à signer (il doit alors l'être avant ce terme).",
    )
    exemplaires: int | None = Field(
        default=None, ge=1, le=20,
        description="Nombre d'exemplaires originaux (par défaut : celui de l'accord, sinon un par partie).",
    )


class AvenantRenouvellement(DocumentDerive):
    """Parameters of a renewal amendment (``type: avenant-renouvellement``)."""

    type: Literal["avenant-renouvellement"] = Field(
        description="Toujours « avenant-renouvellement » pour ce document."
    )
    numero: int = Field(
        ge=1, le=99,
        description="Numéro de l'avenant : 1 pour le premier, puis le suivant de ceux du dossier.",
    )
    deliberation: Deliberation | None = Field(
        default=None, title="Délibération (une seule collectivité)",
        description="Délibération qui autorise la signature de l'avenant, quand l'accord compte une "
        "seule collectivité (organe, article, date, numero).",
    )
    deliberations: dict[Cle, Deliberation] | None = Field(
        default=None, title="Délibérations (plusieurs collectivités)",
        description="Délibérations qui autorisent la signature de l'avenant, par clé de partie "
        "(une par collectivité) ; à la place de « deliberation ».",
    )
    representants: dict[Cle, Personne] = Field(
        default_factory=dict,
        description="Nouveaux représentants, par clé de partie (civilite, prenom, nom, qualite). "
        "Les autres parties gardent leur représentant actuel.",
    )
    duree: Duree | None = Field(
        default=None,
        description="Durée du renouvellement (par défaut : la durée de l'accord, clauses.duree).",
    )
    modifications: list[Modification] = Field(
        default_factory=list,
        description="Modifications des axes de coopération : remplacer, ajouter ou clore un axe.",
    )
    signature: SignatureAvenant = Field(description="Lieu et date de signature de l'avenant.")

    # --- checks on the document alone ------------------------------------------------
    def problems(self) -> Iterator[tuple[str, str]]:
        if self.deliberation is not None and self.deliberations is not None:
            yield "deliberations", "indiquez « deliberation » ou « deliberations », pas les deux"
        axes = [m.axe for m in self.modifications]
        for i, modif in enumerate(self.modifications):
            path = f"modifications[{i}]"
            yield from modif.problems(path)
            if axes.count(modif.axe) > 1 and axes.index(modif.axe) != i:
                yield (f"{path}.axe", f"l'axe n° {modif.axe} est déjà modifié par "
                       f"modifications[{axes.index(modif.axe)}] : regroupez ses changements")
        signe = self.signature.date
        for path, delib in self.deliberations_declarees():
            if signe and delib.date > signe:
                yield (f"{path}.date",
                       f"délibération du {delib.date:%d/%m/%Y} postérieure à la signature de "
                       f"l'avenant ({signe:%d/%m/%Y}) : l'avenant ne peut être signé avant d'être autorisé")
            yield from signature_problems(path, delib, signe, self.statut is Statut.DEFINITIF,
                                          "l'avenant est signé")

    def duree_effective(self, accord: Accord) -> Duree:
        """The renewal's duration: its own, or the accord's."""
        return self.duree or accord.clauses.duree

    def deliberations_declarees(self) -> list[tuple[str, Deliberation]]:
        """(field path, délibération) of each délibération the amendment gives."""
        if self.deliberation is not None:
            return [("deliberation", self.deliberation)]
        return [(f"deliberations.{cle}", d) for cle, d in (self.deliberations or {}).items()]

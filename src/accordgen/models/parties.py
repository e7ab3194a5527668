"""The parties of an accord: who they are, who represents them, under which authority."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator

from ..rules.identifiers import check_siren
from .base import Cle, Modele, Texte
from .deliberation import DelegationOrgane, Deliberation

__all__ = ["DelegationOrgane", "Deliberation", "Genre", "Nature", "Partie", "Personne"]


class Genre(StrEnum):
    MASCULIN = "masculin"
    FEMININ = "feminin"


class Nature(StrEnum):
    COLLECTIVITE = "collectivite"
    SOCIETE = "societe"
    AUTRE = "autre"


class Personne(Modele):
    """A natural person who signs or represents a party."""

    civilite: Literal["Monsieur", "Madame"] = Field(description="« Monsieur » ou « Madame ».")
    prenom: Texte = Field(description="Prénom, tel qu'il doit être imprimé.")
    nom: Texte = Field(description="Nom, tel qu'il doit être imprimé (usage : en capitales).")
    qualite: Texte = Field(
        description="Fonction, telle qu'elle suit le nom (« Président du Conseil départemental »)."
    )

    @property
    def genre(self) -> Genre:
        return Genre.FEMININ if self.civilite == "Madame" else Genre.MASCULIN

    @property
    def nom_complet(self) -> str:
        return f"{self.prenom} {self.nom}"

    def vue(self) -> dict[str, str]:
        data = self.model_dump(mode="python")
        data.update(genre=self.genre.value, nom_complet=self.nom_complet)
        return data


class Partie(Modele):
    """A party to the accord."""

    cle: Cle = Field(
        description="Identifiant court de la partie, utilisé par les autres fichiers (« departement »)."
    )
    nature: Nature = Field(description="collectivite, societe ou autre.")
    designation: Texte = Field(
        description="Désignation en tête de l'accord (« Le Département de Seine-et-Marne », « La société ORANGE »)."
    )
    denomination: Texte = Field(description="Dénomination officielle (« Département de Seine-et-Marne »).")
    forme_juridique: Texte | None = Field(
        default=None, description="Forme juridique d'une société (« société anonyme »), si elle doit figurer."
    )
    genre: Genre = Field(
        description="Genre grammatical de la désignation, pour l'accord (« ci-après désigné » / « désignée »)."
    )
    appellation: Texte = Field(description="Nom court employé dans le texte (« Département », « Orange »).")
    article: Literal["le", "la", "l'", ""] = Field(
        default="",
        description="Article devant le nom court dans le texte : le, la, l' ou rien (« Orange »).",
    )
    adresse: list[Texte] = Field(
        min_length=1, max_length=6,
        description="Adresse postale sans le nom de la partie, une ligne par élément, la dernière avec le code postal et la ville (norme La Poste : 6 lignes au plus avec le nom, 38 caractères par ligne).",
    )
    adresse_texte: Texte | None = Field(
        default=None,
        description="Adresse telle qu'elle se lit dans la phrase de comparution (« à l'Hôtel du Département, 77010 Melun cedex »). Par défaut : « au » suivi des lignes de l'adresse.",
    )
    siren: str | None = Field(default=None, description="Numéro SIREN (9 chiffres, clé de Luhn vérifiée).")
    rcs_greffe: Texte | None = Field(
        default=None, description="Ville du greffe du Registre du commerce et des sociétés (« Nanterre »)."
    )
    representant: Personne = Field(description="Représentant qui signe l'accord pour la partie.")
    deliberation: Deliberation | None = Field(
        default=None,
        description="Délibération qui habilite le représentant : obligatoire pour une collectivité "
        "dès que l'accord est daté (organe, article, date, numero, transmission, publication).",
    )
    pour: Texte | None = Field(
        default=None,
        description="Mention au-dessus de la signature, après « Pour » (par défaut : le nom court avec son article).",
    )

    @field_validator("siren")
    @classmethod
    def _siren(cls, value: str | None) -> str | None:
        return None if value is None else check_siren(str(value))

    def problems(self, path: str) -> Iterator[tuple[str, str]]:
        if self.nature is Nature.SOCIETE:
            if not self.siren:
                yield f"{path}.siren", "obligatoire pour une société (immatriculation au RCS)"
            if not self.rcs_greffe:
                yield f"{path}.rcs_greffe", "obligatoire pour une société (ville du greffe du RCS)"

    # --- text forms ------------------------------------------------------------------
    @property
    def nom_texte(self) -> str:
        """"le Département", "Orange", "l'Agence"."""
        if self.article == "l'":
            return f"l'{self.appellation}"
        return f"{self.article} {self.appellation}".strip()

    @property
    def de_nom(self) -> str:
        """"du Département", "de la Région", "d'Orange"."""
        if self.article == "le":
            return f"du {self.appellation}"
        if self.article in ("la", "l'"):
            return f"de {self.nom_texte}"
        if self.appellation[:1].lower() in "aeiouyhâàéèêîôûœ":
            return f"d'{self.appellation}"
        return f"de {self.appellation}"

    def vue(self) -> dict[str, object]:
        """The party as the templates see it: its fields plus its text forms."""
        data = self.model_dump(mode="python")
        nom = self.nom_texte
        data.update(
            nature=self.nature.value,
            genre=self.genre.value,
            nom_texte=nom,
            Nom_texte=nom[:1].upper() + nom[1:],
            de_nom=self.de_nom,
            pour=self.pour or nom,
            adresse_texte=self.adresse_texte or "au " + ", ".join(self.adresse),
            representant=self.representant.vue(),
            deliberation=self.deliberation.vue() if self.deliberation else None,
        )
        return data

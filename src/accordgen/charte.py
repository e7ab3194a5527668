"""A workspace's graphic charter: logo, fonts, heading colour, margins, footer mention.

A Département has one visual identity for every act it signs. accordgen applies it at render
time to every kind (see :mod:`accordgen.render.charter`), so the templates need no edit and
stay in step::

    charte/charte.yaml     in the workspace (``accordgen init`` writes a neutral one)
    charte/logo.png        the file ``logo:`` names, beside charte.yaml

    police: Marianne               # body text (every style that names a font)
    police_titres: Marianne        # title and headings (default: police)
    couleur_titres: "#000091"      # title and headings, RRGGBB
    marges_mm: {haut: 25, bas: 20, gauche: 25, droite: 20}
    logo: logo.png                 # first page only, top of the header
    logo_largeur_mm: 35
    mention_pied: Hôtel du Département – 12 rue … – www.…   # every page, under the footer

Every field is optional: a field left out keeps the template's own style, and a charter with
no field (the neutral one) changes nothing. ``ACCORDGEN_CHARTE`` names a charter folder to use
instead of the workspace's (tests, a charter under development).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import pydantic
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as DocxImage
from pydantic import Field, StringConstraints

from .errors import AccordgenError, InputError, ValidationError
from .models.base import Modele, Texte, french_problems
from .resources import current_workspace
from .safeio import read_regular_file
from .yamlio import MAX_BYTES as MAX_YAML_BYTES
from .yamlio import parse_yaml

CHARTE = "charte"
CHARTE_FILE = "charte.yaml"
ENV_CHARTE = "ACCORDGEN_CHARTE"
MAX_LOGO_BYTES = 5 * 1024 * 1024

Police = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[\w][\w \-.]{0,62}$")]
Couleur = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^#?[0-9A-Fa-f]{6}$")]
NomFichier = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^/\\]+\.(png|jpe?g|gif|bmp)$")]


class Marges(Modele):
    haut: float = Field(ge=5, le=60, description="Marge du haut, en millimètres.")
    bas: float = Field(ge=5, le=60, description="Marge du bas, en millimètres.")
    gauche: float = Field(ge=5, le=60, description="Marge de gauche, en millimètres.")
    droite: float = Field(ge=5, le=60, description="Marge de droite, en millimètres.")


class Charte(Modele):
    """The charter's fields (``charte/charte.yaml``); all optional."""

    police: Police | None = Field(default=None, description="Police du texte (nom exact, par exemple « Marianne »).")
    police_titres: Police | None = Field(default=None, description="Police du titre et des intitulés d'articles (par défaut : police).")
    couleur_titres: Couleur | None = Field(default=None, description="Couleur du titre et des intitulés, en RRVVBB (« #000091 »).")
    marges_mm: Marges | None = Field(default=None, description="Marges de la page, en millimètres.")
    logo: NomFichier | None = Field(default=None, description="Fichier du logo (PNG, JPEG, GIF, BMP), dans le dossier charte/.")
    logo_largeur_mm: float = Field(default=35, ge=5, le=120, description="Largeur du logo, en millimètres.")
    mention_pied: Texte | None = Field(default=None, max_length=300, description="Mention imprimée au pied de chaque page.")

    @pydantic.field_validator("couleur_titres")
    @classmethod
    def _hex(cls, value: str | None) -> str | None:
        return value.lstrip("#").upper() if value else value


@dataclass(frozen=True)
class Charter:
    """A loaded charter: its fields, its logo's bytes, and where it came from."""

    charte: Charte
    path: Path | None = None
    logo: bytes | None = None
    digest: str = ""

    @property
    def neutral(self) -> bool:
        c = self.charte
        return not (c.police or c.police_titres or c.couleur_titres or c.marges_mm or c.logo or c.mention_pied)


NEUTRAL = Charter(Charte())


def charter_folder(workspace: Path | None = None) -> Path | None:
    """The charter folder in use: ``ACCORDGEN_CHARTE``, else the workspace's ``charte/``
    (``workspace`` None: the current one), else none (the neutral charter)."""
    configured = os.environ.get(ENV_CHARTE, "").strip()
    if configured:
        return Path(configured)
    ws = workspace if workspace is not None else current_workspace()
    if ws is not None and (ws / CHARTE).is_dir():
        return ws / CHARTE
    return None


def load_charter(workspace: Path | None = None) -> Charter:
    """The charter of ``workspace``; the neutral charter when there is none. Raises
    :class:`InputError` (unreadable file, logo) or :class:`ValidationError` (a field), each
    naming the file."""
    folder = charter_folder(workspace)
    if folder is None or not (folder / CHARTE_FILE).exists():
        return NEUTRAL
    path = folder / CHARTE_FILE
    data = read_regular_file(path, MAX_YAML_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"le fichier n'est pas en UTF-8 (octet invalide à la position {exc.start})") from None
    raw = parse_yaml(text, path)
    if raw is None:  # every line commented out: the neutral charter
        raw = {}
    if not isinstance(raw, dict):
        raise InputError(path, "charte invalide : attendu des champs (police, couleur_titres, logo...)")
    try:
        charte = Charte.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise ValidationError(path, french_problems(exc)) from None
    h = hashlib.sha256(data)
    logo = None
    if charte.logo:
        logo_path = folder / charte.logo
        try:
            logo = read_regular_file(logo_path, MAX_LOGO_BYTES)
        except AccordgenError as exc:
            raise ValidationError(path, [("logo", f"fichier {logo_path} illisible : {_reason(exc)}")]) from None
        try:
            DocxImage.from_blob(logo)
        except (UnrecognizedImageError, ValueError, IndexError, KeyError):
            raise ValidationError(path, [("logo", f"{logo_path} n'est pas une image PNG, JPEG, GIF ou BMP lisible")]) from None
        h.update(logo)
    return Charter(charte, path, logo, h.hexdigest())


def charter_problems(workspace: Path | None = None) -> list[tuple[str, str]]:
    """(file, French problem) of the workspace's charter, for ``accordgen lint``: an invalid
    field, an unreadable logo, a font this machine lacks (LibreOffice would substitute
    another in the PDF)."""
    try:
        charter = load_charter(workspace)
    except AccordgenError as exc:
        return [(getattr(exc, "file", ""), str(exc))]
    where = str(charter.path or "")
    missing = [font for font in dict.fromkeys((charter.charte.police, charter.charte.police_titres))
               if font and not font_installed(font)]
    return [(where, f"police « {font} » absente de cette machine : Word et LibreOffice lui en "
                    "substitueront une autre (installez-la, ou corrigez son nom)") for font in missing]


def font_installed(font: str) -> bool:
    """Whether fontconfig knows the family ``font`` (True when fontconfig is absent: then
    nothing can be told)."""
    if shutil.which("fc-list") is None:
        return True
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return True
    families = {name.strip().casefold() for line in out.splitlines() for name in line.split(",")}
    return font.casefold() in families


def _reason(exc: AccordgenError) -> str:
    return exc.message if isinstance(exc, InputError) else str(exc)


NEUTRAL_TEXT = """\
# Charte graphique de l'espace : appliquée à chaque document généré (accord, avenants,
# conventions, lettres, version consolidée) sans modifier les modèles Word.
# Un champ absent laisse le style du modèle ; cette charte neutre ne change donc rien.
# Retirez le « # » d'une ligne pour l'appliquer, puis vérifiez avec « accordgen lint ».
#
# police: Marianne               # police du texte (installée sur le poste pour les PDF)
# police_titres: Marianne        # titre et intitulés d'articles (par défaut : police)
# couleur_titres: "#000091"      # couleur du titre et des intitulés (RRVVBB)
# marges_mm: {haut: 25, bas: 20, gauche: 25, droite: 20}
# logo: logo.png                 # fichier placé dans ce dossier ; en tête de la première page
# logo_largeur_mm: 35
# mention_pied: Hôtel du Département – adresse – site internet
"""

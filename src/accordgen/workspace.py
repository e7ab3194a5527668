"""``accordgen init DIR``: a drafters' workspace, kept anywhere (a shared drive, a git repo).

The workspace gets the example dossier and register (``dossiers/``), copies of the templates
the house may customise (``templates/``: a workspace template overrides the packaged one),
the notebooks (``notebooks/``, their default paths pointing at ``../dossiers``), the marker
``accordgen.yaml`` and a French ``LISEZMOI.md``. It is built in a hidden sibling folder and
renamed into place: DIR appears whole or not at all, and nothing else is written.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .charte import CHARTE, CHARTE_FILE, NEUTRAL_TEXT
from .library import CLAUSES
from .resources import (
    DOSSIERS,
    EXAMPLES,
    MARKER,
    NOTEBOOKS,
    TEMPLATES,
    WorkspaceError,
    is_workspace,
    packaged,
)

MARKER_TEXT = """\
# Espace de travail accordgen (créé par « accordgen init »).
# accordgen reconnaît l'espace à ce fichier : ne le supprimez pas. Les modèles de templates/
# et les notebooks de notebooks/ y remplacent ceux du logiciel qui portent le même nom.
espace: accordgen
"""

README_NAME = "LISEZMOI.md"
README_TEXT = """\
# Espace de travail accordgen

Cet espace contient les dossiers d'accords de coopération et ce qu'il faut pour en générer
les documents (accord, avenants de renouvellement, conventions spécifiques, lettres de
résiliation, version consolidée). Il peut être rangé n'importe où : un lecteur partagé, un
dépôt git. Les commandes se lancent depuis ce dossier (ou un de ses sous-dossiers).

## Les dossiers

- `dossiers/` : un dossier par accord (un `accord.yaml` et un fichier YAML par document
  dérivé) ; `dossiers/registre.csv` est un registre d'exemple pour la génération par lot
  (les chemins de la colonne `fichier` partent du dossier du registre).
  `seine-et-marne-orange-2022/` est l'exemple fourni : copiez-le pour commencer un accord.
- `templates/` : les modèles Word, un par type de document, à adapter dans Word ou
  LibreOffice. Un modèle présent ici remplace celui du logiciel de même nom ; supprimez-le
  pour revenir au modèle du logiciel. Vérifiez un modèle modifié avec `accordgen lint`.
- `clauses/` : la bibliothèque de clauses, un dossier par thème (`litiges/`,
  `contrepartie/`), une variante par fichier Word accompagné de sa fiche YAML (titre,
  description, paramètres, refus). Une variante présente ici remplace celle du logiciel de
  même nom ; un nouveau fichier ajoute une variante. `accordgen clauses` les liste.
- `charte/` : la charte graphique (`charte.yaml` : police, couleur des titres, marges,
  logo, mention de pied de page), appliquée à chaque document généré sans modifier les
  modèles ; neutre à la création. Vérifiez-la avec `accordgen lint`.
- `filtres.yaml` (facultatif) : les filtres propres au service, utilisables dans les
  modèles (`{{ montant|euros }}`), chacun une expression sur `valeur`, par exemple
  `euros: "valeur|nombre ~ ' euros'"` ; voir le README d'accordgen.
- `notebooks/` : les notebooks guidés (formulaire, aperçu, dates clés), à ouvrir avec
  `jupyter lab` lancé dans cet espace.
- `outputs/` : créé à la première génération ; les documents produits.
- `accordgen.yaml` : marque cet espace ; ne le supprimez pas.

## Les commandes

    accordgen check accord dossiers/seine-et-marne-orange-2022/accord.yaml
    accordgen render accord dossiers/seine-et-marne-orange-2022/accord.yaml
    accordgen demo dossiers/seine-et-marne-orange-2022
    accordgen batch dossiers/registre.csv
    accordgen lint
    accordgen kinds

`accordgen demo`, `accordgen batch` (sans `--out`), les notebooks et l'application écrivent
chaque document dans `outputs/<dossier>/`, sous le même nom (une ligne du registre dont la
colonne `sortie` est remplie est écrite sous ce nom, dans `outputs/`). `accordgen render` écrit dans `outputs/` ; ajoutez `--pdf` pour le PDF (LibreOffice).
Hors de cet espace, `accordgen --espace CHEMIN ...` (ou la variable d'environnement
`ACCORDGEN_WORKSPACE`) désigne l'espace à utiliser.
"""


@dataclass(frozen=True)
class InitResult:
    path: Path
    created: bool
    """False when ``path`` already was a workspace (nothing was written)."""


def _copy_notebook(src: Path, dest: Path) -> None:
    """Copy a notebook, its default paths moved from the checkout's ``../examples`` to the
    workspace's ``../dossiers`` (only in the parameters cell)."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"]
            lines = source if isinstance(source, list) else [source]
            cell["source"] = [line.replace('"../examples/', f'"../{DOSSIERS}/') for line in lines]
    dest.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _fill(root: Path) -> None:
    shutil.copytree(packaged(EXAMPLES), root / DOSSIERS,
                    ignore=shutil.ignore_patterns("__pycache__", ".*", "*.pyc"))
    (root / TEMPLATES).mkdir()
    for src in sorted(packaged(TEMPLATES).glob("*.docx")):
        shutil.copyfile(src, root / TEMPLATES / src.name)
    shutil.copytree(packaged(CLAUSES), root / CLAUSES,
                    ignore=shutil.ignore_patterns("__pycache__", ".*", "~$*"))
    (root / CHARTE).mkdir()
    (root / CHARTE / CHARTE_FILE).write_text(NEUTRAL_TEXT, encoding="utf-8")
    (root / NOTEBOOKS).mkdir()
    for src in sorted(packaged(NOTEBOOKS).glob("*.ipynb")):
        _copy_notebook(src, root / NOTEBOOKS / src.name)
    (root / README_NAME).write_text(README_TEXT, encoding="utf-8")
    (root / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # last: a whole workspace


def init_workspace(target: Path | str) -> InitResult:
    """Create the workspace ``target`` (a new or empty folder). Raises WorkspaceError (French,
    the folder named) when ``target`` is a file, a non-empty folder that is not a workspace,
    or its parent folder does not exist; an existing workspace is left as it is."""
    target = Path(target).expanduser().absolute()
    if is_workspace(target):
        return InitResult(target, created=False)
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise WorkspaceError(f"{target} : existe déjà et n'est pas un dossier ; "
                                 "choisissez un autre nom")
        if any(target.iterdir()):
            raise WorkspaceError(f"{target} : ce dossier n'est pas vide et n'est pas un espace de "
                                 "travail accordgen ; choisissez un dossier nouveau ou vide")
    parent = target.parent
    if not parent.is_dir():
        raise WorkspaceError(f"{parent} : ce dossier n'existe pas ; créez-le d'abord, ou "
                             "choisissez un autre emplacement pour l'espace de travail")
    staging = parent / f".{target.name}.accordgen-init-{os.getpid()}"
    try:
        staging.mkdir()
    except OSError as exc:
        raise WorkspaceError(f"{parent} : impossible d'y créer l'espace de travail "
                             f"({exc.strerror or exc})") from None
    try:
        _fill(staging)
        os.replace(staging, target)  # onto a missing or empty folder
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise WorkspaceError(f"{target} : l'espace de travail n'a pas pu être créé "
                             f"({exc.strerror or exc})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return InitResult(target, created=True)

"""A dossier at a glance: every document with its status, and a timeline of what is in force.

``Overview(folder, output_dir)`` asks the dossier loader for every YAML document under the
folder (sub-folders included: those are scenarios, drawn hatched), and tells whether its DOCX
exists in ``output_dir``. The timeline draws the periods each kind declares (``spans``): the
accord's term, its renewals, each specific convention's term, a termination letter's notice and
the confidentiality that survives it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..dossier import Document, Loader
from ..errors import InputError
from ..kinds import DOCUMENT_KINDS
from ..kinds.base import Category
from ..models.base import today as paris_today

_ONE_DAY = dt.timedelta(days=1)


@dataclass
class Ligne:
    """One document of the dossier and its state."""

    fichier: Path  # relative to the dossier folder
    chemin: Path
    type: str
    numero: Any
    statut: str
    valide: bool
    docx: Path | None = None
    document: Document | None = field(default=None, repr=False)

    @property
    def libelle_type(self) -> str:
        kind = DOCUMENT_KINDS.get(self.type)
        return kind.label if kind else self.type


@dataclass(frozen=True)
class Bar:
    """A bar of the timeline: both bounds included."""

    libelle: str
    debut: dt.date
    fin: dt.date
    categorie: str  # a kinds.base.Category value
    fichier: str
    hypothese: bool = False  # a document kept aside (scenarios/): drawn hatched


class Overview:
    """The documents of one dossier folder (sub-folders included)."""

    def __init__(self, dossier_dir: Path | str, output_dir: Path | str | None = None) -> None:
        self.folder = Path(dossier_dir).resolve()
        if output_dir is not None and not str(output_dir).strip():  # "": the dossier's own folder
            from ..resources import output_folder

            output_dir = output_folder(dossier_dir)
        self.output_dir = Path(output_dir).resolve() if output_dir else None
        if not self.folder.is_dir():
            raise InputError(self.folder, "dossier introuvable")

    # --- the documents ----------------------------------------------------------------
    @cached_property
    def lignes(self) -> list[Ligne]:
        order = {name: i for i, name in enumerate(DOCUMENT_KINDS)}
        found: list[Ligne] = []
        for entry, doc, problem in Loader().documents(self.folder):
            numero = entry.numero if entry.numero is not None else ""
            if doc is None:
                found.append(Ligne(entry.rel, entry.path, entry.kind, numero, problem or "", False))
            else:
                found.append(Ligne(entry.rel, entry.path, entry.kind, numero, "valide", True,
                                   self._docx(entry.rel, doc), doc))

        def key(line: Ligne) -> tuple[Any, ...]:
            n = line.numero if isinstance(line.numero, int) else 0
            return (line.type != "accord", len(line.fichier.parts) > 1, order.get(line.type, len(order)),
                    n, str(line.fichier))

        return sorted(found, key=key)

    def _docx(self, rel: Path, doc: Document) -> Path | None:
        """The document's DOCX in ``output_dir``: named by the notebooks (the kind's output
        name) or by ``make demo`` (the YAML's name, in the same sub-folder)."""
        if self.output_dir is None:
            return None
        candidates = [self.output_dir / f"{doc.output_stem}.docx", self.output_dir / rel.parent / f"{doc.output_stem}.docx",
                      self.output_dir / rel.parent / f"{rel.stem}.docx", self.output_dir / f"{rel.stem}.docx"]
        return next((c for c in candidates if c.is_file()), None)

    def table(self) -> Any:
        """One row per document (a pandas DataFrame): file, kind, number, status (valid or the
        first problem), draft or final, generated or not."""
        import pandas as pd

        rows = []
        for line in self.lignes:
            if self.output_dir is None:
                genere = "—"
            elif line.docx is not None:
                genere = f"oui ({line.docx.name})"
            else:
                genere = "non"
            rows.append({
                "Fichier": str(line.fichier),
                "Type": line.libelle_type,
                "Numéro": "" if line.numero in (None, "") else str(line.numero),
                "Statut": "✔ valide" if line.valide else f"✗ {line.statut}",
                "Rédaction": _redaction(line.document) if line.document is not None else "",
                "Généré": genere,
            })
        return pd.DataFrame(rows, columns=["Fichier", "Type", "Numéro", "Statut", "Rédaction", "Généré"])

    def tableau(self) -> Any:
        """:meth:`table`, styled for the notebook (problems in red, no index column)."""
        styled = self.table().style.hide(axis="index").set_properties(**{"text-align": "left"})
        styled = styled.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
        return styled.map(
            lambda v: "color:#b00020" if isinstance(v, str) and v.startswith("✗") else "",
            subset=["Statut"])

    # --- the periods ------------------------------------------------------------------
    @cached_property
    def liste_periodes(self) -> list[Bar]:
        """Every period the timeline draws, in drawing order."""
        out: list[Bar] = []
        for line in self.lignes:
            if line.document is None:
                continue
            out += [Bar(span.label, span.debut, span.fin, span.category.value, str(line.fichier),
                        line.document.hypothese) for span in line.document.spans()]
        rank = [c.value for c in Category]
        return sorted(out, key=lambda p: (p.hypothese, rank.index(p.categorie), p.debut))

    def periodes(self) -> Any:
        """The timeline's periods as a table, dates in words."""
        import pandas as pd

        from ..rules.fr import date_longue

        rows = [{
            "Période": p.libelle + (" (scénario)" if p.hypothese else ""),
            "Du": date_longue(p.debut),
            "Au (inclus)": date_longue(p.fin),
            "Fichier": p.fichier,
        } for p in self.liste_periodes]
        return pd.DataFrame(rows, columns=["Période", "Du", "Au (inclus)", "Fichier"])

    # --- the timeline -----------------------------------------------------------------
    def frise(self, today: dt.date | None = None) -> Any:
        """The timeline as a matplotlib Figure (shown as an image in a notebook)."""
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch

        periods = self.liste_periodes
        today = today or paris_today()
        height = 1.6 + 0.42 * max(len(periods), 1)
        fig, ax = plt.subplots(figsize=(11, height), dpi=100)
        plt.close(fig)  # shown once, as the cell's value
        if not periods:
            ax.text(0.5, 0.5, "Aucune période à afficher (accord non signé ou documents invalides)",
                    ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        for y, p in enumerate(periods):
            start = mdates.date2num(p.debut)
            width = mdates.date2num(p.fin + _ONE_DAY) - start
            ax.barh(y, width, left=start, height=0.6, color=_COULEURS[p.categorie],
                    alpha=0.45 if p.hypothese else 0.9, hatch="//" if p.hypothese else None,
                    edgecolor=_COULEURS[p.categorie], linewidth=1)
            ax.annotate(f"{p.fin:%d/%m/%Y}", (mdates.date2num(p.fin + _ONE_DAY), y),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=8, color="#333")
        ax.set_yticks(range(len(periods)))
        ax.set_yticklabels([p.libelle + (" (scénario)" if p.hypothese else "") for p in periods],
                           fontsize=9)
        ax.invert_yaxis()
        first = min(p.debut for p in periods)
        last = max(p.fin for p in periods)
        margin = max((last - first).days // 25, 30)
        ax.set_xlim(mdates.date2num(first - dt.timedelta(days=margin)),
                    mdates.date2num(last + dt.timedelta(days=margin * 4)))
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.grid(axis="x", color="#ddd", linewidth=0.8)
        ax.set_axisbelow(True)
        if first <= today <= last + dt.timedelta(days=margin * 4):
            ax.axvline(mdates.date2num(today), color="#555", linestyle="--", linewidth=1)
            ax.annotate(f"aujourd'hui ({today:%d/%m/%Y})", (mdates.date2num(today), len(periods) - 0.45),
                        xytext=(3, 0), textcoords="offset points", fontsize=8, color="#555",
                        va="bottom", annotation_clip=False)
        used = dict.fromkeys(p.categorie for p in periods)
        ax.legend(handles=[Patch(color=_COULEURS[c], label=_LEGENDE[c]) for c in used],
                  loc="upper left", bbox_to_anchor=(0, -0.08 * 4 / height), ncol=min(len(used), 3),
                  fontsize=8, frameon=False)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.set_title(f"Dossier « {self.folder.name} » : ce qui est en vigueur, et quand",
                     fontsize=11, loc="left")
        fig.tight_layout()
        return fig


_COULEURS = {"accord": "#1f4e79", "renouvellement": "#2e86c1", "convention": "#27ae60",
             "preavis": "#c0392b", "survie": "#e59866"}
_LEGENDE = {"accord": "accord (terme initial)", "renouvellement": "renouvellement",
            "convention": "convention spécifique", "preavis": "préavis de résiliation",
            "survie": "confidentialité (survie)"}


def tableau(dossier_dir: Path | str, output_dir: Path | str | None = None) -> Any:
    """The table of a dossier's documents (see :meth:`Overview.tableau`)."""
    return Overview(dossier_dir, output_dir).tableau()


def frise(dossier_dir: Path | str) -> Any:
    """The timeline of a dossier (see :meth:`Overview.frise`)."""
    return Overview(dossier_dir).frise()


def _redaction(doc: Document) -> str:
    """« projet, version 2 du 20/11/2026 » or « définitif »."""
    statut = doc.params.statut_vue()
    if not statut["projet"]:
        return "définitif"
    version = f", version {statut['version']}" if statut["version"] else ""
    return f"projet{version} du {statut['date']:%d/%m/%Y}"

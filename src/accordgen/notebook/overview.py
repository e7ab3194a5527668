"""A dossier at a glance: every document with its status, and a timeline of what is in force.

``Dossier(folder, output_dir)`` finds every YAML file (recursively) that declares a ``type``,
loads each one the way ``load`` does, and tells whether its DOCX exists in ``output_dir``.
The timeline draws the accord's term, its renewals, each specific convention's term and any
termination letter's notice (and the confidentiality that survives it). Periods are read from
each document's context by name (``date_debut``/``date_fin``, ``nouvelle_periode``,
``date_envoi``/``date_effet``...), so a new kind with the same names appears without changes
here; a document whose period cannot be read is listed without a bar.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..dossier import Document, load
from ..errors import AccordgenError, InputError, ValidationError
from ..kinds import DOCUMENT_KINDS
from ..models.base import today as paris_today
from ..yamlio import read_yaml

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
class Periode:
    """A bar of the timeline: both bounds included."""

    libelle: str
    debut: dt.date
    fin: dt.date
    categorie: str  # accord, renouvellement, convention, preavis, survie
    fichier: str
    hypothese: bool = False  # a document kept aside (scenarios/): drawn hatched


def _first_problem(exc: AccordgenError) -> str:
    if isinstance(exc, ValidationError) and exc.problems:
        path, msg = exc.problems[0]
        first = msg.splitlines()[0] if msg else ""
        more = len(exc.problems) - 1
        text = f"{path} : {first}" if path else first
        return text + (f" (et {more} autre{'s' if more > 1 else ''} problème{'s' if more > 1 else ''})"
                       if more else "")
    if isinstance(exc, InputError):
        return exc.message
    return str(exc).splitlines()[0]


class Dossier:
    """The documents of one dossier folder (sub-folders included)."""

    def __init__(self, dossier_dir: Path | str, output_dir: Path | str | None = None) -> None:
        self.folder = Path(dossier_dir).resolve()
        self.output_dir = Path(output_dir).resolve() if output_dir else None
        if not self.folder.is_dir():
            raise InputError(self.folder, "dossier introuvable")

    # --- the documents ----------------------------------------------------------------
    @cached_property
    def lignes(self) -> list[Ligne]:
        order = {name: i for i, name in enumerate(DOCUMENT_KINDS)}
        found: list[Ligne] = []
        for path in sorted(self.folder.rglob("*.y*ml")):
            if any(part.startswith(".") for part in path.relative_to(self.folder).parts):
                continue
            rel = path.relative_to(self.folder)
            try:
                raw = read_yaml(path)
            except InputError as exc:
                found.append(Ligne(rel, path, "?", "", exc.message, False))
                continue
            kind = raw.get("type")
            if not isinstance(kind, str):
                continue  # not a document (a register, a configuration...)
            numero = raw.get("numero", "")
            try:
                doc = load(path)
            except AccordgenError as exc:
                found.append(Ligne(rel, path, kind, numero, _first_problem(exc), False))
                continue
            found.append(Ligne(rel, path, kind, numero, "valide", True, self._docx(rel, doc), doc))

        def key(line: Ligne) -> tuple[Any, ...]:
            n = line.numero if isinstance(line.numero, int) and not isinstance(line.numero, bool) else 0
            return (line.type != "accord", len(line.fichier.parts) > 1, order.get(line.type, len(order)),
                    n, str(line.fichier))

        return sorted(found, key=key)

    def _docx(self, rel: Path, doc: Document) -> Path | None:
        """The document's DOCX in ``output_dir``: named by the notebooks (the kind's output
        name) or by ``make demo`` (the YAML's name, in the same sub-folder)."""
        if self.output_dir is None:
            return None
        candidates = [self.output_dir / rel.parent / f"{rel.stem}.docx", self.output_dir / f"{rel.stem}.docx"]
        with contextlib.suppress(KeyError, ValueError, IndexError):
            candidates.insert(0, self.output_dir / f"{doc.output_stem}.docx")
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
    def liste_periodes(self) -> list[Periode]:
        """Every period the timeline draws, in drawing order."""
        out: list[Periode] = []
        accords = [line for line in self.lignes if line.valide and line.type == "accord"]
        for line in accords:
            assert line.document is not None
            periode = line.document.accord.periode
            if periode:
                out.append(Periode("Accord — terme initial", periode.debut, periode.fin, "accord",
                                   str(line.fichier)))
        for line in self.lignes:
            if not line.valide or line.type == "accord" or line.document is None:
                continue
            try:
                out += _periodes_document(line, self._hypothese(line))
            except Exception:  # noqa: BLE001 - a period that cannot be read is left off
                continue
        rank = list(_COULEURS)
        return sorted(out, key=lambda p: (p.hypothese, rank.index(p.categorie), p.debut))

    def _hypothese(self, line: Ligne) -> bool:
        """A document outside its accord's folder (``scenarios/``) is a hypothesis."""
        assert line.document is not None
        return line.chemin.parent.resolve() != line.document.accord_path.parent

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


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _bounds(value: Any) -> tuple[dt.date, dt.date] | None:
    if isinstance(value, dict):
        debut, fin = _as_date(value.get("debut")), _as_date(value.get("fin"))
    else:
        debut, fin = _as_date(getattr(value, "debut", None)), _as_date(getattr(value, "fin", None))
    return (debut, fin) if debut and fin and debut <= fin else None


def _periodes_document(line: Ligne, hypothese: bool) -> list[Periode]:
    """The periods one derived document defines, read from its context by name."""
    assert line.document is not None
    ctx = line.document.context()
    name = f"{line.libelle_type} n° {line.numero}" if line.numero not in (None, "") else line.libelle_type
    fichier = str(line.fichier)
    out: list[Periode] = []
    own = None
    for key in ("periode", "nouvelle_periode"):
        own = own or _bounds(ctx.get(key))
    if own:
        out.append(Periode(name, own[0], own[1], "renouvellement" if "avenant" in line.type else
                           "convention", fichier, hypothese))
    debut, fin = _as_date(ctx.get("date_debut")), _as_date(ctx.get("date_fin"))
    if not own and debut and fin and debut <= fin:
        axe = ctx.get("axe")
        axe_no = axe.get("numero") if isinstance(axe, dict) else axe
        label = name + (f" (axe {axe_no})" if isinstance(axe_no, int) else "")
        out.append(Periode(label, debut, fin, "convention", fichier, hypothese))
    envoi, effet = _as_date(ctx.get("date_envoi")), _as_date(ctx.get("date_effet"))
    if envoi and effet and envoi <= effet:
        out.append(Periode(f"Préavis de résiliation (envoi le {envoi:%d/%m/%Y})", envoi, effet,
                           "preavis", fichier, hypothese))
        survie = _as_date(ctx.get("fin_confidentialite"))
        if survie and survie > effet:
            out.append(Periode("Confidentialité après résiliation", effet + _ONE_DAY, survie,
                               "survie", fichier, hypothese))
    return out


def tableau(dossier_dir: Path | str, output_dir: Path | str | None = None) -> Any:
    """The table of a dossier's documents (see :meth:`Dossier.tableau`)."""
    return Dossier(dossier_dir, output_dir).tableau()


def frise(dossier_dir: Path | str) -> Any:
    """The timeline of a dossier (see :meth:`Dossier.frise`)."""
    return Dossier(dossier_dir).frise()


def _redaction(doc: Document) -> str:
    """« projet, version 2 du 20/11/2026 » or « définitif »."""
    statut = doc.params.statut_vue()  # type: ignore[attr-defined]
    if not statut["projet"]:
        return "définitif"
    version = f", version {statut['version']}" if statut["version"] else ""
    return f"projet{version} du {statut['date']:%d/%m/%Y}"

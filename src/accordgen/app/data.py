"""What the application shows, gathered from the workspace's files (no widgets here): the
dossiers with their parties, term, next deadline and problems; a dossier's documents; every
upcoming key date across dossiers, and their iCalendar export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..dossier import Document, Entry, Loader
from ..errors import AccordgenError
from ..kinds import get_kind
from ..models.base import Statut, today
from ..resources import DOSSIERS, OUTPUTS

__all__ = ["OUTPUTS", "output_path"]


def accord_files(workspace: Path) -> list[Path]:
    """The accords of the workspace: every ``accord.yaml`` one level under ``dossiers/``."""
    return sorted((workspace / DOSSIERS).glob("*/accord.yaml"))


def output_path(workspace: Path, doc: Document) -> Path:
    """Where the application writes a document: ``outputs/<dossier folder>/<name>.docx``, the
    same place as the notebooks and ``make demo`` (:func:`accordgen.resources.output_folder`)."""
    del workspace  # the document's own workspace decides
    from ..notebook.api import sortie_par_defaut

    return sortie_par_defaut(doc)


PREVIOUS = "versions-precedentes"


def previous_path(output: Path) -> Path:
    """Where the application keeps the version a new generation replaced (for « Comparer »)."""
    return output.parent / PREVIOUS / output.name


def kind_label(kind: str) -> str:
    try:
        return get_kind(kind).label
    except (KeyError, AccordgenError):
        return kind


@dataclass
class Echeance:
    date: dt.date
    libelle: str
    dossier: str
    document: str


@dataclass
class LigneDocument:
    entry: Entry
    doc: Document | None
    probleme: str | None
    type: str
    numero: str
    statut: str
    sortie: Path | None

    @property
    def genere(self) -> bool:
        return self.sortie is not None and self.sortie.is_file()


@dataclass
class LigneDossier:
    nom: str
    accord_path: Path
    parties: str
    terme: str
    prochaine: str
    problemes: int
    documents: list[LigneDocument]
    echeances: list[Echeance]


def _statut(entry: Entry) -> str:
    raw = (entry.raw or {}).get("statut")
    if raw == Statut.DEFINITIF.value or raw == "définitif":
        return "Définitif"
    return "Projet"


def _document_name(doc: Document | None, entry: Entry) -> str:
    if doc is not None:
        try:
            return doc.title()
        except AccordgenError:
            pass
    return f"{kind_label(entry.kind)} ({entry.rel})"


def documents(loader: Loader, workspace: Path, folder: Path) -> list[LigneDocument]:
    rows = []
    for entry, doc, problem in loader.documents(folder):
        numero = entry.numero
        rows.append(LigneDocument(
            entry=entry, doc=doc, probleme=problem, type=kind_label(entry.kind),
            numero=str(numero) if numero is not None else "", statut=_statut(entry),
            sortie=output_path(workspace, doc) if doc is not None else None))
    return rows


def echeances(rows: list[LigneDocument], dossier: str, since: dt.date) -> list[Echeance]:
    """The key dates on or after ``since`` of the dossier's valid documents, once each."""
    seen: set[tuple[dt.date, str]] = set()
    out = []
    for row in rows:
        if row.doc is None or row.entry.hypothese:
            continue
        try:
            dates = row.doc.key_dates()
        except AccordgenError:
            continue
        for kd in dates:
            if kd.date >= since and (kd.date, kd.label) not in seen:
                seen.add((kd.date, kd.label))
                out.append(Echeance(kd.date, kd.label, dossier, _document_name(row.doc, row.entry)))
    return sorted(out, key=lambda e: (e.date, e.libelle))


def dossier_row(loader: Loader, workspace: Path, accord_path: Path, since: dt.date | None = None) -> LigneDossier:
    from ..rules.fr import date_longue

    since = since or today()
    folder = accord_path.parent
    rows = documents(loader, workspace, folder)
    problems = sum(1 for r in rows if r.probleme)
    parties = terme = ""
    try:
        dossier = loader.dossier(accord_path)
        parties = " — ".join(p.denomination for p in dossier.accord.parties)
        term = dossier.term
        terme = (f"du {date_longue(term.debut)} au {date_longue(term.fin)}" if term is not None
                 else "accord non signé")
    except AccordgenError as exc:
        terme = "accord invalide"
        problems = max(problems, 1)
        parties = parties or str(exc).splitlines()[0][:120]
    dates = echeances(rows, folder.name, since)
    prochaine = f"{date_longue(dates[0].date)} : {dates[0].libelle}" if dates else "aucune"
    return LigneDossier(folder.name, accord_path, parties, terme, prochaine, problems, rows, dates)


def icalendar_bytes(items: list[Echeance]) -> bytes:
    """The deadlines as an iCalendar file (one all-day event each), for the service's calendar."""
    import hashlib

    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//accordgen//Échéancier//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Échéancier des accords de coopération")
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for e in items:
        event = Event()
        event.add("summary", f"{e.libelle} — {e.dossier}")
        event.add("description", e.document)
        event.add("dtstart", e.date)
        event.add("dtend", e.date + dt.timedelta(days=1))
        event.add("dtstamp", stamp)
        uid = hashlib.sha1(f"{e.dossier}|{e.document}|{e.libelle}|{e.date}".encode()).hexdigest()
        event.add("uid", f"{uid}@accordgen")
        cal.add_component(event)
    return cal.to_ical()

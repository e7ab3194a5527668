"""The application's pages, as ipywidgets (French only): Accueil (the dossiers), Dossier (its
documents, « Générer », « Télécharger DOCX ») and Échéancier (upcoming key dates, sortable,
with an iCalendar export). Downloads are HTML links carrying the file as a data: URL: they work
under Voilà, where a FileLink to the server's disk does not."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..dossier import Loader
from ..errors import AccordgenError
from ..models.base import today
from ..rules.fr import date_longue
from . import data, ui_create, warmup
from .ui_document import DocumentLine, download_link

STYLE = """<style>
.ag-table {border-collapse: collapse; margin: 0.5em 0;}
.ag-table th, .ag-table td {border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left;}
.ag-resume th {width: 16em; color: #555;} .ag-ok {color: #1a7f37;} .ag-ko {color: #b42318;}
a.ag-download {display: inline-block; padding: 3px 10px; border: 1px solid #1f6feb; border-radius: 3px;
  color: #1f6feb; text-decoration: none; margin-right: 0.5em;}
</style>"""


def _message(text: str, ok: bool = True) -> str:
    return f'<span class="{"ag-ok" if ok else "ag-ko"}">{escape(text)}</span>'


class Application:
    """The whole application for one workspace; :attr:`widget` is what the page shows."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.loader = Loader()
        self.accueil = w.VBox()
        self.dossier = w.VBox([w.HTML("<p>Choisissez un dossier dans l'onglet « Accueil ».</p>")])
        self.echeancier = w.VBox()
        self.tabs = w.Tab(children=[self.accueil, self.dossier, self.echeancier],
                          titles=("Accueil", "Dossier", "Échéancier"))
        header = w.HTML(f"{STYLE}<h2>Accords de coopération</h2>"
                        f"<p title='{escape(str(workspace))}'>Espace de travail « {escape(workspace.name)} »</p>")
        self.widget = w.VBox([header, self.tabs])
        self.tri = w.Dropdown(description="Trier par", value="date",
                              options=[("Date", "date"), ("Dossier", "dossier"), ("Échéance", "libelle")])
        self.tri.observe(lambda _change: self.show_echeancier(), names="value")
        self.rows: list[data.LigneDossier] = []
        self.creation = w.VBox()
        self.current: Path | None = None
        self.timings: dict[str, float] = {}
        self.lines: list[DocumentLine] = []  # the open dossier's documents
        self.widget.add_class("accordgen-app")
        self.refresh()

    # --- unsaved changes --------------------------------------------------------------------
    def leave(self, then: Callable[[], None], keep: DocumentLine | None = None) -> None:
        """``then``, once no open form (but ``keep``'s) holds unsaved changes: each such form
        asks first (« enregistrer, abandonner ou revenir ? »), in the « Dossier » tab."""
        for line in self.lines:
            if line is not keep and line.unsaved():
                self.tabs.selected_index = 1
                line.ask(lambda: self.leave(then, keep))
                return
        then()

    def mark_unsaved(self) -> None:
        """The page's class ``accordgen-non-enregistre`` while a form holds unsaved changes
        (the browser's « quitter la page ? » warning reads it)."""
        if any(line.unsaved() for line in self.lines):
            self.widget.add_class("accordgen-non-enregistre")
        else:
            self.widget.remove_class("accordgen-non-enregistre")

    # --- Accueil ----------------------------------------------------------------------------
    def refresh(self) -> None:
        self.rows = [data.dossier_row(self.loader, self.workspace, a) for a in data.accord_files(self.workspace)]
        nouveau = w.Button(description="Nouveau dossier", icon="plus", button_style="success")
        nouveau.on_click(lambda _b: self.leave(self.new_dossier))
        items: list[w.Widget] = [w.HTML(f"<h3>Dossiers ({len(self.rows)})</h3>"), nouveau, self.creation]
        if not self.rows:
            items.append(w.HTML("<p>Aucun dossier : chaque dossier est un sous-dossier de "
                                "<code>dossiers/</code> contenant un <code>accord.yaml</code>.</p>"))
        for row in self.rows:
            problems = ("aucun problème" if not row.problemes
                        else f"{row.problemes} document{'s' if row.problemes > 1 else ''} à corriger")
            info = w.HTML(
                f"<b>{escape(row.nom)}</b><br>Parties : {escape(row.parties)}<br>"
                f"Terme en vigueur : {escape(row.terme)}<br>"
                f"Prochaine échéance : {escape(row.prochaine)}<br>"
                f"{_message(problems, not row.problemes)}")
            button = w.Button(description="Ouvrir le dossier", tooltip=f"Ouvrir {row.nom}")
            button.on_click(lambda _b, r=row: self.leave(lambda: self.open_dossier(r.accord_path)))
            box = w.VBox([info, button], layout=w.Layout(margin="0 0 1em 0"))
            box.add_class("ag-dossier")
            items.append(box)
        self.accueil.children = items
        self.show_echeancier()

    def new_dossier(self) -> None:
        panel = ui_create.new_dossier_panel(self.workspace, self.dossier_created,
                                            lambda: setattr(self.creation, "children", ()))
        self.creation.children = (panel.widget,)

    def dossier_created(self, path: Path) -> None:
        """After « Nouveau dossier »: its page, with the accord's whole form open below the
        short sequence's answers (the rest of the accord is completed there)."""
        self.creation.children = ()
        self.refresh()
        self.open_dossier(path, note=f"Dossier créé : {path.parent.name} (accord.yaml, en projet) — "
                                     "complétez l'accord dans son formulaire ci-dessous.")
        for line in self.lines:
            if line.path == path:
                line.open_form()

    # --- Dossier ----------------------------------------------------------------------------
    def open_dossier(self, accord_path: Path, note: str = "") -> None:
        self.current = accord_path
        row = data.dossier_row(self.loader, self.workspace, accord_path)
        creation = w.VBox()
        buttons = []
        for kind, label in (("avenant-renouvellement", "Ajouter un avenant"),
                            ("convention-specifique", "Ajouter une convention"),
                            ("lettre-resiliation", "Ajouter une lettre")):
            b = w.Button(description=label, icon="plus", layout=w.Layout(width="auto"))
            b.on_click(lambda _b, k=kind: self.leave(lambda: self.new_document(accord_path, k, creation)))
            b.disabled = row.terme == "accord invalide"
            buttons.append(b)
        self.lines = []
        self.mark_unsaved()
        items: list[w.Widget] = [w.HTML(
            f"<h3>{escape(row.parties)}</h3><p><small>Dossier {escape(row.nom)}</small><br>"
            f"Terme en vigueur : {escape(row.terme)}</p>"
            + (f"<p>{_message(note)}</p>" if note else "")), w.HBox(buttons), creation]
        for doc_row in row.documents:
            items.append(DocumentLine(self, doc_row).widget)
        frise = w.VBox([w.HTML("<h4>Ce qui est en vigueur, et quand</h4><p><i>Frise en préparation…</i></p>")])
        frise.add_class("ag-frise")
        items.append(frise)
        self.dossier.children = items
        self.tabs.selected_index = 1
        warmup.soon(lambda: self.show_frise(accord_path.parent, frise))

    def show_frise(self, folder: Path, place: w.VBox) -> None:
        """The dossier's timeline (the notebooks' frise): the accord's term, its renewals, each
        convention, a notice running, the confidentiality that survives; as a PNG image."""
        import io

        from ..notebook.overview import Overview

        try:
            figure = Overview(folder).frise()
        except AccordgenError as exc:
            place.children = (w.HTML(_message(f"Frise indisponible : {exc}", ok=False)),)
            return
        png = io.BytesIO()
        figure.savefig(png, format="png", dpi=90)
        image = w.Image(value=png.getvalue(), format="png", layout=w.Layout(max_width="100%"))
        image.add_class("ag-frise-image")
        place.children = (w.HTML("<h4>Ce qui est en vigueur, et quand</h4>"), image)

    def new_document(self, accord_path: Path, kind: str, place: w.VBox) -> None:
        def done(path: Path) -> None:
            self.refresh()
            self.open_dossier(accord_path, note=f"Document créé : {path.name} (en projet).")

        try:
            panel = ui_create.new_document_panel(self.loader, accord_path, kind, done,
                                                 lambda: setattr(place, "children", ()))
        except AccordgenError as exc:
            place.children = (w.HTML(_message(f"Impossible : {exc}", ok=False)),)
            return
        place.children = (panel.widget,)

    # --- Échéancier -------------------------------------------------------------------------
    def show_echeancier(self) -> None:
        items = [e for row in self.rows for e in row.echeances]
        key = self.tri.value
        items.sort(key=lambda e: (getattr(e, key), e.date, e.libelle))
        lines = "".join(
            f"<tr><td>{escape(date_longue(e.date))}</td><td>{escape(e.libelle)}</td>"
            f"<td>{escape(e.dossier)}</td><td>{escape(e.document)}</td></tr>" for e in items)
        table = (f'<table class="ag-table"><thead><tr><th>Date</th><th>Échéance</th><th>Dossier</th>'
                 f"<th>Document</th></tr></thead><tbody>{lines}</tbody></table>" if items
                 else "<p>Aucune échéance à venir.</p>")
        ics = download_link(data.icalendar_bytes(items), "echeancier.ics", "text/calendar",
                            "Télécharger le calendrier (iCalendar)")
        intro = w.HTML(f"<h3>Échéances à venir (à partir du {escape(date_longue(today()))})</h3>")
        self.echeancier.children = [intro, self.tri, w.HTML(table), w.HTML(ics)]


SHOWN = """<script>
(() => {
  const t = setInterval(() => {
    const b = document.querySelector(".accordgen-affiche");
    if (b) { clearInterval(t); setTimeout(() => b.click(), 300); }
  }, 200);
  setTimeout(() => clearInterval(t), 120000);
})();
</script>"""
"""The page, once the application's widgets are on screen, clicks its hidden button
``accordgen-affiche``: the kernel then warms up (:mod:`.warmup`), never while the page is
still asking for its widgets."""

BEFOREUNLOAD = """<script>
if (!window.accordgenAvantDepart) {
  window.accordgenAvantDepart = true;
  const envoyer = navigator.sendBeacon.bind(navigator);
  let retenu = null;
  const nonEnregistre = () => document.querySelector(".accordgen-non-enregistre") !== null;
  navigator.sendBeacon = (url, donnees) => {
    if (String(url).includes("/voila/api/shutdown/") && nonEnregistre()) {
      retenu = [url, donnees];
      throw new Error("accordgen");
    }
    return envoyer(url, donnees);
  };
  window.addEventListener("beforeunload", (event) => {
    if (nonEnregistre()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("pagehide", () => {
    if (retenu) {
      envoyer(...retenu);
    }
  });
}
</script>"""
"""Voilà runs the (trusted) HTML outputs' scripts: leaving the page while the application
carries ``accordgen-non-enregistre`` (a form with unsaved changes) makes the browser ask first
(its own words, in its language: browsers show no page text there). Voilà's own
``beforeunload`` listener (registered before this one) stops the kernel and closes its
connection even when the drafter then stays: while a form holds unsaved changes its shutdown
beacon is refused (the listener stops there, the connection kept) and sent on ``pagehide``,
when the page really goes."""


def application(espace: str | Path = "") -> Any:
    """The application's widget for the workspace ``espace`` (default: the current one)."""
    from ..resources import WorkspaceError, current_workspace, find_workspace

    try:
        workspace = find_workspace(Path(espace)) if str(espace).strip() else current_workspace()
    except WorkspaceError as exc:
        return w.HTML(_message(str(exc), ok=False))
    if workspace is None:
        return w.HTML(_message("Aucun espace de travail accordgen : lancez « accordgen app DOSSIER » "
                               "avec un dossier créé par « accordgen init ».", ok=False))
    from IPython import get_ipython
    from IPython.display import HTML, display

    if get_ipython() is not None:  # in the served notebook: the browser's « quitter ? » warning
        display(HTML(BEFOREUNLOAD))
    app = Application(workspace)
    if get_ipython() is not None:  # warmed up once the page is on screen (it says so: SHOWN)
        shown = w.Button(layout=w.Layout(display="none"))
        shown.add_class("accordgen-affiche")
        shown.on_click(lambda _b: warmup.schedule(line.doc for row in app.rows for line in row.documents))
        app.widget.children = (*app.widget.children, shown)
        display(HTML(SHOWN))
    return app.widget

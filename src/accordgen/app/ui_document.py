"""One document in the application: its line in the dossier (kind, number, status, problem,
« Ouvrir », « Générer », « Comparer ») and, below it, its panel: the form, the summary, the
true preview (PDF pages through the warm LibreOffice) and the downloads."""

from __future__ import annotations

import base64
import tempfile
import time
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..errors import AccordgenError
from ..notebook.labels import avertissement_lisible
from ..render.output import write_atomic
from . import data
from .preview import PreviewError, page_images, pdf_bytes

if TYPE_CHECKING:
    from ..notebook.form import Formulaire
    from .ui import Application

QUESTION = "Modifications non enregistrées : enregistrer, abandonner ou revenir ?"

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download_link(data_bytes: bytes, filename: str, mime: str, label: str) -> str:
    encoded = base64.b64encode(data_bytes).decode("ascii")
    return (f'<a class="ag-download" download="{escape(filename)}" '
            f'href="data:{mime};base64,{encoded}">{escape(label)}</a>')


def message(text: str, ok: bool = True) -> str:
    return f'<span class="{"ag-ok" if ok else "ag-ko"}">{escape(text)}</span>'


def summary_html(rows: list[tuple[str, str]]) -> str:
    lines = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="ag-table ag-resume">{lines}</table>'


class DocumentLine:
    """A document's line and panel; :attr:`widget` goes into the dossier page."""

    def __init__(self, app: Application, row: data.LigneDocument) -> None:
        self.app, self.row = app, row
        app.lines.append(self)
        self.form: Formulaire | None = None
        self.path = row.entry.path
        numero = f" n° {row.numero}" if row.numero else ""
        etat = (message("valide") if row.probleme is None else message(f"à corriger : {row.probleme}", ok=False))
        info = w.HTML(f"<b>{escape(row.type)}{escape(numero)}</b> — {row.statut} — {etat}"
                      f"<br><small>Fichier {escape(row.entry.rel.as_posix())}</small>",
                      layout=w.Layout(width="50%"))
        self.status, self.links = w.HTML(), w.HTML()
        self.ouvrir = w.Button(description="Ouvrir", icon="edit", tooltip="Modifier dans le formulaire")
        self.generer = w.Button(description="Générer", button_style="primary", disabled=row.doc is None)
        self.comparer = w.Button(description="Comparer", icon="exchange",
                                 tooltip="Comparer à la version précédente (modifications suivies Word)")
        self.signer = w.Button(description="PDF à signer", icon="pencil",
                               tooltip="PDF/A-2b, polices incorporées, un champ de signature vide par "
                                       "signataire sur son bloc : pour le parapheur électronique")
        self.ouvrir.on_click(lambda _b: self.open_form())
        self.generer.on_click(lambda _b: self.generate_asking())
        self.comparer.on_click(lambda _b: self.compare())
        self.signer.on_click(lambda _b: self.pdf_to_sign())
        self.sortie = row.sortie
        self.comparer.disabled = self.previous() is None
        self.signer.disabled = not (row.genere and row.sortie is not None)
        buttons = [self.ouvrir, self.generer, self.comparer, self.signer]
        self.buttons = w.HBox(buttons)
        if row.genere and row.sortie is not None:
            self.status.value = message("déjà généré")
            self.links.value = download_link(row.sortie.read_bytes(), row.sortie.name, DOCX_MIME, "Télécharger DOCX")
        line = w.HBox([info, self.buttons, w.VBox([self.status, self.links], layout=w.Layout(width="22em"))],
                      layout=w.Layout(align_items="center"))
        line.add_class("ag-document")
        self.form_area = w.VBox()
        self.summary = w.HTML()
        self.preview = w.VBox()
        self.confirmation = w.VBox()
        self.panel = w.VBox([self.confirmation, self.form_area, self.preview, self.summary])
        self.widget = w.VBox([line, self.panel], layout=w.Layout(margin="0 0 0.5em 0"))

    # --- form ---------------------------------------------------------------------------------
    def unsaved(self) -> bool:
        """Whether this line's form is open with values its file does not hold."""
        return self.form is not None and bool(self.form_area.children) and self.form.a_modifications()

    def ask(self, then: Callable[[], None]) -> None:
        """The form has unsaved changes: ask « enregistrer, abandonner ou revenir ? » before
        ``then`` (saved, or reloaded from its file; « Revenir » does nothing)."""
        form = self.form
        assert form is not None
        buttons = [w.Button(description="Enregistrer", icon="save", button_style="primary"),
                   w.Button(description="Abandonner", icon="trash", button_style="warning",
                            tooltip="Perdre les modifications et relire le fichier"),
                   w.Button(description="Revenir", icon="undo", tooltip="Revenir au formulaire")]

        def answer(choice: str) -> None:
            self.confirmation.children = ()
            if choice == "enregistrer" and not form.enregistrer():
                return  # the form says why; its values stay
            if choice == "abandonner":
                form.recharger()
            if choice != "revenir":
                self.app.mark_unsaved()
                then()

        for button, choice in zip(buttons, ("enregistrer", "abandonner", "revenir"), strict=True):
            button.add_class(f"ag-confirmer-{choice}")
            button.on_click(lambda _b, c=choice: answer(c))
        numero = f" n° {self.row.numero}" if self.row.numero else ""
        box = w.VBox([w.HTML(f"<b role='alertdialog'>{escape(self.row.type)}{escape(numero)} — "
                             f"{escape(QUESTION)}</b>"), w.HBox(buttons)],
                     layout=w.Layout(border="2px solid #d9a400", padding="4px 10px", margin="4px 0"))
        box.add_class("ag-confirmation")
        self.confirmation.children = (box,)

    def close_form(self) -> None:
        self.form_area.children = ()
        self.confirmation.children = ()
        self.ouvrir.description = "Ouvrir"
        self.app.mark_unsaved()

    def open_form(self) -> None:
        """« Ouvrir » opens the form (closing the others, asking first about unsaved changes);
        « Fermer » closes it (asking first too)."""
        if self.form_area.children:
            if self.unsaved():
                self.ask(self.close_form)
            else:
                self.close_form()
            return
        self.app.leave(self._open_form, keep=self)

    def _open_form(self) -> None:
        from ..notebook.form import Formulaire

        for line in self.app.lines:
            if line is not self and line.form_area.children:
                line.close_form()
        start = time.perf_counter()
        form = Formulaire(self.path)  # the dossier's output folder, as everywhere
        form.titre.value = (f"<h4 style='margin:0.2em 0'>Formulaire — {escape(self.row.type)}"
                            f"{' n° ' + escape(self.row.numero) if self.row.numero else ''}</h4>"
                            "<div style='color:#555'>Les champs marqués <span style='color:#b42318'>*</span> "
                            "sont obligatoires ; les dates s'écrivent JJ/MM/AAAA.</div>")
        form.sortie.layout.display = "none"  # the app shows the PDF pages instead
        form.bouton_enregistrer.on_click(lambda _b: self.show_summary())
        form.bouton_generer.on_click(lambda _b: self._after_form_generate(form))
        form.etat.observe(lambda _change: self.app.mark_unsaved(), names="value")
        self.form = form
        self.form_area.children = (form.widget,)
        self.ouvrir.description = "Fermer"
        self.show_summary()
        self.app.timings["formulaire"] = time.perf_counter() - start

    def _after_form_generate(self, form: Any) -> None:
        self.show_summary()
        if form.chemin_docx is not None:
            self._generated(Path(form.chemin_docx), time.perf_counter())

    def show_summary(self) -> None:
        try:
            doc = self.app.loader.load(self.path)
        except AccordgenError as exc:
            self.summary.value = message(f"À corriger : {exc}", ok=False)
            return
        rows = doc.summary() + [("Attention", avertissement_lisible(line)) for line in doc.warnings()]
        self.summary.value = "<h4>Résumé</h4>" + summary_html(rows)

    # --- generation and preview ---------------------------------------------------------------
    def generate_asking(self) -> None:
        """« Générer » renders the file on disk: with unsaved changes in the form, ask first."""
        if self.unsaved():
            self.ask(self.generate)
        else:
            self.generate()

    def generate(self) -> None:
        self.generer.disabled = True
        self.status.value = "Génération en cours…"
        self.links.value = ""
        start = time.perf_counter()
        try:
            from ..render import render

            doc = self.app.loader.load(self.path)  # the file as it is now on disk
            target = data.output_path(self.app.workspace, doc)
            before = target.read_bytes() if target.is_file() else None
            path = render(doc, target)
            self.sortie = path
            if before is not None and before != path.read_bytes():  # keep the version it replaces
                write_atomic(data.previous_path(path), before)
            self.comparer.disabled = self.previous() is None
            self.signer.disabled = False
        except AccordgenError as exc:
            self.status.value = message(f"Génération impossible : {exc}", ok=False)
            return
        except OSError as exc:
            self.status.value = message(f"Écriture impossible : {exc.strerror or exc}", ok=False)
            return
        finally:
            self.generer.disabled = False
        self._generated(path, start)

    def previous(self) -> Path | None:
        """The version the last generation replaced, when there is one."""
        if self.sortie is None:
            return None
        previous = data.previous_path(self.sortie)
        return previous if previous.is_file() and self.sortie.is_file() else None

    def compare(self) -> None:
        """The redline of the generated document against its previous version, as a download."""
        from ..tools.redline import compare

        previous = self.previous()
        if previous is None or self.sortie is None:
            self.status.value = message("Pas de version précédente : générez d'abord le document, "
                                        "modifiez-le, puis générez-le à nouveau.", ok=False)
            return
        try:
            redline = compare(previous.read_bytes(), self.sortie.read_bytes(), auteur="accordgen")
        except AccordgenError as exc:
            self.status.value = message(f"Comparaison impossible : {exc}", ok=False)
            return
        name = f"{self.sortie.stem}-modifications.docx"
        self.status.value = message("Comparaison prête : les différences avec la version précédente "
                                    "sont des modifications suivies (Word, onglet Révision).")
        self.links.value = download_link(redline, name, DOCX_MIME, "Télécharger la comparaison")

    def pdf_to_sign(self) -> None:
        """The generated DOCX as the PDF a signatory signs: PDF/A-2b with one empty signature
        field per signatory over their block (LibreOffice, then pyHanko; see tools/pdf)."""
        from ..tempdirs import process_tempdir
        from ..tools.pdf import convert

        if self.sortie is None or not self.sortie.is_file():
            self.status.value = message("Générez d'abord le document.", ok=False)
            return
        self.signer.disabled = True
        self.status.value = "Préparation du PDF à signer (PDF/A)…"
        try:
            folder = Path(tempfile.mkdtemp(dir=process_tempdir("accordgen-app-")))
            (pdf,) = convert(self.sortie, folder, pdfa=True, fields=True)
            content = pdf.read_bytes()
            projet = self.app.loader.load(self.path).context()["statut"]["projet"]  # no field on a draft
        except AccordgenError as exc:
            self.status.value = message(f"PDF à signer impossible : {exc}", ok=False)
            return
        finally:
            self.signer.disabled = False
        if projet:
            self.status.value = message("Document en projet : PDF/A-2b sans champ de signature ; passez-le "
                                        "en « Définitif » pour le faire signer.", ok=False)
        else:
            self.status.value = message("PDF à signer prêt : PDF/A-2b, un champ de signature par signataire.")
        name = f"{self.sortie.stem}-a-signer.pdf"
        self.links.value = (self.links.value.split('<a class="ag-download" download="' + name)[0]
                            + download_link(content, name, "application/pdf",
                                            "Télécharger le PDF à signer (PDF/A)"))

    def _generated(self, path: Path, start: float) -> None:
        docx = path.read_bytes()
        rendered = time.perf_counter() - start
        links = download_link(docx, path.name, DOCX_MIME, "Télécharger DOCX")
        self.links.value = links
        self.status.value = message(f"Document généré ({rendered:.1f} s) — aperçu en cours…")
        try:
            pdf = pdf_bytes(path)
            pages = page_images(pdf)
        except PreviewError as exc:
            self.status.value = message(f"Document généré ({rendered:.1f} s)")
            self.preview.children = (w.HTML(message(str(exc), ok=False)), self._html_preview(path))
            return
        self.links.value = links + download_link(pdf, path.with_suffix(".pdf").name, "application/pdf",
                                                 "Télécharger PDF")
        total = time.perf_counter() - start
        self.app.timings["generer"], self.app.timings["apercu"] = rendered, total
        self.status.value = message(f"Document généré ({rendered:.1f} s), aperçu en {total:.1f} s")
        images = [w.Image(value=p, format="jpeg", layout=w.Layout(border="1px solid #999", margin="4px"))
                  for p in pages]
        for image in images:
            image.add_class("ag-page")
        header = w.HTML(f"<h4>Aperçu : {len(pages)} page{'s' if len(pages) > 1 else ''}, telles que "
                        "le relecteur les verra (PDF)</h4>")
        self.preview.children = (header, w.Box(images, layout=w.Layout(flex_flow="row wrap")))

    @staticmethod
    def _html_preview(path: Path) -> w.Widget:
        from ..notebook.api import apercu

        return w.HTML("<p><i>Aperçu simplifié (sans en-têtes ni pages) :</i></p>" + apercu(path).data)

"""The drafter's form: a document's YAML edited through widgets built from its model.

``formulaire("accord.yaml")`` in a notebook shows a button « Ouvrir le formulaire »
(:mod:`.lanceur`); the form then shows every field of the document's kind, grouped as a
drafter thinks of them (one tab per part: parties, axes, clauses, signature..., each built
when first opened), with the French labels and help of the parameter model
(:mod:`accordgen.notebook.editor` and its siblings build the fields). Each change is checked at
once the way :func:`accordgen.dossier.load` checks a file — pydantic, the kind's
``problems()``, then the accord and ``dossier_problems()`` — and each message appears in red
beside its field and in a summary at the top. « Enregistrer » writes the YAML back through
:mod:`accordgen.notebook.roundtrip` (comments, key order and quoting kept; only changed values
rewritten) and writes nothing while anything is invalid. « Générer le document » saves,
renders and shows the preview and the key dates.

Nothing here is written for one kind: the fields come from walking the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as W
import pydantic

from ..dossier import Document, load, resolve, validate_params
from ..errors import AccordgenError, InputError, ValidationError
from ..kinds import Kind, get_kind
from ..render.output import write_atomic
from ..safeio import read_regular_file
from ..yamlio import MAX_BYTES, parse_yaml, read_yaml
from . import roundtrip as rt
from .collection import ListEditor, MappingEditor
from .composite import LazyEditor, ModelEditor
from .editor import FieldEditor
from .fieldspec import Spec, same_value
from .labels import RED, avertissement_lisible, chemin_lisible, esc, libelle
from .scalar import ScalarEditor, party_options

__all__ = ["Formulaire", "chemin_lisible", "libelle", "form_problems"]


def form_problems(raw: dict[str, Any], path: Path, *, dossier: bool = True) -> list[tuple[str, str]]:
    """The problems ``load`` would report for ``raw`` read from ``path``: pydantic, then the
    kind's ``problems()``; with ``dossier``, the accord and ``dossier_problems()`` too."""
    return form_check(raw, path, dossier=dossier)[0]


def form_check(raw: dict[str, Any], path: Path, *, dossier: bool = True) -> tuple[list[tuple[str, str]], list[str]]:
    """:func:`form_problems`, and the warnings ``check`` would print (odd but possible, never
    blocking) when there is no problem and the dossier was checked."""
    try:
        kind, params = validate_params(raw, path)
        if not dossier:
            return [], []
        doc = resolve(kind, params, path)
    except ValidationError as exc:
        return list(exc.problems), []
    try:
        return [], doc.warnings()
    except AccordgenError:
        return [], []


# Tabs as wide as their title (« Contrepartie financière », « Délibérations (plusieurs
# collectivités) »), on several rows when they need them: ipywidgets cuts each at 144 px.
TAB_STYLE = """<style>
.accordgen-onglets .lm-TabBar-content {flex-wrap: wrap;}
.accordgen-onglets .lm-TabBar-tab {flex: 0 0 auto !important; max-width: none !important;}
</style>"""


class Formulaire:
    """The form of one document's YAML file. ``widget`` is what the notebook displays."""

    def __init__(self, dossier_file: Path | str, output_dir: Path | str = "",
                 output_name: str = "") -> None:
        self.path = Path(dossier_file).resolve()
        self.output_dir = output_dir  # empty: the dossier's output folder (notebook.chemin_sortie)
        self.output_name = output_name
        self.problemes: list[tuple[str, str]] = []
        self.racine: ModelEditor | None = None
        self.document: Document | None = None
        self.chemin_docx: Path | None = None
        self._construction = True
        self._parties: list[tuple[str, str]] | None = None
        self.avertissements: list[str] = []
        self.titre, self.etat, self.synthese, self.message = W.HTML(), W.HTML(), W.HTML(), W.HTML()
        self.attention = W.HTML()
        for widget, name in ((self.etat, "etat"), (self.synthese, "synthese"), (self.message, "message"),
                             (self.attention, "attention")):
            widget.add_class(f"accordgen-{name}")
        self.bouton_enregistrer = W.Button(
            description="Enregistrer", icon="save", button_style="primary",
            tooltip="Écrire les valeurs dans le fichier YAML (impossible tant qu'une valeur est invalide)")
        self.bouton_generer = W.Button(
            description="Générer le document", icon="file-text", button_style="success",
            layout=W.Layout(width="auto"), tooltip="Enregistrer, puis produire le DOCX et son aperçu")
        self.bouton_recharger = W.Button(
            description="Recharger", icon="refresh",
            tooltip="Relire le fichier YAML (les modifications non enregistrées sont perdues)")
        for b, name in ((self.bouton_enregistrer, "enregistrer"), (self.bouton_generer, "generer"),
                        (self.bouton_recharger, "recharger")):
            b.add_class(f"accordgen-{name}")
        self.bouton_enregistrer.on_click(lambda _b: self.enregistrer())
        self.bouton_generer.on_click(lambda _b: self.generer())
        self.bouton_recharger.on_click(lambda _b: self.recharger())
        self.sortie = W.Output()
        self.corps = W.VBox()
        barre = W.HBox([self.bouton_enregistrer, self.bouton_generer, self.bouton_recharger],
                       layout=W.Layout(margin="6px 0", flex_flow="row wrap"))
        self.widget = W.VBox([W.HTML(TAB_STYLE), self.titre, self.etat, self.synthese, self.attention, barre, self.message, self.corps,
                              self.sortie], layout=W.Layout(max_width="64em"))
        self.widget.add_class("accordgen-formulaire")
        self.recharger()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # --- loading ----------------------------------------------------------------------
    def recharger(self) -> None:
        """(Re)read the YAML file and rebuild the fields."""
        self._construction = True
        self._parties = None
        self.message.value = ""
        try:
            self.fichier = rt.YamlFile(self.path)
            declared = self.fichier.values.get("type")
            if not isinstance(declared, str):
                raise ValidationError(self.path, [("type", "champ obligatoire manquant : le type du document")])
            self.kind: Kind = get_kind(declared)
        except AccordgenError as exc:
            self.racine = None
            self.corps.children = ()
            self.titre.value = f"<h3>Formulaire — {esc(self.path.name)}</h3>"
            self.etat.value = (f"<span role='alert' style='color:{RED};font-weight:600'>⚠ Fichier "
                               f"illisible : {esc(exc)}</span>")
            self.bouton_enregistrer.disabled = self.bouton_generer.disabled = True
            return
        self.titre.value = (f"<h3 style='margin:0.2em 0'>Formulaire — {esc(self.kind.label)}</h3>"
                            f"<div style='color:#555'>Fichier : <code>{esc(self.path)}</code> · les champs "
                            f"marqués <span style='color:{RED}'>*</span> sont obligatoires</div>")
        self.racine = ModelEditor(self, Spec("model", model=self.kind.model), root=True,
                             initial=self.fichier.values)
        self.corps.children = (self.racine.widget,)
        self._construction = False
        self.valider()

    def parties(self) -> list[tuple[str, str]]:
        """The accord's parties as (key, designation): from this file for an accord, from the
        accord it points at otherwise (read once per opening; empty when unreadable, the
        dossier check then says why)."""
        if self._parties is None:
            values: Any = self.fichier.values
            if values.get("type") == "accord" and self.racine is not None:
                values = self.racine.raw()  # the parties as the form holds them now
            elif values.get("type") != "accord":
                try:
                    ref = values.get("accord")
                    values = read_yaml(self.path.parent / ref) if isinstance(ref, str) and ref else {}
                except (AccordgenError, OSError):
                    values = {}
            found = values.get("parties") if isinstance(values, dict) else None
            self._parties = [
                (p["cle"], str(p.get("designation") or p.get("denomination") or p["cle"]))
                for p in (found if isinstance(found, list) else [])
                if isinstance(p, dict) and isinstance(p.get("cle"), str) and p["cle"]]
        return self._parties

    # --- validation -------------------------------------------------------------------
    def editeurs(self) -> dict[str, FieldEditor]:
        """Every field editor by its path (``parties[0].siren``)."""
        if self.racine is None:
            return {}
        return {p: e for p, e in self.racine.locate("") if p}

    def champ(self, path: str) -> FieldEditor:
        """The editor of the field at ``path`` (``parties[0].siren``), its tab built if need be."""
        editors = self.editeurs()
        if (path not in editors or isinstance(editors[path], LazyEditor)) and self.racine is not None:
            self.ouvrir_onglets()
            editors = self.editeurs()
        return editors[path]

    def ouvrir_onglets(self) -> None:
        """Build the fields of every tab not opened yet (each is built when first shown)."""
        if self.racine is not None and self.racine.a_construire():
            for name in self.racine.a_construire():
                self.racine.construire(name)
            self.valider()

    def donnees(self) -> dict[str, Any]:
        """The document's parameters as the form holds them (as ``read_yaml`` gives them)."""
        assert self.racine is not None
        return self.racine.raw()

    def modifie(self) -> None:
        """A value changed: check everything again (a few milliseconds, dossier included)."""
        if not self._construction:
            if self.kind.name == "accord":
                self._suivre_parties()
            self.valider()

    def _suivre_parties(self) -> None:
        """In the accord's form, a party added, renamed or given another key: every drop-down
        choosing a party offers the parties as they are now, before anything is saved."""
        before, self._parties = self._parties, None
        if self.parties() == before:
            return
        self._construction = True  # new options, same values: no cascade of checks
        try:
            for ed in self.editeurs().values():
                if isinstance(ed, ScalarEditor) and ed.spec.kind == "party":
                    value = ed.entree.value
                    ed.entree.options = party_options(self, value, ed.required)
                    ed.entree.value = value
                elif isinstance(ed, MappingEditor) and ed.spec.party_keys:
                    for item in ed.elements:
                        if item.cle is not None:
                            key = item.cle.value
                            item.cle.options = party_options(self, str(key), True, "")
                            item.cle.value = key
        finally:
            self._construction = False

    def valider(self, dossier: bool = True) -> list[tuple[str, str]]:
        """Check the form's values as ``load`` would (``dossier``: with the checks against the
        accord and the dossier's other documents); show each message beside its field and in
        the summary. Returns the problems."""
        if self.racine is None:
            return [("", "fichier illisible")]
        editors = self.editeurs()
        problems, warnings = self._problemes(dossier)
        unopened = {ed.name for ed in (self._cible(p, editors)[0] for p, _ in problems) if isinstance(ed, LazyEditor)}
        if unopened:  # a message to show in a tab never opened: its fields are built now, and
            for name in unopened:  # checked again (their own checks word some messages better)
                self.racine.construire(name)
            editors = self.editeurs()
            problems, warnings = self._problemes(dossier)
        self.problemes, self.avertissements = problems, warnings
        messages: dict[int, list[str]] = {}
        for path, msg in problems:
            ed, rest = self._cible(path, editors)
            messages.setdefault(id(ed), []).append(f"{chemin_lisible(rest)} : {msg}" if rest else msg)
        for ed in {id(e): e for e in [self.racine, *editors.values()]}.values():
            ed.show(messages.get(id(ed), []))
            if isinstance(ed, ListEditor):
                ed.refresh_titles()
        self._afficher_synthese()
        return problems

    def _problemes(self, dossier: bool) -> tuple[list[tuple[str, str]], list[str]]:
        """The form's own checks (empty keys, unreadable YAML text), else those of ``load``."""
        assert self.racine is not None
        problems = list(self.racine.local_problems())
        if problems:
            return problems, []
        return form_check(self.donnees(), self.path, dossier=dossier)

    def _cible(self, path: str, editors: dict[str, FieldEditor]) -> tuple[FieldEditor, str]:
        """The editor that shows a problem at ``path``: the field itself or its nearest parent
        (the rest of the path is then said in the message)."""
        probe = path
        while probe:
            if probe in editors:
                return editors[probe], path[len(probe):].lstrip(".")
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        assert self.racine is not None
        return self.racine, path

    def _afficher_synthese(self) -> None:
        n = len(self.problemes)
        self.bouton_enregistrer.disabled = self.bouton_generer.disabled = n > 0
        if n:
            items = "".join(
                f"<li><b>{esc(chemin_lisible(p))}</b> <code style='font-size:0.8em'>{esc(p)}</code> : "
                f"{esc(m)}</li>" for p, m in self.problemes[:12])
            more = f"<li>… et {n - 12} autre(s)</li>" if n > 12 else ""
            self.synthese.value = (
                f"<div role='alert' style='color:{RED};border:1px solid {RED};padding:4px 10px;"
                f"border-radius:4px'><b>⚠ {n} problème{'s' if n > 1 else ''} à corriger avant "
                f"d'enregistrer :</b><ul style='margin:2px 0'>{items}{more}</ul></div>")
        else:
            self.synthese.value = ""
        items = "".join(f"<li>{esc(avertissement_lisible(w))}</li>" for w in self.avertissements)
        self.attention.value = (
            "<div role='status' style='color:#8a5a00;border:1px solid #d9a400;padding:4px 10px;"
            "border-radius:4px'><b>Attention (n'empêche pas d'enregistrer) :</b>"
            f"<ul style='margin:2px 0'>{items}</ul></div>") if items else ""
        self._afficher_etat()

    def a_modifications(self) -> bool:
        """Whether the form holds values the file does not."""
        return self.racine is not None and not same_value(self.donnees(), self.fichier.values)

    def _afficher_etat(self) -> None:
        if self.problemes:
            text = f"<span style='color:{RED}'>✗ Paramètres invalides : rien ne sera écrit.</span>"
        elif self.a_modifications():
            text = "<span style='color:#8a5a00'>● Paramètres valides — modifications non enregistrées.</span>"
        else:
            text = "<span style='color:#1b6e20'>✔ Paramètres valides, identiques au fichier.</span>"
        self.etat.value = text

    # --- saving and generating --------------------------------------------------------
    def _dire(self, text: str, ok: bool) -> None:
        color, role = ("#1b6e20", "status") if ok else (RED, "alert")
        self.message.value = f"<div role='{role}' style='color:{color};margin:4px 0'>{text}</div>"

    def enregistrer(self) -> bool:
        """Write the form's values into the YAML file; refuse (writing nothing) while any value
        is invalid or when the file changed on disk since it was read. Returns True when the
        file holds the form's values."""
        if self.racine is None:
            return False
        problems = self.valider()
        if problems:
            self._dire(f"Enregistrement refusé : {len(problems)} problème(s) à corriger ; le fichier "
                       "n'a pas été modifié.", ok=False)
            return False
        try:
            on_disk = read_regular_file(self.path, MAX_BYTES)
        except InputError as exc:
            self._dire(f"Enregistrement refusé : {esc(exc.message)}.", ok=False)
            return False
        if on_disk != self.fichier.data:
            self._dire("Enregistrement refusé : le fichier a été modifié ailleurs depuis son ouverture "
                       "dans le formulaire. Cliquez sur « Recharger » pour repartir du fichier (vos "
                       "saisies seront perdues).", ok=False)
            return False
        if not self.a_modifications():
            self._dire("Aucune modification à enregistrer.", ok=True)
            return True
        wanted = self.donnees()
        self.racine.to_node(self.fichier.tree, self.fichier.values)
        data = self.fichier.new_bytes()
        try:  # what will be read back is what was checked, or nothing is written
            saved = parse_yaml(data.decode("utf-8-sig"), self.path)
            same = self.kind.model.model_validate(saved) == self.kind.model.model_validate(wanted)
        except (InputError, pydantic.ValidationError):
            same = False
        try:
            if not same:
                raise AccordgenError("le texte YAML produit ne relit pas les mêmes valeurs (anomalie "
                                     "du formulaire)")
            write_atomic(self.path, data)
        except AccordgenError as exc:
            self.fichier = rt.YamlFile(self.path)  # drop the half-applied tree
            self._dire(f"Enregistrement impossible : {esc(exc)} ; le fichier n'a pas été modifié.", ok=False)
            return False
        self.fichier = rt.YamlFile(self.path)
        self.racine.rebase()
        self._afficher_etat()
        self._dire(f"Enregistré dans <code>{esc(self.path.name)}</code> (commentaires et ordre des "
                   "champs conservés).", ok=True)
        return True

    def generer(self) -> Path | None:
        """Save, then render the DOCX and show its preview and key dates below the form."""
        from .. import notebook

        if not self.enregistrer():
            return None
        try:
            doc = load(self.path, self.kind.name)
            chemin = notebook.generer(doc, self.output_dir, self.output_name)
        except AccordgenError as exc:
            self._dire(f"Génération impossible : {esc(exc)}", ok=False)
            return None
        self.document, self.chemin_docx = doc, chemin
        self._dire(f"Document écrit : <code>{esc(chemin)}</code>", ok=True)
        self.sortie.outputs = ()
        self.sortie.append_display_data(notebook.apercu(chemin))
        self.sortie.append_display_data(notebook.dates_cles(doc))
        return chemin

"""The form's « Clauses » tab: one drop-down per clause topic of the document's template, the
variants of the clause library that this document allows (by their French title, the chosen
one's description as help), and the fields of the chosen variant's parameters.

Refused variants (a commercial court when a party is a collectivité...) are not offered; the
help under the drop-down names them with the reason. « Par défaut » leaves the topic out of
the YAML (the kind's default variant applies, named in the option). Problems found by the
checks land on the topic (``clauses.litiges.variante``) or on the parameter's field
(``clauses.contrepartie.reference``). Nothing here is written for one topic or variant: a
variant added to a workspace's ``clauses/`` folder is offered like the packaged ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as W

from .. import library as lib
from .editor import FieldEditor, make_editor
from .fieldspec import ABSENT, Spec, same_value
from .labels import esc, html, libelle, shared, title_html

if TYPE_CHECKING:
    from .form import Formulaire

DEFAUT = "__defaut__"


def _spec(p: lib.Parametre, parties: list[str]) -> Spec:
    t = lib.TypeParametre
    return {
        t.TEXTE: Spec("text"), t.DATE: Spec("date"), t.MONTANT: Spec("number"), t.ENTIER: Spec("int"),
        t.LISTE: Spec("list", item=Spec("text")), t.DUREE: Spec("text"),
        t.PARTIE: Spec("choice", options=parties),
        t.PARTIES: Spec("list", item=Spec("choice", options=parties)),
        t.CHOIX: Spec("choice", options=list(p.valeurs or {})),
    }[p.type]


def topic_label(topic: str) -> str:
    return libelle(topic.replace("-", "_"))


class _Context:
    """What the drop-downs depend on: the library, the document's facts and its parties."""

    def __init__(self, form: Formulaire) -> None:
        from ..dossier import Loader
        from ..errors import AccordgenError
        from ..safeio import resolve as resolve_path

        natures: frozenset[str] = frozenset()
        self.parties: list[str] = []
        workspace = None
        known = False
        try:
            accord = form.fichier.values.get("accord")
            path = form.path if form.kind.name == "accord" else resolve_path(form.path.parent / str(accord))
            dossier = Loader().dossier(path)
            workspace = dossier.workspace
            natures = frozenset(p.nature.value for p in dossier.accord.parties)
            self.parties = [p.cle for p in dossier.accord.parties]
            known = True
        except (AccordgenError, OSError, TypeError, ValueError):
            pass
        self.known = known  # the accord was read: refusals and defaults can be said
        self.facts = lib.Facts(form.kind.name, natures)
        try:
            self.library = lib.load_library(workspace)
            self.erreur = ""
        except AccordgenError as exc:
            self.library, self.erreur = lib.Library(), str(exc)


class TopicEditor(FieldEditor):
    """One topic: its drop-down, the chosen variant's description, its parameters."""

    def __init__(self, form: Formulaire, topic: str, ctx: _Context, initial: Any) -> None:
        super().__init__(form, Spec("yaml"), name=topic, required=False, initial=initial)
        self.topic, self.ctx = topic, ctx
        variants = ctx.library.topics.get(topic, {})
        raw = initial if isinstance(initial, dict) else {}
        current = raw.get(lib.VARIANTE)
        refused = {n: v.refusal(ctx.facts) for n, v in variants.items()} if ctx.known else {}
        default = ctx.library.default(topic, ctx.facts) if ctx.known else None
        options: list[tuple[str, str]] = [
            (f"Par défaut : {default.sidecar.titre}" if default else "Par défaut (variante du type de document)",
             DEFAUT)]
        options += [(v.sidecar.titre, n) for n, v in sorted(variants.items(), key=lambda kv: kv[1].sidecar.titre)
                    if not refused.get(n)]
        if current is not None and current not in dict((v, k) for k, v in options):
            label = variants[current].sidecar.titre if current in variants else str(current)
            options.append((f"{label} (choix actuel, {'refusé' if refused.get(current) else 'inconnu'})",
                            str(current)))
        self.choix = W.Dropdown(options=options, value=DEFAUT if current is None else str(current),
                                layout=shared("choix"), style=shared("style-description"))
        self.choix.add_class("accordgen-variante")
        self.tag(self.choix, "accordgen-variante")
        refus = [f"{v.sidecar.titre} — {motif}" for n, v in sorted(variants.items())
                 if (motif := refused.get(n))]
        self.refus = html("<div style='color:#555;font-size:0.85em'>Non proposées pour ce document : "
                          + "".join(f"<br>· {esc(r)}" for r in refus) + "</div>" if refus else "")
        self.refus.add_class("accordgen-refus")
        self.description = html()
        self.description.add_class("accordgen-description")
        self.corps = W.VBox(layout=shared("groupe"))
        self.parametres: dict[str, FieldEditor] = {}
        self.inconnus = {k: v for k, v in raw.items() if k != lib.VARIANTE}
        self._build(self.inconnus)
        self.choix.observe(self._changed_variant, names="value")
        head = html(title_html(topic_label(topic), False, ""))
        self.widget = W.VBox([head, self.choix, self.description, self.refus, self.erreur, self.corps],
                             layout=shared("element"))

    @property
    def variant(self) -> lib.Variant | None:
        name = self.choix.value
        return None if name == DEFAUT else self.ctx.library.variant(self.topic, name)

    def _build(self, values: dict[str, Any]) -> None:
        v = self.variant
        if v is None:
            default = self.ctx.library.default(self.topic, self.ctx.facts) if self.ctx.known else None
            text = (f"{default.sidecar.description} (sans paramètre à indiquer ici : choisissez-la dans la liste "
                    "pour en donner)") if default and default.sidecar.parametres else (
                default.sidecar.description if default else "")
        else:
            text = v.sidecar.description
        self.description.value = f"<div style='color:#555;font-size:0.85em;line-height:1.3'>{esc(text)}</div>"
        self.parametres = {}
        if v is not None:
            for p in v.sidecar.parametres:
                self.parametres[p.nom] = make_editor(
                    self.form, _spec(p, self.ctx.parties), name=p.nom, help_text=p.libelle, required=p.requis,
                    initial=values.get(p.nom, ABSENT))
        self.corps.children = [e.widget for e in self.parametres.values()]
        self.corps.layout = shared("groupe" if self.parametres else "cache")

    def _changed_variant(self, *_: Any) -> None:
        kept = {n: e.raw() for n, e in self.parametres.items() if e.raw() is not ABSENT}
        self._build(kept)
        self.form.modifie()

    def children(self) -> list[tuple[str, FieldEditor]]:
        return [(f"{self.path}.{n}", e) for n, e in self.parametres.items()]

    def raw(self) -> Any:
        v = self.variant
        if self.choix.value == DEFAUT:
            return ABSENT
        out: dict[str, Any] = {lib.VARIANTE: self.choix.value}
        if v is None:  # unknown or refused: kept as written, the checks say why
            out.update(self.inconnus)
            return out
        for name, ed in self.parametres.items():
            value = ed.raw()
            if value is not ABSENT:
                out[name] = value
        if isinstance(self.initial, dict) and self.choix.value == self.initial.get(lib.VARIANTE):
            # keys the variant does not declare stay as written: the checks name them
            out.update({k: v for k, v in self.inconnus.items() if k not in self.parametres})
        return out


    def to_node(self, old_node: Any, old_raw: Any) -> Any:
        from ruamel.yaml.comments import CommentedMap

        from . import roundtrip as rt

        new = self.raw()
        if self.variant is None or not isinstance(new, dict):
            return rt.commented(new)
        old = old_raw if isinstance(old_raw, dict) else {}
        old_node = old_node if isinstance(old_node, CommentedMap) else CommentedMap()
        node = CommentedMap()
        node[lib.VARIANTE] = new[lib.VARIANTE]
        for name, ed in self.parametres.items():
            if name in new:
                node[name] = (old_node[name] if name in old_node and name in old and same_value(old[name], new[name])
                              else ed.to_node(old_node.get(name), old.get(name, ABSENT)))
        return node


class ClausesEditor(FieldEditor):
    """The ``clauses`` field of a kind whose template has clause slots: one topic each."""

    own_tab = True

    def __init__(self, form: Formulaire, spec: Spec, **kw: Any) -> None:
        super().__init__(form, spec, **kw)
        ctx = _Context(form)
        initial = self.initial if isinstance(self.initial, dict) else {}
        topics = tuple(getattr(form.kind, "clause_topics", ()))
        self.sujets = {t: TopicEditor(form, t, ctx, initial.get(t, ABSENT)) for t in topics}
        self.autres = {k: v for k, v in initial.items() if k not in self.sujets}  # the checks name them
        intro = html(title_html(self.label, False, self.help_text))
        alerte = [html(f"<div style='color:#b00020'>{esc(ctx.erreur)}</div>")] if ctx.erreur else []
        self.widget = W.VBox([intro, *alerte, self.erreur, *(e.widget for e in self.sujets.values())],
                             layout=shared("ligne"))

    def children(self) -> list[tuple[str, FieldEditor]]:
        prefix = f"{self.path}." if self.path else ""
        return [(f"{prefix}{t}", e) for t, e in self.sujets.items()]

    def raw(self) -> Any:
        out = {t: value for t, e in self.sujets.items() if (value := e.raw()) is not ABSENT}
        out.update(self.autres)
        return out if out or self.initial is not ABSENT else ABSENT

    def to_node(self, old_node: Any, old_raw: Any) -> Any:
        from ruamel.yaml.comments import CommentedMap

        from . import roundtrip as rt

        target = old_node if isinstance(old_node, CommentedMap) else CommentedMap()
        old = old_raw if isinstance(old_raw, dict) else {}
        new = self.raw()
        new = new if isinstance(new, dict) else {}
        for key in [k for k in target if k not in new]:
            rt.delete_key(target, key)
        for key, value in new.items():
            if key in target and key in old and same_value(old[key], value):
                continue
            target[key] = (self.sujets[key].to_node(target.get(key), old.get(key, ABSENT)) if key in self.sujets
                           else rt.commented(value))
        return target

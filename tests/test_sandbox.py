"""Templates are edited by drafters: rendering runs in a sandbox, so a template cannot reach
Python internals, files or the environment, nor exhaust memory. Every attempt fails with a
clear template error naming the template and the paragraph, and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

import accordgen
from accordgen import DOCUMENT_KINDS
from accordgen.errors import TemplateError
from accordgen.tools.text import document_text
from accordgen.yamlio import read_yaml
from examples_support import base_example, kinds_with_example

from conftest import EXAMPLE, ROOT

ATTACKS = [
    # Python internals through attributes
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__call__.__globals__ }}",
    "{{ namespace.__init__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ lipsum.__globals__['os'].environ }}",
    "{{ lipsum.__globals__.os.system('id') }}",
    "{{ titre|attr('__class__') }}",
    "{{ '{0.__class__}'.format(titre) }}",
    "{{ range.__self__ }}",
    "{{ parties[0].__getitem__ }}",
    # files and the environment: no such names, no loader
    "{{ open('/etc/passwd').read() }}",
    "{{ os.environ }}",
    "{{ config }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% extends '/etc/passwd' %}",
    # changing the context
    "{{ parties.append(1) }}",
    "{{ dict(a=1).update(b=2) }}",
    # printing internals instead of values
    "{{ lipsum }}",
    "{{ titre.upper }}",
    "{{ self }}",
]
EXHAUSTION = [
    "{% for x in range(10**9) %}x{% endfor %}",
    "{{ 'x' * 10**9 }}",
    "{{ [1] * 10**9 }}",
    "{{ 2 ** 100000 }}",
]


def template_copy(folder: Path, kind: str, text: str, *, footer: bool = False) -> Path:
    """A copy of a kind's template with one more paragraph (in the body or the footer)."""
    document = docx.Document(str(DOCUMENT_KINDS[kind].template_path))
    if footer:
        document.sections[0].footer.add_paragraph(f"Pied {text}")
    else:
        document.add_paragraph(f"Essai {text}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DOCUMENT_KINDS[kind].template
    document.save(str(path))
    return path


def render_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str, text: str,
                *, footer: bool = False) -> tuple[TemplateError, Path]:
    template = template_copy(tmp_path / "modeles", kind, text, footer=footer)
    monkeypatch.setenv("ACCORDGEN_TEMPLATES", str(template.parent))
    doc = accordgen.load(base_example(kind))
    out = tmp_path / "sortie" / "document.docx"
    with pytest.raises(TemplateError) as info:
        accordgen.render(doc, out)
    assert not out.parent.exists() or not any(out.parent.iterdir()), "fichier écrit malgré l'erreur"
    return info.value, template


@pytest.mark.parametrize("attack", ATTACKS)
def test_template_cannot_reach_internals_files_or_environment(
        attack: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    error, template = render_with(monkeypatch, tmp_path, "accord", attack)
    message = str(error)
    assert message.startswith(f"modèle {template} : "), message
    assert f"paragraphe : « Essai {attack} »" in message, message
    assert any(m in message for m in ("bac à sable", "variable non définie", "erreur d'un filtre",
                                      "ne s'imprime pas")), message
    assert os.environ.get("PATH", "§") not in message and "root:" not in message


@pytest.mark.parametrize("attack", EXHAUSTION)
def test_template_cannot_exhaust_memory_or_time(
        attack: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    start = time.perf_counter()
    error, template = render_with(monkeypatch, tmp_path, "accord", attack)
    assert time.perf_counter() - start < 5
    assert str(template) in str(error)


@pytest.mark.parametrize("kind", kinds_with_example())
def test_every_kind_renders_in_the_sandbox(kind: str, monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    error, template = render_with(monkeypatch, tmp_path, kind, "{{ cycler.__init__.__globals__ }}")
    assert f"modèle {template}" in str(error) and "bac à sable" in str(error)


def test_footer_is_sandboxed_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    error, template = render_with(monkeypatch, tmp_path, "accord", "{{ ''.__class__ }}", footer=True)
    assert "word/footer1.xml" in str(error) and "Pied {{ ''.__class__ }}" in str(error)


def test_a_safe_addition_still_renders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The control: the same copy mechanism with an ordinary expression renders, so the
    failures above come from the sandbox, not from the copy."""
    template = template_copy(tmp_path / "modeles", "accord",
                             "{{ titre|length }} {{ parties|map(attribute='cle')|join('/') }}")
    monkeypatch.setenv("ACCORDGEN_TEMPLATES", str(template.parent))
    text = document_text(accordgen.render_bytes(accordgen.load(EXAMPLE / "accord.yaml")))
    titre = read_yaml(EXAMPLE / "accord.yaml")["titre"]
    assert f"Essai {len(titre)} departement/orange" in text


def test_cli_reports_a_sandbox_violation(tmp_path: Path) -> None:
    template = template_copy(tmp_path / "modeles", "accord", "{{ lipsum.__globals__['os'].environ }}")
    out = tmp_path / "sortie" / "accord.docx"
    proc = subprocess.run(
        [sys.executable, "-m", "accordgen", "render", "accord", str(EXAMPLE / "accord.yaml"), "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "ACCORDGEN_TEMPLATES": str(template.parent)},
    )
    assert proc.returncode == 2, proc.stderr
    assert f"modèle {template} : opération interdite par le bac à sable" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()

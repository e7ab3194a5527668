"""Templates are edited by drafters: rendering runs in a sandbox, so a template cannot reach
Python internals, files or the environment, nor exhaust memory. Every attempt fails with a
clear template error naming the template and the paragraph, and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import docx
import pytest

import accordgen
from accordgen import DOCUMENT_KINDS
from accordgen.errors import TemplateError
from accordgen.render import sandbox
from accordgen.render.template import make_env
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
    # sizes given to methods and filters, not to "*"
    "{{ 'x'.ljust(300000000) }}",
    "{{ 'x'.rjust(300000000) }}",
    "{{ 'x'.center(300000000) }}",
    "{{ 'x'.zfill(300000000) }}",
    "{{ 'x'|center(300000000) }}",
    "{{ 'x'|indent(300000000) }}",
    "{{ '{:>300000000}'.format(titre) }}",
    "{{ '{:{w}}'.format(titre, w=300000000) }}",
    "{{ '%300000000s' % titre }}",
    "{{ '%300000000s'|format(titre) }}",
    "{{ (1).to_bytes(300000000, 'big') }}",
    "{{ [1]|batch(300000000, 0)|list }}",
    # growth step by step, each step small
    "{{ ((9**999)**999)**99 }}",
    "{{ ('x' * 1000000).replace('x', 'yy') }}",
    "{{ (['x' * 1000] * 2000)|join }}",
    "{% set ns = namespace(s='xx') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% set ns = namespace(s='xx') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "{% set ns = namespace(n=3) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
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
    assert time.perf_counter() - start < 2
    assert str(template) in str(error)
    assert f"paragraphe : « Essai {attack} »" in str(error)


@pytest.mark.parametrize("attack", [
    "{{ 'x'.ljust(300000000) }}", "{{ '{:>300000000}'.format(titre) }}", "{{ 'x'.center(300000000) }}",
    "{{ '%300000000s' % titre }}", "{{ 'x'.zfill(300000000) }}", "{{ 'x' * 10**9 }}",
    "{{ ((9**999)**999)**99 }}", "{% for x in range(10**9) %}x{% endfor %}",
])
def test_cli_refuses_exhaustion_fast(attack: str, tmp_path: Path) -> None:
    """Through the command line (a real process): exit 2, the template named, under 2 s of
    rendering (the process start-up, measured on a valid render, is not counted)."""
    template = template_copy(tmp_path / "modeles", "accord", attack)
    out = tmp_path / "sortie" / "accord.docx"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "ACCORDGEN_TEMPLATES": str(template.parent)}
    command = [sys.executable, "-m", "accordgen", "render", "accord", str(EXAMPLE / "accord.yaml")]
    start = time.perf_counter()
    baseline = subprocess.run([*command, "-o", str(tmp_path / "ok.docx")], capture_output=True,
                              text=True, cwd=ROOT, timeout=120,
                              env={k: v for k, v in env.items() if k != "ACCORDGEN_TEMPLATES"})
    base = time.perf_counter() - start
    assert baseline.returncode == 0, baseline.stderr
    start = time.perf_counter()
    proc = subprocess.run([*command, "-o", str(out)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env=env)
    assert time.perf_counter() - start < base + 2
    assert proc.returncode == 2, proc.stderr
    assert f"modèle {template} : " in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_a_render_has_a_time_bound(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Loops that build nothing and call nothing are stopped by the time bound (here lowered
    to 1 s; MAX_SECONDS in production)."""
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 1.0)
    start = time.perf_counter()
    error, template = render_with(
        monkeypatch, tmp_path, "accord",
        "{% set r = range(100000) %}{% for a in r %}{% for b in r %}{% endfor %}{% endfor %}")
    assert time.perf_counter() - start < 3
    assert "rendu trop long (plus de 1 secondes)" in str(error) and str(template) in str(error)


def test_the_time_bound_also_holds_outside_the_main_thread(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    """No SIGALRM in a worker thread (Dask, a notebook's thread): the deadline checks at every
    operation and output chunk still stop a loop that does something."""
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 1.0)
    found: list[BaseException] = []

    def work() -> None:
        try:
            render_with(monkeypatch, tmp_path, "accord",
                        "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}")
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            found.append(exc)

    start = time.perf_counter()
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(30)
    assert time.perf_counter() - start < 5 and not found, found


def test_ordinary_expressions_are_not_limited() -> None:
    env = make_env()
    text = env.from_string("{{ '%05.2f'|format(3.14159) }} {{ 'ab'|center(6) }} {{ '{:>4}'.format('x') }} "
                           "{{ 2 ** 10 }} {{ ('x' * 3) ~ 'y' }} {{ [1, 2]|join('-') }}").render()
    assert text == "03.14   ab      x 1024 xxxy 1-2"


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

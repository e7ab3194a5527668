"""The interface every document kind implements, and the typed values it gives the rest.

A kind is one class: its name and label, its parameter model (a pydantic schema with its own
checks), its template, notebook and output name, and what it computes from a loaded document:
the checks against the dossier, the template's context, the drafter's summary, the key dates
and the periods of the timeline, and what it adds to the inputs hash. The registry
(:mod:`accordgen.kinds`) lists the classes; nothing else knows a kind by its name.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..models.base import Modele

if TYPE_CHECKING:
    from ..dossier import Document

Problem = tuple[str, str]
"""(field path in the YAML, French message)."""


@dataclass(frozen=True)
class KeyDate:
    """A date a drafter checks before generating (« Prise d'effet de la résiliation »)."""

    label: str
    date: dt.date


class Category(StrEnum):
    """What a timeline bar stands for (its colour and legend)."""

    ACCORD = "accord"
    RENOUVELLEMENT = "renouvellement"
    CONVENTION = "convention"
    PREAVIS = "preavis"
    SURVIE = "survie"


@dataclass(frozen=True)
class Span:
    """A period a document defines, both ends included (a bar of the dossier's timeline)."""

    label: str
    debut: dt.date
    fin: dt.date
    category: Category


class DocumentKind(ABC):
    """One kind of document. Subclasses set the class attributes and implement
    :meth:`context`; the other methods have the behaviour most kinds want."""

    name: ClassVar[str]
    """Used by the CLI, the register and the ``type`` field of a YAML file."""
    label: ClassVar[str]
    """French name shown to drafters (« Convention spécifique »)."""
    model: ClassVar[type[Modele]]
    """The parameter schema; its ``problems()`` are the document's own checks."""
    template: ClassVar[str]
    """File name of the Word template (found in the workspace, then in the package)."""
    notebook: ClassVar[str]
    """File name of the kind's notebook."""
    output: ClassVar[str]
    """``str.format`` pattern over the document's parameters, without ``.docx``."""
    derived: ClassVar[bool] = True
    """A derived document points at its dossier's ``accord.yaml`` (field ``accord``)."""

    # --- resources ----------------------------------------------------------------------
    def find_template(self, workspace: Path | None = None) -> Path:
        """The kind's template: the workspace's copy if it has one, else the packaged one.
        A kind shipped outside accordgen overrides this to point at its own file."""
        from ..resources import template_path

        return template_path(self.template, workspace)

    def find_notebook(self, workspace: Path | None = None) -> Path:
        """The kind's notebook, found like :meth:`find_template`."""
        from ..resources import notebook_path

        return notebook_path(self.notebook, workspace)

    @property
    def template_path(self) -> Path:
        """The template outside any workspace (:attr:`Document.template_path` knows the
        document's workspace)."""
        return self.find_template()

    @property
    def notebook_path(self) -> Path:
        return self.find_notebook()

    def output_stem(self, params: Modele) -> str:
        return self.output.format(**params.model_dump(mode="json"))

    # --- checks ---------------------------------------------------------------------------
    def problems(self, params: Modele) -> Iterator[Problem]:
        """Checks that need only the document (the model's own)."""
        return params.problems()

    def dossier_problems(self, doc: Document) -> Iterator[Problem]:
        """Checks against the accord and the other documents of the dossier."""
        return iter(())

    def warnings(self, doc: Document) -> Iterator[Problem]:
        """What is odd but possible: shown by ``check``, the notebook and the form, never
        blocking."""
        return iter(())

    # --- what the document says -----------------------------------------------------------
    @abstractmethod
    def context(self, doc: Document) -> dict[str, Any]:
        """What the template sees (the draft status ``statut`` is added by the Document)."""

    @abstractmethod
    def title(self, doc: Document) -> str:
        """The document's title (its properties, the overview)."""

    def document_date(self, doc: Document) -> dt.date | None:
        """The date the document bears (signature, sending), if it has one."""
        return None

    def summary(self, doc: Document) -> list[tuple[str, str]]:
        """(label, value) rows a drafter checks before generating, in French."""
        return [("Document", self.title(doc))]

    def key_dates(self, doc: Document) -> list[KeyDate]:
        """The dates the document computes or states, beyond the accord's own."""
        return []

    def spans(self, doc: Document) -> list[Span]:
        """The periods the document defines (the dossier's timeline)."""
        return []

    def hash_facts(self, doc: Document) -> Any:
        """What the document takes from its dossier besides its accord (amendments it
        follows, conventions it mentions): part of the inputs hash, JSON-serialisable."""
        return None

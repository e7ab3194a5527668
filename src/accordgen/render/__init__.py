"""The one render path: a validated document -> its template's context -> DOCX bytes -> file."""

from __future__ import annotations

from .document import core_properties, inputs_hash, render, render_bytes
from .engine import render_template
from .typography import Typography
from .values import Image, Listing, RichText, RichTextParagraph, Subdoc

__all__ = ["Image", "Listing", "RichText", "RichTextParagraph", "Subdoc", "Typography", "core_properties",
           "inputs_hash", "render", "render_bytes", "render_template"]

"""The one render path: a validated document -> its template's context -> DOCX bytes -> file."""

from __future__ import annotations

from .document import core_properties, inputs_hash, render, render_bytes

__all__ = ["core_properties", "inputs_hash", "render", "render_bytes"]

"""Batch generation from a register: one row per document, through the kinds' notebooks."""

from __future__ import annotations

from .group import executer_groupe
from .run import BatchResult, run_batch, verifier

__all__ = ["BatchResult", "executer_groupe", "run_batch", "verifier"]

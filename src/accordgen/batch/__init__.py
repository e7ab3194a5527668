"""Batch generation from a register: one row per document, through the kinds' notebooks."""

from __future__ import annotations

from .run import BatchResult, executer_groupe, run_batch, verifier

__all__ = ["BatchResult", "executer_groupe", "run_batch", "verifier"]

"""The code a group's kernel runs (``notebooks/batch_groupe.ipynb``): render the group's rows
one after the other in this kernel, each result appended to the group's result file."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..dossier import Loader
from ..render.output import write_atomic
from .jobs import RowJob, RowResult
from .manifest import DONE, FAILED
from .messages import failure_message


def render_group_row(row: RowJob, output_dir: Path, loader: Loader | None = None) -> RowResult:
    """Render one row through ``accordgen.render`` (the one render path), writing the DOCX
    atomically; ``loader``: the group's, which reads each dossier once for all its rows."""
    from ..render import inputs_hash, render_bytes

    start = time.perf_counter()
    try:
        doc = (loader or Loader()).load(row.chemin, row.type, dict(row.overrides) or None)
        digest = inputs_hash(doc)
        data = render_bytes(doc, digest)
        write_atomic(output_dir / row.sortie, data)
    except Exception as exc:  # noqa: BLE001 - a failing row never stops the group
        return RowResult(row.ligne, FAILED, message=failure_message(exc, list(row.overrides)),
                         duree_s=time.perf_counter() - start)
    return RowResult(row.ligne, DONE, sha256=hashlib.sha256(data).hexdigest(), empreinte=digest,
                     duree_s=time.perf_counter() - start)


def executer_groupe(jobs_file: str | Path, output_dir: str | Path) -> Any:
    """What batch_groupe.ipynb calls: render the rows of ``jobs_file``, append each result to
    the group's result file as soon as it is known, and return the group's table (pandas) for
    the executed notebook, the group's record."""
    import pandas as pd

    spec = json.loads(Path(jobs_file).read_text(encoding="utf-8"))
    out = Path(output_dir)
    loader = Loader()
    lines = []
    with open(spec["results_file"], "a", encoding="utf-8") as fh:
        for data in spec["lignes"]:
            row = RowJob.from_dict(data)
            result = render_group_row(row, out, loader)
            fh.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
            fh.flush()
            lines.append({
                "ligne": row.ligne, "type": row.type, "fichier": row.chemin,
                "remplacements": json.dumps(dict(row.overrides), ensure_ascii=False) if row.overrides else "",
                "sortie": row.sortie, "statut": result.statut, "message": result.message,
                "sha256": result.sha256, "duree_s": round(result.duree_s, 3),
            })
    return pd.DataFrame(lines).set_index("ligne") if lines else pd.DataFrame()

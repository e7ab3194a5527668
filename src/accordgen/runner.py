"""Running a kind's notebook through papermill: the product path for one document."""

from __future__ import annotations

from pathlib import Path

from .errors import AccordgenError
from .kinds import Kind


class NotebookError(AccordgenError):
    """Raised when a notebook run fails; carries the failing cell's French message."""


def run_notebook(
    kind: Kind,
    dossier_file: Path | str,
    output_dir: Path | str,
    executed: Path | str,
    output_name: str = "",
    extra: dict[str, object] | None = None,
) -> Path:
    """Execute ``kind``'s notebook with its papermill parameters; keep the executed notebook
    at ``executed`` (the audit record). Returns the executed notebook's path."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    executed = Path(executed).resolve()
    executed.parent.mkdir(parents=True, exist_ok=True)
    params: dict[str, object] = {
        "dossier_file": str(Path(dossier_file).resolve()),
        "output_dir": str(Path(output_dir).resolve()),
        "output_name": output_name,
    }
    params.update(extra or {})
    try:
        pm.execute_notebook(
            str(kind.notebook_path),
            str(executed),
            parameters=params,
            kernel_name="python3",
            cwd=str(executed.parent),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        raise NotebookError(
            f"{kind.notebook} a échoué (cellule {exc.exec_count}) pour {dossier_file} :\n{exc.evalue}"
        ) from None
    return executed


"""Running a kind's notebook through papermill: the product path for one document."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from .errors import AccordgenError
from .kinds import Kind
from .tempdirs import process_tempdir

PR_SET_PDEATHSIG = 1


def parent_death_signal(sig: int = signal.SIGKILL) -> Callable[[], None]:
    """A function that, run in a new process (a ``preexec_fn``, a pool initializer), makes
    Linux send ``sig`` to that process when its parent dies: a batch killed with ``kill -9``
    leaves no kernel, worker or LibreOffice behind. Does nothing elsewhere. The C function is
    looked up here, in the parent: loading a library in a freshly forked child may block."""
    if not sys.platform.startswith("linux"):
        return lambda: None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return lambda: None
    parent = os.getpid()

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return arm


def die_with_parent() -> None:
    """Arm the parent-death signal in this process (its parent: whoever started it)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass


class LocalKernelManager(AsyncKernelManager):
    """Kernels talk to papermill over local IPC sockets, not TCP: nothing listens on a port,
    and the kernel has no reason to warn about unencrypted traffic."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.ip = str(_socket_dir() / "kernel")

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: object) -> None:
        # The kernel's own log (shutdown chatter such as "KeyboardInterrupt caught in kernel")
        # goes to a file beside its sockets, not to the drafter's terminal; cell errors still
        # reach papermill through the messaging protocol.
        log = open(_socket_dir() / "kernels.log", "ab")  # noqa: SIM115 - owned by the kernel process
        kw["stdout"] = kw["stderr"] = log
        kw["env"] = _kernel_env(kw.get("env"))
        kw["preexec_fn"] = parent_death_signal()  # the kernel dies with the process running it
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            log.close()


def _kernel_env(env: object) -> dict[str, str]:
    """The kernel works in its launcher's workspace: the kernel's own folder (the output
    folder) may lie outside it, so the launcher's workspace is named in its environment."""
    from .resources import ENV_WORKSPACE, current_workspace

    out = dict(env) if isinstance(env, dict) else dict(os.environ)
    if not out.get(ENV_WORKSPACE):
        workspace = current_workspace()
        if workspace is not None:
            out[ENV_WORKSPACE] = str(workspace)
    return out


def _socket_dir() -> Path:
    """This process's private folder for the kernels' IPC sockets, removed at exit."""
    return process_tempdir("accordgen-kernels-")


class NotebookError(AccordgenError):
    """Raised when a notebook run fails; carries the failing cell's French message."""


def execute(notebook: Path | str, executed: Path | str, parameters: dict[str, object]) -> None:
    """The one papermill call: ``notebook`` run with ``parameters`` into ``executed``, in the
    executed notebook's folder, on an IPC kernel whose log goes to a file (not the terminal).
    Papermill's exceptions pass through."""
    import papermill as pm

    executed = Path(executed)
    pm.execute_notebook(
        str(notebook),
        str(executed),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(executed.parent),
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        kernel_manager_class="accordgen.runner.LocalKernelManager",
    )


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
    from papermill.exceptions import PapermillExecutionError

    if not kind.notebook_path.is_file():
        raise NotebookError(f"notebook introuvable pour « {kind.name} » : {kind.notebook_path}")
    executed = Path(executed).resolve()
    executed.parent.mkdir(parents=True, exist_ok=True)
    params: dict[str, object] = {
        "dossier_file": str(Path(dossier_file).resolve()),
        "output_dir": str(Path(output_dir).resolve()),
        "output_name": output_name,
    }
    params.update(extra or {})
    try:
        execute(kind.notebook_path, executed, params)
    except PapermillExecutionError as exc:
        raise NotebookError(
            f"{kind.notebook} a échoué (cellule {exc.exec_count}) pour {dossier_file} :\n{exc.evalue}"
        ) from None
    return executed

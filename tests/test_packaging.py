"""Set-up files agree with each other; notebooks are committed clean; the reference is current."""

from __future__ import annotations

import json
import re
import tomllib

import yaml

from accordgen.tools.reference import markdown

from conftest import ROOT, run_cli


def _name(requirement: str) -> str:
    return re.split(r"[<>=!\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    wanted = {_name(r) for r in project["dependencies"] + extras["dask"] + extras["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    # what conda-forge lacks comes from PyPI, in the `pip:` list (`-e .` is the project itself)
    conda |= {_name(d) for e in env["dependencies"] if isinstance(e, dict) for d in e.get("pip", [])
              if not d.startswith("-")}
    conda = {"dask" if n in ("dask", "distributed") else n for n in conda}
    wanted = {"dask" if n == "dask" else n for n in wanted}
    assert conda == wanted, f"différences : {sorted(conda ^ wanted)}"


def test_notebooks_are_committed_without_outputs() -> None:
    for nb_path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        tags = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tags) == 1, f"{nb_path.name} : une seule cellule « parameters » attendue"
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs") and not cell.get("execution_count"), nb_path.name


def test_parameter_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "parametres.md").read_text(encoding="utf-8")
    assert committed == markdown(), "docs/parametres.md est périmé : lancez `make reference`"


def test_schema_command_gives_a_json_schema() -> None:
    proc = run_cli("schema", "accord")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert "parties" in schema["properties"] and "parties" in schema["required"]
    assert schema["additionalProperties"] is False

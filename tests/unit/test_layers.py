"""Imports flow one way: cli -> app -> (ingest, plan, actions, recovery) -> (engine, desk, store) -> config.

The four stages do not import each other; engine/ imports nothing of the service, desk/ nothing of rules, store/
nothing above it, and sandbox/ (the fake Desk) nothing from worker/. Every import counts, lazy ones in functions
included. A new module belongs in one of the folders below (worker/ holds no flat modules).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STAGES = {"worker.ingest", "worker.plan", "worker.actions", "worker.recovery"}
LEAVES = {"worker.engine", "worker.desk", "worker.store"}
# What each package may import besides itself (the standard library and third-party packages are always fine).
ALLOWED: dict[str, set[str]] = {
    "worker.cli": {"worker.app", *STAGES, *LEAVES, "config", "sandbox"},
    "worker.app": {*STAGES, *LEAVES, "config"},
    **{stage: {*LEAVES, "config"} for stage in STAGES},
    "worker.engine": set(),
    "worker.desk": {"config"},
    "worker.store": set(),
    "config": set(),
    "sandbox": set(),
    "worker": set(),  # worker/__init__.py
}
# Known exceptions, each to be removed: (module, what it imports).
EXCEPTIONS: set[tuple[str, str]] = set()


def package_of(module: str) -> str | None:
    """The package of ALLOWED a module is in (None: not one of ours)."""
    for package in sorted(ALLOWED, key=len, reverse=True):
        if module == package or module.startswith(package + "."):
            return package
    return None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            assert node.module is not None
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names if node.module in ("worker", "config")}
    return found


SOURCES = sorted(path for folder in ("worker", "config", "sandbox") for path in (ROOT / folder).rglob("*.py"))


def test_worker_has_no_flat_modules() -> None:
    flat = [path.name for path in (ROOT / "worker").glob("*.py") if path.name != "__init__.py"]
    assert flat == [], "put each module in the folder of its stage (see this file's docstring)"


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_imports_flow_one_way(path: Path) -> None:
    own = package_of(module_name(path))
    assert own in ALLOWED, f"{path} is in no known package"
    wrong = sorted(
        name
        for name in imports_of(path)
        if (target := package_of(name)) is not None
        and target != own
        and target not in ALLOWED[own]
        and (module_name(path), name) not in EXCEPTIONS
    )
    assert wrong == [], f"{own} may import only {sorted(ALLOWED[own]) or 'itself'}, not {wrong}"


def test_the_check_sees_a_sideways_import(tmp_path: Path) -> None:
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from worker.actions.bulk import execute\n")
    assert package_of(next(iter(imports_of(source)))) == "worker.actions" != "worker.plan"
    assert "worker.actions" not in ALLOWED["worker.plan"]

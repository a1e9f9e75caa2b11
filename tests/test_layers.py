"""The direction of dependency (docs/architecture.md): jining ← record apps ← overview.

``lint-imports`` checks the contract in pyproject.toml; the second test proves it would catch an
upward import by planting one in a throwaway module of the base.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports():
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_no_package_imports_a_layer_above_it():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("package", "upward"),
    [("jining", "entrepreneurs.models"), ("jining", "overview.stats"), ("events", "overview.models")],
)
def test_an_upward_import_breaks_the_contract(package, upward):
    probe = ROOT / package / "_layer_probe.py"
    probe.write_text(f"import {upward}  # noqa: F401\n")
    try:
        result = lint_imports()
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert f"{package}._layer_probe -> {upward}" in result.stdout

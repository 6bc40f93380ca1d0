"""The template's own code passes its lint and format rules (baked code is linted after baking)."""

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TEMPLATE

RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.parametrize("check", [["check", "."], ["format", "--check", "."]], ids=" ".join)
def test_template_code_is_lint_clean(check):
    """It passes `ruff check` and `ruff format --check`."""
    result = subprocess.run([RUFF, *check], cwd=TEMPLATE, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout

"""The documentation site builds without a warning."""

import subprocess
import sys
from pathlib import Path

from .conftest import TEMPLATE

MKDOCS = Path(sys.executable).parent / "mkdocs"


def test_docs_build_strictly(tmp_path):
    """It builds the mkdocs site with --strict: no broken link, no unknown page."""
    result = subprocess.run(
        [MKDOCS, "build", "--strict", "--site-dir", tmp_path / "site"],
        cwd=TEMPLATE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()

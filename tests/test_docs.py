"""The documentation site builds without a warning, and says what the baked projects hold."""

import importlib.util
import json
import re
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


def test_every_option_is_explained_in_the_docs():
    """It names every prompt of cookiecutter.json, and each of its choices, in docs/options.md."""
    options = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
    page = (TEMPLATE / "docs" / "options.md").read_text(encoding="utf-8")
    for name, value in options.items():
        if name.startswith("_"):
            continue  # cookiecutter's own keys (__prompts__, _copy_without_render)
        assert f"`{name}`" in page, f"docs/options.md does not explain {name}"
        for choice in value if isinstance(value, list) else []:
            assert f"`{choice}`" in page, f"docs/options.md does not name {name}={choice}"


def test_every_page_is_in_the_navigation():
    """It lists each page of docs/ in mkdocs.yml, so none is built but unreachable."""
    navigation = (TEMPLATE / "mkdocs.yml").read_text(encoding="utf-8")
    for page in (TEMPLATE / "docs").glob("*.md"):
        assert f": {page.name}" in navigation, f"{page.name} is missing from mkdocs.yml's nav"


def reading_path_script():
    """The template's script that prints the reading path, imported from its file."""
    location = TEMPLATE / "scripts" / "reading_path.py"
    spec = importlib.util.spec_from_file_location("reading_path", location)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_readme_and_runbook_name_the_same_reading_path(bake):
    """It lists, in the baked README, files that exist, and the runbook names them in order."""
    script = reading_path_script()
    for language in ("en", "fr"):
        project = bake(language=language)
        path = script.reading_path(project.read("README.md"))
        assert len(path) >= 8, path
        assert all((project.path / relative).is_file() for relative in path), path
    runbook = (TEMPLATE / "docs" / "workshop.md").read_text(encoding="utf-8")
    named = re.findall(r"\d+\. `src/<package>/([^`]+)`", runbook)
    assert named == [relative.split("/", 2)[2] for relative in path]

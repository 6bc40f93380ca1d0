"""The dev container (Codespaces, VS Code) opens the project ready to use."""

import json
from pathlib import Path

from {{ cookiecutter.package_name }}.settings import Settings

PROJECT = Path(__file__).resolve().parents[1]
DEVCONTAINER = json.loads((PROJECT / ".devcontainer" / "devcontainer.json").read_text("utf-8"))


def default_ports() -> dict[str, int]:
    fields = Settings.model_fields
    return {part: fields[f"{part}_port"].default for part in ("lab", "kitchen", "shop")}


def test_it_forwards_the_three_default_ports_with_labels():
    """It forwards the lab's, the kitchen's and the shop window's default ports, each labelled."""
    ports = default_ports()
    assert sorted(DEVCONTAINER["forwardPorts"]) == sorted(ports.values())
    attributes = DEVCONTAINER["portsAttributes"]
    assert set(attributes) == {str(port) for port in ports.values()}
    assert all(attributes[str(port)]["label"] for port in ports.values())


def test_it_installs_the_project_when_created():
    """It installs the project with the README's own command once the container exists."""
    assert DEVCONTAINER["postCreateCommand"].startswith("python3 run.py test")


def test_the_files_it_opens_exist():
    """It opens files that are really there: the README and the first notebook."""
    opened = DEVCONTAINER["customizations"]["codespaces"]["openFiles"]
    assert any(name.startswith("notebooks/01_") for name in opened)
    for name in opened:
        assert (PROJECT / name).is_file(), name

"""The baked project ships like real software: its Docker, CI, dev container, pre-commit and git
files are checked by the real tools that read them (no Docker engine needed)."""

import datetime
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from .conftest import CHOICES, TEMPLATE, Baked, bake_into

TOOLS = Path(sys.executable).parent
PYTHON_VERSIONS = CHOICES["python_version"]
NEWEST_PYTHON = PYTHON_VERSIONS[-1]


def tool(name: str, *arguments, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [TOOLS / name, *arguments], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def schema_check(schema: str, name: str, cwd: Path) -> subprocess.CompletedProcess:
    """Validate the file `name` against one of check-jsonschema's vendored schemas."""
    return tool("check-jsonschema", "--builtin-schema", f"vendor.{schema}", name, cwd=cwd)


def compose_config(project: Path, *files: str) -> subprocess.CompletedProcess:
    """`docker compose config`: parses, merges, interpolates and checks against the spec."""
    options = [part for name in files for part in ("-f", name)]
    return tool("docker-compose", *options, "config", "--format", "json", cwd=project)


# Bakes take seconds each: a few, shared by the module's tests.


@pytest.fixture(scope="module")
def plain_project(tmp_path_factory) -> Baked:
    """A project without Docker nor CI workflow."""
    return bake_into(tmp_path_factory.mktemp("plain"), {"ci_workflow": "no"})


# --- Docker ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docker_projects(tmp_path_factory) -> list[Baked]:
    """One Docker (and CI) project per Python version; the other answers do not touch them."""
    return [
        bake_into(
            tmp_path_factory.mktemp(f"docker-{version}"),
            {"docker": "yes", "python_version": version, "language": ["en", "fr"][number % 2]},
        )
        for number, version in enumerate(PYTHON_VERSIONS)
    ]


@pytest.mark.parametrize("files", [["compose.yaml"], ["compose.yaml", "compose.scaled.yaml"]])
def test_compose_files_are_valid_for_docker_compose(docker_projects, files, tmp_path):
    """It writes compose files that `docker compose config` and the compose-spec schema accept."""
    for project in docker_projects:
        result = compose_config(project.path, *files)
        assert result.returncode == 0, result.stderr
        # The merged model is checked against the schema too: compose.scaled.yaml alone uses
        # compose's own `!reset` tag, which a plain YAML reader cannot load.
        merged = tmp_path / f"merged-{project.answers['python_version']}.json"
        merged.write_text(result.stdout, encoding="utf-8")
        for name in ("compose.yaml", merged):
            schema = schema_check("compose-spec", str(name), cwd=project.path)
            assert schema.returncode == 0, schema.stdout + schema.stderr


def test_compose_validation_really_rejects_a_broken_file(docker_projects, tmp_path):
    """It proves the validators bite: docker compose refuses a wrong type and an unknown key,
    the schema refuses the unknown key (it lets strings through anywhere, for `${VARIABLES}`)."""
    source = docker_projects[0].read("compose.yaml")
    broken_type = source.replace("retries: 5", "retries: many", 1)
    unknown_key = source.replace("    healthcheck:", "    helthcheck:", 1)
    for broken in (broken_type, unknown_key):
        assert broken != source
        (tmp_path / "compose.yaml").write_text(broken, encoding="utf-8")
        assert compose_config(tmp_path, "compose.yaml").returncode != 0
    assert schema_check("compose-spec", "compose.yaml", cwd=tmp_path).returncode != 0


def test_services_start_in_order_of_health_on_loopback_ports(docker_projects):
    """It starts each part once the one it needs is healthy, and publishes on 127.0.0.1 only."""
    for files in (["compose.yaml"], ["compose.yaml", "compose.scaled.yaml"]):
        config = json.loads(compose_config(docker_projects[0].path, *files).stdout)
        services = config["services"]
        servers = {"lab", "kitchen", "shop"} | ({"pass"} if len(files) > 1 else set())
        for name in servers:
            assert services[name]["healthcheck"]["test"], name
        assert services["trainer"]["depends_on"]["lab"]["condition"] == "service_healthy"
        kitchen_needs = services["kitchen"]["depends_on"]
        assert kitchen_needs["lab"]["condition"] == "service_healthy"
        assert kitchen_needs["trainer"]["condition"] == "service_completed_successfully"
        assert services["shop"]["depends_on"]["kitchen"]["condition"] == "service_healthy"
        published = [port for service in services.values() for port in service.get("ports", [])]
        assert published and all(port["host_ip"] == "127.0.0.1" for port in published)
        assert "lab-data" in config["volumes"]
        assert any(v["source"] == "lab-data" for v in services["lab"]["volumes"])


def test_scaled_variant_puts_several_kitchens_behind_the_pass(docker_projects):
    """It runs kitchen replicas behind a pinned nginx, which the shop window now calls."""
    project = docker_projects[0]
    config = json.loads(compose_config(project.path, "compose.yaml", "compose.scaled.yaml").stdout)
    services = config["services"]
    assert services["kitchen"]["deploy"]["replicas"] > 1
    assert not services["kitchen"].get("ports")  # replicas cannot share one host port
    assert re.fullmatch(r"nginx:\d+\.\d+\.\d+-alpine", services["pass"]["image"])
    assert services["shop"]["environment"]["KITCHEN_URL"] == "http://pass:8000"
    assert services["shop"]["depends_on"]["pass"]["condition"] == "service_healthy"
    nginx = project.read("docker/nginx.conf")
    assert "server kitchen:8000;" in nginx and "proxy_pass http://kitchens;" in nginx


def test_dockerfile_passes_hadolint(docker_projects):
    """It writes a Dockerfile that hadolint finds nothing to say about."""
    for project in docker_projects:
        result = tool("hadolint", "docker/Dockerfile", cwd=project.path)
        assert result.returncode == 0, result.stdout


def test_hadolint_really_rejects_a_careless_dockerfile(tmp_path):
    """It proves the Dockerfile linter bites: an unpinned base image is refused."""
    (tmp_path / "Dockerfile").write_text("FROM python\nRUN pip install mlflow\n")
    assert tool("hadolint", "Dockerfile", cwd=tmp_path).returncode != 0


def test_dockerfile_is_multi_stage_pinned_and_not_root(docker_projects):
    """It pins the Python base to an exact tag, builds with uv in stages, and runs as non-root."""
    for project in docker_projects:
        version = project.answers["python_version"]
        text = project.read("docker/Dockerfile")
        images = re.findall(r"^FROM (\S+)(?: AS (\S+))?", text, re.MULTILINE)
        stages = {stage for _, stage in images}
        assert {"build", "kitchen", "restaurant"} <= stages
        external = [image for image, _ in images if image not in stages]
        assert external and all(
            re.fullmatch(rf"python:{re.escape(version)}\.\d+-slim-bookworm", image)
            for image in external
        ), external
        assert re.search(r"COPY --from=ghcr\.io/astral-sh/uv:\d+\.\d+\.\d+ ", text)
        users = re.findall(r"^USER (\S+)", text, re.MULTILINE)
        assert len(users) == 2 and not {"root", "0"} & set(users)
        final_stages = re.split(r"^FROM ", text, flags=re.MULTILINE)[-2:]
        assert all("USER" in stage for stage in final_stages)


def test_kitchen_requirements_agree_with_the_project(docker_projects):
    """It lists for the kitchen image only packages the project depends on, at the same floors."""
    project = docker_projects[0]
    dependencies = tomllib.loads(project.read("pyproject.toml"))["project"]["dependencies"]
    floors = {re.split(r"[\[<>=!]", line)[0]: line for line in dependencies}
    lines = [
        line.strip()
        for line in project.read("docker/kitchen-requirements.txt").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines
    for line in lines:
        name = re.split(r"[\[<>=!]", line)[0]
        if name == "mlflow-skinny":  # MLflow's client alone, at MLflow's own floor
            assert line.replace("mlflow-skinny", "mlflow") == floors["mlflow"]
        else:
            assert floors[name] == line, name
    assert "streamlit" not in " ".join(lines)


def test_build_context_lets_in_only_what_the_image_needs(docker_projects):
    """It keeps .env, the lab book, .venv and .git out of images: only five paths are let in."""
    lines = docker_projects[0].read(".dockerignore").splitlines()
    assert "*" in lines
    allowed = {line[1:] for line in lines if line.startswith("!")}
    needed = {"pyproject.toml", "uv.lock", "README.md", "src/", "docker/kitchen-requirements.txt"}
    assert allowed == needed


def test_images_install_exactly_the_lock(docker_projects):
    """It builds both images from uv.lock: the full one synced with it (--locked, so a stale lock
    stops the build), the kitchen's with the lock's versions as constraints; nothing resolved."""
    text = docker_projects[0].read("docker/Dockerfile")
    stages = dict(re.findall(r"^FROM \S+ AS (\S+)\n(.*?)(?=^FROM |\Z)", text, re.M | re.S))
    assert "COPY pyproject.toml uv.lock README.md ./" in stages["build-tools"]
    build = stages["build"]
    assert re.search(r"RUN uv sync --locked --no-dev --no-editable$", build, re.M), build
    assert "uv pip install" not in build
    kitchen = stages["build-kitchen"]
    exported = re.search(r"uv export --locked .*--output-file (\S+)", kitchen)
    assert exported, kitchen
    assert f"-r kitchen-requirements.txt -c {exported.group(1)}" in kitchen


# --- CI workflow -----------------------------------------------------------------------------


def test_ci_workflow_passes_actionlint_and_its_schema(docker_projects):
    """It writes a workflow that actionlint and GitHub's workflow schema both accept."""
    for project in docker_projects:
        assert project.answers.get("ci_workflow", "yes") == "yes"
        workflow = ".github/workflows/ci.yml"
        linted = tool("actionlint", "-no-color", workflow, cwd=project.path)
        assert linted.returncode == 0, linted.stdout + linted.stderr
        schema = schema_check("github-workflows", workflow, cwd=project.path)
        assert schema.returncode == 0, schema.stdout
        text = project.read(workflow)
        assert not re.search(r"secrets\.\w", text)  # no ${{ secrets.ANYTHING }}
        assert "ruff check" in text and "run.py test" in text
        assert "deptry src" in text and ".venv/bin/mypy" in text


def test_ci_tests_the_chosen_python_and_the_newest_with_uv_and_its_cache(docker_projects):
    """It runs the tests on the Python chosen at the bake and on the newest the template offers,
    installing with uv (run.py syncs the lock), whose cache is kept between runs."""
    for project in docker_projects:
        chosen = project.answers["python_version"]
        jobs = yaml_of(project, ".github/workflows/ci.yml")["jobs"]
        matrix = jobs["test"]["strategy"]["matrix"]["python-version"]
        assert matrix == list(dict.fromkeys([chosen, NEWEST_PYTHON]))
        steps = {step.get("uses", "").split("@")[0]: step for step in jobs["test"]["steps"]}
        uv = steps["astral-sh/setup-uv"]
        assert uv["with"]["enable-cache"] is True
        assert uv["with"]["cache-dependency-glob"] == "uv.lock"
        # Pinned to an exact release: setup-uv publishes no moving major tag since v8.
        assert re.fullmatch(r"astral-sh/setup-uv@v\d+\.\d+\.\d+", uv["uses"])


def yaml_of(project: Baked, name: str) -> dict:
    """A YAML file of the project, read as YAML 1.2 (where `on:` stays a word)."""
    return YAML(typ="safe").load(project.read(name))


# --- Dependabot ------------------------------------------------------------------------------


def test_dependabot_config_is_valid_and_covers_every_ecosystem(docker_projects, tmp_path):
    """It asks Dependabot (which comes with the CI workflow) for weekly updates of the lock's
    packages, the workflow's actions and, with Docker, the images; GitHub's schema accepts it."""
    plain = bake_into(tmp_path / "plain", {"docker": "no"})
    assert not (
        bake_into(tmp_path / "no-ci", {"ci_workflow": "no"}).path / ".github/dependabot.yml"
    ).exists()
    for project, docker in ((docker_projects[0], True), (plain, False)):
        name = ".github/dependabot.yml"
        checked = schema_check("dependabot", name, cwd=project.path)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        updates = yaml_of(project, name)["updates"]
        ecosystems = {update["package-ecosystem"]: update for update in updates}
        wanted = {"uv", "github-actions"} | ({"docker", "docker-compose"} if docker else set())
        assert set(ecosystems) == wanted
        assert all(update["schedule"]["interval"] == "weekly" for update in updates)
        ignored = ecosystems["uv"]["ignore"]
        assert {"dependency-name": "mlflow", "versions": ["3.18.0"]} in ignored
        if docker:
            assert ecosystems["docker"]["directory"] == "/docker"


def test_dependabot_schema_really_rejects_a_broken_config(tmp_path):
    """It proves the check bites: an ecosystem Dependabot does not know is refused."""
    broken = tmp_path / "dependabot.yml"
    broken.write_text(
        "version: 2\nupdates:\n  - package-ecosystem: poetry-lock\n    directory: /\n"
        "    schedule:\n      interval: weekly\n"
    )
    assert schema_check("dependabot", str(broken), cwd=tmp_path).returncode != 0


def test_actionlint_really_rejects_a_broken_workflow(tmp_path):
    """It proves the workflow linter bites: an undefined matrix value is refused."""
    broken = tmp_path / ".github" / "workflows" / "ci.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ matrix.nothing }}\n"
    )
    assert tool("actionlint", "-no-color", ".github/workflows/ci.yml", cwd=tmp_path).returncode


def test_ci_workflow_is_absent_when_not_asked_for(plain_project):
    """It leaves out .github/workflows/ when the CI workflow is declined."""
    assert not (plain_project.path / ".github" / "workflows").exists()


# --- pre-commit, git, licence --------------------------------------------------------------


def test_pre_commit_configs_are_valid():
    """It ships pre-commit configurations (baked project and template) that pre-commit accepts."""
    baked = TEMPLATE / "{{cookiecutter.project_slug}}" / ".pre-commit-config.yaml"
    for config in (baked, TEMPLATE / ".pre-commit-config.yaml"):
        result = tool("pre-commit", "validate-config", config, cwd=TEMPLATE)
        assert result.returncode == 0, result.stdout + result.stderr
    hooks = re.findall(r"- id: (\S+)", baked.read_text(encoding="utf-8"))
    wanted = {"ruff-check", "ruff-format", "nbstripout", "trailing-whitespace", "end-of-file-fixer"}
    wanted |= {"uv-lock"}  # the lock follows pyproject.toml
    wanted |= {"check-yaml", "check-added-large-files", "detect-private-key"}
    assert wanted <= set(hooks)


def test_pre_commit_validation_really_rejects_a_broken_config(tmp_path):
    """It proves the check bites: a hook list without a revision is refused."""
    broken = tmp_path / ".pre-commit-config.yaml"
    broken.write_text("repos:\n  - repo: https://example.org/hooks\n    hooks:\n      - id: x\n")
    assert tool("pre-commit", "validate-config", broken, cwd=tmp_path).returncode != 0


def git(project: Path, *arguments) -> str:
    done = subprocess.run(["git", *arguments], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_baked_project_is_a_git_repository_with_every_file_in_one_commit(
    plain_project, docker_projects
):
    """It makes one first commit on main holding exactly the baked files, with nothing left out."""
    for project in (plain_project, docker_projects[1]):
        assert git(project.path, "rev-list", "--count", "HEAD").strip() == "1"
        assert git(project.path, "branch", "--show-current").strip() == "main"
        assert set(git(project.path, "ls-files").splitlines()) == project.files()
        assert git(project.path, "status", "--porcelain") == ""


def test_bake_without_git_still_completes_and_says_so(tmp_path):
    """It bakes a complete project and says in one line that git was not found."""
    no_git = tmp_path / "bin"  # a PATH where git cannot be found
    no_git.mkdir()
    bake = f"c({str(TEMPLATE)!r}, no_input=True, output_dir={str(tmp_path / 'out')!r})"
    result = subprocess.run(
        [sys.executable, "-c", f"from cookiecutter.main import cookiecutter as c; {bake}"],
        env={"PATH": str(no_git)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "git: not installed" in result.stdout
    project = tmp_path / "out" / "ml-restaurant"
    assert (project / "run.py").is_file() and not (project / ".git").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_bake_inside_a_git_repository_makes_no_nested_one(tmp_path):
    """It leaves the git repository it is baked into alone, and says so."""
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    project = bake_into(tmp_path / "projects", {})
    assert not (project.path / ".git").exists()


def test_licence_is_mit_with_the_project_as_holder(cookies):
    """It writes an MIT licence in the project's name, dated with the year of the bake."""
    result = cookies.bake(extra_context={"project_name": "Ferme du Lac"})
    assert result.exit_code == 0, result.exception
    licence = (result.project_path / "LICENSE").read_text(encoding="utf-8")
    year = datetime.datetime.now(datetime.UTC).year
    assert licence.startswith("MIT License")
    assert f"Copyright (c) {year} Ferme du Lac" in licence


def test_gitattributes_keep_every_file_lf(plain_project):
    """It asks git for LF line endings everywhere, notebooks included."""
    lines = plain_project.read(".gitattributes").splitlines()
    assert "* text=auto eol=lf" in lines and "*.ipynb text eol=lf" in lines


def test_gitignore_keeps_secrets_lab_books_and_environments_out(plain_project):
    """It ignores the lab book, its files, .env and virtual environments, but not .env.example."""
    lines = set(plain_project.read(".gitignore").splitlines())
    assert {"mlflow.db", "mlruns/", "mlartifacts/", ".env", ".venv/", "venv/"} <= lines
    assert "!.env.example" in lines


# --- The template's own Makefile -----------------------------------------------------------


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_template_makefile_lists_its_targets_and_calls_run_py():
    """It shows help by default, and each target only calls `python3 run.py ...`."""
    targets = ["demo", "test", "test-fast", "docs", "lint"]
    shown = subprocess.run(["make"], cwd=TEMPLATE, capture_output=True, text=True, timeout=60)
    assert all(f"make {target} " in shown.stdout for target in targets), shown.stdout
    for target in targets:
        dry = subprocess.run(
            ["make", "-n", target], cwd=TEMPLATE, capture_output=True, text=True, timeout=60
        )
        commands = dry.stdout.strip().splitlines()
        assert commands and all(line.startswith("python3 run.py ") for line in commands), target

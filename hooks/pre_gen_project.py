"""Check the answers before cookiecutter writes a single file.

Every answer arrives as a JSON string literal (`|tojson`), so a quote, a backslash or a
pair of curly braces typed by a person stays plain data: nothing here can run what they typed.
"""

import keyword
import re
import sys

ANSWERS = {
    "project_name": {{ cookiecutter.project_name | tojson }},
    "project_slug": {{ cookiecutter.project_slug | tojson }},
    "package_name": {{ cookiecutter.package_name | tojson }},
}

MAX_LENGTH = 50
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PACKAGE = re.compile(r"^[a-z][a-z0-9_]*$")

# Names the generated project imports: a package called like one of them would hide it.
TAKEN = set(sys.stdlib_module_names) | {
    "fastapi", "httpx", "jupyter", "mlflow", "numpy", "pandas", "pydantic", "pydantic_settings",
    "pytest", "sklearn", "skops", "starlette", "streamlit", "test", "tests", "uvicorn",
}


def suggestion(package):
    """Offer a valid package name close to what was typed."""
    words = re.sub(r"[^a-z0-9]+", "_", package.lower()).strip("_")
    if not words:
        return "crop_yield_lab"
    return words if words[0].isalpha() else f"project_{words}"


def problems_with(answers):
    """Return one sentence per problem, each saying what to type instead."""
    name, slug, package = answers["project_name"], answers["project_slug"], answers["package_name"]
    if not name.strip():
        return ["The project name is empty: type a few words, for example 'Crop Yield Lab'."]
    problems = []
    if not SLUG.match(slug):
        problems.append(
            f"The folder name {slug!r} must hold only lowercase letters, digits and single "
            "dashes, for example 'crop-yield-lab'."
        )
    if not PACKAGE.match(package):
        problems.append(
            f"The package name {package!r} must start with a lowercase letter and hold only "
            f"lowercase letters, digits and underscores, for example {suggestion(package)!r}."
        )
    elif keyword.iskeyword(package) or keyword.issoftkeyword(package):
        problems.append(
            f"The package name {package!r} is a Python keyword: add a word, for example "
            f"'{package}_lab'."
        )
    elif package in TAKEN:
        problems.append(
            f"The package name {package!r} would hide the Python module of the same name: add a "
            f"word, for example '{package}_lab'."
        )
    if len(slug) > MAX_LENGTH or len(package) > MAX_LENGTH:
        problems.append(
            f"The folder and package names are limited to {MAX_LENGTH} characters: choose a "
            "shorter project name."
        )
    return problems


def main():
    problems = problems_with(ANSWERS)
    if problems:
        print("\nThe project was not created:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print("Nothing was written. Run cookiecutter again with another answer.\n", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

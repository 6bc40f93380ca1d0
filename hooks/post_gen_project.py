"""Finish the baked project: drop the parts not chosen, save the answers, build the notebooks,
make the first git commit, say what's next.

cookiecutter runs this script, rendered, from inside the new project. The steps themselves live
in the project's `_bake/` folder (copied there without rendering, and tested directly by the
template's tests/test_hooks.py): this script loads them, deletes that folder, then runs them.
Like the pre-generation hook, it receives the answers as a JSON literal (`|tojson`), so nothing
a person typed can run as code.
"""

import json
import shutil
import sys
from pathlib import Path

ANSWERS = json.loads({{ cookiecutter | tojson | tojson }})
PROJECT = Path.cwd()
STEPS = PROJECT / "_bake"

sys.dont_write_bytecode = True  # no trace of the steps may stay in the project
sys.path.insert(0, str(STEPS))
import bake_project  # noqa: E402  (found only once the line above has run)

shutil.rmtree(STEPS)
bake_project.finish(PROJECT, ANSWERS)

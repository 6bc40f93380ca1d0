{%- set fr = cookiecutter.language == "fr" -%}
"""What the kitchen agrees to open: a model file is code unless its format forbids it.

The kitchen opens one kind of file only, a scikit-learn model saved as skops, and trusts its
own list of the types such a file may hold, never a list written inside the model: skops
reads those types before it builds anything. (A helper of model.py, outside the reading path;
the lab's Spark banquet and the notebooks open models with the same check.)
"""

from pathlib import Path

import skops.io
import yaml

# Besides what skops trusts by default (scikit-learn's estimators, numpy arrays...), the
# lab's models are made of these types, and of nothing else.
TRUSTED_TYPES = ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]


class UntrustedModel(Exception):
    """The model is not a file the kitchen agrees to open: it is refused, unopened."""

    key = "untrusted_model"  # what the kitchen then says (messages.py)


class UnreadableModel(Exception):
    """The model's files are there but cannot be read: damaged, cut short, not a model."""

    key = "unreadable_model"


def open_skops_file(path: Path):
    """Load a skops file, refusing it if it holds any type the kitchen does not trust."""
    found = skops.io.get_untrusted_types(file=path)
    if refused := sorted(set(found) - set(TRUSTED_TYPES)):
        raise UntrustedModel(f"{{ '{path.name} contient des types dont la cuisine se méfie : {refused}' if fr else '{path.name} holds types the kitchen does not trust: {refused}' }}")
    return skops.io.load(path, trusted=found)


def open_model_folder(folder: Path):
    """Open an MLflow model folder if, and only if, it is a scikit-learn model saved as skops."""
    try:
        description = yaml.safe_load((folder / "MLmodel").read_text())  # plain YAML, no code
        flavor = description.get("flavors", {}).get("sklearn", {})
        if flavor.get("serialization_format") != "skops":
            raise UntrustedModel("{{ 'la cuisine n’ouvre que les modèles scikit-learn au format skops' if fr else 'the kitchen opens only scikit-learn models saved as skops' }}")
        return open_skops_file(folder / "model.skops")
    except UntrustedModel:
        raise
    except Exception as error:  # a damaged file: a bad zip, bad YAML, a missing part...
        raise UnreadableModel(f"{{ 'les fichiers du modèle sont illisibles : {error!r}' if fr else 'the model\'s files could not be read: {error!r}' }}") from error

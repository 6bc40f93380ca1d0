# %% [markdown] lang="en"
# # 03 · The registry: name a champion, keep a challenger
#
# **Goal:** register trained models, give the best one the alias `champion` and the runner-up
# the alias `challenger`, load the champion by its alias, and see why an alias beats a
# version number written in code. Then run the same training as an MLflow Project.
#
# **Time:** about 25 minutes.
#
# **Where we are in the restaurant:** at the door between the **lab** and the **kitchen**. The
# lab keeps a catalogue of approved formulas (the *registry*); each new batch gets a number
# (a *version*). The kitchen never asks for "batch 7": it asks for "today's champion", and the
# lab decides which batch that is.

# %% [markdown] lang="fr"
# # 03 · Le registre : nommer un champion, garder un challenger
#
# **Objectif :** enregistrer des modèles entraînés, donner au meilleur l'alias `champion` et
# au suivant l'alias `challenger`, charger le champion par son alias, et voir pourquoi un
# alias vaut mieux qu'un numéro de version écrit dans le code. Puis lancer le même
# entraînement comme un projet MLflow.
#
# **Durée :** environ 25 minutes.
#
# **Où sommes-nous dans le restaurant :** à la porte entre le **laboratoire** et la
# **cuisine**. Le labo tient un catalogue des formules approuvées (le *registre*) ; chaque
# nouveau lot reçoit un numéro (une *version*). La cuisine ne demande jamais « le lot 7 » :
# elle demande « le champion du jour », et c'est le labo qui décide quel lot c'est.

# %%
import os
import sys
from pathlib import Path

import mlflow
import pandas as pd

from __PACKAGE__.lab.registry import find_champion, model_uri
from __PACKAGE__.lab.train import Recipe, train
from __PACKAGE__.menu import DISH_UNIT, example_order
from __PACKAGE__.messages import number
from __PACKAGE__.settings import PROJECT_ROOT, get_settings
from __PACKAGE__.workshop.checks import check_registry
from __PACKAGE__.workshop.exercises import checked_champion_uri, checked_models
from __PACKAGE__.workshop.restaurant import load_pipeline

settings = get_settings()
# tables write their numbers as the notebook's language does  # lang="en"
# les tableaux écrivent leurs nombres à la française  # lang="fr"
pd.options.display.float_format = lambda value: number(value, 3)
registry = mlflow.MlflowClient(tracking_uri=settings.mlflow_tracking_uri)


def say_result(result):
    """One line per training: its version, its score and the alias it earned."""  # lang="en"
    """Une ligne par entraînement : sa version, son score et l'alias gagné."""  # lang="fr"
    rmse = number(result.metrics["rmse"], 3)
    won = "champion" if result.promoted else "challenger"
    print(f"version {result.version}: rmse {rmse}, alias {won}")  # lang="en"
    print(f"version {result.version} : rmse {rmse}, alias {won}")  # lang="fr"

# %% [markdown] lang="en"
# ## 1. Register formulas
#
# `train` (in `lab/train.py`) does what notebook 01 did by hand, and three things more: it
# logs the model itself (with its signature: the columns it expects), registers it under the
# name `__PACKAGE__`, and gives it an alias: `champion` if its rmse beats the current
# champion's, else `challenger`. We train a quick formula, then a deliberately weak one.

# %% [markdown] lang="fr"
# ## 1. Enregistrer des formules
#
# `train` (dans `lab/train.py`) fait ce que le notebook 01 faisait à la main, et trois choses
# de plus : il enregistre le modèle lui-même (avec sa signature : les colonnes qu'il attend),
# l'inscrit au registre sous le nom `__PACKAGE__`, et lui donne un alias : `champion` si sa rmse
# bat celle du champion actuel, sinon `challenger`. Nous entraînons une formule rapide, puis
# une formule volontairement faible.

# %%
quick = train(settings, Recipe(max_iter=10))
weak = train(settings, Recipe(learning_rate=0.01, max_iter=20))
for result in (quick, weak):
    say_result(result)

# %% [markdown] lang="en"
# The registry lists every version and the aliases it carries. A version never changes once
# written; an alias is a label we can move from one version to another.

# %% [markdown] lang="fr"
# Le registre liste chaque version et les alias qu'elle porte. Une version ne change plus
# une fois écrite ; un alias est une étiquette que l'on peut déplacer d'une version à l'autre.


# %%
def registry_table():
    """One row per registered version: its number, its aliases and its score."""  # lang="en"
    """Une ligne par version enregistrée : son numéro, ses alias et son score."""  # lang="fr"
    found = registry.search_model_versions(f"name = '{settings.model_name}'")
    # A search lists versions briefly; asking for each one gives its aliases too.  # lang="en"
    # Une recherche liste les versions en bref ; en demander chacune donne ses alias.  # lang="fr"
    versions = [registry.get_model_version(settings.model_name, one.version) for one in found]
    return pd.DataFrame(
        {
            "version": int(version.version),
            "aliases": ", ".join(version.aliases),  # lang="en"
            "alias": ", ".join(version.aliases),  # lang="fr"
            "rmse": registry.get_run(version.run_id).data.metrics["rmse"],
        }
        for version in versions
    ).sort_values("version")


registry_table()

# %% [markdown] lang="en"
# ## 2. Load the champion by its alias
#
# A model's address in the registry is a URI. With a version number it reads
# `models:/<name>/<version>`; with an alias, `models:/<name>@<alias>`. Only `lab/registry.py`
# writes these addresses, with its function `model_uri(settings, version=None)`.
#
# **Exercise 1.** Ask `model_uri` for the champion's address (give no version), in place of
# the `...`.

# %% [markdown] lang="fr"
# ## 2. Charger le champion par son alias
#
# L'adresse d'un modèle dans le registre est une URI. Avec un numéro de version elle s'écrit
# `models:/<nom>/<version>` ; avec un alias, `models:/<nom>@<alias>`. Seul `lab/registry.py`
# écrit ces adresses, avec sa fonction `model_uri(settings, version=None)`.
#
# **Exercice 1.** Demandez à `model_uri` l'adresse du champion (sans donner de version), à
# la place des `...`.

# %%
# BEGIN SOLUTION
champion_uri = model_uri(settings)
# END SOLUTION
champion_uri = checked_champion_uri(champion_uri, settings, 1)

# %%
print(champion_uri)
# the same model today, but pinned for ever  # lang="en"
# le même modèle aujourd'hui, mais fixé pour toujours  # lang="fr"
print(model_uri(settings, version=quick.version))
print(find_champion(settings))

# %% [markdown] lang="en"
# To open the model we download its files from that address and read the skops file with the
# kitchen's own list of trusted types (`load_pipeline`, in `workshop/restaurant.py`): a model
# file is never allowed to decide for itself what code it runs.
#
# **Exercise 2.** Load two models with `load_pipeline(settings, version=None)`: the champion by
# its alias into `champion_pipeline`, and the quick formula pinned to its version number
# (`quick.version`) into `pinned_pipeline`.

# %% [markdown] lang="fr"
# Pour ouvrir le modèle, on télécharge ses fichiers depuis cette adresse et on lit le fichier
# skops avec la liste de types de confiance de la cuisine (`load_pipeline`, dans
# `workshop/restaurant.py`) : un fichier de modèle n'a jamais le droit de décider seul du code
# qu'il exécute.
#
# **Exercice 2.** Chargez deux modèles avec `load_pipeline(settings, version=None)` : le
# champion par son alias dans `champion_pipeline`, et la formule rapide, fixée par son numéro
# de version (`quick.version`), dans `pinned_pipeline`.

# %%
# BEGIN SOLUTION
champion_pipeline = load_pipeline(settings)
pinned_pipeline = load_pipeline(settings, version=quick.version)
# END SOLUTION
checked_models(2, champion_pipeline=champion_pipeline, pinned_pipeline=pinned_pipeline)

# %% [markdown] lang="en"
# Both cook the same example order, and agree: today the champion *is* that version.

# %% [markdown] lang="fr"
# Les deux préparent la même commande d'exemple, et sont d'accord : aujourd'hui, le champion
# *est* cette version.

# %%
order_table = pd.DataFrame([example_order().model_dump()])


def say_dishes(by_alias, by_version):
    """The same order, cooked by the champion's alias and by a fixed version."""  # lang="en"
    """La même commande, cuisinée par l'alias du champion et par une version fixée."""  # lang="fr"
    by_alias = f"{number(by_alias.predict(order_table)[0], 3)} {DISH_UNIT}"
    by_version = f"{number(by_version.predict(order_table)[0], 3)} {DISH_UNIT}"
    print(f"by alias:   {by_alias}")  # lang="en"
    print(f"by version: {by_version}")  # lang="en"
    print(f"par l'alias :   {by_alias}")  # lang="fr"
    print(f"par la version : {by_version}")  # lang="fr"


say_dishes(champion_pipeline, pinned_pipeline)

# %% [markdown] lang="en"
# ## 3. Why an alias beats a version number
#
# The lab now finds a better formula (more correction steps). `train` registers it and, since
# it wins, moves the `champion` label onto it. Code that asks for `@champion` (the kitchen
# does) gets the new model without a single changed line; code that wrote the version number
# keeps cooking with the old one until someone edits and redeploys it.

# %% [markdown] lang="fr"
# ## 3. Pourquoi un alias vaut mieux qu'un numéro de version
#
# Le labo trouve maintenant une meilleure formule (plus d'étapes de correction). `train`
# l'enregistre et, comme elle gagne, déplace l'étiquette `champion` dessus. Le code qui demande
# `@champion` (c'est le cas de la cuisine) reçoit le nouveau modèle sans changer une ligne ; le
# code qui a écrit le numéro de version continue avec l'ancien jusqu'à ce que quelqu'un le
# modifie et le redéploie.

# %%
better = train(settings, Recipe(max_iter=60))
say_result(better)
say_dishes(load_pipeline(settings), load_pipeline(settings, version=quick.version))
registry_table()

# %% [markdown] lang="en"
# ## 4. The same training, as an MLflow Project
#
# The file `MLproject` at the project's root describes the training as an *entry point* with
# typed parameters, so anyone (a colleague, a scheduler, a class server) can run it the same
# way: `mlflow run . -P max_iter=50 --env-manager local`. From Python it is
# `mlflow.projects.run`. `env_manager="local"` uses this environment instead of building a new
# one, so it works offline. The entry point's command starts `python`: we make sure it is
# this environment's Python by putting its folder first on the `PATH`.

# %% [markdown] lang="fr"
# ## 4. Le même entraînement, comme projet MLflow
#
# Le fichier `MLproject` à la racine du projet décrit l'entraînement comme un *point d'entrée*
# aux paramètres typés, pour que n'importe qui (un collègue, un planificateur, un serveur de
# classe) le lance de la même façon : `mlflow run . -P max_iter=50 --env-manager local`. Depuis
# Python, c'est `mlflow.projects.run`. `env_manager="local"` utilise cet environnement au lieu
# d'en construire un nouveau : cela marche hors ligne. La commande du point d'entrée lance
# `python` : on s'assure que c'est le Python de cet environnement en plaçant son dossier en
# tête du `PATH`.

# %%
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
submitted = mlflow.projects.run(
    uri=str(PROJECT_ROOT),
    entry_point="main",
    parameters={"max_iter": 30, "rows": 1000},
    env_manager="local",
    experiment_name=settings.experiment_name,
)
print(f"run {submitted.run_id}: {submitted.get_status()}")  # lang="en"
print(f"run {submitted.run_id} : {submitted.get_status()}")  # lang="fr"
registry_table()

# %% [markdown] lang="en"
# The project's run is a new version too; it did not beat the champion, so it is now the
# `challenger`. In the lab book, its run is marked as started by a project
# (`mlflow.source.type = PROJECT`).
#
# ## Self-check

# %% [markdown] lang="fr"
# La run du projet est elle aussi une nouvelle version ; elle n'a pas battu le champion, c'est
# donc maintenant le `challenger`. Dans le cahier, sa run est marquée comme lancée par un
# projet (`mlflow.source.type = PROJECT`).
#
# ## Auto-vérification

# %%
check_registry(settings)

# %% [markdown] lang="en"
# # 02 · The lab: compare several formulas and let a query pick the best
#
# **Goal:** test a handful of formulas in one go, keep them together in the lab book, compare
# them in a picture, and choose the winner with a query rather than by eye.
#
# **Time:** about 20 minutes.
#
# **Where we are in the restaurant:** still in the **lab**. A cosmetics lab never bets on one
# mixture: it prepares a tray of variants, changes one ingredient at a time, writes each
# result down, then keeps the best. Our tray is a *parent run* holding one *child run* per
# formula.

# %% [markdown] lang="fr"
# # 02 · Le laboratoire : comparer plusieurs formules et laisser une requête choisir
#
# **Objectif :** essayer quelques formules d'un coup, les ranger ensemble dans le cahier de
# laboratoire, les comparer sur un graphique, puis choisir la gagnante par une requête plutôt
# qu'à l'œil.
#
# **Durée :** environ 20 minutes.
#
# **Où sommes-nous dans le restaurant :** toujours au **laboratoire**. Un labo de cosmétiques
# ne mise jamais sur un seul mélange : il prépare un plateau de variantes, change un
# ingrédient à la fois, note chaque résultat, puis garde le meilleur. Notre plateau est une
# *run parente* qui contient une *run enfant* par formule.

# %%
import itertools

import matplotlib.pyplot as plt
import mlflow
import pandas as pd

from __PACKAGE__.data import make_dataset, split
from __PACKAGE__.lab.train import Recipe, build_pipeline, evaluate, open_lab_book
from __PACKAGE__.messages import number
from __PACKAGE__.settings import get_settings
from __PACKAGE__.workshop.checks import check_formulas_compared
from __PACKAGE__.workshop.exercises import checked_learning_rates, checked_order_by

settings = get_settings()
# tables write their numbers as the notebook's language does  # lang="en"
# les tableaux écrivent leurs nombres à la française  # lang="fr"
pd.options.display.float_format = lambda value: number(value, 3)
open_lab_book(settings)
train_x, test_x, train_y, test_y = split(make_dataset())

# %% [markdown] lang="en"
# ## 1. The tray of formulas
#
# Two ingredients change: the *learning rate* (how big a step the model takes when it
# corrects itself) and `max_leaf_nodes` (how detailed each of its small decision trees may
# be). Every pair of values is one formula.
#
# **Exercise 1.** Write a list of at least two learning rates to try, between 0.01 and 0.5
# (for example a small, a medium and a large one), in place of the `...`.

# %% [markdown] lang="fr"
# ## 1. Le plateau de formules
#
# Deux ingrédients changent : le *taux d'apprentissage* (la taille du pas que fait le modèle
# quand il se corrige) et `max_leaf_nodes` (le niveau de détail permis à chacun de ses petits
# arbres de décision). Chaque paire de valeurs est une formule.
#
# **Exercice 1.** Écrivez une liste d'au moins deux taux d'apprentissage à essayer, entre
# 0,01 et 0,5 (par exemple un petit, un moyen et un grand), à la place des `...`. En Python,
# les décimales s'écrivent avec un point et les valeurs se séparent par des virgules :
# `[0.2, 0.4]`.

# %%
# BEGIN SOLUTION
learning_rates = [0.03, 0.1, 0.3]
# END SOLUTION
learning_rates = checked_learning_rates(learning_rates, 1)

# %% [markdown] lang="en"
# Now the tray itself. The outer `start_run` is the parent; each `start_run(nested=True)` inside
# it is one formula. A tag (`purpose`) marks the children, so a query can find them later.
# We keep `max_iter` small so that the whole tray takes seconds.

# %% [markdown] lang="fr"
# Voici le plateau. Le `start_run` extérieur est la run parente ; chaque
# `start_run(nested=True)` à l'intérieur est une formule. Une étiquette (`purpose`) marque les
# enfants, pour qu'une requête les retrouve ensuite. `max_iter` reste petit pour que tout le
# plateau prenne quelques secondes.

# %%
leaf_counts = [8, 31]

with mlflow.start_run(run_name="compare-formulas") as parent:
    for learning_rate, leaves in itertools.product(learning_rates, leaf_counts):
        recipe = Recipe(learning_rate=learning_rate, max_leaf_nodes=leaves, max_iter=80)
        with mlflow.start_run(run_name=f"lr={learning_rate} leaves={leaves}", nested=True):
            mlflow.set_tag("purpose", "compare-formulas")
            mlflow.log_params(vars(recipe))
            pipeline = build_pipeline(recipe).fit(train_x, train_y)
            mlflow.log_metrics(evaluate(pipeline, test_x, test_y))

parent_id = parent.info.run_id

# %% [markdown] lang="en"
# ## 2. Read the lab book back
#
# `mlflow.search_runs` returns the runs as a table (a pandas DataFrame): one row per run,
# one column per parameter (`params.*`) and metric (`metrics.*`). The filter keeps only the
# children of our tray. Parameters come back as text, so we turn them into numbers.

# %% [markdown] lang="fr"
# ## 2. Relire le cahier de laboratoire
#
# `mlflow.search_runs` rend les runs sous forme de table (un DataFrame pandas) : une ligne par
# run, une colonne par paramètre (`params.*`) et par métrique (`metrics.*`). Le filtre ne garde
# que les enfants de notre plateau. Les paramètres reviennent en texte : on les convertit en
# nombres.

# %%
tray = mlflow.search_runs(filter_string=f"tags.mlflow.parentRunId = '{parent_id}'")
tray["learning_rate"] = tray["params.learning_rate"].astype(float)
tray["leaves"] = tray["params.max_leaf_nodes"].astype(int)
tray[["tags.mlflow.runName", "learning_rate", "leaves", "metrics.rmse", "metrics.r2"]]

# %% [markdown] lang="en"
# A picture compares faster than a table: one line per tree size, the error against the
# learning rate. The figure is also written into the parent run, so the lab book keeps it.

# %% [markdown] lang="fr"
# Un graphique compare plus vite qu'une table : une ligne par taille d'arbre, l'erreur en
# fonction du taux d'apprentissage. La figure est aussi écrite dans la run parente, pour que le
# cahier la garde.

# %%
figure, axis = plt.subplots(figsize=(5, 3.5))
for leaves, runs in tray.sort_values("learning_rate").groupby("leaves"):
    label = f"{leaves} leaves"  # lang="en"
    label = f"{leaves} feuilles"  # lang="fr"
    axis.plot(runs["learning_rate"], runs["metrics.rmse"], marker="o", label=label)
axis.set_xscale("log")
axis.set_xlabel("learning rate")  # lang="en"
axis.set_xlabel("taux d'apprentissage")  # lang="fr"
axis.set_ylabel("rmse (lower is better)")  # lang="en"
axis.set_ylabel("rmse (plus bas, c'est mieux)")  # lang="fr"
axis.legend()
mlflow.MlflowClient().log_figure(parent_id, figure, "rmse_by_formula.png")

# %% [markdown] lang="en"
# ## 3. Let a query choose
#
# Choosing by eye works for six runs, not for six hundred, and nobody can repeat it. The lab
# book can sort for us: `order_by` takes a list such as `["metrics.r2 DESC"]` (a column, then
# `ASC` for smallest first or `DESC` for largest first).
#
# **Exercise 2.** Write the `order_by` list that puts the formula with the lowest `rmse` first,
# in place of the `...`.

# %% [markdown] lang="fr"
# ## 3. Laisser une requête choisir
#
# Choisir à l'œil marche pour six runs, pas pour six cents, et personne ne peut le refaire à
# l'identique. Le cahier peut trier pour nous : `order_by` prend une liste comme
# `["metrics.r2 DESC"]` (une colonne, puis `ASC` pour le plus petit d'abord ou `DESC` pour le
# plus grand d'abord).
#
# **Exercice 2.** Écrivez la liste `order_by` qui met en premier la formule de plus petite
# `rmse`, à la place des `...`.

# %%
# BEGIN SOLUTION
best_first = ["metrics.rmse ASC"]
# END SOLUTION
best_first = checked_order_by(best_first, 2)

# %%
best = mlflow.search_runs(
    filter_string=f"tags.mlflow.parentRunId = '{parent_id}'",
    order_by=best_first,
    max_results=1,
)
best_run_id = best["run_id"].iloc[0]
best[["tags.mlflow.runName", "params.learning_rate", "params.max_leaf_nodes", "metrics.rmse"]]

# %% [markdown] lang="en"
# Open the lab book (`__PACKAGE__ lab`, then http://127.0.0.1:5000): the parent run
# `compare-formulas` folds its children under it, and the *Compare* button draws the same kind
# of picture for any runs you tick.
#
# ## Self-check

# %% [markdown] lang="fr"
# Ouvrez le cahier (`__PACKAGE__ lab`, puis http://127.0.0.1:5000) : la run parente
# `compare-formulas` range ses enfants sous elle, et le bouton *Compare* trace le même genre
# de graphique pour les runs que vous cochez.
#
# ## Auto-vérification

# %%
check_formulas_compared(settings, best_run_id)

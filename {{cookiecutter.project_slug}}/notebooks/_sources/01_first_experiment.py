# %% [markdown] lang="en"
# # 01 · The lab: meet the data, then run a first experiment
#
# **Goal:** look at the table the model learns from, then train a first model and write the
# experiment down in the lab book (MLflow), so that it can be compared and found again later.
#
# **Time:** about 20 minutes.
#
# **Where we are in the restaurant:** in the **lab**. Like the R&D lab of a cosmetics firm,
# which tests formula after formula and notes every ingredient and every result, we test a
# *formula* (a model and its settings). The *ingredients* are the parameters; the *results* are
# the metrics. MLflow is the lab book. Later, the best formula goes to the **kitchen**
# (FastAPI), which cooks predictions, and customers order at the **shop window** (Streamlit).

# %% [markdown] lang="fr"
# # 01 · Le laboratoire : découvrir les données, puis une première expérience
#
# **Objectif :** regarder la table dont le modèle apprend, puis entraîner un premier modèle et
# noter l'expérience dans le cahier de laboratoire (MLflow), pour pouvoir la comparer et la
# retrouver plus tard.
#
# **Durée :** environ 20 minutes.
#
# **Où sommes-nous dans le restaurant :** au **laboratoire**. Comme le labo de R&D d'une
# entreprise de cosmétiques, qui essaie formule après formule en notant chaque ingrédient et
# chaque résultat, nous essayons une *formule* (un modèle et ses réglages). Les *ingrédients*
# sont les paramètres ; les *résultats* sont les métriques. MLflow est le cahier de laboratoire.
# Ensuite, la meilleure formule part en **cuisine** (FastAPI), qui prépare les prédictions, et
# les clients commandent à la **vitrine** (Streamlit).

# %% [markdown] lang="en"
# ## 1. The data
#
# The project makes its own table from a written formula plus some noise (see `data.py`), so
# no download is needed and everyone in the class gets the same numbers. Each row is one
# *order* the kitchen could receive, plus the true outcome the model must learn to predict.

# %% [markdown] lang="fr"
# ## 1. Les données
#
# Le projet fabrique sa propre table à partir d'une formule écrite et d'un peu de bruit (voir
# `data.py`) : rien à télécharger, et toute la classe obtient les mêmes nombres. Chaque ligne
# est une *commande* que la cuisine pourrait recevoir, plus le vrai résultat que le modèle doit
# apprendre à prédire.

# %%
import matplotlib.pyplot as plt
import mlflow
import pandas as pd

from __PACKAGE__.data import make_dataset, split
from __PACKAGE__.lab.train import Recipe, build_pipeline, evaluate, open_lab_book
from __PACKAGE__.menu import DISH_LABEL, DISH_UNIT, TARGET, ingredients
from __PACKAGE__.messages import number
from __PACKAGE__.settings import get_settings
from __PACKAGE__.workshop.checks import check_first_experiment
from __PACKAGE__.workshop.exercises import checked_learning_rate

settings = get_settings()
# tables write their numbers as the notebook's language does  # lang="en"
# les tableaux écrivent leurs nombres à la française  # lang="fr"
pd.options.display.float_format = lambda value: number(value, 2)
table = make_dataset()
table.head()

# %% [markdown] lang="en"
# The menu (`menu.py`) says what each column means, its unit and the range the kitchen accepts:

# %% [markdown] lang="fr"
# Le menu (`menu.py`) dit ce que signifie chaque colonne, son unité et la plage acceptée par la
# cuisine :

# %%
for item in ingredients():
    if item.choices:
        allowed = ", ".join(item.choices)
    elif item.maximum is None:
        allowed = "yes / no"  # lang="en"
        allowed = "oui / non"  # lang="fr"
    else:
        allowed = f"{number(item.minimum)} – {number(item.maximum)} {item.unit}"
    print(f"{item.name:<20} {allowed:<26} {item.help}")

# %% [markdown] lang="en"
# A picture says more than the table: how does the outcome move with each number in the order?

# %% [markdown] lang="fr"
# Une image en dit plus que la table : comment le résultat bouge-t-il avec chaque nombre de la
# commande ?

# %%
numbers = [item for item in ingredients() if not item.choices and item.kind is not bool]
figure, axes = plt.subplots(1, len(numbers), figsize=(4 * len(numbers), 3), sharey=True)
for axis, item in zip(axes, numbers, strict=True):
    axis.scatter(table[item.name], table[TARGET], s=4, alpha=0.4)
    axis.set_xlabel(f"{item.label} ({item.unit})" if item.unit else item.label)
axes[0].set_ylabel(f"{DISH_LABEL} ({DISH_UNIT})")
figure.tight_layout()

# %% [markdown] lang="en"
# ## 2. A first experiment, written in the lab book
#
# We keep a quarter of the rows aside: the model never sees them while learning, so they tell
# honestly how it does on new orders.
#
# **Exercise 1.** The *learning rate* is one ingredient of our formula: how big a step the
# model takes each time it corrects itself. Choose one between 0.01 and 0.5 (0.1 is a common
# start) and write it below, in place of the `...`. The line under it checks your answer as
# soon as you run the cell.

# %% [markdown] lang="fr"
# ## 2. Une première expérience, notée dans le cahier de laboratoire
#
# Nous gardons un quart des lignes de côté : le modèle ne les voit jamais pendant
# l'apprentissage, elles disent donc honnêtement comment il s'en sort sur de nouvelles
# commandes.
#
# **Exercice 1.** Le *taux d'apprentissage* (learning rate) est un ingrédient de notre
# formule : la taille du pas que fait le modèle chaque fois qu'il se corrige. Choisissez-en un
# entre 0,01 et 0,5 (0,1 est un départ courant) et écrivez-le ci-dessous, à la place des
# `...`. Attention : en Python, les décimales s'écrivent avec un point (`0.25`, et non `0,25`).
# La ligne qui suit vérifie votre réponse dès que vous exécutez la cellule.

# %%
# BEGIN SOLUTION
learning_rate = 0.1
# END SOLUTION
learning_rate = checked_learning_rate(learning_rate, 1)

# %% [markdown] lang="en"
# Now the experiment itself. Everything inside the `with mlflow.start_run(...)` block is written
# in the lab book under one *run*: the ingredients (`log_params`), the results (`log_metrics`)
# and a picture of predicted against true values (`log_figure`).

# %% [markdown] lang="fr"
# Voici l'expérience elle-même. Tout ce qui se passe dans le bloc
# `with mlflow.start_run(...)` est noté dans le cahier sous une seule *run* : les ingrédients
# (`log_params`), les résultats (`log_metrics`) et une image des valeurs prédites face aux
# vraies (`log_figure`).

# %%
recipe = Recipe(learning_rate=learning_rate)
train_x, test_x, train_y, test_y = split(table)
open_lab_book(settings)

with mlflow.start_run(run_name="first-experiment"):
    mlflow.log_params(vars(recipe))
    pipeline = build_pipeline(recipe).fit(train_x, train_y)
    metrics = evaluate(pipeline, test_x, test_y)
    mlflow.log_metrics(metrics)

    figure, axis = plt.subplots(figsize=(4, 4))
    axis.scatter(test_y, pipeline.predict(test_x), s=5, alpha=0.5)
    axis.axline((0, 0), slope=1, color="grey", linestyle="--")
    axis.set_xlabel(f"true value ({DISH_UNIT})")  # lang="en"
    axis.set_xlabel(f"valeur réelle ({DISH_UNIT})")  # lang="fr"
    axis.set_ylabel(f"predicted value ({DISH_UNIT})")  # lang="en"
    axis.set_ylabel(f"valeur prédite ({DISH_UNIT})")  # lang="fr"
    mlflow.log_figure(figure, "predicted_vs_true.png")

for name, value in metrics.items():
    print(f"{name:<5} {number(value, 3)}")

# %% [markdown] lang="en"
# `rmse` is the typical error, in the target's unit (lower is better); `r2` is the share of the
# variation the model explains (1 is perfect). Open the lab book to see the run: in a terminal,
# `__PACKAGE__ lab`, then http://127.0.0.1:5000.
#
# MLflow 3.17 opens on its **GenAI** view (made for chatbots and LLM apps), with an *MLflow
# Assistant* panel on the right. Our lab tests tabular formulas: click **Model training** at the
# top left, once (your browser remembers it), then **Experiments** and `__PACKAGE__`; the
# registered models are under **Model registry**. Close the assistant panel with its ✕: this
# workshop does not use it.
#
# ## Self-check

# %% [markdown] lang="fr"
# `rmse` est l'erreur typique, dans l'unité de la cible (plus bas, c'est mieux) ; `r2` est la
# part de la variation expliquée par le modèle (1 est parfait). Ouvrez le cahier de
# laboratoire pour voir la run : dans un terminal, `__PACKAGE__ lab`, puis
# http://127.0.0.1:5000.
#
# MLflow 3.17 s'ouvre sur sa vue **GenAI** (faite pour les chatbots et les applications de LLM),
# avec un panneau *MLflow Assistant* à droite. Notre labo essaie des formules sur des tableaux :
# cliquez une fois sur **Model training** en haut à gauche (votre navigateur s'en souvient), puis
# sur **Experiments** et `__PACKAGE__` ; les modèles enregistrés sont sous **Model registry**.
# Fermez le panneau de l'assistant avec sa ✕ : cet atelier ne s'en sert pas.
#
# ## Auto-vérification

# %%
check_first_experiment(settings)

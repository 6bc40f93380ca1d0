# %% [markdown] lang="en"
# # 07 · The tasting panel: what the kitchen served, what the harvest said, who cooks next
#
# **Goal:** read the kitchen's order book; see how this season's orders differ from the table
# the champion learnt from (drift, ingredient by ingredient, with a plot); once the harvest
# gives the true outcomes, measure the champion's error in real life; train a challenger on
# the fresh orders; let a jury judge both on the same table, with a rule written in code;
# promote the winner by moving the alias; and watch the kitchen and the shop window take the
# new chef without dropping a single order.
#
# **Time:** about 30 minutes (part 4 of the workshop, "the loop").
#
# **Where we are in the restaurant:** after the service. The kitchen wrote down every order it
# cooked (its **order book**, `order_book/`). A season has gone by, and the world moved on.
# The **harvest** tells the truth about each order. The **tasting panel** tastes the dishes
# against it, and a **challenger** cooks the same orders for the jury.

# %% [markdown] lang="fr"
# # 07 · Le jury de dégustation : ce que la cuisine a servi, ce que la récolte a dit, qui cuisine ensuite
#
# **Objectif :** lire le carnet de commandes de la cuisine ; voir en quoi les commandes de
# cette saison diffèrent du tableau sur lequel le champion a appris (la dérive, ingrédient par
# ingrédient, avec un graphique) ; une fois que la récolte donne les vrais résultats, mesurer
# l'erreur du champion dans la vraie vie ; entraîner un challenger sur les commandes fraîches ;
# faire juger les deux par un jury sur le même tableau, avec une règle écrite en code ;
# promouvoir le gagnant en déplaçant l'alias ; et regarder la cuisine et la vitrine prendre le
# nouveau chef sans perdre une seule commande.
#
# **Durée :** environ 30 minutes (partie 4 de l'atelier, « la boucle »).
#
# **Où sommes-nous dans le restaurant :** après le service. La cuisine a noté chaque commande
# cuisinée (son **carnet de commandes**, `order_book/`). Une saison a passé, et le monde a
# changé. La **récolte** dit la vérité sur chaque commande. Le **jury de dégustation** goûte
# les plats à cette aune, et un **challenger** cuisine les mêmes commandes pour le jury.

# %%
import os
import warnings

import httpx
import matplotlib.pyplot as plt
import mlflow
import pandas as pd
from mlflow.exceptions import MlflowException
from sklearn.metrics import root_mean_squared_error
from streamlit.testing.v1 import AppTest

from __PACKAGE__.data import split
from __PACKAGE__.lab.registry import find_champion
from __PACKAGE__.lab.train import Recipe, build_pipeline, open_lab_book
from __PACKAGE__.menu import DISH_UNIT, FEATURES, TARGET, ingredients
from __PACKAGE__.messages import number, say
from __PACKAGE__.processes import SHOP_PAGE
from __PACKAGE__.settings import get_settings
from __PACKAGE__.workshop.checks import check_tasting_panel
from __PACKAGE__.workshop.exercises import checked_drifted, checked_improvement
from __PACKAGE__.workshop.restaurant import (
    ensure_champion,
    load_pipeline,
    open_kitchen,
    open_shop,
)
from __PACKAGE__.workshop.seasons import harvest, read_orders, simulate_season
from __PACKAGE__.workshop.tasting import (
    JURY_METRIC,
    KeepOrdering,
    drift_table,
    harvested,
    promote,
    promotion_rule,
    register_challenger,
    training_table,
    wait_until_served,
)

settings = get_settings()
ensure_champion(settings)
kitchen = open_kitchen(settings)
champion = find_champion(settings)
LABELS = {item.name: item.label for item in ingredients()}
print(kitchen)
lab_rmse = f"{number(champion.metrics['rmse'], 3)} {DISH_UNIT}"
print(f"champion: version {champion.version}, rmse in the lab {lab_rmse}")  # lang="en"
print(f"champion : version {champion.version}, rmse au labo {lab_rmse}")  # lang="fr"

# %% [markdown] lang="en"
# ## 1. A season goes by
#
# In season 2 the world has moved on (`data.py` describes it, under each formula): orders
# look different, and the same order no longer gives the same outcome. `simulate_season`
# plays that season's customers: it draws their orders from the data generator and sends
# them to the kitchen over HTTP, as the shop window would (the command line does the same:
# `__PACKAGE__ season 2 --orders 600`). The kitchen cooks them with the champion and, off
# the request path, writes each one in its order book: the order's fields, the dish, the
# model version and the time. Nothing about who ordered.

# %% [markdown] lang="fr"
# ## 1. Une saison passe
#
# En saison 2, le monde a changé (`data.py` le décrit, sous chaque formule) : les commandes
# ne se ressemblent plus, et la même commande ne donne plus le même résultat.
# `simulate_season` joue les clients de cette saison : elle tire leurs commandes du
# générateur de données et les envoie à la cuisine par HTTP, comme le ferait la vitrine (la
# ligne de commande fait de même : `__PACKAGE__ season 2 --orders 600`). La cuisine les
# cuisine avec le champion et, hors du chemin de la requête, écrit chacune dans son carnet de
# commandes : les champs de la commande, le plat, la version du modèle et l'heure. Rien sur
# qui a commandé.

# %%
started = pd.Timestamp.now(tz="UTC")
season = simulate_season(settings, season=2, orders=600, kitchen_url=kitchen.url)
orders = read_orders(settings)
live = orders[orders["ordered_at"] >= started]  # this season's orders  # lang="en"
live = orders[orders["ordered_at"] >= started]  # les commandes de cette saison  # lang="fr"
print(f"{len(live)} orders this season, {len(orders)} in the whole book")  # lang="en"
print(f"{len(live)} commandes cette saison, {len(orders)} dans tout le carnet")  # lang="fr"
live.tail(3)

# %% [markdown] lang="en"
# ## 2. Taste the orders: what changed?
#
# The champion learnt from a table the lab made (its run in the lab book says how many rows
# and which seed, so `training_table` makes it again). For each ingredient we compare how the
# lab's table and this season's orders spread, with the **population stability index**: cut
# the lab's values into ten slices holding a tenth of them each (or one slice per choice),
# count the share of each table in each slice, and add up
# `(season share − lab share) × ln(season share / lab share)`. It is 0 when both spread
# alike; under 0.1 nothing worth a look; above 0.25 the ingredient has clearly moved.
#
# **Exercise 1.** Which ingredient moved the most? Write its name (as the table writes it)
# in `most_drifted`, in place of the `...`.

# %% [markdown] lang="fr"
# ## 2. Goûter les commandes : qu'est-ce qui a changé ?
#
# Le champion a appris sur un tableau fait par le labo (sa run au cahier dit combien de
# lignes et quelle graine, donc `training_table` le refait). Pour chaque ingrédient, on
# compare la répartition du tableau du labo et celle des commandes de la saison, avec
# l'**indice de stabilité de population** : on coupe les valeurs du labo en dix tranches d'un
# dixième chacune (ou une tranche par choix), on compte la part de chaque tableau dans chaque
# tranche, et on additionne `(part saison − part labo) × ln(part saison / part labo)`. Il
# vaut 0 quand les deux se répartissent pareil ; sous 0,1 rien à signaler ; au-dessus de
# 0,25 l'ingrédient a nettement bougé.
#
# **Exercice 1.** Quel ingrédient a le plus bougé ? Écrivez son nom (tel que l'écrit le
# tableau) dans `most_drifted`, à la place des `...`.

# %%
training = training_table(settings, champion.version)
drift = drift_table(training[FEATURES], live[FEATURES])
drift

# %%
# BEGIN SOLUTION
most_drifted = drift.index[0]
# END SOLUTION
most_drifted = checked_drifted(most_drifted, drift, 1)

# %%
figure, (bars, spread) = plt.subplots(1, 2, figsize=(11, 3.5))
bars.barh([LABELS[name] for name in drift.index][::-1], drift["psi"][::-1])
bars.axvline(0.25, color="tab:red", linestyle="--")
bars.set_xlabel("population stability index")  # lang="en"
bars.set_xlabel("indice de stabilité de population")  # lang="fr"
item = next(item for item in ingredients() if item.name == most_drifted)
seasons = ["lab", "season 2"]  # lang="en"
seasons = ["labo", "saison 2"]  # lang="fr"
if item.choices or item.kind is bool:
    shares = pd.DataFrame(
        {
            seasons[0]: training[item.name].value_counts(normalize=True),
            seasons[1]: live[item.name].value_counts(normalize=True),
        }
    )
    shares.plot.bar(ax=spread, rot=0)
else:
    spread.hist([training[item.name], live[item.name]], bins=20, density=True, label=seasons)
    spread.legend()
spread.set_xlabel(f"{item.label} ({item.unit})" if item.unit else item.label)
figure.tight_layout()

# %% [markdown] lang="en"
# ## 3. The harvest tells the truth
#
# The season is over: the true outcome of each order is known. `harvest` writes it in the
# order book, for every order still without one, with season 2's formula and its noise
# (`__PACKAGE__ harvest --season 2` on the command line). Now the panel can taste: how far
# were the champion's dishes from the truth, compared with what the lab measured?

# %% [markdown] lang="fr"
# ## 3. La récolte dit la vérité
#
# La saison est finie : on connaît le vrai résultat de chaque commande. `harvest` l'écrit au
# carnet, pour chaque commande qui n'en a pas encore, avec la formule de la saison 2 et son
# bruit (`__PACKAGE__ harvest --season 2` en ligne de commande). Le jury peut goûter : à quelle
# distance de la vérité étaient les plats du champion, comparé à ce que le labo avait mesuré ?

# %%
done = harvest(settings, season=2)
counts = {"harvested": done.harvested, "in_book": done.in_book}
print(say("harvest_done", season=done.season, **counts, book=done.book))
orders = read_orders(settings)
live = orders[orders["ordered_at"] >= started]
live_rmse = f"{number(root_mean_squared_error(live[TARGET], live['prediction']), 3)} {DISH_UNIT}"
print(f"the champion's error in the lab: {lab_rmse}; on this season's orders: {live_rmse}")  # lang="en"
print(f"erreur du champion au labo : {lab_rmse} ; sur les commandes de la saison : {live_rmse}")  # lang="fr"

figure, axis = plt.subplots(figsize=(4.5, 4))
axis.scatter(live[TARGET], live["prediction"], s=6, alpha=0.5)
low, high = live[TARGET].min(), live[TARGET].max()
axis.plot([low, high], [low, high], color="tab:red")
axis.set_xlabel(f"true outcome ({DISH_UNIT})")  # lang="en"
axis.set_ylabel(f"the champion's dish ({DISH_UNIT})")  # lang="en"
axis.set_xlabel(f"vrai résultat ({DISH_UNIT})")  # lang="fr"
axis.set_ylabel(f"plat du champion ({DISH_UNIT})")  # lang="fr"

# %% [markdown] lang="en"
# ## 4. A challenger, trained on fresh data
#
# The harvested orders are fresh data: the same columns as the lab's table, from the world as
# it is now. We split them as the lab does: three quarters to learn from, one quarter kept
# aside, which neither model has seen, for the jury. The challenger is the lab's own recipe,
# fitted on the fresh quarter-three; `register_challenger` logs it in the lab book the way
# `train` logs a model (skops file, signature, example) and gives it the alias `challenger`,
# never `champion`: the jury decides that.

# %% [markdown] lang="fr"
# ## 4. Un challenger, entraîné sur des données fraîches
#
# Les commandes récoltées sont des données fraîches : les mêmes colonnes que le tableau du
# labo, tirées du monde tel qu'il est maintenant. On les coupe comme le labo : trois quarts
# pour apprendre, un quart mis de côté, qu'aucun des deux modèles n'a vu, pour le jury. Le
# challenger est la recette du labo, ajustée sur les trois quarts frais ;
# `register_challenger` l'inscrit au cahier comme `train` inscrit un modèle (fichier skops,
# signature, exemple) et lui donne l'alias `challenger`, jamais `champion` : c'est le jury
# qui en décide.

# %%
fresh = harvested(live)
train_x, held_x, train_y, held_y = split(fresh, seed=Recipe.seed)
held_out = held_x.assign(**{TARGET: held_y})
challenger_pipeline = build_pipeline(Recipe()).fit(train_x, train_y)
challenger_version = register_challenger(settings, challenger_pipeline, train_x, train_y, Recipe())
champion_pipeline = load_pipeline(settings, champion.version)
print(f"challenger: version {challenger_version}, {len(train_x)} fresh orders")  # lang="en"
print(f"challenger : version {challenger_version}, {len(train_x)} commandes fraîches")  # lang="fr"

# %% [markdown] lang="en"
# ## 5. The jury: both cook the same held-out table
#
# MLflow's model evaluation, `mlflow.models.evaluate`, computes a regressor's metrics on a
# table and writes them in the lab book, in the run where it is called. It could open each
# model itself from its registry address, but with MLflow's own loader, which trusts the list
# of types the model file carries; this project opens models only with the kitchen's own list
# (`load_pipeline`). So each model cooks the held-out orders here, and `evaluate` is handed
# the dishes (`predictions=`) and the truth (`targets=`). (MLflow 3's `mlflow.genai.evaluate`
# is for language-model apps; a table of numbers is `mlflow.models.evaluate`'s job.)

# %% [markdown] lang="fr"
# ## 5. Le jury : les deux cuisinent le même tableau mis de côté
#
# L'évaluation de modèles de MLflow, `mlflow.models.evaluate`, calcule les métriques d'un
# régresseur sur un tableau et les écrit au cahier, dans la run où on l'appelle. Elle pourrait
# ouvrir elle-même chaque modèle depuis son adresse au registre, mais avec le chargeur de
# MLflow, qui fait confiance à la liste de types que porte le fichier du modèle ; ce projet
# n'ouvre les modèles qu'avec la liste de la cuisine (`load_pipeline`). Chaque modèle cuisine
# donc ici les commandes mises de côté, et on donne à `evaluate` les plats (`predictions=`)
# et la vérité (`targets=`). (`mlflow.genai.evaluate` de MLflow 3 sert aux applications de
# modèles de langage ; un tableau de nombres, c'est le travail de `mlflow.models.evaluate`.)


# %%
def taste(pipeline, run_name):
    """One model's dishes of the held-out table, judged by MLflow in a run of its own."""  # lang="en"
    """Les plats d'un modèle sur le tableau mis de côté, jugés par MLflow dans sa propre run."""  # lang="fr"
    dishes = held_out.assign(prediction=pipeline.predict(held_out[FEATURES]))
    # MLflow warns that integer columns cannot hold missing values: the menu forbids them.  # lang="en"
    # MLflow avertit qu'une colonne d'entiers ne peut pas avoir de trou : la carte n'en permet pas.  # lang="fr"
    with mlflow.start_run(run_name=run_name, nested=True), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return mlflow.models.evaluate(
            data=dishes,
            predictions="prediction",
            targets=TARGET,
            model_type="regressor",
            evaluator_config={"log_model_explainability": False},
        )


open_lab_book(settings)
with mlflow.start_run(run_name="tasting panel"):
    verdicts = {
        "champion": taste(champion_pipeline, f"champion, version {champion.version}"),
        "challenger": taste(challenger_pipeline, f"challenger, version {challenger_version}"),
    }
scores = pd.DataFrame({name: result.metrics for name, result in verdicts.items()})
scores.loc[["root_mean_squared_error", "mean_absolute_error", "r2_score"]]

# %% [markdown] lang="en"
# The rule is written in code, so that anyone can read what it takes to be promoted, and the
# same rule judges every challenger: `mlflow.validate_evaluation_results` compares the
# challenger's results with the champion's against thresholds (`MetricThreshold`), and
# raises an error when the challenger falls short. Our rule: its rmse must be lower than the
# champion's by at least a share `improvement` of it (0.05 means 5 % lower), so that a
# challenger that is better only by luck of the draw does not take the kitchen.
#
# **Exercise 2.** Choose `improvement`, a share between 0.001 and 0.5 (write 5 % as 0.05), in
# place of the `...`.

# %% [markdown] lang="fr"
# La règle est écrite en code, pour que chacun puisse lire ce qu'il faut pour être promu, et
# que la même règle juge chaque challenger : `mlflow.validate_evaluation_results` compare les
# résultats du challenger à ceux du champion selon des seuils (`MetricThreshold`), et lève une
# erreur quand le challenger n'y est pas. Notre règle : sa rmse doit être plus basse que celle
# du champion d'au moins une part `improvement` de celle-ci (0.05 veut dire 5 % plus basse),
# pour qu'un challenger meilleur seulement par la chance du tirage ne prenne pas la cuisine.
#
# **Exercice 2.** Choisissez `improvement`, une part entre 0.001 et 0.5 (5 % s'écrit 0.05),
# à la place des `...`.

# %%
# BEGIN SOLUTION
improvement = 0.05
# END SOLUTION
improvement = checked_improvement(improvement, 2)

# %%
rule = promotion_rule(improvement)  # {JURY_METRIC: MetricThreshold(min_relative_change=...)}
try:
    mlflow.validate_evaluation_results(rule, verdicts["challenger"], verdicts["champion"])
    promoted = True
except MlflowException as refusal:
    promoted = False
    print(refusal.message)
champion_rmse, challenger_rmse = (
    f"{number(verdicts[name].metrics[JURY_METRIC], 3)} {DISH_UNIT}" for name in verdicts
)
verdict = "promoted" if promoted else "turned down"  # lang="en"
verdict = "promu" if promoted else "refusé"  # lang="fr"
print(f"challenger {challenger_rmse}, champion {champion_rmse}: {verdict}")  # lang="en"
print(f"challenger {challenger_rmse}, champion {champion_rmse} : {verdict}")  # lang="fr"

# %% [markdown] lang="en"
# ## 6. Promote, and watch it land
#
# Promotion is one move of the `champion` label (`promote`, in `workshop/tasting.py`:
# `set_registered_model_alias`). The kitchen looks at the registry every few seconds; here we
# ask it to look at once (`POST /model/reload`). Meanwhile a customer keeps ordering, one
# order after another (`KeepOrdering`): the kitchen swaps models between two orders, so no
# order may fail, and the customer's dishes must come from the new chef once it is in.
#
# Open the shop window's model page (the address printed below) in your browser before you
# run the next cell: it asks the kitchen every few seconds which model cooks, and shows the
# new chef on its own, without reloading.

# %% [markdown] lang="fr"
# ## 6. Promouvoir, et regarder le changement arriver
#
# La promotion est un seul déplacement de l'étiquette `champion` (`promote`, dans
# `workshop/tasting.py` : `set_registered_model_alias`). La cuisine regarde le registre toutes
# les quelques secondes ; ici, on lui demande de regarder tout de suite
# (`POST /model/reload`). Pendant ce temps, un client commande sans arrêt, une commande après
# l'autre (`KeepOrdering`) : la cuisine change de modèle entre deux commandes, aucune ne doit
# donc échouer, et les plats du client doivent venir du nouveau chef dès qu'il est en place.
#
# Ouvrez la page du modèle de la vitrine (l'adresse affichée ci-dessous) dans votre
# navigateur avant de lancer la cellule suivante : elle demande à la cuisine toutes les
# quelques secondes quel modèle cuisine, et montre le nouveau chef d'elle-même, sans
# recharger.

# %%
shop = open_shop(settings, kitchen.url)
print(f"{shop.url}/model")

# %%
with KeepOrdering(kitchen.url) as landing:
    if promoted:
        promote(settings, challenger_version)
    httpx.post(f"{kitchen.url}/model/reload", timeout=60)
    wait_until_served(kitchen.url, find_champion(settings).version)
landing

# %% [markdown] lang="en"
# The shop window's model page, run here by Streamlit's own test runner, asks the same
# kitchen which model cooks:

# %% [markdown] lang="fr"
# La page du modèle de la vitrine, lancée ici par l'outil de test de Streamlit, demande à la
# même cuisine quel modèle cuisine :

# %%
os.environ["KITCHEN_URL"] = kitchen.url
get_settings.cache_clear()  # the page reads its settings again, with this kitchen  # lang="en"
get_settings.cache_clear()  # la page relit ses réglages, avec cette cuisine  # lang="fr"
page = AppTest.from_file(str(SHOP_PAGE), default_timeout=60).run()
page.switch_page("screens/model.py").run()
{metric.label: metric.value for metric in page.metric[:2]}

# %% [markdown] lang="en"
# ## Self-check
#
# It reads the order book and the registry, asks the kitchen which model it serves, and looks
# at what the customer saw during the swap. Then we close the shop window and the kitchen.

# %% [markdown] lang="fr"
# ## Auto-vérification
#
# Elle lit le carnet de commandes et le registre, demande à la cuisine quel modèle elle sert,
# et regarde ce que le client a vu pendant le changement. Puis on ferme la vitrine et la
# cuisine.

# %%
result = check_tasting_panel(settings, kitchen.url, landing)
shop.stop()
kitchen.stop()
result

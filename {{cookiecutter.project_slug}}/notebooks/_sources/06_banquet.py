# %% [markdown] lang="en"
# # 06 · The banquet: cooking for a whole village (advanced reading)
#
# **Goal:** score a whole table of orders at once with the lab's champion, on Apache Spark,
# and check that every dish is the one the kitchen would have cooked.
#
# **Time:** about 15 minutes of reading and running; no exercise. It needs the `spark` extra
# (`uv pip install -e ".[spark]"`) and Java 17 or 21.
#
# **Where we are in the restaurant:** the kitchen (FastAPI) cooks orders as they come, a few
# at a time. Today the whole village comes to a wedding: thousands of orders, all known in
# advance. Nobody sends them one by one to the counter; a caterer hires a big hall with many
# cooks (**Spark**) and gives every cook the same recipe: the lab's `champion`, run through
# `mlflow.pyfunc.spark_udf`. On this machine the hall has one cook per core (`local[2]`); on
# a cluster, the same code hires hundreds.

# %% [markdown] lang="fr"
# # 06 · Le banquet : cuisiner pour tout un village (lecture avancée)
#
# **Objectif :** calculer d'un coup tout un tableau de commandes avec le champion du labo, sur
# Apache Spark, et vérifier que chaque plat est celui que la cuisine aurait préparé.
#
# **Durée :** environ 15 minutes de lecture et d'exécution ; pas d'exercice. Il faut l'extra
# `spark` (`uv pip install -e ".[spark]"`) et Java 17 ou 21.
#
# **Où sommes-nous dans le restaurant :** la cuisine (FastAPI) prépare les commandes à mesure
# qu'elles arrivent, quelques-unes à la fois. Aujourd'hui, tout le village vient à un mariage :
# des milliers de commandes, toutes connues d'avance. Personne ne les apporte une à une au
# comptoir ; un traiteur loue une grande salle avec beaucoup de cuisiniers (**Spark**) et
# donne à chacun la même recette : le `champion` du labo, exécuté par
# `mlflow.pyfunc.spark_udf`. Sur cette machine, la salle a un cuisinier par cœur
# (`local[2]`) ; sur un cluster, le même code en engage des centaines.

# %%
import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from __PACKAGE__.catering.banquet import PREDICTION, TASTED_ROWS, score_table, spark_is_installed
from __PACKAGE__.catering.tables import write_orders
from __PACKAGE__.menu import DISH_LABEL, DISH_UNIT
from __PACKAGE__.messages import number, say
from __PACKAGE__.settings import get_settings
from __PACKAGE__.workshop.checks import check_banquet
from __PACKAGE__.workshop.restaurant import ensure_champion, load_pipeline

settings = get_settings()
# tables write their numbers as the notebook's language does  # lang="en"
# les tableaux écrivent leurs nombres à la française  # lang="fr"
pd.options.display.float_format = lambda value: number(value, 2)
assert spark_is_installed(), say("batch_no_spark")
version = ensure_champion(settings)
# the day's tables, removed at the end  # lang="en"
# les tableaux du jour, effacés à la fin  # lang="fr"
hall = Path(tempfile.mkdtemp(prefix="banquet-"))
version

# %% [markdown] lang="en"
# ## 1. The village's orders
#
# `make-data` (here its function, `write_orders`) draws orders with the lab's own generator,
# in chunks of 100,000 rows, so even ten million rows never sit in memory at once. The table
# holds the menu's columns only, as the kitchen would receive them: the true outcome stays in
# the lab. In a terminal: `__PACKAGE__ make-data --rows 1000000 orders.parquet`.

# %% [markdown] lang="fr"
# ## 1. Les commandes du village
#
# `make-data` (ici sa fonction, `write_orders`) tire les commandes avec le générateur du labo,
# par paquets de 100 000 lignes : même dix millions de lignes ne tiennent jamais toutes en
# mémoire à la fois. Le tableau ne contient que les colonnes du menu, comme la cuisine les
# recevrait : le vrai résultat reste au labo. Dans un terminal :
# `__PACKAGE__ make-data --rows 1000000 orders.parquet`.

# %%
orders_file = hall / "orders.parquet"
write_orders(orders_file, rows=20_000, seed=2026)
pd.read_parquet(orders_file).head()

# %% [markdown] lang="en"
# ## 2. The banquet
#
# `score_table` does what `__PACKAGE__ score-batch orders.parquet dishes.parquet` does:
#
# 1. it fetches the champion from the registry and opens it with the **kitchen's own rules**
#    (its list of trusted types), before any Spark worker sees it;
# 2. it opens the hall: a Spark session, here `local[2]`, bound to this machine only;
# 3. it checks every order against the menu in one pass (a wrong cell stops the banquet);
# 4. every worker cooks its share with `spark_udf`, and the dishes are written as Parquet;
# 5. it tastes 50 dishes again in this process: they must be exactly Spark's.
#
# The first run waits for Java to start (some seconds); the progress bars are Spark's.

# %% [markdown] lang="fr"
# ## 2. Le banquet
#
# `score_table` fait ce que fait `__PACKAGE__ score-batch orders.parquet dishes.parquet` :
#
# 1. il récupère le champion au registre et l'ouvre selon les **règles de la cuisine** (sa
#    liste de types de confiance), avant qu'aucun worker Spark ne le voie ;
# 2. il ouvre la salle : une session Spark, ici `local[2]`, limitée à cette machine ;
# 3. il contrôle chaque commande selon le menu en une passe (une case fausse arrête le banquet) ;
# 4. chaque worker prépare sa part avec `spark_udf`, et les plats sont écrits en Parquet ;
# 5. il goûte à nouveau 50 plats dans ce processus : ce doivent être exactement ceux de Spark.
#
# La première fois, il faut attendre que Java démarre (quelques secondes) ; les barres de
# progression sont celles de Spark.

# %%
dishes_file = hall / "dishes.parquet"
banquet = score_table(settings, orders_file, dishes_file, master="local[2]")
rows, seconds = number(banquet.rows), number(banquet.seconds, 1)
print(f"{rows} rows in {seconds} s, model version {banquet.version}")  # lang="en"
print(f"{rows} lignes en {seconds} s, version du modèle {banquet.version}")  # lang="fr"

# %% [markdown] lang="en"
# ## 3. The dishes
#
# Spark writes a **folder** of part files (one per worker's share): that is how a cluster
# writes in parallel. pandas reads the folder as one table.

# %% [markdown] lang="fr"
# ## 3. Les plats
#
# Spark écrit un **dossier** de fichiers (un par part de worker) : c'est ainsi qu'un cluster
# écrit en parallèle. pandas lit le dossier comme un seul tableau.

# %%
dishes = pd.read_parquet(dishes_file)
print(sorted(path.name for path in dishes_file.iterdir()))
figure, axis = plt.subplots(figsize=(5, 3.5))
axis.hist(dishes[PREDICTION], bins=40)
axis.set_xlabel(f"{DISH_LABEL} ({DISH_UNIT})")
axis.set_ylabel("dishes")  # lang="en"
axis.set_ylabel("plats")  # lang="fr"
dishes.describe()

# %% [markdown] lang="en"
# ## 4. What changes on a real cluster
#
# - `--master spark://host:7077` (or `yarn`, `k8s://...`) instead of `local[2]`: the code stays.
# - The tables live where every worker can read them (object storage, HDFS), not on one disk.
# - Every worker needs the same Python packages as the lab (scikit-learn, skops, mlflow):
#   `spark_udf` ships the model files, not the Python environment.
# - Starting the hall costs seconds to minutes: Spark pays off for millions of rows, not
#   for the few orders a kitchen answers in milliseconds. `docs/scale.md` in the template and
#   `benchmarks/batch_scoring.py` here compare the three ways of cooking.

# %% [markdown] lang="fr"
# ## 4. Ce qui change sur un vrai cluster
#
# - `--master spark://hote:7077` (ou `yarn`, `k8s://...`) au lieu de `local[2]` : le code reste.
# - Les tableaux sont là où chaque worker peut les lire (stockage objet, HDFS), pas sur un
#   seul disque.
# - Chaque worker doit avoir les mêmes paquets Python que le labo (scikit-learn, skops,
#   mlflow) : `spark_udf` expédie les fichiers du modèle, pas l'environnement Python.
# - Ouvrir la salle coûte des secondes, voire des minutes : Spark est rentable pour des
#   millions de lignes, pas pour les quelques commandes que la cuisine sert en millisecondes.
#   `docs/scale.md` dans le gabarit et `benchmarks/batch_scoring.py` ici comparent les trois
#   façons de cuisiner.

# %% [markdown] lang="en"
# ## Self-check
#
# Every order got its dish, and 50 dishes drawn at random (as many as `score_table` tastes, but
# not the same ones), cooked again here with the champion opened by the kitchen's rules, are
# Spark's to within one part in a billion. Then the hall is cleaned.

# %% [markdown] lang="fr"
# ## Auto-vérification
#
# Chaque commande a eu son plat, et 50 plats tirés au hasard (autant que `score_table` en
# goûte, mais pas les mêmes), cuisinés à nouveau ici avec le champion ouvert selon les règles
# de la cuisine, sont ceux de Spark à un milliardième près. Puis on nettoie la salle.

# %%
pipeline = load_pipeline(settings)
result = check_banquet(dishes, PREDICTION, pipeline, rows=20_000, tasted=TASTED_ROWS)
shutil.rmtree(hall)
result

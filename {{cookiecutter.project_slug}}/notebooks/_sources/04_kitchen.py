# %% [markdown] lang="en"
# # 04 · The kitchen: send orders, get dishes
#
# **Goal:** talk to the kitchen (FastAPI) the way any program would: read its menu (the
# OpenAPI description), send one order, a batch of orders, and a live stream of orders over
# a WebSocket; then see a bad order refused, and why.
#
# **Time:** about 20 minutes.
#
# **Where we are in the restaurant:** in the **kitchen**. It cooks with the formula the lab
# named `champion` in the registry (notebook 03). An order is the list of ingredients from the
# menu; a dish is the prediction, with its unit and the model version that cooked it.

# %% [markdown] lang="fr"
# # 04 · La cuisine : envoyer des commandes, recevoir des plats
#
# **Objectif :** parler à la cuisine (FastAPI) comme le ferait n'importe quel programme : lire
# sa carte (la description OpenAPI), envoyer une commande, un lot de commandes, puis un flux
# de commandes en direct par WebSocket ; enfin voir une mauvaise commande refusée, et pourquoi.
#
# **Durée :** environ 20 minutes.
#
# **Où sommes-nous dans le restaurant :** en **cuisine**. Elle cuisine avec la formule que le
# labo a nommée `champion` au registre (notebook 03). Une commande est la liste des
# ingrédients de la carte ; un plat est la prédiction, avec son unité et la version du modèle
# qui l'a préparée.

# %%
import json

import httpx
import matplotlib.pyplot as plt
from websockets.sync.client import connect

from __PACKAGE__.data import make_dataset
from __PACKAGE__.menu import FEATURES, TARGET, example_order, ingredients
from __PACKAGE__.messages import number
from __PACKAGE__.settings import get_settings
from __PACKAGE__.workshop.checks import check_kitchen
from __PACKAGE__.workshop.exercises import checked_batch, checked_dish
from __PACKAGE__.workshop.restaurant import ensure_champion, open_kitchen

settings = get_settings()

# %% [markdown] lang="en"
# ## 1. Open the kitchen
#
# If a kitchen is already running (`__PACKAGE__ kitchen` in a terminal) we use it; otherwise
# `open_kitchen` opens one inside this notebook's Python, on a free port of this machine
# (127.0.0.1), and waits until it says it is ready. If the registry has no champion yet, a quick one is trained
# first: a kitchen without a formula can only apologise.

# %% [markdown] lang="fr"
# ## 1. Ouvrir la cuisine
#
# Si une cuisine tourne déjà (`__PACKAGE__ kitchen` dans un terminal), on l'utilise ; sinon
# `open_kitchen` en ouvre une dans le Python de ce notebook, sur un port libre de cette
# machine (127.0.0.1), et attend qu'elle se dise prête. Si le registre n'a pas encore de champion, on
# en entraîne d'abord un rapide : une cuisine sans formule ne peut que s'excuser.

# %%
ensure_champion(settings)
kitchen = open_kitchen(settings)
http = httpx.Client(base_url=kitchen.url, timeout=10)
print(kitchen)
http.get("/health/ready").json()

# %% [markdown] lang="en"
# ## 2. Read the menu
#
# FastAPI describes every route and every field in one document, `/openapi.json` (the same one
# drawn as a page at `/docs`). A program can read it to learn what to send.

# %% [markdown] lang="fr"
# ## 2. Lire la carte
#
# FastAPI décrit chaque route et chaque champ dans un seul document, `/openapi.json` (le même
# qui est dessiné en page sur `/docs`). Un programme peut le lire pour savoir quoi envoyer.

# %%
menu = http.get("/openapi.json").json()
for path, methods in menu["paths"].items():
    for method, route in methods.items():
        print(f"{method.upper():<5} {path:<16} {route.get('summary', '')}")

order_fields = menu["components"]["schemas"]["Order"]["properties"]
# the menu the kitchen publishes is the package's own  # lang="en"
# la carte que publie la cuisine est celle du paquet  # lang="fr"
assert list(order_fields) == FEATURES
for name, field in order_fields.items():
    if "enum" in field:
        limits = ", ".join(field["enum"])
    elif "maximum" in field:
        limits = f"{number(field['minimum'])} – {number(field['maximum'])}"
    else:
        limits = field.get("type", "")
    print(f"  {name:<20} {limits}")

# %% [markdown] lang="en"
# ## 3. One order, one dish
#
# The menu's example order is a valid one. `model_dump(mode="json")` turns it into plain JSON
# values, ready to travel.
#
# **Exercise 1.** Send `order` to the kitchen: a `POST` on `/predict` with the order as JSON
# (`http.post(path, json=...)`), and keep the answer in `response`, in place of the `...`.

# %% [markdown] lang="fr"
# ## 3. Une commande, un plat
#
# La commande d'exemple du menu est valide. `model_dump(mode="json")` la change en simples
# valeurs JSON, prêtes à voyager.
#
# **Exercice 1.** Envoyez `order` à la cuisine : un `POST` sur `/predict` avec la commande en
# JSON (`http.post(chemin, json=...)`), et gardez la réponse dans `response`, à la place des
# `...`.

# %%
order = example_order().model_dump(mode="json")
# BEGIN SOLUTION
response = http.post("/predict", json=order)
# END SOLUTION
dish = checked_dish(response, 1)
dish

# %% [markdown] lang="en"
# ## 4. A batch of orders
#
# Sending orders one by one pays the trip each time. `/predict/batch` takes
# `{"orders": [...]}` and returns one prediction per order, in the same order.
#
# **Exercise 2.** Take the first 50 rows of the table's order columns (`FEATURES`) as a list of
# dictionaries (`.to_dict(orient="records")`) into `orders`, send them to `/predict/batch`,
# and keep the JSON answer in `batch`. The cell is yours: replace its `...` and its `raise`.

# %% [markdown] lang="fr"
# ## 4. Un lot de commandes
#
# Envoyer les commandes une à une paie le trajet à chaque fois. `/predict/batch` prend
# `{"orders": [...]}` et rend une prédiction par commande, dans le même ordre.
#
# **Exercice 2.** Prenez les 50 premières lignes des colonnes de commande (`FEATURES`) de la
# table comme liste de dictionnaires (`.to_dict(orient="records")`) dans `orders`, envoyez-les
# à `/predict/batch`, et gardez la réponse JSON dans `batch`. La cellule est à vous :
# remplacez ses `...` et son `raise`.

# %%
table = make_dataset()
# BEGIN SOLUTION
orders = table[FEATURES].head(50).to_dict(orient="records")
batch = http.post("/predict/batch", json={"orders": orders}).json()
# END SOLUTION
batch = checked_batch(batch, 50, 2)

# %% [markdown] lang="en"
# The kitchen never saw these rows' true outcomes. A picture shows how close its dishes are.

# %% [markdown] lang="fr"
# La cuisine n'a jamais vu les vrais résultats de ces lignes. Une image montre à quel point
# ses plats en sont proches.

# %%
figure, axis = plt.subplots(figsize=(4, 4))
axis.scatter(table[TARGET].head(50), batch["predictions"], s=12)
axis.axline((0, 0), slope=1, color="grey", linestyle="--")
axis.set_xlabel(f"true value ({batch['unit']})")  # lang="en"
axis.set_xlabel(f"valeur réelle ({batch['unit']})")  # lang="fr"
axis.set_ylabel(f"cooked by version {batch['model_version']}")  # lang="en"
axis.set_ylabel(f"cuisiné par la version {batch['model_version']}")  # lang="fr"

# %% [markdown] lang="en"
# ## 5. A bad order is refused
#
# We break the order twice: one number far above the menu's maximum, and an ingredient that is
# not on the menu at all. The kitchen answers `422` and names each problem (the field and the
# rule), without repeating the values it received: an error message must not become a way to
# leak or reflect data.

# %% [markdown] lang="fr"
# ## 5. Une mauvaise commande est refusée
#
# On abîme la commande deux fois : un nombre bien au-dessus du maximum de la carte, et un
# ingrédient absent de la carte. La cuisine répond `422` et nomme chaque problème (le champ et
# la règle), sans répéter les valeurs reçues : un message d'erreur ne doit pas devenir un
# moyen de faire fuir ou de renvoyer des données.

# %%
number = next(item for item in ingredients() if item.maximum is not None)
bad_order = {**order, number.name: number.maximum * 10, "secret_sauce": 1}
refused = http.post("/predict", json=bad_order)
print(refused.status_code)
refused.json()

# %% [markdown] lang="en"
# ## 6. A live stream of orders (WebSocket)
#
# A WebSocket keeps one connection open: the client sends one order per message, the kitchen
# answers each with one message, a dish or the reasons for a refusal, and the stream stays
# open for the next order. Useful when orders arrive one after another, fast.

# %% [markdown] lang="fr"
# ## 6. Un flux de commandes en direct (WebSocket)
#
# Un WebSocket garde une seule connexion ouverte : le client envoie une commande par message,
# la cuisine répond à chacune par un message, un plat ou les raisons d'un refus, et le flux
# reste ouvert pour la commande suivante. Utile quand les commandes arrivent vite, l'une après
# l'autre.

# %%
stream_url = kitchen.url.replace("http", "ws", 1) + "/ws/predict"
with connect(stream_url, open_timeout=5) as stream:
    for each in (order, bad_order, order):
        stream.send(json.dumps(each))
        print(json.loads(stream.recv(timeout=10)))

# %% [markdown] lang="en"
# ## Self-check
#
# It asks the kitchen itself: is it ready, does it cook with the registry's champion, does it
# refuse a bad order, and does its stream answer. Then we close the kitchen we opened.

# %% [markdown] lang="fr"
# ## Auto-vérification
#
# Elle interroge la cuisine elle-même : est-elle prête, cuisine-t-elle avec le champion du
# registre, refuse-t-elle une mauvaise commande, son flux répond-il ? Puis on ferme la cuisine
# que nous avons ouverte.

# %%
result = check_kitchen(settings, kitchen.url)
http.close()
kitchen.stop()
result

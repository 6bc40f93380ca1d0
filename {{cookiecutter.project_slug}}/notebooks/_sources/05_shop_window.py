# %% [markdown] lang="en"
# # 05 · The shop window: the page, the waiter, the kitchen and the lab
#
# **Goal:** open the shop window (Streamlit), follow one order from the page to the kitchen
# and back, see what the page says when the kitchen is closed, and draw how a dish changes
# when one ingredient moves.
#
# **Time:** about 15 minutes.
#
# **Where we are in the restaurant:** at the **shop window**, the kiosk where customers order.
# The page is the waiter: it takes the order, carries it to the kitchen over HTTP, and brings
# the dish back. It never cooks, and it never walks into the lab.

# %% [markdown] lang="fr"
# # 05 · La vitrine : la page, le serveur, la cuisine et le labo
#
# **Objectif :** ouvrir la vitrine (Streamlit), suivre une commande de la page à la cuisine
# et retour, voir ce que dit la page quand la cuisine est fermée, et dessiner comment un plat
# change quand un ingrédient bouge.
#
# **Durée :** environ 15 minutes.
#
# **Où sommes-nous dans le restaurant :** à la **vitrine**, la borne où les clients
# commandent. La page joue le serveur : elle prend la commande, la porte en cuisine par HTTP,
# et rapporte le plat. Elle ne cuisine jamais, et n'entre jamais au labo.

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
from streamlit.testing.v1 import AppTest

from __PACKAGE__.menu import DISH_LABEL, example_order, ingredients
from __PACKAGE__.processes import SHOP_PAGE
from __PACKAGE__.settings import get_settings
from __PACKAGE__.shop.client import KitchenClient, KitchenError
from __PACKAGE__.workshop.checks import check_shop
from __PACKAGE__.workshop.exercises import checked_item, checked_page
from __PACKAGE__.workshop.restaurant import ensure_champion, free_port, open_kitchen, open_shop

settings = get_settings()

# %% [markdown] lang="en"
# ## 1. Open the kitchen, then the shop window
#
# The chain is: **page** → (HTTP) → **kitchen** → (registry) → **lab book**. So the kitchen
# opens first, with the champion; the shop window is told the kitchen's address
# (`KITCHEN_URL`). Open the printed shop address in your browser and place an order.

# %% [markdown] lang="fr"
# ## 1. Ouvrir la cuisine, puis la vitrine
#
# La chaîne est : **page** → (HTTP) → **cuisine** → (registre) → **cahier de laboratoire**.
# La cuisine ouvre donc d'abord, avec le champion ; on donne à la vitrine l'adresse de la
# cuisine (`KITCHEN_URL`). Ouvrez l'adresse de la vitrine affichée dans votre navigateur et
# passez une commande.

# %%
ensure_champion(settings)
kitchen = open_kitchen(settings)
shop = open_shop(settings, kitchen.url)
print(kitchen)
print(shop)

# %% [markdown] lang="en"
# ## 2. What the waiter does
#
# When you click the page's button, the page hands the order to a `KitchenClient` (in
# `shop/client.py`): the waiter. We can use the same waiter here, directly.

# %% [markdown] lang="fr"
# ## 2. Ce que fait le serveur
#
# Quand vous cliquez sur le bouton de la page, la page confie la commande à un
# `KitchenClient` (dans `shop/client.py`) : le serveur. On peut utiliser ici le même serveur,
# directement.

# %%
waiter = KitchenClient(kitchen.url, timeout_seconds=10, language=settings.language)
order = example_order().model_dump(mode="json")
waiter.predict(order)

# %% [markdown] lang="en"
# And when the kitchen is closed? The waiter does not show a traceback to the customer: it
# says, in words, what is wrong and what to start. Here we send it to an address where nobody
# listens.

# %% [markdown] lang="fr"
# Et si la cuisine est fermée ? Le serveur ne montre pas de trace d'erreur au client : il dit,
# avec des mots, ce qui ne va pas et quoi démarrer. Ici, on l'envoie à une adresse où personne
# n'écoute.

# %%
lost_waiter = KitchenClient(f"http://127.0.0.1:{free_port()}", 2, settings.language)
try:
    lost_waiter.predict(order)
except KitchenError as problem:
    print(problem)

# %% [markdown] lang="en"
# ## 3. The page, clicked by a program
#
# Streamlit can run its page without a browser (`AppTest`): it fills the form with the menu's
# examples, and we can press the button from code. The page reads the kitchen's address from
# its settings, so we point them at our kitchen first.
#
# **Exercise 1.** Click the page's button and run the page again:
# `page.button[0].click().run()` returns the page after the click; keep it in `page`, in
# place of the `...`.

# %% [markdown] lang="fr"
# ## 3. La page, cliquée par un programme
#
# Streamlit sait faire tourner sa page sans navigateur (`AppTest`) : elle remplit le
# formulaire avec les exemples du menu, et on peut appuyer sur le bouton depuis le code. La
# page lit l'adresse de la cuisine dans ses réglages : on les pointe d'abord sur notre cuisine.
#
# **Exercice 1.** Cliquez sur le bouton de la page et relancez-la :
# `page.button[0].click().run()` rend la page après le clic ; gardez-la dans `page`, à la
# place des `...`.

# %%
os.environ["KITCHEN_URL"] = kitchen.url
# the page will read its settings again, with the new address  # lang="en"
# la page relira ses réglages, avec la nouvelle adresse  # lang="fr"
get_settings.cache_clear()
page = AppTest.from_file(str(SHOP_PAGE), default_timeout=30).run()

# %%
# BEGIN SOLUTION
page = page.button[0].click().run()
# END SOLUTION
page = checked_page(page, 1)

# %%
for metric in page.metric:
    print(f"{metric.label}: {metric.value}")  # lang="en"
    print(f"{metric.label} : {metric.value}")  # lang="fr"
for caption in page.caption:
    print(caption.value)

# %% [markdown] lang="en"
# ## 4. How the dish moves with one ingredient
#
# The customer may wonder: "what if I change just this?". One batch answers it: the same
# order many times, one ingredient sliding across its whole range on the menu.
#
# **Exercise 2.** Choose the ingredient to slide: any item of `numbers` (for example
# `numbers[0]`), into `sliding`, in place of the `...`.

# %% [markdown] lang="fr"
# ## 4. Comment le plat bouge avec un ingrédient
#
# Le client peut se demander : « et si je changeais juste ceci ? ». Un lot y répond : la même
# commande plusieurs fois, un seul ingrédient glissant sur toute sa plage de la carte.
#
# **Exercice 2.** Choisissez l'ingrédient qui glisse : n'importe quel élément de `numbers`
# (par exemple `numbers[0]`), dans `sliding`, à la place des `...`.

# %%
numbers = [item for item in ingredients() if item.maximum is not None and item.kind is float]
# BEGIN SOLUTION
sliding = numbers[0]
# END SOLUTION
sliding = checked_item(sliding, numbers, 2, name="sliding", among="numbers")

# %%
values = np.linspace(sliding.minimum, sliding.maximum, 25)
orders = [{**order, sliding.name: float(value)} for value in values]
batch = waiter.call("POST", "/predict/batch", json={"orders": orders}).json()

figure, axis = plt.subplots(figsize=(5, 3.5))
axis.plot(values, batch["predictions"], marker=".")
axis.set_xlabel(f"{sliding.label} ({sliding.unit})")
axis.set_ylabel(f"{DISH_LABEL} ({batch['unit']})")

# %% [markdown] lang="en"
# ## Self-check
#
# It asks the shop window whether it is open, and looks at what the page showed after your
# click. Then we close the shop window and the kitchen we opened.

# %% [markdown] lang="fr"
# ## Auto-vérification
#
# Elle demande à la vitrine si elle est ouverte, et regarde ce que la page a affiché après
# votre clic. Puis on ferme la vitrine et la cuisine que nous avons ouvertes.

# %%
result = check_shop(shop.url, page)
shop.stop()
kitchen.stop()
result

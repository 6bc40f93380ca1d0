"""Every sentence a person reads outside the notebooks, in English and in French.

Code asks `say("key", name=value)` and gets the sentence in the workshop's language (the
`LANGUAGE` setting). Keeping them here lets a teacher reword or translate in one place.

Two habits of the sentences, so that numbers read as the language writes them:
- a number given a format is written the language's way: `{rows:,}` is 10,000 in English and
  10 000 in French, `{seconds:.1f}` is 2.5 or 2,5 (a number without a format, like a port, is
  left as it is);
- `{count:file|files}` is the word that agrees with the number `count`: "1 file", "2 files"
  (French uses the singular for 0 and 1 as well: "0 fichier", "1 fichier", "2 fichiers").
"""

import string
from collections.abc import Mapping
from typing import Any

from {{ cookiecutter.package_name }}.settings import get_settings

COMMAND = "{{ cookiecutter.package_name }}"

MESSAGES = {
    "no_champion": {
        "en": "No model holds the 'champion' alias yet: train and register one first with "
        f"`{COMMAND} train`. The kitchen opens by itself once a champion exists.",
        "fr": "Aucun modèle ne porte encore l'alias 'champion' : entraînez-en un et "
        f"enregistrez-le d'abord avec `{COMMAND} train`. La cuisine ouvre d'elle-même dès "
        "qu'un champion existe.",
    },
    "lab_book_damaged": {
        "en": "The lab book {uri} is damaged: it is not a database MLflow can read. Move it aside "
        "(rename it, for instance to mlflow.db.damaged) and train again (`{command} train`), or "
        "put back a copy you kept.",
        "fr": "Le cahier de laboratoire {uri} est abîmé : MLflow ne peut pas le lire. Mettez-le "
        "de côté (renommez-le, par exemple en mlflow.db.abime) et entraînez de nouveau "
        "(`{command} train`), ou remettez une copie gardée.",
    },
    "lab_unreachable": {
        "en": "The kitchen cannot reach the lab book at {uri}: start it (`{command} lab`) or "
        "check MLFLOW_TRACKING_URI in .env.",
        "fr": "La cuisine ne joint pas le cahier de laboratoire à {uri} : démarrez-le "
        "(`{command} lab`) ou vérifiez MLFLOW_TRACKING_URI dans .env.",
    },
    "untrusted_model": {
        "en": "The champion's model file holds types the kitchen does not trust, so it was not "
        f"opened. Train a new one with `{COMMAND} train`.",
        "fr": "Le fichier du modèle champion contient des types auxquels la cuisine ne fait pas "
        f"confiance : il n'a pas été ouvert. Entraînez-en un nouveau avec `{COMMAND} train`.",
    },
    "unreadable_model": {
        "en": "The champion's model file could not be read (damaged or incomplete), so it was "
        f"not opened. Train and register a new one with `{COMMAND} train`.",
        "fr": "Le fichier du modèle champion est illisible (abîmé ou incomplet) : il n'a pas "
        f"été ouvert. Entraînez-en et enregistrez-en un nouveau avec `{COMMAND} train`.",
    },
    "stale_champion": {
        "en": "The kitchen still cooks with version {version}, which may no longer be the "
        "registry's champion: {why}",
        "fr": "La cuisine cuisine encore avec la version {version}, qui n'est peut-être plus le "
        "champion du registre : {why}",
    },
    "reload_too_soon": {
        "en": "The kitchen looked at the registry a moment ago: ask again in {seconds:.1f} s.",
        "fr": "La cuisine vient de regarder le registre : redemandez dans {seconds:.1f} s.",
    },
    "text_frames_only": {
        "en": "Send each order as a text message holding JSON, not as binary data.",
        "fr": "Envoyez chaque commande comme un message texte en JSON, pas en binaire.",
    },
    "order_breaks_menu": {
        "en": "The order does not follow the menu.",
        "fr": "La commande ne suit pas le menu.",
    },
    "json_only": {
        "en": "Send orders as JSON, with the header `Content-Type: application/json`.",
        "fr": "Envoyez les commandes en JSON, avec l'en-tête `Content-Type: application/json`.",
    },
    "more_problems": {
        "en": "...and {count} more problems, not listed (the first {shown} are above).",
        "fr": "... et {count} autres problèmes, non listés (les {shown} premiers sont ci-dessus).",
    },
    "kitchen_closed": {
        "en": "The kitchen is closed: nobody answers at {url}. Start it with "
        f"`{COMMAND} kitchen`, or all three parts with `{COMMAND} up`.",
        "fr": "La cuisine est fermée : personne ne répond à {url}. Démarrez-la avec "
        f"`{COMMAND} kitchen`, ou les trois parties avec `{COMMAND} up`.",
    },
    "kitchen_slow": {
        "en": "The kitchen did not answer within {seconds:g} s. It may still be starting: try "
        "again in a moment.",
        "fr": "La cuisine n'a pas répondu en {seconds:g} s. Elle démarre peut-être encore : "
        "réessayez dans un instant.",
    },
    "kitchen_not_ready": {
        "en": "The kitchen is open but has nothing to cook with: {reason}",
        "fr": "La cuisine est ouverte mais n'a rien pour cuisiner : {reason}",
    },
    "kitchen_trouble": {
        "en": "The kitchen answered with an unexpected error (HTTP {status}). Look at the "
        "kitchen's terminal for details.",
        "fr": "La cuisine a répondu par une erreur inattendue (HTTP {status}). Regardez le "
        "terminal de la cuisine pour les détails.",
    },
    "order_refused": {
        "en": "The kitchen refused the order: {problems}",
        "fr": "La cuisine a refusé la commande : {problems}",
    },
    "field_refused": {"en": "{field}: {rule}", "fr": "{field} : {rule}"},
    "check_passed": {
        "en": "✅ Self-check passed: {what}",
        "fr": "✅ Auto-vérification réussie : {what}",
    },
    "check_not_done": {
        "en": "⏳ Not done yet: {what} Hint: {hint}",
        "fr": "⏳ Pas encore fait : {what} Indice : {hint}",
    },
    "check_wrong": {
        "en": "❌ Not quite: {what} Hint: {hint}",
        "fr": "❌ Pas tout à fait : {what} Indice : {hint}",
    },
    "first_run_missing": {
        "en": "no run named 'first-experiment' is in the lab book yet.",
        "fr": "aucune run nommée 'first-experiment' n'est encore dans le cahier de laboratoire.",
    },
    "first_run_hint": {
        "en": 'run the cell that starts `mlflow.start_run(run_name="first-experiment")`.',
        "fr": "exécutez la cellule qui commence par "
        '`mlflow.start_run(run_name="first-experiment")`.',
    },
    "first_run_no_metric": {
        "en": "the run 'first-experiment' has no rmse metric.",
        "fr": "la run 'first-experiment' n'a pas de métrique rmse.",
    },
    "first_run_metric_hint": {
        "en": "log it with `mlflow.log_metrics(metrics)` inside the `with` block.",
        "fr": "enregistrez-la avec `mlflow.log_metrics(metrics)` dans le bloc `with`.",
    },
    "first_run_failed": {
        "en": "the run 'first-experiment' stopped on an error before its results were written.",
        "fr": "la run 'first-experiment' s'est arrêtée sur une erreur avant que ses résultats "
        "soient notés.",
    },
    "first_run_failed_hint": {
        "en": "read the error under the experiment's cell, fix its cause, and run the cell again.",
        "fr": "lisez l'erreur sous la cellule de l'expérience, corrigez sa cause, et relancez "
        "la cellule.",
    },
    "first_run_rate_unreadable": {
        "en": "the run's learning rate was written as {shown}, not as a number.",
        "fr": "le taux d'apprentissage de la run a été noté {shown}, pas comme un nombre.",
    },
    "first_run_rate_outside": {
        "en": "the run 'first-experiment' used a learning rate of {shown}, outside the range "
        "exercise 1 asks for ({low} to {high}).",
        "fr": "la run 'first-experiment' a utilisé un taux d'apprentissage de {shown}, hors "
        "de la plage que demande l'exercice 1 ({low} à {high}).",
    },
    "first_run_rate_outside_hint": {
        "en": "choose a rate inside that range in exercise 1, then run the cells below it again.",
        "fr": "choisissez un taux dans cette plage à l'exercice 1, puis relancez les cellules "
        "qui le suivent.",
    },
    "first_run_weak": {
        "en": "the model of 'first-experiment' explains less than half of the outcome's "
        "variation (its r2).",
        "fr": "le modèle de 'first-experiment' explique moins de la moitié de la variation du "
        "résultat (son r2).",
    },
    "first_run_weak_hint": {
        "en": "try another learning rate between {low} and {high}.",
        "fr": "essayez un autre taux d'apprentissage entre {low} et {high}.",
    },
    "first_run_ok": {
        "en": "the first experiment is in the lab book, with its ingredients and results.",
        "fr": "la première expérience est dans le cahier de laboratoire, avec ses ingrédients "
        "et ses résultats.",
    },
    "exercise_not_done": {
        "en": "Exercise {number} is not done yet: this cell is yours to write. Replace its "
        "`...` and its `raise ExerciseNotDone({number})` line with your code (the text "
        "above the cell says what to write), then run the cell again.",
        "fr": "L'exercice {number} n'est pas encore fait : cette cellule est à vous. "
        "Remplacez ses `...` et sa ligne `raise ExerciseNotDone({number})` par votre "
        "code (le texte au-dessus de la cellule dit quoi écrire), puis relancez la "
        "cellule.",
    },
    "exercise_placeholder_left": {
        "en": "Exercise {number} is not done yet: in this cell, `{name} = ...` still waits "
        "for your answer. Replace the `...` with it (the text above the cell says what "
        "to write), then run the cell again.",
        "fr": "L'exercice {number} n'est pas encore fait : dans cette cellule, `{name} = ...` "
        "attend encore votre réponse. Remplacez les `...` par elle (le texte au-dessus "
        "de la cellule dit quoi écrire), puis relancez la cellule.",
    },
    "exercise_not_quite": {
        "en": "✏️ Exercise {number}, not quite yet: {problem} Hint: {hint} Then run this cell "
        "again.",
        "fr": "✏️ Exercice {number}, pas tout à fait : {problem} Indice : {hint} Puis "
        "relancez cette cellule.",
    },
    "answer_decimal_comma": {
        "en": "`{name}` reads as {shown}: Python took the comma for a separator between values.",
        "fr": "`{name}` se lit {shown} : Python a pris la virgule pour un séparateur entre "
        "des valeurs.",
    },
    "answer_decimal_comma_hint": {
        "en": "in Python, decimals are written with a point (3.5, not 3,5).",
        "fr": "en Python, les décimales s'écrivent avec un point (3.5, et non 3,5).",
    },
    "answer_not_number": {
        "en": "`{name}` is {shown}, not a number.",
        "fr": "`{name}` vaut {shown}, pas un nombre.",
    },
    "answer_not_number_hint": {
        "en": "write the number itself, without quotes.",
        "fr": "écrivez le nombre lui-même, sans guillemets.",
    },
    "answer_out_of_range": {
        "en": "`{name}` is {shown}, outside the range the exercise asks for ({low} to {high}).",
        "fr": "`{name}` vaut {shown}, hors de la plage que demande l'exercice ({low} à {high}).",
    },
    "answer_out_of_range_hint": {
        "en": "choose a value inside that range.",
        "fr": "choisissez une valeur dans cette plage.",
    },
    "answer_not_list": {
        "en": "`{name}` should be a list, and it is {shown}.",
        "fr": "`{name}` devrait être une liste, et vaut {shown}.",
    },
    "answer_not_list_hint": {
        "en": "put the values between square brackets, separated by commas: [first, second].",
        "fr": "mettez les valeurs entre crochets, séparées par des virgules : [première, "
        "deuxième].",
    },
    "answer_too_few": {
        "en": "`{name}` needs at least {least} values, to have something to compare.",
        "fr": "`{name}` demande au moins {least} valeurs, pour avoir de quoi comparer.",
    },
    "answer_too_few_hint": {
        "en": "add values to the list, separated by commas.",
        "fr": "ajoutez des valeurs à la liste, séparées par des virgules.",
    },
    "order_by_not_text": {
        "en": "each item of `{name}` is a text, and {shown} is not.",
        "fr": "chaque élément de `{name}` est un texte, et {shown} n'en est pas un.",
    },
    "order_by_not_text_hint": {
        "en": 'put it between quotes, as in ["metrics.r2 DESC"].',
        "fr": 'mettez-le entre guillemets, comme dans ["metrics.r2 DESC"].',
    },
    "order_by_direction": {
        "en": "{shown} must end with a direction: ASC or DESC.",
        "fr": "{shown} doit finir par un sens : ASC ou DESC.",
    },
    "order_by_direction_hint": {
        "en": "a column's name, one space, then ASC or DESC.",
        "fr": "le nom d'une colonne, une espace, puis ASC ou DESC.",
    },
    "order_by_no_prefix": {
        "en": "{shown} names no column of the lab book.",
        "fr": "{shown} ne nomme aucune colonne du cahier de laboratoire.",
    },
    "order_by_no_prefix_hint": {
        "en": "a metric's column starts with `metrics.`, as in the text above.",
        "fr": "la colonne d'une métrique commence par `metrics.`, comme dans le texte au-dessus.",
    },
    "uri_not_called": {
        "en": "`{name}` is the function `model_uri` itself, not an address.",
        "fr": "`{name}` est la fonction `model_uri` elle-même, pas une adresse.",
    },
    "uri_not_called_hint": {
        "en": "call it: brackets after its name, with what it needs inside.",
        "fr": "appelez-la : des parenthèses après son nom, avec ce qu'il lui faut dedans.",
    },
    "uri_not_model": {
        "en": "`{name}` is {shown}, not an address in the registry.",
        "fr": "`{name}` vaut {shown}, pas une adresse du registre.",
    },
    "uri_not_model_hint": {
        "en": "ask `model_uri` for it.",
        "fr": "demandez-la à `model_uri`.",
    },
    "uri_pinned": {
        "en": "`{name}` is {shown}: one fixed version, not the champion.",
        "fr": "`{name}` vaut {shown} : une version fixée, pas le champion.",
    },
    "uri_pinned_hint": {
        "en": "give no version: the alias finds the champion by itself.",
        "fr": "ne donnez pas de version : l'alias trouve le champion tout seul.",
    },
    "uri_other_alias": {
        "en": "`{name}` is {shown}: the address of another alias.",
        "fr": "`{name}` vaut {shown} : l'adresse d'un autre alias.",
    },
    "uri_other_alias_hint": {
        "en": "ask `model_uri` with the settings only.",
        "fr": "demandez à `model_uri` avec les réglages seulement.",
    },
    "model_not_model": {
        "en": "`{name}` is {shown}, not a model that can predict.",
        "fr": "`{name}` vaut {shown}, pas un modèle capable de prédire.",
    },
    "model_not_model_hint": {
        "en": "keep what `load_pipeline(...)` returns.",
        "fr": "gardez ce que rend `load_pipeline(...)`.",
    },
    "response_not_response": {
        "en": "`{name}` is {shown}, not the kitchen's answer.",
        "fr": "`{name}` vaut {shown}, pas la réponse de la cuisine.",
    },
    "response_not_response_hint": {
        "en": "keep what `http.post(...)` returns.",
        "fr": "gardez ce que rend `http.post(...)`.",
    },
    "response_status_404": {
        "en": "the kitchen answered {status}: that path is not one of its routes.",
        "fr": "la cuisine a répondu {status} : ce chemin n'est pas une de ses routes.",
    },
    "response_status_404_hint": {
        "en": "write the path exactly as the exercise names it, with no slash at the end.",
        "fr": "écrivez le chemin exactement comme l'exercice le nomme, sans barre oblique à "
        "la fin.",
    },
    "response_status_405": {
        "en": "the kitchen answered {status}: that route does not take this kind of request.",
        "fr": "la cuisine a répondu {status} : cette route n'accepte pas ce genre de requête.",
    },
    "response_status_405_hint": {
        "en": "an order is sent with POST, not GET.",
        "fr": "une commande s'envoie avec POST, pas GET.",
    },
    "response_status_422": {
        "en": "the kitchen refused the order ({status}); the fields it names: {fields}.",
        "fr": "la cuisine a refusé la commande ({status}) ; les champs qu'elle nomme : {fields}.",
    },
    "response_status_422_hint": {
        "en": "send the dictionary `order` as it is, not wrapped in another one: the menu's "
        "fields, each inside its range.",
        "fr": "envoyez le dictionnaire `order` tel quel, sans l'emballer dans un autre : les "
        "champs du menu, chacun dans sa plage.",
    },
    "response_status_other": {
        "en": "the kitchen answered HTTP {status}.",
        "fr": "la cuisine a répondu HTTP {status}.",
    },
    "response_status_other_hint": {
        "en": "read `response.text`: the kitchen says why.",
        "fr": "lisez `response.text` : la cuisine dit pourquoi.",
    },
    "batch_is_response": {
        "en": "`{name}` is the kitchen's raw answer, not the JSON inside it.",
        "fr": "`{name}` est la réponse brute de la cuisine, pas le JSON qu'elle contient.",
    },
    "batch_is_response_hint": {
        "en": "read it with `.json()`.",
        "fr": "lisez-la avec `.json()`.",
    },
    "batch_refused": {
        "en": "`{name}` holds no predictions: {shown}.",
        "fr": "`{name}` ne contient pas de prédictions : {shown}.",
    },
    "batch_refused_hint": {
        "en": "the body is a dictionary whose key `orders` holds the list of orders.",
        "fr": "le corps est un dictionnaire dont la clé `orders` contient la liste des commandes.",
    },
    "batch_wrong_length": {
        "en": "the number of predictions in `{name}` is {count}, not {rows}.",
        "fr": "le nombre de prédictions dans `{name}` est {count}, et non {rows}.",
    },
    "batch_wrong_length_hint": {
        "en": "take the first rows of the table with `.head(...)`.",
        "fr": "prenez les premières lignes de la table avec `.head(...)`.",
    },
    "page_not_run": {
        "en": "`{name}` is the button, not the page after the click.",
        "fr": "`{name}` est le bouton, pas la page après le clic.",
    },
    "page_not_run_hint": {
        "en": "end the line with `.run()`: it runs the page again and returns it.",
        "fr": "finissez la ligne par `.run()` : il relance la page et la rend.",
    },
    "page_not_page": {
        "en": "`{name}` is {shown}, not the page.",
        "fr": "`{name}` vaut {shown}, pas la page.",
    },
    "page_not_page_hint": {
        "en": "keep what `....click().run()` returns.",
        "fr": "gardez ce que rend `....click().run()`.",
    },
    "item_by_name": {
        "en": "`{name}` is the text {shown}, not an item of `{among}`.",
        "fr": "`{name}` est le texte {shown}, pas un élément de `{among}`.",
    },
    "item_not_in_list": {
        "en": "`{name}` is {shown}, not an item of `{among}`.",
        "fr": "`{name}` vaut {shown}, pas un élément de `{among}`.",
    },
    "item_whole_list": {
        "en": "`{name}` is a whole list, not one of its items.",
        "fr": "`{name}` est une liste entière, pas un de ses éléments.",
    },
    "item_hint": {
        "en": "take one item from the list by its position: `{among}[...]`.",
        "fr": "prenez un élément de la liste par sa position : `{among}[...]`.",
    },
    # --- The shop window ---
    "order_too_big": {
        "en": "The kitchen refused the order because it is too big. Send fewer rows at once.",
        "fr": "La cuisine a refusé la commande car elle est trop grosse. Envoyez moins de "
        "lignes à la fois.",
    },
    "cli_port_taken": {
        "en": "Port {port} on {host} is already taken. Stop what uses it, or choose another port "
        "with {option} <port>.",
        "fr": "Le port {port} sur {host} est déjà pris. Arrêtez ce qui l'utilise, ou choisissez "
        "un autre port avec {option} <port>.",
    },
    "cli_trained": {
        "en": "Trained in {seconds:.1f} s: {metrics}.",
        "fr": "Entraîné en {seconds:.1f} s : {metrics}.",
    },
    "cli_new_champion": {
        "en": "Model version {version} is the new champion (run {run}).",
        "fr": "La version {version} du modèle est le nouveau champion (run {run}).",
    },
    "cli_not_champion": {
        "en": "Model version {version} did not beat the champion (run {run}).",
        "fr": "La version {version} du modèle n'a pas battu le champion (run {run}).",
    },
    "cli_training_first": {
        "en": "The lab has no champion yet: training a first model...",
        "fr": "Le laboratoire n'a pas encore de champion : entraînement d'un premier modèle...",
    },
    "cli_opens_at": {
        "en": "The {name} opens at {url}",
        "fr": "La partie « {name} » ouvre à {url}",
    },
    "cli_open": {
        "en": "\nThe restaurant is open:",
        "fr": "\nLe restaurant est ouvert :",
    },
    "cli_press_ctrl_c": {
        "en": "Press Ctrl-C to close all three.\n",
        "fr": "Appuyez sur Ctrl-C pour fermer les trois.\n",
    },
    "cli_did_not_start": {
        "en": "The {name} did not start (see its messages above); all stopped.",
        "fr": "La partie « {name} » n'a pas démarré (voir ses messages ci-dessus) ; tout est "
        "arrêté.",
    },
    "cli_part_stopped": {
        "en": "The {name} stopped by itself; closing the others.",
        "fr": "La partie « {name} » s'est arrêtée d'elle-même ; fermeture des autres.",
    },
    "cli_closing": {
        "en": "\nClosing the restaurant...",
        "fr": "\nFermeture du restaurant...",
    },
    "cli_closing_one": {
        "en": "\nClosing the {name}...",
        "fr": "\nFermeture de la partie « {name} »...",
    },
    "server_did_not_start": {
        "en": "The {name} did not open within {seconds:g} s. Start it yourself in a terminal "
        "to see why.",
        "fr": "La partie « {name} » n'a pas ouvert en {seconds:g} s. Lancez-la vous-même dans "
        "un terminal pour voir pourquoi.",
    },
    # --- The lab's notebooks ---
    "nb_training_champion": {
        "en": "The registry has no champion yet (notebook 03 makes one): training a quick one now.",
        "fr": "Le registre n'a pas encore de champion (le notebook 03 en crée un) : "
        "entraînement d'un modèle rapide.",
    },
    "compare_missing": {
        "en": "no run named 'compare-formulas' is in the lab book yet.",
        "fr": "aucune run nommée 'compare-formulas' n'est encore dans le cahier de laboratoire.",
    },
    "compare_missing_hint": {
        "en": 'run the cell that opens `mlflow.start_run(run_name="compare-formulas")`.',
        "fr": 'exécutez la cellule qui ouvre `mlflow.start_run(run_name="compare-formulas")`.',
    },
    "compare_few_runs": {
        "en": "the comparison holds fewer than 3 formulas with an rmse.",
        "fr": "la comparaison contient moins de 3 formules avec une rmse.",
    },
    "compare_few_runs_hint": {
        "en": "give at least two learning rates in exercise 1, then run the comparison again.",
        "fr": "donnez au moins deux taux d'apprentissage à l'exercice 1, puis relancez la "
        "comparaison.",
    },
    "compare_rates_outside": {
        "en": "the tray holds formulas with a learning rate outside {low} to {high} ({shown}).",
        "fr": "le plateau contient des formules au taux d'apprentissage hors de {low} à "
        "{high} ({shown}).",
    },
    "compare_rates_outside_hint": {
        "en": "keep exercise 1's rates inside that range, then run the tray again.",
        "fr": "gardez les taux de l'exercice 1 dans cette plage, puis relancez le plateau.",
    },
    "compare_not_chosen": {
        "en": "no formula has been chosen yet.",
        "fr": "aucune formule n'a encore été choisie.",
    },
    "compare_not_chosen_hint": {
        "en": "finish exercise 2: let `search_runs` sort the runs, then take the first one.",
        "fr": "terminez l'exercice 2 : laissez `search_runs` trier les runs, puis prenez la "
        "première.",
    },
    "compare_not_an_id": {
        "en": "the chosen run should be one run's id (a text), and it is {shown}.",
        "fr": "la run choisie devrait être l'identifiant d'une run (un texte), et vaut {shown}.",
    },
    "compare_not_an_id_hint": {
        "en": "keep `best_run_id` as the notebook computes it: the first row's `run_id`.",
        "fr": "gardez `best_run_id` tel que le notebook le calcule : le `run_id` de la "
        "première ligne.",
    },
    "compare_not_in_tray": {
        "en": "the chosen run is not one of the tray's formulas.",
        "fr": "la run choisie n'est pas une des formules du plateau.",
    },
    "compare_not_in_tray_hint": {
        "en": "search among the tray's children only, as the given filter does.",
        "fr": "cherchez parmi les enfants du plateau seulement, comme le fait le filtre donné.",
    },
    "compare_wrong_choice": {
        "en": "the chosen run is not the one with the lowest rmse in the comparison.",
        "fr": "la run choisie n'est pas celle qui a la plus petite rmse de la comparaison.",
    },
    "compare_wrong_choice_hint": {
        "en": "a lower rmse is better: which direction of the sort puts the smallest first? "
        "The text above exercise 2 says.",
        "fr": "une rmse plus basse est meilleure : quel sens du tri met la plus petite en "
        "premier ? Le texte au-dessus de l'exercice 2 le dit.",
    },
    "compare_ok": {
        "en": "{runs:,} {runs:formula is|formulas are} compared in the lab book, and the best "
        "one was chosen by a query.",
        "fr": "{runs:,} {runs:formule est comparée|formules sont comparées} dans le cahier de "
        "laboratoire, et la meilleure a été choisie par une requête.",
    },
    "registry_no_champion": {
        "en": "no model version holds the 'champion' alias.",
        "fr": "aucune version de modèle ne porte l'alias 'champion'.",
    },
    "registry_no_champion_hint": {
        "en": "run the cells that call `train(settings, ...)`: the first model registered "
        "becomes the champion.",
        "fr": "exécutez les cellules qui appellent `train(settings, ...)` : le premier modèle "
        "enregistré devient le champion.",
    },
    "registry_no_challenger": {
        "en": "no model version holds the 'challenger' alias.",
        "fr": "aucune version de modèle ne porte l'alias 'challenger'.",
    },
    "registry_no_challenger_hint": {
        "en": "train the weaker formula too: a model that does not beat the champion becomes "
        "the challenger.",
        "fr": "entraînez aussi la formule plus faible : un modèle qui ne bat pas le champion "
        "devient le challenger.",
    },
    "registry_alias_typo": {
        "en": "the registry has an alias '{found}', but the kitchen asks for exactly '{alias}'.",
        "fr": "le registre a un alias '{found}', mais la cuisine demande exactement '{alias}'.",
    },
    "registry_alias_typo_hint": {
        "en": "aliases are case-sensitive: set '{alias}' with "
        "`registry.set_registered_model_alias(...)`.",
        "fr": "les alias distinguent majuscules et minuscules : posez '{alias}' avec "
        "`registry.set_registered_model_alias(...)`.",
    },
    "registry_same_version": {
        "en": "the champion and the challenger are the same version.",
        "fr": "le champion et le challenger sont la même version.",
    },
    "registry_same_version_hint": {
        "en": "train another formula: `train` gives it the alias it earns.",
        "fr": "entraînez une autre formule : `train` lui donne l'alias qu'elle mérite.",
    },
    "registry_order_wrong": {
        "en": "the challenger has a lower rmse than the champion.",
        "fr": "le challenger a une rmse plus basse que le champion.",
    },
    "registry_order_hint": {
        "en": "the champion alias belongs to the version with the lowest rmse: move it there.",
        "fr": "l'alias champion revient à la version qui a la plus petite rmse : déplacez-le.",
    },
    "registry_no_project_run": {
        "en": "no run started by MLflow Projects is in the lab book.",
        "fr": "aucune run lancée par MLflow Projects n'est dans le cahier de laboratoire.",
    },
    "registry_project_hint": {
        "en": "run the cell that calls `mlflow.projects.run(...)`.",
        "fr": "exécutez la cellule qui appelle `mlflow.projects.run(...)`.",
    },
    "registry_ok": {
        "en": "version {version} is the champion, a weaker one is the challenger, and the "
        "MLproject ran.",
        "fr": "la version {version} est le champion, une plus faible est le challenger, et le "
        "MLproject a tourné.",
    },
    "kitchen_check_closed": {
        "en": "the kitchen does not answer, or is not ready to cook.",
        "fr": "la cuisine ne répond pas, ou n'est pas prête à cuisiner.",
    },
    "kitchen_check_closed_hint": {
        "en": "run the cell that calls `open_kitchen(settings)` again.",
        "fr": "relancez la cellule qui appelle `open_kitchen(settings)`.",
    },
    "kitchen_check_bad_address": {
        "en": "{shown} is not the address of a kitchen.",
        "fr": "{shown} n'est pas l'adresse d'une cuisine.",
    },
    "kitchen_check_bad_address_hint": {
        "en": "give the address as `kitchen.url` writes it: http://, the machine, its port.",
        "fr": "donnez l'adresse comme l'écrit `kitchen.url` : http://, la machine, son port.",
    },
    "kitchen_check_other_model": {
        "en": "the kitchen cooks with another model than the registry's champion.",
        "fr": "la cuisine cuisine avec un autre modèle que le champion du registre.",
    },
    "kitchen_check_other_model_hint": {
        "en": "is another kitchen running on the same port, with another lab book? Stop it "
        "and run the notebook again.",
        "fr": "une autre cuisine tourne-t-elle sur le même port, avec un autre cahier de "
        "laboratoire ? Arrêtez-la et relancez le notebook.",
    },
    "kitchen_check_accepts_bad": {
        "en": "the kitchen accepted an order that breaks the menu (a field not on it, or a "
        "number out of its range).",
        "fr": "la cuisine a accepté une commande qui ne suit pas le menu (un champ absent, ou "
        "un nombre hors de sa plage).",
    },
    "kitchen_check_accepts_bad_hint": {
        "en": "every order must follow the menu (menu.py): look at how `Order` forbids extras.",
        "fr": "chaque commande doit suivre le menu (menu.py) : regardez comment `Order` "
        "interdit les champs en trop.",
    },
    "kitchen_check_stream_broken": {
        "en": "the kitchen's WebSocket stream did not answer an order with a dish.",
        "fr": "le flux WebSocket de la cuisine n'a pas répondu à une commande par un plat.",
    },
    "kitchen_check_stream_hint": {
        "en": "look at the kitchen's terminal, then send one order on /ws/predict by hand.",
        "fr": "regardez le terminal de la cuisine, puis envoyez une commande sur /ws/predict à "
        "la main.",
    },
    "kitchen_check_ok": {
        "en": "the kitchen cooks with the champion (version {version}) over HTTP and "
        "WebSocket, and refuses a bad order.",
        "fr": "la cuisine cuisine avec le champion (version {version}) en HTTP et en "
        "WebSocket, et refuse une mauvaise commande.",
    },
    "shop_check_closed": {
        "en": "the shop window does not answer.",
        "fr": "la vitrine ne répond pas.",
    },
    "shop_check_closed_hint": {
        "en": "run the cell that calls `open_shop(...)` again.",
        "fr": "relancez la cellule qui appelle `open_shop(...)`.",
    },
    "shop_check_not_sent": {
        "en": "the page has not shown a dish yet.",
        "fr": "la page n'a pas encore affiché de plat.",
    },
    "shop_check_not_sent_hint": {
        "en": "finish exercise 1: click the page's button, then run it again.",
        "fr": "terminez l'exercice 1 : cliquez sur le bouton de la page, puis relancez-la.",
    },
    "shop_check_error": {
        "en": "the page showed an error instead of a dish.",
        "fr": "la page a affiché une erreur au lieu d'un plat.",
    },
    "shop_check_error_hint": {
        "en": "read the error on the page: is KITCHEN_URL the address of the open kitchen?",
        "fr": "lisez l'erreur de la page : KITCHEN_URL est-elle l'adresse de la cuisine ouverte ?",
    },
    "shop_check_ok": {
        "en": "the shop window is open, and its page showed a dish cooked by the kitchen.",
        "fr": "la vitrine est ouverte, et sa page a affiché un plat préparé par la cuisine.",
    },
    # --- doctor ---
    "doctor_title": {
        "en": "The doctor looks at this machine before the workshop:",
        "fr": "Le docteur examine cette machine avant l'atelier :",
    },
    "doctor_python_ok": {
        "en": "Python {running} (the project needs {wanted} or newer).",
        "fr": "Python {running} (le projet demande {wanted} ou plus récent).",
    },
    "doctor_python_old": {
        "en": "Python {running} is too old: the project needs {wanted} or newer.",
        "fr": "Python {running} est trop ancien : le projet demande {wanted} ou plus récent.",
    },
    "doctor_python_remedy": {
        "en": "install Python {wanted} (python.org, or your system's packages), then run "
        "`python3 run.py up` again with it: it makes a fresh .venv.",
        "fr": "installez Python {wanted} (python.org, ou les paquets de votre système), puis "
        "relancez `python3 run.py up` avec lui : il refait un .venv neuf.",
    },
    "doctor_packages_ok": {
        "en": "{count:,} {count:package|packages} installed and importable: {found}.",
        "fr": "{count:,} {count:paquet installé et importable|paquets installés et importables} : "
        "{found}.",
    },
    "doctor_project_missing": {
        "en": "the project itself is not installed in this Python.",
        "fr": "le projet lui-même n'est pas installé dans ce Python.",
    },
    "doctor_package_missing": {
        "en": "{name} is missing",
        "fr": "{name} est absent",
    },
    "doctor_package_version": {
        "en": "{name} {version} does not match {wanted}",
        "fr": "{name} {version} ne correspond pas à {wanted}",
    },
    "doctor_package_broken": {
        "en": "{name} {version} is listed but Python cannot find its code",
        "fr": "{name} {version} est listé mais Python ne trouve pas son code",
    },
    "doctor_packages_remedy": {
        "en": "run `python3 run.py up` (or `python3 run.py test`): it installs what is missing "
        "into .venv. In an offline room, see docs: `python3 run.py up --offline <wheelhouse>`.",
        "fr": "lancez `python3 run.py up` (ou `python3 run.py test`) : il installe ce qui "
        "manque dans .venv. Dans une salle sans réseau : `python3 run.py up --offline "
        "<dossier de roues>`.",
    },
    "doctor_part_lab": {"en": "lab", "fr": "laboratoire"},
    "doctor_part_kitchen": {"en": "kitchen", "fr": "cuisine"},
    "doctor_part_shop": {"en": "shop window", "fr": "vitrine"},
    "doctor_part_loop": {"en": "the loop", "fr": "la boucle"},
    "doctor_port_free": {
        "en": "Port {port} is free for the {part}.",
        "fr": "Le port {port} est libre pour la partie « {part} ».",
    },
    "doctor_port_same_part": {
        "en": "Port {port} is taken by a {part} that is already open (it answers like one).",
        "fr": "Le port {port} est pris par une partie « {part} » déjà ouverte (elle répond "
        "comme telle).",
    },
    "doctor_port_same_part_remedy": {
        "en": "if it is yours, nothing to do. To open another one, close it first (Ctrl-C in "
        "its terminal) or choose another port with `{option}`.",
        "fr": "si c'est la vôtre, rien à faire. Pour en ouvrir une autre, fermez-la d'abord "
        "(Ctrl-C dans son terminal) ou choisissez un autre port avec `{option}`.",
    },
    "doctor_port_other_part": {
        "en": "Port {port}, meant for the {part}, is taken: the {other} seems to be running there.",
        "fr": "Le port {port}, prévu pour la partie « {part} », est pris : la partie "
        "« {other} » semble y tourner.",
    },
    "doctor_port_taken": {
        "en": "Port {port}, meant for the {part}, is taken by another program.",
        "fr": "Le port {port}, prévu pour la partie « {part} », est pris par un autre programme.",
    },
    "doctor_port_remedy": {
        "en": "stop what uses port {port}, or choose another one: `{command} up {option} "
        "<port>` (or `--port` for one part alone), or set it in .env.",
        "fr": "arrêtez ce qui utilise le port {port}, ou choisissez-en un autre : `{command} up "
        "{option} <port>` (ou `--port` pour une seule partie), ou réglez-le dans .env.",
    },
    "doctor_lab_local_ok": {
        "en": "The lab book is a local file, in a folder you can write to: {path}",
        "fr": "Le cahier de laboratoire est un fichier local, dans un dossier où vous pouvez "
        "écrire : {path}",
    },
    "doctor_lab_local_readonly": {
        "en": "The lab book {path} cannot be written: its folder is missing or read-only.",
        "fr": "Le cahier de laboratoire {path} ne peut pas être écrit : son dossier manque ou "
        "est en lecture seule.",
    },
    "doctor_lab_local_remedy": {
        "en": "work in a folder of your own (copy the project there), or point "
        "MLFLOW_TRACKING_URI in .env at a file you can write.",
        "fr": "travaillez dans un dossier à vous (copiez-y le projet), ou faites pointer "
        "MLFLOW_TRACKING_URI dans .env vers un fichier que vous pouvez écrire.",
    },
    "doctor_lab_unreachable": {
        "en": "Nobody answers at the lab book's address {uri}.",
        "fr": "Personne ne répond à l'adresse du cahier de laboratoire {uri}.",
    },
    "doctor_lab_odd": {
        "en": "The lab book's address {uri} answers, but not like MLflow (HTTP {status}).",
        "fr": "L'adresse du cahier de laboratoire {uri} répond, mais pas comme MLflow "
        "(HTTP {status}).",
    },
    "doctor_lab_start_remedy": {
        "en": "open the lab first (`{command} lab` in another terminal), or remove "
        "MLFLOW_TRACKING_URI from .env to use the local file.",
        "fr": "ouvrez d'abord le laboratoire (`{command} lab` dans un autre terminal), ou "
        "retirez MLFLOW_TRACKING_URI de .env pour utiliser le fichier local.",
    },
    "doctor_lab_server_remedy": {
        "en": "check MLFLOW_TRACKING_URI in .env against the address the teacher gave, and ask "
        "the teacher whether the class server is up.",
        "fr": "comparez MLFLOW_TRACKING_URI dans .env à l'adresse donnée par l'enseignant, et "
        "demandez-lui si le serveur de la classe tourne.",
    },
    "doctor_lab_login_needed": {
        "en": "The class server {uri} asks for a login (HTTP 401), and none is set.",
        "fr": "Le serveur de la classe {uri} demande un identifiant (HTTP 401), et aucun n'est "
        "réglé.",
    },
    "doctor_lab_login_refused": {
        "en": "The class server {uri} refused your login (HTTP 401): wrong name or password.",
        "fr": "Le serveur de la classe {uri} a refusé votre identifiant (HTTP 401) : nom ou mot "
        "de passe erroné.",
    },
    "doctor_lab_forbidden": {
        "en": "The class server {uri} knows your login but does not let you read (HTTP 403).",
        "fr": "Le serveur de la classe {uri} connaît votre identifiant mais ne vous laisse pas "
        "lire (HTTP 403).",
    },
    "doctor_lab_login_remedy": {
        "en": "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (in your shell, or "
        "in .env) to the account the teacher gave you.",
        "fr": "réglez MLFLOW_TRACKING_USERNAME et MLFLOW_TRACKING_PASSWORD (dans votre shell, "
        "ou dans .env) avec le compte donné par l'enseignant.",
    },
    "doctor_lab_server_ok": {
        "en": "The lab book's server {uri} answers and lets you in.",
        "fr": "Le serveur du cahier de laboratoire {uri} répond et vous laisse entrer.",
    },
    "doctor_lab_unknown": {
        "en": "The lab book's address {uri} is of a kind the doctor cannot check.",
        "fr": "L'adresse du cahier de laboratoire {uri} est d'un type que le docteur ne sait "
        "pas vérifier.",
    },
    "doctor_no_champion": {
        "en": "No model is the champion yet (normal before the lab part).",
        "fr": "Aucun modèle n'est encore champion (normal avant la partie laboratoire).",
    },
    "doctor_no_champion_remedy": {
        "en": "train one with `{command} train` (`{command} up` also does it by itself).",
        "fr": "entraînez-en un avec `{command} train` (`{command} up` le fait aussi tout seul).",
    },
    "doctor_champion_ok": {
        "en": "Version {version} of '{name}' is the champion: the kitchen has a model to serve.",
        "fr": "La version {version} de '{name}' est le champion : la cuisine a un modèle à servir.",
    },
    "doctor_champion_error": {
        "en": "The registry could not be asked for the champion: {reason}",
        "fr": "Le registre n'a pas pu être interrogé sur le champion : {reason}",
    },
    "doctor_champion_skipped": {
        "en": "The champion was not looked for: the lab book did not answer.",
        "fr": "Le champion n'a pas été cherché : le cahier de laboratoire n'a pas répondu.",
    },
    "doctor_verdict_ok": {
        "en": "Ready for the workshop.",
        "fr": "Prêt pour l'atelier.",
    },
    "doctor_verdict_bad": {
        "en": "{count:,} {count:check|checks} failed: fix {count:it|them} as said above, then run "
        "the doctor again.",
        "fr": "{count:,} {count:vérification|vérifications} en échec : "
        "{count:corrigez-la|corrigez-les} comme indiqué, puis relancez le docteur.",
    },
    # --- checkpoint ---
    "checkpoint_bad_part": {
        "en": "{given!r} is not a part of the workshop: choose 1 (lab), 2 (kitchen), 3 (shop "
        "window) or 4 (the loop).",
        "fr": "{given!r} n'est pas une partie de l'atelier : choisissez 1 (laboratoire), 2 "
        "(cuisine), 3 (vitrine) ou 4 (la boucle).",
    },
    "checkpoint_title": {
        "en": "Checkpoint {part}: bringing the project to the end of part {part} ({name}).",
        "fr": "Point d'étape {part} : le projet est amené à la fin de la partie {part} ({name}).",
    },
    "checkpoint_no_git": {
        "en": "The checkpoint reads the workshop's files from the project's first git commit (the "
        "one the bake made), but {reason}. Nothing was changed. Ask the teacher, or bake the "
        "project again in a new folder (with git installed) and copy your own files into it.",
        "fr": "Le point d'étape lit les fichiers de l'atelier dans le premier commit git du projet "
        "(celui de sa génération), mais {reason}. Rien n'a été modifié. Demandez à l'enseignant, "
        "ou générez à nouveau le projet dans un nouveau dossier (avec git installé) et copiez-y "
        "vos propres fichiers.",
    },
    "checkpoint_git_missing": {
        "en": "git is not installed on this machine",
        "fr": "git n'est pas installé sur cette machine",
    },
    "checkpoint_no_first_commit": {
        "en": "this folder is not a git repository of its own with a first commit",
        "fr": "ce dossier n'est pas un dépôt git à lui seul avec un premier commit",
    },
    "checkpoint_no_solutions": {
        "en": "The solved notebook {path} is missing, so nothing was changed. Ask the teacher for "
        "the project's .workshop folder.",
        "fr": "Le notebook résolu {path} manque : rien n'a été modifié. Demandez à l'enseignant "
        "le dossier .workshop du projet.",
    },
    "checkpoint_backed_up": {
        "en": "{count:,} {count:file|files} of yours differed from the workshop's: your "
        "{count:version is|versions are} kept in {folder}",
        "fr": "{count:,} {count:fichier|fichiers} à vous {count:différait|différaient} de ceux de "
        "l'atelier : {count:votre version est gardée|vos versions sont gardées} dans {folder}",
    },
    "checkpoint_nothing_backed_up": {
        "en": "None of your files differed from the workshop's: nothing to back up.",
        "fr": "Aucun de vos fichiers ne différait de ceux de l'atelier : rien à sauvegarder.",
    },
    "checkpoint_restored": {
        "en": "{count:,} {count:file|files} put back as the workshop has {count:it|them} "
        "(files you added are left alone).",
        "fr": "{count:,} {count:fichier remis|fichiers remis} dans la version de l'atelier (les "
        "fichiers que vous avez ajoutés ne sont pas touchés).",
    },
    "checkpoint_nothing_restored": {
        "en": "Every file already matched the workshop's.",
        "fr": "Chaque fichier correspondait déjà à celui de l'atelier.",
    },
    "checkpoint_left_alone": {
        "en": "{count:,} {count:file|files} left as {count:it is|they are}: a symbolic link leads "
        "{count:it|them} (or {count:its|their} backup folder) out of the project, and a "
        "checkpoint never writes there. Replace the link by a plain file, then run the "
        "checkpoint again:",
        "fr": "{count:,} {count:fichier laissé tel quel|fichiers laissés tels quels} : un lien "
        "symbolique {count:le mène (lui|les mène (eux} ou {count:son|leur} dossier de "
        "sauvegarde) hors du projet, et un point d'étape n'écrit jamais là. "
        "Remplacez le lien par un fichier ordinaire, puis relancez le point d'étape :",
    },
    "checkpoint_training": {
        "en": "The lab has no champion yet: training one now (about a minute)...",
        "fr": "Le laboratoire n'a pas encore de champion : entraînement en cours (une minute "
        "environ)...",
    },
    "checkpoint_lab_ok": {
        "en": "Lab: version {version} is the champion.",
        "fr": "Laboratoire : la version {version} est le champion.",
    },
    "checkpoint_kitchen_ok": {
        "en": "Kitchen: opened for a moment on a free port, it cooked with version {version} "
        "over HTTP and WebSocket, and refused a bad order.",
        "fr": "Cuisine : ouverte un instant sur un port libre, elle a cuisiné avec la version "
        "{version} en HTTP et en WebSocket, et refusé une mauvaise commande.",
    },
    "checkpoint_kitchen_failed": {
        "en": "The kitchen still does not work after the checkpoint: {reason} Call the teacher.",
        "fr": "La cuisine ne fonctionne toujours pas après le point d'étape : {reason} "
        "Appelez l'enseignant.",
    },
    "checkpoint_shop_ok": {
        "en": "Shop window: it opened, and its waiter brought a dish back from the kitchen.",
        "fr": "Vitrine : elle s'est ouverte, et son serveur a rapporté un plat de la cuisine.",
    },
    "checkpoint_shop_failed": {
        "en": "The shop window still does not work after the checkpoint: {reason} Call the "
        "teacher.",
        "fr": "La vitrine ne fonctionne toujours pas après le point d'étape : {reason} "
        "Appelez l'enseignant.",
    },
    "checkpoint_loop_promoted": {
        "en": "The loop: {orders:,} {orders:order|orders} of season 2 went through the kitchen "
        "into its order book and were harvested; the challenger trained on them (version "
        "{version}) passed the jury's rule and is the champion the kitchen cooks with.",
        "fr": "La boucle : {orders:,} {orders:commande|commandes} de la saison 2 {orders:est "
        "passée|sont passées} par la cuisine et son carnet, puis {orders:a été récoltée|ont été "
        "récoltées} ; le challenger entraîné dessus (version {version}) a passé la règle du jury "
        "et il est le champion avec lequel la cuisine cuisine.",
    },
    "checkpoint_loop_kept": {
        "en": "The loop: {orders:,} {orders:order|orders} of season 2 went through the kitchen "
        "into its order book and were harvested; the challenger trained on them (version "
        "{version}) did not pass the jury's rule, so the champion stays (version {champion}).",
        "fr": "La boucle : {orders:,} {orders:commande|commandes} de la saison 2 {orders:est "
        "passée|sont passées} par la cuisine et son carnet, puis {orders:a été récoltée|ont été "
        "récoltées} ; le challenger entraîné dessus (version {version}) n'a pas passé la règle "
        "du jury, le champion reste donc (version {champion}).",
    },
    "checkpoint_loop_failed": {
        "en": "The loop still does not close after the checkpoint: {reason} Call the teacher.",
        "fr": "La boucle ne se referme toujours pas après le point d'étape : {reason} "
        "Appelez l'enseignant.",
    },
    "checkpoint_restart_note": {
        "en": "If a kitchen or a shop window is open in a terminal, close it (Ctrl-C) and open it "
        "again: it still runs the old code.",
        "fr": "Si une cuisine ou une vitrine est ouverte dans un terminal, fermez-la (Ctrl-C) "
        "et rouvrez-la : elle exécute encore l'ancien code.",
    },
    "checkpoint_done": {
        "en": "Done: the project is where it should be at the end of part {part}.",
        "fr": "Terminé : le projet est là où il doit être à la fin de la partie {part}.",
    },
    # --- class server ---
    "class_no_database": {
        "en": "The class server needs a PostgreSQL database, and CLASS_DATABASE_URI is not set. "
        "Install PostgreSQL (Debian/Ubuntu: `sudo apt install postgresql`; macOS: `brew install "
        "postgresql@15`; Windows: the installer from postgresql.org), create a user and a "
        "database for the class, then set CLASS_DATABASE_URI=postgresql://USER:PASSWORD@HOST:5432"
        "/DATABASE in your shell or in .env. An existing PostgreSQL server works too: point the "
        "same setting at it.",
        "fr": "Le serveur de classe a besoin d'une base PostgreSQL, et CLASS_DATABASE_URI n'est "
        "pas renseignée. Installez PostgreSQL (Debian/Ubuntu : `sudo apt install postgresql` ; "
        "macOS : `brew install postgresql@15` ; Windows : l'installeur de postgresql.org), "
        "créez un utilisateur et une base pour la classe, puis renseignez "
        "CLASS_DATABASE_URI=postgresql://UTILISATEUR:MOT_DE_PASSE@HOTE:5432/BASE dans votre "
        "terminal ou dans .env. Un serveur PostgreSQL existant convient aussi : pointez ce même "
        "réglage vers lui.",
    },
    "class_not_postgres": {
        "en": "CLASS_DATABASE_URI starts with '{scheme}://', but the class server runs on "
        "PostgreSQL: use postgresql://USER:PASSWORD@HOST:5432/DATABASE.",
        "fr": "CLASS_DATABASE_URI commence par '{scheme}://', mais le serveur de classe tourne "
        "sur PostgreSQL : utilisez postgresql://UTILISATEUR:MOT_DE_PASSE@HOTE:5432/BASE.",
    },
    "class_no_driver": {
        "en": "The class server lacks a package: '{driver}' is missing. Add the "
        'class extra to the project: `uv pip install -e ".[class]"` (or `pip install -e '
        '".[class]"`), then run the command again.',
        "fr": "Il manque un paquet au serveur de classe : '{driver}'. "
        'Ajoutez l\'extra class au projet : `uv pip install -e ".[class]"` (ou `pip install '
        '-e ".[class]"`), puis relancez la commande.',
    },
    "class_admin_password": {
        "en": "Set CLASS_ADMIN_PASSWORD (at least {size:,} characters) in your shell or in .env: "
        "it becomes the class server's admin password the first time it starts.",
        "fr": "Renseignez CLASS_ADMIN_PASSWORD (au moins {size:,} caractères) dans votre terminal "
        "ou dans .env : il devient le mot de passe d'administration du serveur de classe à son "
        "premier démarrage.",
    },
    "class_roster_missing": {
        "en": "There is no roster file at {path}. Write one with a header line `username,"
        "password` and one learner per line (the password may be left empty).",
        "fr": "Il n'y a pas de liste de classe à {path}. Écrivez-en une avec une ligne d'en-tête "
        "`username,password` et un élève par ligne (le mot de passe peut rester vide).",
    },
    "class_roster_no_username": {
        "en": "The roster {path} has no 'username' column: its first line must name the "
        "columns, e.g. `username,password`.",
        "fr": "La liste {path} n'a pas de colonne 'username' : sa première ligne doit nommer "
        "les colonnes, par exemple `username,password`.",
    },
    "class_roster_empty": {
        "en": "The roster {path} names no learner: add one line per learner under the header.",
        "fr": "La liste {path} ne nomme aucun élève : ajoutez une ligne par élève sous l'en-tête.",
    },
    "class_roster_bad_username": {
        "en": "Line {line} of the roster: {name!r} is not a usable account name (2 to 64 "
        "letters, digits, dots, dashes or underscores, starting with a letter or digit).",
        "fr": "Ligne {line} de la liste : {name!r} n'est pas un nom de compte utilisable (2 à 64 "
        "lettres, chiffres, points, tirets ou soulignés, en commençant par une lettre ou un "
        "chiffre).",
    },
    "class_roster_duplicate": {
        "en": "Line {line} of the roster: the account {name!r} is already listed above.",
        "fr": "Ligne {line} de la liste : le compte {name!r} figure déjà plus haut.",
    },
    "class_roster_short_password": {
        "en": "Line {line} of the roster: the password of {name!r} is shorter than {size:,} "
        "characters. Make it longer, or leave it empty to have one generated.",
        "fr": "Ligne {line} de la liste : le mot de passe de {name!r} fait moins de {size:,} "
        "caractères. Allongez-le, ou laissez-le vide pour qu'il soit généré.",
    },
    "class_no_wildcard": {
        "en": "'*' is not accepted in CLASS_ALLOWED_HOSTS or --allowed-hosts: it would let any "
        "web page reach the class server. Name the addresses learners type, e.g. "
        "192.168.1.20,teacher-laptop.",
        "fr": "'*' n'est pas accepté dans CLASS_ALLOWED_HOSTS ni --allowed-hosts : n'importe "
        "quelle page web pourrait joindre le serveur de classe. Nommez les adresses que tapent "
        "les élèves, par exemple 192.168.1.20,portable-prof.",
    },
    "class_server_failed": {
        "en": "The class server did not start (its messages are above). Check that PostgreSQL "
        "runs and that CLASS_DATABASE_URI names a database this user may write to.",
        "fr": "Le serveur de classe n'a pas démarré (ses messages sont au-dessus). Vérifiez que "
        "PostgreSQL tourne et que CLASS_DATABASE_URI désigne une base où cet utilisateur peut "
        "écrire.",
    },
    "class_account_failed": {
        "en": "The class server refused to create the account {name!r} (HTTP {status}). Is "
        "CLASS_ADMIN_PASSWORD the admin password chosen the first time the server started?",
        "fr": "Le serveur de classe a refusé de créer le compte {name!r} (HTTP {status}). "
        "CLASS_ADMIN_PASSWORD est-il bien le mot de passe d'administration choisi au premier "
        "démarrage du serveur ?",
    },
    "class_server_open": {
        "en": "\nThe class server is open at {url} (admin: {admin}).\n"
        "Accounts created: {created:,}; already there: {kept:,}. New passwords are in {passwords} "
        "(only you can read it; never commit it).\n"
        "Addresses accepted: {hosts}.\n"
        "After {attempts} wrong passwords within 15 minutes, an account is locked for {minutes} "
        "min, even with the right password; the learner is told why, and each lock is said "
        "here (CLASS_LOGIN_ATTEMPTS, CLASS_LOGIN_LOCK_MINUTES).\n"
        "Each learner writes in their .env:\n"
        "  MLFLOW_TRACKING_URI={url}\n  MLFLOW_TRACKING_USERNAME=<their account>\n"
        "  MLFLOW_TRACKING_PASSWORD=<their password>\n"
        "Press Ctrl-C to close the class server.\n",
        "fr": "\nLe serveur de classe est ouvert à {url} (admin : {admin}).\n"
        "Comptes créés : {created:,} ; déjà présents : {kept:,}. Les nouveaux mots de passe sont "
        "dans {passwords} (vous seul pouvez le lire ; ne le commitez jamais).\n"
        "Adresses acceptées : {hosts}.\n"
        "Après {attempts} mauvais mots de passe en 15 minutes, un compte est bloqué {minutes} "
        "min, même avec le bon mot de passe ; l'élève en est averti, et chaque blocage est "
        "signalé ici (CLASS_LOGIN_ATTEMPTS, CLASS_LOGIN_LOCK_MINUTES).\n"
        "Chaque élève écrit dans son .env :\n"
        "  MLFLOW_TRACKING_URI={url}\n  MLFLOW_TRACKING_USERNAME=<son compte>\n"
        "  MLFLOW_TRACKING_PASSWORD=<son mot de passe>\n"
        "Ctrl-C ferme le serveur de classe.\n",
    },
    "class_login_locked": {
        "en": "🔒 The account '{name}' got {attempts} wrong passwords: it is locked for {minutes} "
        "min. If a learner is locked out by mistake, it opens again by itself.",
        "fr": "🔒 Le compte '{name}' a reçu {attempts} mauvais mots de passe : il est bloqué "
        "{minutes} min. Si un élève est bloqué par erreur, il se rouvre de lui-même.",
    },
    "class_login_locked_answer": {
        "en": "Too many wrong passwords for this account: it is locked, try again in {minutes} "
        "min. If it was not you, tell the teacher.",
        "fr": "Trop de mauvais mots de passe pour ce compte : il est bloqué, réessayez dans "
        "{minutes} min. Si ce n'était pas vous, prévenez l'enseignant.",
    },
    "class_server_stopped": {
        "en": "The class server stopped by itself (its messages are above).",
        "fr": "Le serveur de classe s'est arrêté de lui-même (ses messages sont au-dessus).",
    },
    "class_server_closing": {
        "en": "\nClosing the class server...",
        "fr": "\nFermeture du serveur de classe...",
    },
    # --- the class board: self-check results on the class server (workshop/classroom.py) ---
    "card_not_recorded": {
        "en": "ℹ️ (This result did not reach the class board: the class server did not take it. "
        "The check itself stands as above.)",
        "fr": "ℹ️ (Ce résultat n'est pas arrivé au tableau de la classe : le serveur de classe ne "
        "l'a pas pris. La vérification elle-même vaut ce qui est écrit au-dessus.)",
    },
    "card_description": {
        "en": "The self-check results of {learner}, written by their own notebooks: which check, "
        "passed or not, and when (never an answer). The teacher's class board reads them.",
        "fr": "Les résultats des auto-vérifications de {learner}, écrits par ses propres "
        "notebooks : quelle vérification, réussie ou non, et quand (jamais une réponse). Le "
        "tableau de la classe de l'enseignant·e les lit.",
    },
    "board_name": {"en": "class board", "fr": "tableau de la classe"},
    "board_no_admin_password": {
        "en": "The class board reads the class server with the admin account: set "
        "CLASS_ADMIN_PASSWORD (and CLASS_ADMIN_USERNAME if it is not 'teacher') in your shell "
        "or in .env, as for `{command} class-server`.",
        "fr": "Le tableau de la classe lit le serveur de classe avec le compte admin : "
        "définissez CLASS_ADMIN_PASSWORD (et CLASS_ADMIN_USERNAME s'il ne s'appelle pas "
        "'teacher') dans votre terminal ou dans .env, comme pour `{command} class-server`.",
    },
    "board_unreachable": {
        "en": "The class server does not answer at {url}. Is `{command} class-server` running "
        "there? (Setting CLASS_SERVER_URL, or `{command} board --server URL`.) The board tries "
        "again by itself.",
        "fr": "Le serveur de classe ne répond pas à {url}. `{command} class-server` tourne-t-il "
        "bien là ? (Réglage CLASS_SERVER_URL, ou `{command} board --server URL`.) Le tableau "
        "réessaie de lui-même.",
    },
    "board_refused": {
        "en": "The class server at {url} refused the account '{admin}' (HTTP {status}): check "
        "CLASS_ADMIN_USERNAME and CLASS_ADMIN_PASSWORD. After {attempts} wrong passwords, an "
        "account is locked for a few minutes.",
        "fr": "Le serveur de classe à {url} a refusé le compte '{admin}' (HTTP {status}) : "
        "vérifiez CLASS_ADMIN_USERNAME et CLASS_ADMIN_PASSWORD. Après {attempts} mauvais mots "
        "de passe, un compte est bloqué quelques minutes.",
    },
    "board_trouble": {
        "en": "The class server at {url} answered with an unexpected error (HTTP {status}); its "
        "terminal says more. The board tries again by itself.",
        "fr": "Le serveur de classe à {url} a répondu par une erreur inattendue (HTTP {status}) ; "
        "son terminal en dit plus. Le tableau réessaie de lui-même.",
    },
    # --- batch scoring (catering: make-data, score-batch) ---
    "batch_unknown_suffix": {
        "en": "{path}: the name must end in one of {suffixes}, which says the table's format.",
        "fr": "{path} : le nom doit finir par l'une de ces extensions, {suffixes}, qui dit le "
        "format du tableau.",
    },
    "batch_output_exists": {
        "en": "{path} already exists: choose another name, or add --force to replace it.",
        "fr": "{path} existe déjà : choisissez un autre nom, ou ajoutez --force pour le remplacer.",
    },
    "batch_output_is_folder": {
        "en": "{path} is a folder: give the name of a file to write.",
        "fr": "{path} est un dossier : donnez le nom d'un fichier à écrire.",
    },
    "batch_no_such_folder": {
        "en": "The folder {path} does not exist: create it first, or write somewhere else.",
        "fr": "Le dossier {path} n'existe pas : créez-le d'abord, ou écrivez ailleurs.",
    },
    "batch_rows_out_of_range": {
        "en": "{rows:,} {rows:row|rows}: not possible. Ask for 1 to {maximum:,} "
        "{maximum:row|rows}.",
        "fr": "{rows:,} {rows:ligne|lignes}, ce n'est pas possible : demandez de 1 à "
        "{maximum:,} {maximum:ligne|lignes}.",
    },
    "batch_written": {
        "en": "Wrote {rows:,} {rows:order|orders} ({columns}) to {path} in {seconds:.1f} s.",
        "fr": "{rows:,} {rows:commande écrite|commandes écrites} ({columns}) dans {path} en "
        "{seconds:.1f} s.",
    },
    "batch_no_such_table": {
        "en": "There is no table at {path}: check the name (make one with `{command} make-data`).",
        "fr": "Il n'y a pas de tableau à {path} : vérifiez le nom (fabriquez-en un avec "
        "`{command} make-data`).",
    },
    "batch_empty_table": {
        "en": "{path} holds no orders.",
        "fr": "{path} ne contient aucune commande.",
    },
    "batch_unreadable": {
        "en": "{path} cannot be read as a Parquet table.",
        "fr": "{path} ne se lit pas comme un tableau Parquet.",
    },
    "batch_wrong_columns": {
        "en": "{path} does not have the menu's columns. Missing: {missing}. Unknown: {unknown}. "
        "Expected: {expected} (each once).",
        "fr": "{path} n'a pas les colonnes du menu. Manquantes : {missing}. Inconnues : "
        "{unknown}. Attendues : {expected} (chacune une fois).",
    },
    "batch_wrong_types": {
        "en": "{path}: these columns hold the wrong kind of values for the menu: {columns}.",
        "fr": "{path} : ces colonnes n'ont pas le bon type de valeurs pour le menu : {columns}.",
    },
    "batch_orders_refused": {
        "en": "{path}: some cells are empty, unreadable or outside the menu (cells per column: "
        "{columns}). The kitchen would refuse those orders: fix them, then try again.",
        "fr": "{path} : des cases sont vides, illisibles ou hors du menu (cases par colonne : "
        "{columns}). La cuisine refuserait ces commandes : corrigez-les, puis réessayez.",
    },
    "batch_output_not_parquet": {
        "en": "{path}: the dishes are written as Parquet, so the name must end in .parquet.",
        "fr": "{path} : les plats sont écrits en Parquet, le nom doit donc finir par .parquet.",
    },
    "batch_output_is_input": {
        "en": "{path} is the table being read: write the dishes under another name.",
        "fr": "{path} est le tableau qu'on lit : écrivez les plats sous un autre nom.",
    },
    "batch_bad_master": {
        "en": "{master!r} is not a Spark master: use local[*], local[2], spark://HOST:7077, "
        "yarn or k8s://URL.",
        "fr": "{master!r} n'est pas un maître Spark : utilisez local[*], local[2], "
        "spark://HOTE:7077, yarn ou k8s://URL.",
    },
    "batch_no_spark": {
        "en": "Batch scoring runs on Apache Spark, which is not installed. Add it with "
        '`uv pip install -e ".[spark]"` (or `pip install -e ".[spark]"`); it needs Java 17 '
        "or 21.",
        "fr": "Le calcul par lots tourne sur Apache Spark, qui n'est pas installé. Ajoutez-le "
        'avec `uv pip install -e ".[spark]"` (ou `pip install -e ".[spark]"`) ; il lui faut '
        "Java 17 ou 21.",
    },
    "batch_no_java": {
        "en": "Spark could not start Java. Install Java 17 or 21 (for example `apt-get install "
        "openjdk-17-jre-headless`), check that `java -version` answers, then try again.",
        "fr": "Spark n'a pas pu démarrer Java. Installez Java 17 ou 21 (par exemple `apt-get "
        "install openjdk-17-jre-headless`), vérifiez que `java -version` répond, puis "
        "réessayez.",
    },
    "batch_spark_failed": {
        "en": "Spark stopped with an error: {reason}",
        "fr": "Spark s'est arrêté sur une erreur : {reason}",
    },
    "batch_taste_differs": {
        "en": "Tasting {rows:,} {rows:dish|dishes} in this process gave other predictions than "
        "Spark's: the workers may not run the same packages as this environment.",
        "fr": "En goûtant {rows:,} {rows:plat|plats} dans ce processus, les prédictions diffèrent "
        "de celles de Spark : les workers n'ont peut-être pas les mêmes paquets que cet "
        "environnement.",
    },
    "batch_fetching": {
        "en": "Fetching the champion ({uri}) and checking it with the kitchen's rules...",
        "fr": "Récupération du champion ({uri}) et contrôle selon les règles de la cuisine...",
    },
    "batch_opening_hall": {
        "en": "Opening the banquet hall: Spark, master {master}...",
        "fr": "Ouverture de la salle du banquet : Spark, maître {master}...",
    },
    "batch_checking": {
        "en": "Checking every order of {path} against the menu...",
        "fr": "Contrôle de chaque commande de {path} selon le menu...",
    },
    "batch_cooking": {
        "en": "Cooking {rows:,} {rows:order|orders} with champion version {version}...",
        "fr": "Préparation de {rows:,} {rows:commande|commandes} avec la version {version} du "
        "champion...",
    },
    "batch_done": {
        "en": "Served {rows:,} {rows:dish|dishes} to {path} in {seconds:.1f} s "
        "({speed:,.0f} rows/s), "
        "cooked by model version {version}.",
        "fr": "{rows:,} {rows:plat servi|plats servis} dans {path} en {seconds:.1f} s "
        "({speed:,.0f} lignes/s), {rows:préparé|préparés} par la version {version} du modèle.",
    },
    "banquet_check_ok": {
        "en": "every order of the village got its dish, and the {tasted:,} "
        "{tasted:dish|dishes} cooked again here {tasted:is|are} Spark's.",
        "fr": "chaque commande du village a eu son plat, et {tasted:le|les} {tasted:,} "
        "{tasted:plat cuisiné|plats cuisinés} à nouveau ici {tasted:est celui|sont ceux} de "
        "Spark.",
    },
    "banquet_check_missing": {
        "en": "not every order got its dish (orders: {rows}, dishes: {count}).",
        "fr": "toutes les commandes n'ont pas eu leur plat (commandes : {rows}, plats : {count}).",
    },
    "banquet_check_not_run": {
        "en": "the banquet's dishes are not there yet.",
        "fr": "les plats du banquet ne sont pas encore là.",
    },
    "banquet_check_missing_hint": {
        "en": "run the cell that calls `score_table`, and read its messages.",
        "fr": "exécutez la cellule qui appelle `score_table`, et lisez ses messages.",
    },
    "banquet_check_differs": {
        "en": "some dishes tasted here differ from Spark's.",
        "fr": "des plats goûtés ici diffèrent de ceux de Spark.",
    },
    "banquet_check_differs_hint": {
        "en": "Spark's workers must run this very Python and its packages (PYSPARK_PYTHON).",
        "fr": "les workers de Spark doivent utiliser ce même Python et ses paquets "
        "(PYSPARK_PYTHON).",
    },
    # --- the loop (part 4): the order book, the seasons, the harvest ---
    "order_book_at": {
        "en": "Every order cooked is written in {book}.",
        "fr": "Chaque commande cuisinée est écrite dans {book}.",
    },
    "order_book_off": {
        "en": "The kitchen cooks without its order book: {problem}",
        "fr": "La cuisine cuisine sans son carnet de commandes : {problem}",
    },
    "order_book_bad_uri": {
        "en": "ORDER_BOOK_URI {uri} is neither a SQLite file (sqlite:///path/orders.db) nor a "
        "PostgreSQL database (postgresql://user:password@host/database): fix it in .env.",
        "fr": "ORDER_BOOK_URI {uri} n'est ni un fichier SQLite (sqlite:///chemin/orders.db) ni "
        "une base PostgreSQL (postgresql://compte:mot-de-passe@hôte/base) : corrigez-le dans .env.",
    },
    "order_book_no_folder": {
        "en": "the folder {folder} does not exist (or is not a folder), so the order book cannot "
        "be written there: create it, or point ORDER_BOOK_URI elsewhere.",
        "fr": "le dossier {folder} n'existe pas (ou n'est pas un dossier) : le carnet de "
        "commandes ne peut pas y être écrit. Créez-le, ou pointez ORDER_BOOK_URI ailleurs.",
    },
    "order_book_no_driver": {
        "en": "a PostgreSQL order book needs the driver psycopg, which is not installed: "
        'uv pip install -e ".[class]"',
        "fr": "un carnet de commandes sur PostgreSQL demande le pilote psycopg, qui n'est pas "
        'installé : uv pip install -e ".[class]"',
    },
    "order_book_broken": {
        "en": "Orders are still cooked, but {book} cannot be written to ({problem}); its notes "
        "are lost until it answers again (it is tried every few seconds).",
        "fr": "Les commandes sont toujours cuisinées, mais {book} refuse l'écriture ({problem}) ; "
        "ses notes sont perdues jusqu'à ce qu'il réponde à nouveau (essayé toutes les quelques "
        "secondes).",
    },
    "order_book_back": {
        "en": "Orders are written down again: {book} answers.",
        "fr": "Les commandes sont de nouveau écrites : {book} répond.",
    },
    "order_book_unreadable": {
        "en": "Cannot read {book} ({problem}). Is the kitchen's ORDER_BOOK_URI the same as "
        "here, and can this machine reach it?",
        "fr": "Impossible de lire {book} ({problem}). L'ORDER_BOOK_URI de la cuisine est-il le "
        "même qu'ici, et cette machine peut-elle l'atteindre ?",
    },
    "season_unknown": {
        "en": "{given!r} is not a season of the world: choose one of {seasons} (data.py describes "
        "each).",
        "fr": "{given!r} n'est pas une saison du monde : choisissez parmi {seasons} (data.py "
        "décrit chacune).",
    },
    "season_orders_range": {
        "en": "{given!r}: a season has between 1 and {most:,} {most:order|orders}.",
        "fr": "{given!r} : une saison compte entre 1 et {most:,} {most:commande|commandes}.",
    },
    "season_seed_range": {
        "en": "{given!r} is not a seed: give a whole number, 0 or more.",
        "fr": "{given!r} n'est pas une graine : donnez un nombre entier, 0 ou plus.",
    },
    "season_bad_kitchen_url": {
        "en": "{url} is not the address of a kitchen: it starts with http:// or https:// "
        "(for example http://127.0.0.1:8000).",
        "fr": "{url} n'est pas l'adresse d'une cuisine : elle commence par http:// ou https:// "
        "(par exemple http://127.0.0.1:8000).",
    },
    "season_done": {
        "en": "Season {season}: {orders:,} {orders:order|orders} cooked by model version "
        "{version}. The order book holds {in_book:,} {in_book:order|orders} of this model "
        "({book}).",
        "fr": "Saison {season} : {orders:,} {orders:commande cuisinée|commandes cuisinées} par la "
        "version {version} du modèle. Le carnet de commandes en compte {in_book:,} pour ce modèle "
        "({book}).",
    },
    "season_not_in_book": {
        "en": "Season {season}: {orders:,} {orders:order|orders} cooked by model version "
        "{version}, but {orders:it|they} did not reach {book} within {seconds:g} s. Is that "
        "kitchen's ORDER_BOOK on, and its ORDER_BOOK_URI the same as here?",
        "fr": "Saison {season} : {orders:,} {orders:commande cuisinée|commandes cuisinées} par la "
        "version {version} du modèle, mais {orders:elle n'a|elles n'ont} pas atteint {book} en "
        "{seconds:g} s. L'ORDER_BOOK de cette cuisine est-il activé, et son ORDER_BOOK_URI le "
        "même qu'ici ?",
    },
    "harvest_empty_book": {
        "en": "No order of the model {model} is in {book} yet, so there is nothing to harvest: "
        f"open the kitchen (`{COMMAND} kitchen`), then send it a season (`{COMMAND} season 2`).",
        "fr": "Aucune commande du modèle {model} n'est encore dans {book} : rien à récolter. "
        f"Ouvrez la cuisine (`{COMMAND} kitchen`), puis envoyez-lui une saison "
        f"(`{COMMAND} season 2`).",
    },
    "harvest_done": {
        "en": "Harvest of season {season}: {harvested:,} {harvested:order|orders} got "
        "{harvested:its|their} true outcome; in the book, {in_book:,} {in_book:order has its|"
        "orders have theirs} now ({book}).",
        "fr": "Récolte de la saison {season} : {harvested:,} {harvested:commande a reçu son|"
        "commandes ont reçu leur} vrai résultat ; dans le carnet, {in_book:,} {in_book:commande "
        "a désormais le sien|commandes ont désormais le leur} ({book}).",
    },
    "order_book_named": {
        "en": "the order book at {address}",
        "fr": "le carnet de commandes à {address}",
    },
    # --- the loop (part 4): notebook 07, the tasting panel ---
    "drifted_not_text": {
        "en": "`{name}` is {shown}, not the name of an ingredient.",
        "fr": "`{name}` vaut {shown}, pas le nom d'un ingrédient.",
    },
    "drifted_not_text_hint": {
        "en": "write the ingredient's name as text, between quotes, as the table writes it.",
        "fr": "écrivez le nom de l'ingrédient comme un texte, entre guillemets, tel que le "
        "tableau l'écrit.",
    },
    "drifted_typo": {
        "en": "`{name}` is {shown}: no ingredient has that name. Did you mean {close!r}?",
        "fr": "`{name}` vaut {shown} : aucun ingrédient ne porte ce nom. Vouliez-vous dire "
        "{close!r} ?",
    },
    "drifted_typo_hint": {
        "en": "copy the name exactly as the table's first column writes it.",
        "fr": "recopiez le nom exactement comme l'écrit la première colonne du tableau.",
    },
    "drifted_not_on_menu": {
        "en": "`{name}` is {shown}, which is no ingredient of the menu (the outcome is not an "
        "ingredient either).",
        "fr": "`{name}` vaut {shown}, qui n'est pas un ingrédient de la carte (le résultat n'en "
        "est pas un non plus).",
    },
    "drifted_not_on_menu_hint": {
        "en": "choose one of the rows of the drift table: each is an ingredient.",
        "fr": "choisissez l'une des lignes du tableau de dérive : chacune est un ingrédient.",
    },
    "drifted_not_most": {
        "en": "{shown} did move, but another ingredient moved more.",
        "fr": "{shown} a bien bougé, mais un autre ingrédient a bougé davantage.",
    },
    "drifted_not_most_hint": {
        "en": "compare the `psi` column: the larger the index, the more the ingredient moved.",
        "fr": "comparez la colonne `psi` : plus l'indice est grand, plus l'ingrédient a bougé.",
    },
    "improvement_percent": {
        "en": "`{name}` is the text {shown}, not a number.",
        "fr": "`{name}` est le texte {shown}, pas un nombre.",
    },
    "improvement_percent_hint": {
        "en": "write the share as a number, without quotes or per cent sign: 5 % is 0.05.",
        "fr": "écrivez la part comme un nombre, sans guillemets ni signe pour cent : 5 % "
        "s'écrit 0.05.",
    },
    "improvement_as_percent": {
        "en": "`{name}` is {shown}: the challenger's error would have to fall by more than all "
        "of the champion's error, and no challenger could ever win.",
        "fr": "`{name}` vaut {shown} : l'erreur du challenger devrait baisser de plus que toute "
        "l'erreur du champion, et aucun challenger ne gagnerait jamais.",
    },
    "improvement_as_percent_hint": {
        "en": "write a share, not a percentage: {shown} % is {share}.",
        "fr": "écrivez une part, pas un pourcentage : {shown} % s'écrit {share}.",
    },
    "improvement_out_of_range": {
        "en": "`{name}` is {shown}, outside the range the exercise asks for ({low} to {high}).",
        "fr": "`{name}` vaut {shown}, hors de la plage que demande l'exercice ({low} à {high}).",
    },
    "improvement_out_of_range_hint": {
        "en": "below it the jury would crown a challenger that is no better (or worse); above, "
        "it would turn down almost any.",
        "fr": "en dessous, le jury couronnerait un challenger qui n'est pas meilleur (ou pire) ; "
        "au-dessus, il refuserait presque tous les autres.",
    },
    "tasting_no_orders": {
        "en": "the order book holds no order of this model yet.",
        "fr": "le carnet de commandes ne contient encore aucune commande de ce modèle.",
    },
    "tasting_no_orders_hint": {
        "en": "run the cell of section 1 that calls `simulate_season`, with the kitchen open.",
        "fr": "lancez la cellule de la partie 1 qui appelle `simulate_season`, cuisine ouverte.",
    },
    "tasting_no_harvest": {
        "en": "no order of the book has its true outcome yet.",
        "fr": "aucune commande du carnet n'a encore son vrai résultat.",
    },
    "tasting_no_harvest_hint": {
        "en": "run the cell of section 3 that calls `harvest`.",
        "fr": "lancez la cellule de la partie 3 qui appelle `harvest`.",
    },
    "tasting_not_promoted": {
        "en": "the champion is still a model the lab trained, not a challenger trained on the "
        "order book.",
        "fr": "le champion est encore un modèle entraîné par le laboratoire, pas un challenger "
        "entraîné sur le carnet de commandes.",
    },
    "tasting_not_promoted_hint": {
        "en": "run the cells of the jury and of the promotion; if the jury turned the challenger "
        "down, ask for a smaller improvement.",
        "fr": "lancez les cellules du jury et de la promotion ; si le jury a refusé le "
        "challenger, demandez une amélioration plus petite.",
    },
    "tasting_no_landing": {
        "en": "nobody watched the new champion land yet.",
        "fr": "personne n'a encore regardé le nouveau champion arriver.",
    },
    "tasting_no_landing_hint": {
        "en": "run the cell with `KeepOrdering`, where a customer keeps ordering while the alias "
        "moves.",
        "fr": "lancez la cellule avec `KeepOrdering`, où un client commande sans arrêt pendant "
        "que l'alias bouge.",
    },
    "tasting_failed_orders": {
        "en": "{failed:,} of the {sent:,} {sent:order|orders} sent while the champion changed "
        "failed.",
        "fr": "{failed:,} {failed:commande a échoué|commandes ont échoué} sur {sent:,} "
        "{sent:envoyée|envoyées} pendant le changement de champion.",
    },
    "tasting_failed_orders_hint": {
        "en": "the kitchen must swap models between two orders: ask it to look again "
        "(`POST /model/reload`) instead of closing and opening it.",
        "fr": "la cuisine doit changer de modèle entre deux commandes : demandez-lui de "
        "regarder à nouveau (`POST /model/reload`) au lieu de la fermer et de la rouvrir.",
    },
    "tasting_new_chef_unseen": {
        "en": "the customer never got a dish cooked by the new champion (version {version}).",
        "fr": "le client n'a jamais reçu de plat préparé par le nouveau champion (version "
        "{version}).",
    },
    "tasting_new_chef_unseen_hint": {
        "en": "after moving the alias, wait until the kitchen serves it (`wait_until_served`), "
        "still inside the `with` block.",
        "fr": "après avoir déplacé l'alias, attendez que la cuisine le serve "
        "(`wait_until_served`), toujours dans le bloc `with`.",
    },
    "tasting_kitchen_other": {
        "en": "the kitchen cooks with version {served}, not with the champion (version {version}).",
        "fr": "la cuisine cuisine avec la version {served}, pas avec le champion (version "
        "{version}).",
    },
    "tasting_kitchen_other_hint": {
        "en": "ask it to look now (`POST /model/reload`), or wait {seconds} s for its own look.",
        "fr": "demandez-lui de regarder tout de suite (`POST /model/reload`), ou attendez "
        "{seconds} s qu'elle regarde d'elle-même.",
    },
    "tasting_ok": {
        "en": "the loop is closed: version {version}, trained on {rows:,} harvested "
        "{rows:order|orders}, cooks now, and of the {sent:,} {sent:order|orders} sent during the "
        "swap none failed.",
        "fr": "la boucle est bouclée : la version {version}, entraînée sur {rows:,} "
        "{rows:commande récoltée|commandes récoltées}, cuisine maintenant, et sur {sent:,} "
        "{sent:commande envoyée|commandes envoyées} pendant le changement, aucune n'a échoué.",
    },
}


# --- The menu's rules, in words (the kitchen's refusals and the shop's form share them) -------
# Keyed by pydantic's error `type`. {ge}, {le}, {choices} and {length} come from the menu's
# rule, never from the value that was sent.
RULES = {
    "missing": {"en": "empty", "fr": "vide"},
    "extra_forbidden": {"en": "not on the menu", "fr": "absent du menu"},
    "float_parsing": {"en": "not a number", "fr": "pas un nombre"},
    "int_parsing": {"en": "not a whole number", "fr": "pas un nombre entier"},
    "bool_parsing": {"en": "neither yes nor no", "fr": "ni oui ni non"},
    "bool_type": {"en": "must be true or false", "fr": "doit valoir true ou false"},
    "finite_number": {"en": "must be a finite number", "fr": "doit être un nombre fini"},
    "greater_than_equal": {"en": "must be at least {ge}", "fr": "doit valoir au moins {ge}"},
    "less_than_equal": {"en": "must be at most {le}", "fr": "doit valoir au plus {le}"},
    "literal_error": {"en": "must be one of: {choices}", "fr": "doit être parmi : {choices}"},
    "dict_type": {
        "en": "must be a JSON object, with the menu's fields",
        "fr": "doit être un objet JSON, avec les champs du menu",
    },
    "list_type": {"en": "must be a list of orders", "fr": "doit être une liste de commandes"},
    "too_short": {
        "en": "must hold at least {length:,} {length:order|orders}",
        "fr": "doit contenir au moins {length:,} {length:commande|commandes}",
    },
    "too_long": {
        "en": "must hold at most {length:,} {length:order|orders}",
        "fr": "doit contenir au plus {length:,} {length:commande|commandes}",
    },
    "json_invalid": {"en": "not readable JSON", "fr": "pas du JSON lisible"},
    "other": {"en": "refused by the menu", "fr": "refusé par le menu"},
}
# Other names pydantic gives the same rules (strict mode, or a batch read from attributes).
SAME_RULE = {
    "float_type": "float_parsing",
    "int_type": "int_parsing",
    "int_from_float": "int_parsing",
    "model_type": "dict_type",
    "model_attributes_type": "dict_type",
    "string_type": "literal_error",
}


def rule_in_words(error: Mapping[str, Any], choices=(), language: str | None = None) -> str:
    """One of pydantic's refusals, as the menu's rule in words: 'must be at most 1,200'."""
    kind = SAME_RULE.get(error["type"], error["type"])
    context = error.get("ctx") or {}
    limits = {
        rule: number(context[rule], 2 if context[rule] % 1 else 0, language)
        for rule in ("ge", "le")
        if rule in context
    }
    length = context.get("min_length" if kind == "too_short" else "max_length", 0)
    language = language or get_settings().language
    sentence = RULES.get(kind, RULES["other"])[language]
    return fill(sentence, language, **limits, choices=", ".join(choices), length=length)


# --- Saying it -------------------------------------------------------------------------------


def is_one(count: float, language: str) -> bool:
    """Does `count` take the singular? English: 1 only. French: 0 and 1 (and what lies between)."""
    return abs(count) < 2 if language == "fr" else count == 1


def written_as(text: str, language: str) -> str:
    """A number written in English (10,000.5), rewritten as the language writes it."""
    if language == "fr":  # a narrow no-break space between thousands, a comma before decimals
        text = text.replace(",", "\N{NARROW NO-BREAK SPACE}").replace(".", ",")
    return text


class Wording(string.Formatter):
    """Fills a sentence's {values} the language's way (see the top of this file)."""

    def __init__(self, language: str):
        self.language = language

    def format_field(self, value, spec: str) -> str:
        if "|" in spec:  # {count:file|files}
            one, many = spec.split("|")
            return one if is_one(value, self.language) else many
        text = super().format_field(value, spec)
        if spec and isinstance(value, int | float) and not isinstance(value, bool):
            return written_as(text, self.language)
        return text


def fill(sentence: str, language: str | None = None, **values) -> str:
    """Fill `sentence`'s {values} the way the language writes numbers and plurals."""
    return Wording(language or get_settings().language).format(sentence, **values)


def say(key: str, language: str | None = None, **values) -> str:
    """Return the sentence `key` in the workshop's language, with `values` filled in."""
    language = language or get_settings().language
    return fill(MESSAGES[key][language], language, command=COMMAND, **values)


def number(value: float, decimals: int = 0, language: str | None = None) -> str:
    """Write a number as the language does: 10,000.5 in English, 10 000,5 in French."""
    return written_as(f"{value:,.{decimals}f}", language or get_settings().language)

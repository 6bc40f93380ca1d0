"""Every sentence a person reads outside the notebooks, in English and in French.

Code asks `say("key", name=value)` and gets the sentence in the workshop's language (the
`LANGUAGE` setting). Keeping them here lets a teacher reword or translate in one place.
"""

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
    "shop_title": {"en": "The shop window", "fr": "La vitrine"},
    "shop_intro": {
        "en": "Fill in the order and send it to the kitchen: the model registered as champion "
        "in the lab cooks the prediction.",
        "fr": "Remplissez la commande et envoyez-la à la cuisine : le modèle enregistré comme "
        "champion au laboratoire prépare la prédiction.",
    },
    "order_button": {"en": "Send the order to the kitchen", "fr": "Envoyer la commande en cuisine"},
    "cooked_by": {
        "en": "Cooked by model version {version} (the lab's champion).",
        "fr": "Préparé par la version {version} du modèle (le champion du laboratoire).",
    },
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
    "first_run_weak": {
        "en": "the model of 'first-experiment' predicts no better than always guessing the "
        "average.",
        "fr": "le modèle de 'first-experiment' ne prédit pas mieux que de toujours donner la "
        "moyenne.",
    },
    "first_run_weak_hint": {
        "en": "try a learning rate between 0.01 and 0.5.",
        "fr": "essayez un taux d'apprentissage entre 0,01 et 0,5.",
    },
    "first_run_ok": {
        "en": "the first experiment is in the lab book, with its ingredients and results.",
        "fr": "la première expérience est dans le cahier de laboratoire, avec ses ingrédients "
        "et ses résultats.",
    },
    "exercise_not_done": {
        "en": "Exercise {number} is not done yet: replace this cell's `raise` with your code "
        "(the text above the cell says what to write), then run the cell again.",
        "fr": "L'exercice {number} n'est pas encore fait : remplacez le `raise` de cette "
        "cellule par votre code (le texte au-dessus de la cellule dit quoi écrire), puis "
        "relancez la cellule.",
    },
}


def say(key: str, language: str | None = None, **values) -> str:
    """Return the sentence `key` in the workshop's language, with `values` filled in."""
    language = language or get_settings().language
    return MESSAGES[key][language].format(command=COMMAND, **values)

{%- set fr = cookiecutter.language == "fr" -%}
"""The teacher's class board: who has passed which self-check, and the leaderboard, live.

Open it with `{{ cookiecutter.package_name }} board` on the machine of the class server (it calls `streamlit run`
on this file). It reads the class server with the admin account (CLASS_ADMIN_USERNAME and
CLASS_ADMIN_PASSWORD) and reads it again every BOARD_REFRESH_SECONDS inside a fragment: only the
grid and the leaderboard are drawn again, not the page. It only reads. It never shows an answer
nor a hint: the class server never receives them (see classroom.py).
"""

import httpx
import pandas as pd
import streamlit as st

from {{ cookiecutter.package_name }}.menu import DISH_UNIT
from {{ cookiecutter.package_name }}.messages import number, say
from {{ cookiecutter.package_name }}.settings import get_settings, without_password
from {{ cookiecutter.package_name }}.workshop.classroom import CHECK_TITLES, ClassView, read_class

ICONS = {"passed": "✅", "not_done": "⏳", "wrong": "❌"}
MEDALS = ["🥇", "🥈", "🥉"]
READ_SECONDS = 30  # a class server checking thirty passwords at once can be slow

settings = get_settings()
server_url = settings.class_server_url.rstrip("/")
shown_url = without_password(server_url)


def cell(view: ClassView, learner: str, check: str) -> str:
    """A learner's latest result for one check: its icon and when it came (this clock's time)."""
    mark = view.marks.get(learner, {}).get(check)
    return f"{ICONS[mark.status]} {mark.at.astimezone():%H:%M}" if mark else "·"


def passed_by(view: ClassView, check: str) -> int:
    marks = (view.marks.get(learner, {}).get(check) for learner in view.learners)
    return sum(mark is not None and mark.status == "passed" for mark in marks)


def grid(view: ClassView) -> pd.DataFrame:
    """Learners down, checks across; a last line counts who has passed each check."""
    titles = [CHECK_TITLES.get(check, check) for check in view.checks]
    rows = [[cell(view, learner, check) for check in view.checks] for learner in view.learners]
    table = pd.DataFrame(rows, index=view.learners, columns=titles)
    counts = [f"{passed_by(view, check)} / {len(view.learners)}" for check in view.checks]
    table.loc["{{ '✅ Réussi' if fr else '✅ Passed' }}"] = counts
    table.index.name = "{{ 'Élève' if fr else 'Learner' }}"
    return table


def leaderboard(view: ClassView) -> pd.DataFrame:
    """Each learner's best run, best first, with a medal for the podium."""
    places = [f"{MEDALS[s.rank - 1] if s.rank <= 3 else ''} {s.rank}" for s in view.leaderboard]
    rows = [
        {
            "{{ 'Élève' if fr else 'Learner' }}": standing.learner,
            f"rmse ({DISH_UNIT})": number(standing.score, 3),
            "run": standing.run_id[:8],
        }
        for standing in view.leaderboard
    ]
    return pd.DataFrame(rows, index=places)


def read_or_say_why(admin: tuple[str, str]) -> ClassView | None:
    """The class as the server knows it now, or None once the reason is shown in words."""
    try:
        return read_class(server_url, admin, READ_SECONDS)
    except httpx.HTTPStatusError as problem:
        status = problem.response.status_code
        key = "board_refused" if status in (401, 403) else "board_trouble"
        attempts = settings.class_login_attempts
        st.error(say(key, url=shown_url, admin=admin[0], status=status, attempts=attempts))
    except httpx.HTTPError:  # refused, timed out, no such address
        st.warning(say("board_unreachable", url=shown_url))
    except (ValueError, KeyError):  # an answer, but not from an MLflow server
        st.error(say("board_trouble", url=shown_url, status=200))
    return None


@st.fragment(run_every=settings.board_refresh_seconds)
def show_the_class(admin: tuple[str, str]) -> None:
    """Read the class and draw it; Streamlit runs this again every BOARD_REFRESH_SECONDS."""
    view = read_or_say_why(admin)
    if view is None:
        return
    checks, ranking = st.columns([3, 2], gap="large")
    with checks:
        st.subheader("{{ 'Les auto-vérifications' if fr else 'The self-checks' }}")
        if view.learners:
            st.table(grid(view))
        else:
            st.info("{{ 'Personne encore : les élèves apparaissent dès que leur compte existe.' if fr else 'Nobody yet: learners appear as soon as their account exists.' }}")
        {% if fr -%}
        st.caption(
            "✅ réussie · ⏳ pas encore faite · ❌ pas tout à fait (l'indice n'est montré qu'à "
            "l'élève), avec l'heure du dernier essai ; · pas encore lancée."
        )
        {%- else -%}
        st.caption(
            "✅ passed · ⏳ not done yet · ❌ not quite (the hint is shown to the learner only), "
            "with the time of the latest try; · not run yet."
        )
        {%- endif %}
    with ranking:
        st.subheader("{{ 'Le classement' if fr else 'The leaderboard' }}")
        if view.leaderboard:
            st.table(leaderboard(view))
        else:
            st.info("{{ 'Aucune run notée encore : le classement se remplit quand on entraîne.' if fr else 'No scored run yet: the leaderboard fills up as learners train.' }}")
        {% if fr -%}
        st.caption("La meilleure run de chaque élève, de la plus petite rmse à la plus grande.")
        {%- else -%}
        st.caption("Each learner's best run, lowest rmse first (lower is better).")
        {%- endif %}
    read_at, every = view.read_at.astimezone(), settings.board_refresh_seconds
    {% if fr -%}
    st.caption(f"Lu à {read_at:%H:%M:%S} ; relu toutes les {every:g} s.")
    {%- else -%}
    st.caption(f"Read at {read_at:%H:%M:%S}; read again every {every:g} s.")
    {%- endif %}


st.set_page_config(page_title="{{ 'Le tableau de la classe' if fr else 'The class board' }}", page_icon="🧑‍🏫", layout="wide")
st.title("{{ 'Le tableau de la classe' if fr else 'The class board' }}")
{% if fr -%}
st.caption(
    f"Le serveur de classe à {shown_url}, lu avec le compte '{settings.class_admin_username}'. "
    "Seuls les résultats y sont : quelle auto-vérification, réussie ou non, et quand ; jamais une "
    "réponse ni un indice."
)
{%- else -%}
st.caption(
    f"The class server at {shown_url}, read with the account '{settings.class_admin_username}'. "
    "Only results are here: which self-check, passed or not, and when; never an answer nor a "
    "hint."
)
{%- endif %}
password = settings.class_admin_password
if password is None:
    st.error(say("board_no_admin_password"))
else:
    show_the_class((settings.class_admin_username, password.get_secret_value()))

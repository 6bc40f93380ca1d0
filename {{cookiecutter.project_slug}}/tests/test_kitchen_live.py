"""The kitchen served for real by uvicorn: fuzzed through its OpenAPI menu, and kept open while
its champion changes under load."""

import asyncio
import os
import shutil
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from {{ cookiecutter.package_name }}.kitchen.app import create_app
from {{ cookiecutter.package_name }}.menu import example_order
from {{ cookiecutter.package_name }}.settings import Settings

from .conftest import serving, two_versions

ORDER = example_order().model_dump()


# The menu as the kitchen publishes it (building the app does not open it: no model needed).
menu = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
# derandomize: the same examples every run, so a failure can be replayed.
FUZZ = dict(derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))


@menu.parametrize()
@settings(max_examples=40, **FUZZ)
def test_fuzzed_orders_get_documented_answers(case, kitchen_url):
    """It never answers 5xx, and every answer matches what its OpenAPI menu documents."""
    case.call_and_validate(base_url=kitchen_url)


@pytest.mark.slow
@menu.parametrize()
@settings(max_examples=1000, **FUZZ)
def test_a_thousand_fuzzed_orders_get_documented_answers(case, kitchen_url):
    """Same property, a thousand examples per route."""
    case.call_and_validate(base_url=kitchen_url)


async def order_while_moving(url: str, move_champion, waves: int = 200, at_once: int = 16):
    """Send waves of concurrent orders; move the champion to 2, then back to 1, each time
    once the previous move shows in the answers. Return every (status, version) seen."""
    plan = ["2", "1"]
    answers: list[tuple[int, str | None]] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:

        async def order():
            response = await client.post("/predict", json=ORDER)
            answers.append((response.status_code, response.json().get("model_version")))

        waiting_for = None
        for _ in range(waves):
            await asyncio.gather(*(order() for _ in range(at_once)))
            if waiting_for and answers[-1][1] != waiting_for:
                continue  # the kitchen has not swapped yet: keep ordering
            if not plan:
                break
            waiting_for = plan.pop(0)
            await asyncio.to_thread(move_champion, waiting_for)
    return answers, plan


def test_no_order_fails_while_the_champion_moves_twice(empty_lab, rush_hour):
    """It keeps answering 200 to every order while the alias moves to 2 and back to 1, with
    the rush_hour wing and without it."""
    registry = two_versions(empty_lab)
    update = {"champion_poll_seconds": 0.1, "rush_hour": rush_hour}
    quick_to_notice = empty_lab.model_copy(update=update)

    def move_champion(version: str) -> None:
        registry.set_registered_model_alias(empty_lab.model_name, "champion", version)

    with serving(quick_to_notice) as url:
        answers, moves_left = asyncio.run(order_while_moving(url, move_champion))
    statuses = {status for status, _ in answers}
    versions = [version for _, version in answers]
    assert statuses == {200}, f"failed answers: {statuses}"
    assert not moves_left, "the kitchen did not follow both moves in time"
    assert versions[0] == "1" and "2" in versions and versions[-1] == "1"


def test_a_lab_book_replaced_under_load_is_noticed(empty_lab, rush_hour, tmp_path):
    """When mlflow.db is replaced on disk (a backup restored) while orders keep coming, the
    kitchen reads the new file, not its old connections: it goes back to the champion the
    restored lab book names, and no order fails meanwhile."""
    registry = two_versions(empty_lab)  # version 1 is the champion
    lab_book = Path(empty_lab.mlflow_tracking_uri.removeprefix("sqlite:///"))
    backup = tmp_path / "backup.db"
    shutil.copyfile(lab_book, backup)  # a lab book whose champion is version 1
    update = {"champion_poll_seconds": 0.1, "rush_hour": rush_hour}

    def move_champion(version: str) -> None:
        if version == "2":
            registry.set_registered_model_alias(empty_lab.model_name, "champion", "2")
        else:
            os.replace(backup, lab_book)  # a new file where the old one was

    with serving(empty_lab.model_copy(update=update)) as url:
        answers, moves_left = asyncio.run(order_while_moving(url, move_champion))
        card = httpx.get(f"{url}/model", timeout=10).json()
    assert {status for status, _ in answers} == {200}
    assert not moves_left, "the kitchen never noticed the restored lab book"
    assert answers[-1][1] == "1" and card["version"] == "1" and card["problem"] is None

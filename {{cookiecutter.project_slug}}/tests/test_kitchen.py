"""The kitchen: takes valid orders, refuses bad ones in words, says when it cannot cook."""

import json
import math

import pytest
import skops.io
from fastapi.testclient import TestClient
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from {{ cookiecutter.package_name }}.kitchen.app import create_app
from {{ cookiecutter.package_name }}.kitchen.model import UntrustedModel, open_skops_file
from {{ cookiecutter.package_name }}.lab.train import train
from {{ cookiecutter.package_name }}.menu import (
    DISH_UNIT,
    MAX_BATCH_ORDERS,
    example_order,
    ingredients,
)

from .conftest import QUICK_RECIPE

ORDER = example_order().model_dump()


def test_predict_cooks_a_plausible_dish(client, settings):
    """It answers an order with a positive prediction, its unit and the champion's version."""
    response = client.post("/predict", json=ORDER)
    assert response.status_code == 200
    dish = response.json()
    assert dish["prediction"] > 0 and dish["unit"] == DISH_UNIT
    assert dish["model_version"] == "1"


def test_out_of_range_order_is_refused_naming_the_field(client):
    """It answers 422, names the field and its rule, and does not echo the value sent."""
    item = next(item for item in ingredients() if item.maximum is not None)
    too_much = item.maximum * 10 + 0.123
    response = client.post("/predict", json={**ORDER, item.name: too_much})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == f"body.{item.name}" and problem["rule"]
    assert str(too_much) not in response.text


def test_nan_is_refused_with_422_not_500(client):
    """It refuses NaN cleanly (FastAPI's default handler would fail to echo it back: a 500)."""
    item = next(item for item in ingredients() if item.maximum is not None)
    body = json.dumps({**ORDER, item.name: math.nan})  # Python writes NaN into the JSON
    response = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_unknown_field_is_refused(client):
    """It refuses an order with a field the menu does not have."""
    response = client.post("/predict", json={**ORDER, "secret_sauce": 1})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "body.secret_sauce"


def test_huge_body_is_refused_with_413(client, settings):
    """It refuses a request body above the configured size before reading it all."""
    padding = "x" * (settings.max_body_bytes + 1)
    response = client.post("/predict", json={**ORDER, "padding": padding})
    assert response.status_code == 413


def test_batch_cooks_one_dish_per_order_in_order(client):
    """It answers a batch with one prediction per order, matching single orders."""
    item = next(item for item in ingredients() if item.maximum is not None)
    orders = [ORDER, {**ORDER, item.name: item.minimum}, ORDER]
    response = client.post("/predict/batch", json={"orders": orders})
    assert response.status_code == 200
    batch = response.json()
    assert len(batch["predictions"]) == 3 and batch["unit"] == DISH_UNIT
    single = client.post("/predict", json=orders[1]).json()["prediction"]
    assert batch["predictions"][1] == pytest.approx(single)
    assert batch["predictions"][0] == batch["predictions"][2]


def test_batch_names_the_faulty_order(client):
    """It refuses a batch with one bad order, naming which order and which field."""
    item = next(item for item in ingredients() if item.maximum is not None)
    orders = [ORDER, {**ORDER, item.name: item.maximum + 1}]
    response = client.post("/predict/batch", json={"orders": orders})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == f"body.orders.1.{item.name}"


def test_batch_length_is_bounded(client):
    """It refuses an empty batch and one longer than the menu allows (422, not a slow answer)."""
    assert client.post("/predict/batch", json={"orders": []}).status_code == 422
    too_many = {"orders": [ORDER] * (MAX_BATCH_ORDERS + 1)}
    assert client.post("/predict/batch", json=too_many).status_code == 422


def test_health_and_model_card(client):
    """It is live and ready, and tells which model cooks and how it scored."""
    assert client.get("/health/live").json() == {"status": "alive"}
    assert client.get("/health/ready").status_code == 200
    card = client.get("/model").json()
    assert card["alias"] == "champion" and card["version"] == "1"
    assert "rmse" in card["metrics"]


def test_without_champion_it_stays_up_and_says_what_to_do(empty_lab):
    """It is live but not ready, and answers 503 naming the command that trains a model."""
    with TestClient(create_app(empty_lab)) as client:
        assert client.get("/health/live").status_code == 200
        assert client.get("/health/ready").status_code == 503
        response = client.post("/predict", json=ORDER)
    assert response.status_code == 503
    assert "{{ cookiecutter.package_name }} train" in response.json()["detail"]


def test_it_becomes_ready_once_a_champion_appears(empty_lab):
    """It opens by itself when the lab registers a champion after the kitchen started."""
    with TestClient(create_app(empty_lab)) as client:
        assert client.get("/health/ready").status_code == 503
        train(empty_lab, QUICK_RECIPE)
        assert client.get("/health/ready").status_code == 200
        assert client.post("/predict", json=ORDER).status_code == 200


def test_untrusted_model_file_is_refused(tmp_path):
    """It refuses a model file holding a type outside the kitchen's own list, unopened."""
    planted = make_pipeline(FunctionTransformer(print))
    path = tmp_path / "model.skops"
    skops.io.dump(planted, path)
    with pytest.raises(UntrustedModel, match="print"):
        open_skops_file(path)

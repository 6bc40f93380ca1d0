"""The kitchen: takes valid orders, refuses bad ones in words, says when it cannot cook."""

import json
import math
import os
import pickle
import time
from datetime import UTC, datetime
from pathlib import Path

import mlflow
import pytest
import skops.io
from fastapi.exceptions import RequestValidationError
from fastapi.testclient import TestClient
from mlflow import MlflowClient
from pydantic import ValidationError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from {{ cookiecutter.package_name }}.data import make_dataset, split
from {{ cookiecutter.package_name }}.kitchen.app import create_app
from {{ cookiecutter.package_name }}.kitchen.fast_path import read_batch
from {{ cookiecutter.package_name }}.kitchen.model import (
    UntrustedModel,
    checked_encoder,
    open_skops_file,
)
from {{ cookiecutter.package_name }}.lab.train import build_pipeline, open_lab_book, train
from {{ cookiecutter.package_name }}.menu import (
    DISH_UNIT,
    MAX_BATCH_ORDERS,
    Order,
    OrderBatch,
    example_order,
    ingredients,
)

from .conftest import QUICK_RECIPE, two_versions

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
    assert response.text == "Content Too Large"
    # ...which is what the OpenAPI menu says it answers.
    documented = client.get("/openapi.json").json()["paths"]["/predict"]["post"]["responses"]
    assert response.headers["content-type"].split(";")[0] in documented["413"]["content"]


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
    trained_at = datetime.fromisoformat(card["trained_at"])
    assert trained_at < datetime.fromisoformat(card["loaded_at"]) <= datetime.now(UTC)


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


def test_fast_path_gives_the_pipelines_own_predictions():
    """It serves the lab's pipeline through the numpy fast path, with identical predictions."""
    train_x, test_x, train_y, _ = split(make_dataset(600))
    pipeline = build_pipeline(QUICK_RECIPE).fit(train_x, train_y)
    encoder = checked_encoder(pipeline)
    assert encoder is not None, "the fast path no longer matches the lab's pipeline"
    rows = [Order.model_validate(row).model_dump() for row in test_x.to_dict("records")]
    fast = pipeline[-1].predict(encoder.encode(rows))
    assert fast.tolist() == pipeline.predict(test_x).tolist()


def batch_bodies() -> dict[str, bytes]:
    """Batch bodies, good and bad, for comparing the fast reader with `OrderBatch`."""
    first = ingredients()[0]
    numeric = next(item for item in ingredients() if item.maximum is not None)
    bodies = {
        "good": {"orders": [ORDER, ORDER]},
        "out of range": {"orders": [ORDER, {**ORDER, numeric.name: numeric.maximum + 1}]},
        "unknown field": {"orders": [{**ORDER, "secret_sauce": 1}]},
        "missing field": {"orders": [{k: v for k, v in ORDER.items() if k != first.name}]},
        "text for a number": {"orders": [{**ORDER, numeric.name: str(numeric.example)}]},
        "true for a number": {"orders": [{**ORDER, numeric.name: True}]},
        "a whole number as 4.0": {"orders": [{**ORDER, numeric.name: float(numeric.maximum)}]},
        "unknown category": {"orders": [{**ORDER, first.name: "moon dust"}]},
        "empty batch": {"orders": []},
        "too many": {"orders": [ORDER] * (MAX_BATCH_ORDERS + 1)},
        "extra key beside orders": {"orders": [ORDER], "coupon": "FREE"},
        "not a list": {"orders": ORDER},
    }
    encoded = {name: json.dumps(body).encode() for name, body in bodies.items()}
    encoded["NaN"] = json.dumps({"orders": [{**ORDER, numeric.name: math.nan}]}).encode()
    encoded["not JSON"] = b"orders: all of them"
    encoded["not UTF-8"] = b'{"orders": ["\xff"]}'
    return encoded


@pytest.mark.parametrize("name", list(batch_bodies()))
def test_fast_batch_reader_agrees_with_the_menu(name):
    """The fast reader accepts and refuses exactly what `OrderBatch` does, at the same place."""
    body = batch_bodies()[name]
    try:
        expected = OrderBatch.model_validate_json(body)
    except ValidationError as error:
        with pytest.raises(RequestValidationError) as refusal:
            read_batch(body)
        slow_places = [("body", *problem["loc"]) for problem in error.errors()]
        assert [problem["loc"] for problem in refusal.value.errors()] == slow_places
    else:
        assert read_batch(body) == [order.model_dump() for order in expected.orders]


def test_openapi_shows_the_batch_body(client):
    """The batch route reads its body itself, yet the menu still documents it."""
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/predict/batch"]["post"]["requestBody"]["content"]["application/json"]
    orders = body["schema"]["properties"]["orders"]
    assert orders["items"] == {"$ref": "#/components/schemas/Order"}
    assert orders["maxItems"] == MAX_BATCH_ORDERS
    assert "Order" in schema["components"]["schemas"]


def test_untrusted_model_file_is_refused(tmp_path):
    """It refuses a model file holding a type outside the kitchen's own list, unopened."""
    planted = make_pipeline(FunctionTransformer(print))
    path = tmp_path / "model.skops"
    skops.io.dump(planted, path)
    with pytest.raises(UntrustedModel, match="print"):
        open_skops_file(path)


def test_stream_answers_each_order_and_survives_a_bad_one(client):
    """It sends one dish per order over the WebSocket, and a refusal that keeps it open."""
    item = next(item for item in ingredients() if item.maximum is not None)
    with client.websocket_connect("/ws/predict") as stream:
        stream.send_json(ORDER)
        first = stream.receive_json()
        stream.send_json({**ORDER, item.name: "plenty"})
        refusal = stream.receive_json()
        stream.send_text("this is not JSON")
        garbled = stream.receive_json()
        stream.send_json(ORDER)
        again = stream.receive_json()
    assert first["prediction"] > 0 and first["unit"] == DISH_UNIT
    assert refusal["detail"][0]["field"] == item.name and "plenty" not in json.dumps(refusal)
    assert garbled["error"] and garbled["detail"]
    assert again == first


def test_kitchen_notices_when_the_champion_alias_moves(empty_lab):
    """It swaps to the new champion by itself, at its regular look at the registry."""
    registry = two_versions(empty_lab)
    watching = empty_lab.model_copy(update={"champion_poll_seconds": 0.2})
    with TestClient(create_app(watching)) as client:
        assert client.get("/model").json()["version"] == "1"
        registry.set_registered_model_alias(empty_lab.model_name, "champion", "2")
        deadline = time.monotonic() + 20
        while client.get("/model").json()["version"] != "2":
            assert time.monotonic() < deadline, "the kitchen never noticed the new champion"
            time.sleep(0.2)
        assert client.post("/predict", json=ORDER).json()["model_version"] == "2"


def test_reload_swaps_at_once(empty_lab):
    """It takes the new champion as soon as asked, without waiting for the next look."""
    registry = two_versions(empty_lab)
    patient = empty_lab.model_copy(update={"champion_poll_seconds": 3600})
    with TestClient(create_app(patient)) as client:
        registry.set_registered_model_alias(empty_lab.model_name, "champion", "2")
        assert client.get("/model").json()["version"] == "1"
        assert client.post("/model/reload").json()["version"] == "2"


# --- Planted models: each is refused unopened, and the kitchen stays unready. ----------------


def plant_champion(settings, log_model) -> None:
    """Register what `log_model()` logs and make it champion, as a careless lab might."""
    open_lab_book(settings)
    with mlflow.start_run():
        logged = log_model()
    version = mlflow.register_model(logged.model_uri, settings.model_name).version
    registry = MlflowClient(settings.mlflow_tracking_uri)
    registry.set_registered_model_alias(settings.model_name, "champion", version)


class TouchOnLoad:
    """Unpickling this object creates a file: the proof that loading ran code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


class TouchOnLoadContext(mlflow.pyfunc.PythonModel):
    """A pyfunc whose custom code creates a file when MLflow loads it."""

    def __init__(self, marker):
        self.marker = marker

    def load_context(self, context):
        Path(self.marker).touch()

    def predict(self, context, model_input):
        return model_input


def skops_trusting_itself(marker):
    dangerous = make_pipeline(FunctionTransformer(os.system))
    trusts = skops.io.get_untrusted_types(data=skops.io.dumps(dangerous))
    return mlflow.sklearn.log_model(
        dangerous,
        name="model",
        serialization_format="skops",
        skops_trusted_types=trusts,
        pip_requirements=[],
    )


def cloudpickle_touching(marker):
    return mlflow.sklearn.log_model(
        TouchOnLoad(marker), name="model", serialization_format="cloudpickle", pip_requirements=[]
    )


def pyfunc_touching(marker):
    return mlflow.pyfunc.log_model(
        name="model", python_model=TouchOnLoadContext(marker), pip_requirements=[]
    )


PLANTED = [skops_trusting_itself, cloudpickle_touching, pyfunc_touching]


@pytest.mark.parametrize("log_model", PLANTED)
def test_planted_model_is_refused_and_runs_no_code(log_model, empty_lab, tmp_path):
    """It refuses the model without opening it: not ready, 503 in words, no marker file."""
    marker = tmp_path / "code-ran"
    # pip_requirements=[] above: otherwise MLflow itself loads the model to guess them.
    plant_champion(empty_lab, lambda: log_model(marker))
    assert not marker.exists()
    with TestClient(create_app(empty_lab)) as client:
        ready = client.get("/health/ready")
        order = client.post("/predict", json=ORDER)
    assert ready.status_code == 503 and order.status_code == 503
    assert "{{ cookiecutter.package_name }} train" in order.json()["detail"]
    assert not marker.exists()


def test_the_cloudpickle_trap_is_real(tmp_path):
    """It shows the planted pickle does run code when loaded the unsafe way."""
    marker = tmp_path / "code-ran"
    pickle.loads(pickle.dumps(TouchOnLoad(marker)))
    assert marker.exists()

"""The kitchen: takes valid orders, refuses bad ones in words, says when it cannot cook."""

import inspect
import json
import logging
import math
import os
import pickle
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import mlflow
import pytest
import skops.io
from fastapi.testclient import TestClient
from mlflow import MlflowClient
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from starlette.testclient import WebSocketDenialResponse

from {{ cookiecutter.package_name }}.data import make_dataset, split
from {{ cookiecutter.package_name }}.kitchen.app import create_app
from {{ cookiecutter.package_name }}.kitchen.refusals import MOST_PROBLEMS_SHOWN
from {{ cookiecutter.package_name }}.kitchen.safety import UntrustedModel, open_skops_file
from {{ cookiecutter.package_name }}.lab.train import build_pipeline, open_lab_book, train
from {{ cookiecutter.package_name }}.menu import (
    DISH_UNIT,
    MAX_BATCH_ORDERS,
    Order,
    OrderBatch,
    example_order,
    ingredients,
)
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.rush_hour import reader
from {{ cookiecutter.package_name }}.rush_hour.batching import Batcher
from {{ cookiecutter.package_name }}.rush_hour.encoder import (
    checked_encoder,
    columns_of,
    sample_orders,
    table_of_the_pipeline,
    table_part_by_part,
)
from {{ cookiecutter.package_name }}.rush_hour.reader import surely_valid_columns
from {{ cookiecutter.package_name }}.settings import Settings

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


def open_stream(client) -> None:
    with client.websocket_connect("/ws/predict"):
        pass


def test_without_champion_it_stays_up_and_says_what_to_do(empty_lab, kitchen_for):
    """It is live but not ready, and answers 503 naming the command that trains a model."""
    with TestClient(kitchen_for(empty_lab)) as client:
        assert client.get("/health/live").status_code == 200
        assert client.get("/health/ready").status_code == 503
        response = client.post("/predict", json=ORDER)
        with pytest.raises(WebSocketDenialResponse) as stream_refused:
            open_stream(client)
    assert response.status_code == 503
    assert "{{ cookiecutter.package_name }} train" in response.json()["detail"]
    # The WebSocket asks the same dependency: its handshake gets the same 503, in words.
    assert stream_refused.value.status_code == 503
    assert stream_refused.value.json() == response.json()


def test_it_becomes_ready_once_a_champion_appears(empty_lab, kitchen_for):
    """It opens by itself when the lab registers a champion after the kitchen started."""
    with TestClient(kitchen_for(empty_lab)) as client:
        assert client.get("/health/ready").status_code == 503
        train(empty_lab, QUICK_RECIPE)
        assert client.get("/health/ready").status_code == 200
        assert client.post("/predict", json=ORDER).status_code == 200


def test_numpy_encoder_gives_the_pipelines_own_predictions():
    """The wing's numpy encoder serves the lab's pipeline with the pipeline's own predictions."""
    train_x, test_x, train_y, _ = split(make_dataset(600))
    pipeline = build_pipeline(QUICK_RECIPE).fit(train_x, train_y)
    encoder = checked_encoder(pipeline)
    assert encoder is not None, "the numpy encoder no longer matches the lab's pipeline"
    orders = [Order.model_validate(row) for row in test_x.to_dict("records")]
    fast = pipeline[-1].predict(encoder.encode(columns_of(orders), len(orders)))
    assert fast.tolist() == pipeline.predict(test_x).tolist()


def test_encoder_check_without_pandas_sees_the_same_table():
    """Without pandas (the kitchen's image), the check builds the pipeline's table part by
    part, and gets exactly the table the whole step makes through pandas."""
    train_x, _, train_y, _ = split(make_dataset(600))
    prepare = build_pipeline(QUICK_RECIPE).fit(train_x, train_y).named_steps["prepare"]
    orders = sample_orders()
    assert (table_part_by_part(prepare, orders) == table_of_the_pipeline(prepare, orders)).all()


def test_encoder_refuses_a_pipeline_of_another_shape():
    """A pipeline whose first step writes the numbers first gets no numpy encoder: the plain
    way cooks it."""
    train_x, _, train_y, _ = split(make_dataset(600))
    pipeline = build_pipeline(QUICK_RECIPE)
    prepare = pipeline.named_steps["prepare"]
    prepare.transformers = prepare.transformers[::-1]  # numbers, then categories
    pipeline.fit(train_x, train_y)
    assert checked_encoder(pipeline) is None


def batch_bodies() -> dict[str, bytes]:
    """Batch bodies, good and bad, for comparing the wing's reader with `OrderBatch`."""
    first = ingredients()[0]
    numeric = next(item for item in ingredients() if item.maximum is not None)
    bodies = {
        "good": {"orders": [ORDER, ORDER]},
        "out of range": {"orders": [ORDER, {**ORDER, numeric.name: numeric.maximum + 1}]},
        "below range": {"orders": [{**ORDER, numeric.name: numeric.minimum - 1}, ORDER]},
        "unknown field": {"orders": [{**ORDER, "secret_sauce": 1}]},
        "missing field": {"orders": [{k: v for k, v in ORDER.items() if k != first.name}]},
        "text for a number": {"orders": [{**ORDER, numeric.name: str(numeric.example)}]},
        "true for a number": {"orders": [{**ORDER, numeric.name: True}]},
        "a list for a number": {"orders": [{**ORDER, numeric.name: [1]}]},
        "a huge whole number": {"orders": [{**ORDER, numeric.name: 10**400}]},
        "a whole number as 4.0": {"orders": [{**ORDER, numeric.name: float(numeric.maximum)}]},
        "a whole number as 4": {"orders": [{**ORDER, numeric.name: int(numeric.maximum)}]},
        "unknown category": {"orders": [{**ORDER, first.name: "moon dust"}]},
        "a list for a category": {"orders": [{**ORDER, first.name: [first.example]}]},
        "a number for a category": {"orders": [{**ORDER, first.name: 1}]},
        "empty batch": {"orders": []},
        "too many": {"orders": [ORDER] * (MAX_BATCH_ORDERS + 1)},
        "extra key beside orders": {"orders": [ORDER], "coupon": "FREE"},
        "not a list": {"orders": ORDER},
        "an order that is a list": {"orders": [list(ORDER.values())]},
        "not an object": [ORDER],
    }
    encoded = {name: json.dumps(body).encode() for name, body in bodies.items()}
    encoded["NaN"] = json.dumps({"orders": [{**ORDER, numeric.name: math.nan}]}).encode()
    encoded["Infinity"] = json.dumps({"orders": [{**ORDER, numeric.name: math.inf}]}).encode()
    one = json.dumps({"orders": [{**ORDER, numeric.name: 12345}]})
    encoded["1e400"] = one.replace("12345", "1e400").encode()
    encoded["not JSON"] = b"orders: all of them"
    encoded["not UTF-8"] = b'{"orders": ["\xff"]}'
    return encoded


@pytest.mark.parametrize("name", list(batch_bodies()))
def test_quick_check_lets_through_only_what_the_menu_accepts(name):
    """The wing's column check passes a batch only if `OrderBatch` takes it, with its values."""
    try:
        decoded = json.loads(batch_bodies()[name])
    except ValueError:
        return  # FastAPI refuses it before any check: nothing for the wing to decide
    checked = surely_valid_columns(decoded)
    if checked is not None:  # otherwise the slow, exact way decides (compared below)
        expected = OrderBatch.model_validate(decoded).orders
        assert checked.count == len(expected)
        assert {k: list(v) for k, v in checked.columns.items()} == columns_of(expected)


@pytest.fixture(scope="module")
def both_kitchens(settings):
    """The same champion served twice at once: with the wing, and the plain way."""
    with (
        TestClient(create_app(settings.model_copy(update={"rush_hour": True}))) as wing,
        TestClient(create_app(settings.model_copy(update={"rush_hour": False}))) as plain,
    ):
        yield wing, plain


def same_answer(wing, plain) -> None:
    assert wing.status_code == plain.status_code
    assert wing.headers["content-type"] == plain.headers["content-type"]
    if wing.status_code != 200:
        assert wing.content == plain.content
    elif "predictions" in wing.json():
        assert wing.json()["predictions"] == pytest.approx(plain.json()["predictions"], abs=1e-9)
    else:
        assert wing.json()["prediction"] == pytest.approx(plain.json()["prediction"], abs=1e-9)


@pytest.mark.parametrize("name", list(batch_bodies()))
def test_batch_gets_the_same_answer_with_or_without_the_wing(both_kitchens, name):
    """Every batch body, good or bad, gets the same status and body both ways."""
    body = batch_bodies()[name]
    answers = [
        kitchen.post("/predict/batch", content=body, headers={"content-type": "application/json"})
        for kitchen in both_kitchens
    ]
    same_answer(*answers)


def test_many_orders_get_the_same_dishes_with_or_without_the_wing(both_kitchens):
    """2,000 generated orders (a big batch), 50 (a small one), single orders: same to 1e-9."""
    rows = make_dataset(2_000, seed=5)[list(ORDER)].to_dict("records")
    for orders in (rows, rows[:50]):
        same_answer(*(k.post("/predict/batch", json={"orders": orders}) for k in both_kitchens))
    for order in rows[:20]:
        same_answer(*(k.post("/predict", json=order) for k in both_kitchens))


@pytest.mark.parametrize("rush_hour", [True, False], ids=["rush_hour", "plain"])
def test_the_wing_cooks_only_when_it_is_on(settings, monkeypatch, rush_hour):
    """With RUSH_HOUR on, batches go through the wing's reader and orders to its batcher;
    with it off, neither is used (so the 'same answers' tests compare two real paths)."""
    checked = []
    quick_check = reader.surely_valid_columns
    monkeypatch.setattr(
        reader, "surely_valid_columns", lambda body: checked.append(1) or quick_check(body)
    )
    kitchen = create_app(settings.model_copy(update={"rush_hour": rush_hour}))
    with TestClient(kitchen) as client:
        assert client.post("/predict/batch", json={"orders": [ORDER]}).status_code == 200
        cook = inspect.unwrap(kitchen.state.cook)  # the cook, not the order book's note-taker
    assert bool(checked) is rush_hour
    assert isinstance(getattr(cook, "__self__", None), Batcher) is rush_hour


def test_the_menu_is_the_same_with_or_without_the_wing(settings):
    """The wing changes no route: the OpenAPI menu is the same, to the letter."""
    wing = create_app(settings.model_copy(update={"rush_hour": True}))
    plain = create_app(settings.model_copy(update={"rush_hour": False}))
    assert wing.openapi() == plain.openapi()


def test_openapi_shows_the_batch_body(client):
    """The batch route's body is documented: a list of the menu's orders, bounded."""
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/predict/batch"]["post"]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[1]
    orders = schema["components"]["schemas"][name]["properties"]["orders"]
    assert orders["items"] == {"$ref": "#/components/schemas/Order"}
    assert orders["maxItems"] == MAX_BATCH_ORDERS


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


def test_kitchen_notices_when_the_champion_alias_moves(empty_lab, kitchen_for):
    """It swaps to the new champion by itself, at its regular look at the registry."""
    registry = two_versions(empty_lab)
    watching = empty_lab.model_copy(update={"champion_poll_seconds": 0.2})
    with TestClient(kitchen_for(watching)) as client:
        assert client.get("/model").json()["version"] == "1"
        registry.set_registered_model_alias(empty_lab.model_name, "champion", "2")
        deadline = time.monotonic() + 20
        while client.get("/model").json()["version"] != "2":
            assert time.monotonic() < deadline, "the kitchen never noticed the new champion"
            time.sleep(0.2)
        assert client.post("/predict", json=ORDER).json()["model_version"] == "2"


def test_reload_swaps_at_once(empty_lab, kitchen_for):
    """It takes the new champion as soon as asked, without waiting for the next look."""
    registry = two_versions(empty_lab)
    patient = empty_lab.model_copy(update={"champion_poll_seconds": 3600})
    with TestClient(kitchen_for(patient)) as client:
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

    def predict(self, context, model_input: list[str]) -> list[str]:  # typed, as MLflow asks
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
def test_planted_model_is_refused_and_runs_no_code(log_model, empty_lab, tmp_path, kitchen_for):
    """It refuses the model without opening it: not ready, 503 in words, no marker file."""
    marker = tmp_path / "code-ran"
    # pip_requirements=[] above: otherwise MLflow itself loads the model to guess them.
    plant_champion(empty_lab, lambda: log_model(marker))
    assert not marker.exists()
    with TestClient(kitchen_for(empty_lab)) as client:
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


# --- Under faults: refusals in words, nothing stale, no secret shown --------------------------


def test_binary_frame_is_refused_in_words_and_the_stream_stays_open(client):
    """It answers a binary WebSocket frame with a refusal in words, then cooks the next order."""
    with client.websocket_connect("/ws/predict") as stream:
        stream.send_bytes(json.dumps(ORDER).encode())
        refusal = stream.receive_json()
        stream.send_json(ORDER)
        dish = stream.receive_json()
    assert "text" in refusal["error"] and refusal["detail"] == []
    assert dish["prediction"] > 0


@pytest.mark.parametrize("path", ["/predict", "/predict/batch"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_order_routes_take_json_only(client, path, content_type):
    """It answers 415 in words to an order not sent as application/json, as the menu says."""
    body = json.dumps(ORDER if path == "/predict" else {"orders": [ORDER]})
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    documented = client.get("/openapi.json").json()["paths"][path]["post"]["responses"]
    assert "415" in documented


def test_reload_is_rate_limited(client):
    """It looks at the registry for the first reload, and answers 429 to one right after."""
    first = client.post("/model/reload")
    second = client.post("/model/reload")
    assert first.status_code == 200
    assert second.status_code == 429 and int(second.headers["retry-after"]) >= 1
    assert "s." in second.json()["detail"]
    documented = client.get("/openapi.json").json()["paths"]["/model/reload"]["post"]
    assert "429" in documented["responses"]


def test_an_all_wrong_batch_gets_a_capped_list_that_says_how_many_more(client):
    """It refuses a 1 MB batch of wrong orders with the first problems and a count of the rest."""
    numeric = next(item for item in ingredients() if item.maximum is not None)
    wrong = {**ORDER, numeric.name: numeric.maximum + 1, "extra": 1}
    orders = [wrong] * (1_000_000 // len(json.dumps(wrong)))
    response = client.post("/predict/batch", json={"orders": orders})
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert len(problems) == MOST_PROBLEMS_SHOWN + 1
    assert str(2 * len(orders) - MOST_PROBLEMS_SHOWN) in problems[-1]["rule"]
    assert len(response.content) < 20_000


def test_the_front_door_points_to_the_menu(client):
    """`GET /` sends a visitor to the menu page (/docs) instead of a bare 404."""
    response = client.get("/", follow_redirects=False)
    assert response.status_code in (307, 308) and response.headers["location"] == "/docs"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_menu_pages_need_no_internet(client, page):
    """Its /docs and /redoc pages name no outside host, and every file they load is served here."""
    html = client.get(page).text
    assert not re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", html), "an outside host"
    assets = re.findall(r"""(?:src|href|url)\s*[=:]\s*["'](/[^"']+)["']""", html)
    assert any(asset.endswith(".js") for asset in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_a_corrupt_model_file_is_reported_as_such(empty_lab, kitchen_for):
    """It says the champion's file could not be read, not that the lab cannot be reached."""
    train(empty_lab, QUICK_RECIPE)
    [model_file] = empty_lab.artifacts_dir.rglob("model.skops")
    model_file.write_bytes(b"not a zip, whatever the name says")
    with TestClient(kitchen_for(empty_lab)) as client:
        ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert "could not be read" in ready.json()["detail"]
    assert "reach" not in ready.json()["detail"]


def test_a_damaged_lab_book_is_reported_as_such(damaged_lab, kitchen_for):
    """It stays open and says the lab book is damaged, not that the lab cannot be reached, and
    shows none of the SQL that MLflow's own answer holds."""
    with TestClient(kitchen_for(damaged_lab)) as client:
        ready = client.get("/health/ready")
    said = say("lab_book_damaged", "en", uri=damaged_lab.mlflow_tracking_uri)
    assert ready.status_code == 503 and ready.json()["detail"] == said
    assert "SELECT" not in ready.text


def test_no_answer_nor_log_line_shows_the_lab_book_password(
    kitchen_for, caplog, capfd, monkeypatch
):
    """With a lab book address holding a password, it shows and logs that address masked."""
    # MLflow retries an unreachable database for most of an hour: once is enough here.
    monkeypatch.setattr("mlflow.store.db.utils.MAX_RETRY_COUNT", 1)
    secret = "Sup3rS3cretPW"
    settings = Settings(
        mlflow_tracking_uri=f"postgresql://ann:{secret}@127.0.0.1:9/lab", language="en"
    )
    with caplog.at_level(logging.DEBUG), TestClient(kitchen_for(settings)) as client:
        answers = [client.get("/health/ready"), client.post("/predict", json=ORDER)]
        answers += [client.get("/model"), client.post("/model/reload")]
    assert {answer.status_code for answer in answers} == {503}
    assert "ann:***@127.0.0.1" in answers[0].json()["detail"]
    said = " ".join(a.text for a in answers) + caplog.text + "".join(capfd.readouterr())
    assert secret not in said


def test_a_refused_new_champion_makes_it_unready_while_it_keeps_cooking(
    empty_lab, kitchen_for, tmp_path
):
    """When the alias moves to a model it refuses, it keeps cooking with the old one, and its
    readiness and model card say that this is no longer the registry's champion."""
    train(empty_lab, QUICK_RECIPE)
    with TestClient(kitchen_for(empty_lab)) as client:
        assert client.get("/health/ready").status_code == 200
        plant_champion(empty_lab, lambda: skops_trusting_itself(tmp_path / "code-ran"))
        assert client.post("/model/reload").status_code == 200
        ready, card = client.get("/health/ready"), client.get("/model").json()
        dish = client.post("/predict", json=ORDER)
    assert ready.status_code == 503 and "version 1" in ready.json()["detail"]
    assert card["version"] == "1" and "trust" in card["problem"]
    assert dish.status_code == 200 and dish.json()["model_version"] == "1"
    assert not (tmp_path / "code-ran").exists()

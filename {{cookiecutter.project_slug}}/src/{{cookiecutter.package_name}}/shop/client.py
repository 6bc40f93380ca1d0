"""The waiter: carries orders from the shop window to the kitchen over HTTP, and dishes back.

The shop window never cooks and never imports the kitchen's code: like a waiter, it only knows
the kitchen's address and the menu. Every failure becomes a sentence a customer can read; the
sentences live in `messages.py`, as the notebooks and `checkpoint` show them too.
"""

import httpx
from pydantic import BaseModel, ValidationError

from {{ cookiecutter.package_name }}.menu import Dish, DishBatch, ModelCard
from {{ cookiecutter.package_name }}.messages import say


class KitchenError(Exception):
    """Something went wrong between the shop window and the kitchen; str() says what, in words."""


class KitchenClient:
    def __init__(self, base_url: str, timeout_seconds: float, language: str | None = None):
        self.base_url = base_url
        self.timeout_seconds = timeout_seconds
        self.language = language
        # One connection pool for every call; every call gives up after `timeout_seconds`.
        self.http = httpx.Client(base_url=base_url, timeout=timeout_seconds)

    def predict(self, order: dict) -> Dish:
        """Send one order; return the dish, or raise KitchenError with the reason in words."""
        return self.read(self.call("POST", "/predict", json=order), Dish)

    def predict_batch(self, orders: list[dict]) -> DishBatch:
        """Send many orders in one call; the predictions come back in the same order."""
        return self.read(self.call("POST", "/predict/batch", json={"orders": orders}), DishBatch)

    def model_card(self) -> ModelCard:
        """Ask the kitchen which model is cooking, and how well it did in the lab."""
        return self.read(self.call("GET", "/model"), ModelCard)

    def call(self, method: str, path: str, **request) -> httpx.Response:
        """Make one HTTP call; turn every way it can fail into a KitchenError."""
        try:
            response = self.http.request(method, path, **request)
        except httpx.TimeoutException as slow:
            raise self.error("kitchen_slow", seconds=self.timeout_seconds) from slow
        except httpx.HTTPError as closed:  # refused connection, unknown host, broken answer
            raise self.error("kitchen_closed", url=self.base_url) from closed
        if response.status_code == 422:  # the order does not follow the menu
            raise self.error("order_refused", problems=self.problems(response))
        if response.status_code == 503:  # open, but no champion to cook with
            raise self.error("kitchen_not_ready", reason=self.detail(response))
        if response.status_code == 413:
            raise self.error("order_too_big")
        if response.is_error:
            raise self.error("kitchen_trouble", status=response.status_code)
        return response

    def read(self, response: httpx.Response, shape: type[BaseModel]):
        """Turn the kitchen's JSON answer into `shape`; an answer of another shape is trouble."""
        try:
            return shape.model_validate(response.json())
        except (ValueError, ValidationError) as odd:  # not JSON, or not the expected fields
            raise self.error("kitchen_trouble", status=response.status_code) from odd

    def error(self, key: str, **values) -> KitchenError:
        return KitchenError(say(key, self.language, **values))

    def problems(self, response: httpx.Response) -> str:
        """List the refused fields as 'field: rule; ...' (the kitchen never echoes values)."""
        detail = self.detail(response)
        if not isinstance(detail, list):
            return str(detail)
        fields = [problem for problem in detail if isinstance(problem, dict)]
        return "; ".join(
            f"{problem.get('field', '').removeprefix('body.')}: {problem.get('rule', '')}"
            for problem in fields
        )

    def detail(self, response: httpx.Response):
        """The `detail` of an error answer, or its status code if it has none."""
        try:
            return response.json()["detail"]
        except (ValueError, KeyError, TypeError):
            return f"HTTP {response.status_code}"

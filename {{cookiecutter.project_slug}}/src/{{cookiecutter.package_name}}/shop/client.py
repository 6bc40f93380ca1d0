"""The waiter: carries orders from the shop window to the kitchen over HTTP, and dishes back.

The shop window never cooks and never imports the kitchen's code: like a waiter, it only knows
the kitchen's address and the menu. Every failure becomes a sentence a customer can read.
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
        response = self.call("POST", "/predict", json=order)
        return self.read(response, Dish)

    def predict_batch(self, orders: list[dict]) -> DishBatch:
        """Send many orders in one call; the predictions come back in the same order."""
        response = self.call("POST", "/predict/batch", json={"orders": orders})
        return self.read(response, DishBatch)

    def model_card(self) -> ModelCard:
        """Ask the kitchen which model is cooking, and how well it did in the lab."""
        return self.read(self.call("GET", "/model"), ModelCard)

    def read(self, response: httpx.Response, shape: type[BaseModel]):
        """Turn the kitchen's JSON answer into `shape`; an answer of another shape is trouble."""
        try:
            return shape.model_validate(response.json())
        except (ValueError, ValidationError) as odd:  # not JSON, or not the expected fields
            message = say("kitchen_trouble", self.language, status=response.status_code)
            raise KitchenError(message) from odd

    def call(self, method: str, path: str, **request) -> httpx.Response:
        """Make one HTTP call; turn every way it can fail into a KitchenError."""
        try:
            response = self.http.request(method, path, **request)
        except httpx.TimeoutException as slow:
            message = say("kitchen_slow", self.language, seconds=self.timeout_seconds)
            raise KitchenError(message) from slow
        except httpx.HTTPError as closed:  # refused connection, unknown host, broken answer
            raise KitchenError(say("kitchen_closed", self.language, url=self.base_url)) from closed
        if response.status_code == 422:
            raise KitchenError(
                say("order_refused", self.language, problems=self.problems(response))
            )
        if response.status_code == 503:
            reason = self.detail(response)
            raise KitchenError(say("kitchen_not_ready", self.language, reason=reason))
        if response.status_code == 413:
            raise KitchenError(say("shop_order_too_big", self.language))
        if response.is_error:
            raise KitchenError(say("kitchen_trouble", self.language, status=response.status_code))
        return response

    def problems(self, response: httpx.Response) -> str:
        """List the refused fields as 'field: rule; ...' (the kitchen never echoes values)."""
        detail = self.detail(response)
        if not isinstance(detail, list):
            return str(detail)
        return "; ".join(
            f"{problem.get('field', '').removeprefix('body.')}: {problem.get('rule', '')}"
            for problem in detail
            if isinstance(problem, dict)
        )

    def detail(self, response: httpx.Response):
        """The `detail` of an error answer, or its status code if it has none."""
        try:
            return response.json()["detail"]
        except (ValueError, KeyError, TypeError):
            return f"HTTP {response.status_code}"

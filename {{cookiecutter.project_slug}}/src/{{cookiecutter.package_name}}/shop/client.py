"""The waiter: carries an order from the shop window to the kitchen over HTTP, and the dish back.

The shop window never cooks and never imports the kitchen's code: like a waiter, it only knows
the kitchen's address and the menu. Every failure becomes a sentence a customer can read.
"""

import httpx

from {{ cookiecutter.package_name }}.menu import Dish
from {{ cookiecutter.package_name }}.workshop.messages import say


class KitchenError(Exception):
    """Something went wrong between the shop window and the kitchen; str() says what, in words."""


class KitchenClient:
    def __init__(self, base_url: str, timeout_seconds: float, language: str | None = None):
        self.base_url = base_url
        self.timeout_seconds = timeout_seconds
        self.language = language
        self.http = httpx.Client(base_url=base_url, timeout=timeout_seconds)

    def predict(self, order: dict) -> Dish:
        """Send one order; return the dish, or raise KitchenError with the reason in words."""
        response = self.call("POST", "/predict", json=order)
        return Dish.model_validate(response.json())

    def call(self, method: str, path: str, **request) -> httpx.Response:
        try:
            response = self.http.request(method, path, **request)
        except httpx.TimeoutException as slow:
            message = say("kitchen_slow", self.language, seconds=self.timeout_seconds)
            raise KitchenError(message) from slow
        except httpx.TransportError as closed:
            raise KitchenError(say("kitchen_closed", self.language, url=self.base_url)) from closed
        if response.status_code == 422:
            problems = "; ".join(
                f"{problem['field'].removeprefix('body.')}: {problem['rule']}"
                for problem in response.json()["detail"]
            )
            raise KitchenError(say("order_refused", self.language, problems=problems))
        if response.status_code == 503:
            reason = response.json()["detail"]
            raise KitchenError(say("kitchen_not_ready", self.language, reason=reason))
        if response.is_error:
            raise KitchenError(say("kitchen_trouble", self.language, status=response.status_code))
        return response

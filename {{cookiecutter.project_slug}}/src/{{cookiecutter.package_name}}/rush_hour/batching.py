"""Cooking orders together: many orders, one call to the model (micro-batching).

A model's `predict` costs about the same for one row as for a few hundred: the price is in
calling it, not in the rows. So instead of one call per order, orders that arrive while the
cook is busy wait together, and the cook takes all of them at once next time. With one customer
nothing waits; with many, each waits at most one cooking.

The cooking runs in threads of its own, so the event loop stays free to take orders and answer
health checks meanwhile. Two cooks share the work: the quick cook, for orders and small batches,
uses one CPU thread (for a handful of rows, spreading the work over threads costs more than it
saves); the batch cook, for big batches, uses every core.
"""

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from threadpoolctl import threadpool_limits

from {{ cookiecutter.package_name }}.kitchen.model import LoadedModel, ModelSlot
from {{ cookiecutter.package_name }}.menu import FEATURES, Order
from {{ cookiecutter.package_name }}.rush_hour.encoder import OrderEncoder, checked_encoder, columns_of
from {{ cookiecutter.package_name }}.rush_hour.reader import CheckedColumns

BIG_BATCH = 500  # orders; from here on, a batch goes to the cook that uses every core
MOST_ORDERS_AT_ONCE = 256  # a bound on how long the first order in line may wait


def use_cpu_threads(limit: int | None) -> None:
    # Runs once in each cook's own thread: OpenMP's thread count is kept per calling thread.
    threadpool_limits(limits=limit, user_api="openmp")


def promise() -> asyncio.Future:
    """An empty box the cook fills later; whoever awaits it waits until then."""
    return asyncio.get_running_loop().create_future()


@dataclass
class Ticket:
    """Orders waiting to be cooked, and the promise of their predictions."""

    orders: CheckedColumns
    result: asyncio.Future = field(default_factory=promise)


def joined(tickets: list[Ticket]) -> CheckedColumns:
    if len(tickets) == 1:
        return tickets[0].orders
    columns = {name: [v for t in tickets for v in t.orders.columns[name]] for name in FEATURES}
    return CheckedColumns(columns, sum(len(ticket.orders) for ticket in tickets))


class Batcher:
    def __init__(self, slot: ModelSlot):
        self.slot = slot
        self.waiting: asyncio.Queue[Ticket] = asyncio.Queue()
        self.quick_cook = ThreadPoolExecutor(1, "quick-cook", use_cpu_threads, (1,))
        self.batch_cook = ThreadPoolExecutor(1, "batch-cook", use_cpu_threads, (None,))
        self.encoder_of: tuple[LoadedModel | None, OrderEncoder | None] = (None, None)

    async def cook(self, orders: Sequence[Order] | CheckedColumns) -> tuple[list[float], str]:
        """The kitchen's cook, as deps.Cook says: predictions, and the version that cooked them."""
        if not isinstance(orders, CheckedColumns):
            orders = CheckedColumns(columns_of(orders), len(orders))
        if len(orders) >= BIG_BATCH:
            model = self.slot.current
            assert model is not None, "deps.ready_cook hands out the cook only once there is one"
            loop = asyncio.get_running_loop()
            predictions = await loop.run_in_executor(self.batch_cook, self.predict, model, orders)
            return predictions, model.champion.version
        ticket = Ticket(orders)
        self.waiting.put_nowait(ticket)
        return await ticket.result

    async def cook_forever(self) -> None:
        """Take every ticket waiting, cook them in one call, hand each its share."""
        loop = asyncio.get_running_loop()
        while True:
            tickets = [await self.waiting.get()]
            count = len(tickets[0].orders)
            while not self.waiting.empty() and count < MOST_ORDERS_AT_ONCE:
                tickets.append(self.waiting.get_nowait())
                count += len(tickets[-1].orders)
            model = self.slot.current  # one model for the whole batch, even during a swap
            assert model is not None, "a ticket comes from cook(), called once there is a model"
            orders = joined(tickets)
            try:
                cooking = loop.run_in_executor(self.quick_cook, self.predict, model, orders)
                predictions = await cooking
            except Exception as error:  # every waiting customer hears about it
                for ticket in tickets:
                    if not ticket.result.done():
                        ticket.result.set_exception(error)
                continue
            start = 0
            for ticket in tickets:
                share = predictions[start : start + len(ticket.orders)]
                start += len(ticket.orders)
                if not ticket.result.done():  # the customer may have left meanwhile
                    ticket.result.set_result((share, model.champion.version))

    def predict(self, model: LoadedModel, orders: CheckedColumns) -> list[float]:
        """Cook in a cook's thread: numpy table into the model, or the plain way if need be."""
        encoder = self.encoder_for(model)
        if encoder is None:
            import pandas as pd  # the plain way needs pandas, which the kitchen image lacks

            return model.pipeline.predict(pd.DataFrame(orders.columns, columns=FEATURES)).tolist()
        table = encoder.encode(orders.columns, len(orders))
        return model.pipeline[-1].predict(table).tolist()

    def encoder_for(self, model: LoadedModel) -> OrderEncoder | None:
        """The numpy encoder of this model, checked once per model (each new champion)."""
        known_model, encoder = self.encoder_of
        if known_model is not model:
            encoder = checked_encoder(model.pipeline)
            self.encoder_of = (model, encoder)  # one assignment: safe between the two cooks
        return encoder

    async def __aenter__(self) -> "Batcher":
        self.cooking = asyncio.create_task(self.cook_forever())
        return self

    async def __aexit__(self, *_) -> None:
        self.cooking.cancel()  # closing time
        await asyncio.gather(self.cooking, return_exceptions=True)
        self.quick_cook.shutdown(wait=False, cancel_futures=True)
        self.batch_cook.shutdown(wait=False, cancel_futures=True)

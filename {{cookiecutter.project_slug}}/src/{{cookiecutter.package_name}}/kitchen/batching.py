"""Cooking orders together: many orders, one call to the model.

A model's `predict` costs about the same for one row as for a few hundred: the price is in
calling it, not in the rows. So instead of one call per order, orders that arrive while the
cook is busy wait together, and the cook takes all of them at once next time. With one customer
nothing waits; with many, each waits at most one cooking.

The cooking itself runs in a thread of its own, so the event loop stays free to take orders and
answer health checks meanwhile. Two cooks share the work: one for orders and small batches
(one CPU thread: for a handful of rows, spreading work over threads costs more than it saves),
one for big batches (every core).
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from threadpoolctl import threadpool_limits

from {{ cookiecutter.package_name }}.kitchen.model import ModelSlot

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
    """Orders waiting to be cooked (dicts of field values), and the promise of their predictions."""

    orders: list[dict]
    result: asyncio.Future = field(default_factory=promise)


class Batcher:
    def __init__(self, slot: ModelSlot):
        self.slot = slot
        self.waiting: asyncio.Queue[Ticket] = asyncio.Queue()
        self.quick_cook = ThreadPoolExecutor(1, "quick-cook", use_cpu_threads, (1,))
        self.batch_cook = ThreadPoolExecutor(1, "batch-cook", use_cpu_threads, (None,))

    async def predict(self, orders: list[dict]) -> tuple[list[float], str]:
        """Return the predictions for `orders` and the version of the model that cooked them."""
        if len(orders) >= BIG_BATCH:
            model = self.slot.current
            assert model is not None  # orders reach the kitchen only once a champion is loaded
            loop = asyncio.get_running_loop()
            predictions = await loop.run_in_executor(self.batch_cook, model.predict, orders)
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
            assert model is not None  # orders reach the kitchen only once a champion is loaded
            orders = [order for ticket in tickets for order in ticket.orders]
            try:
                predictions = await loop.run_in_executor(self.quick_cook, model.predict, orders)
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

    def close(self) -> None:
        self.quick_cook.shutdown(wait=False, cancel_futures=True)
        self.batch_cook.shutdown(wait=False, cancel_futures=True)

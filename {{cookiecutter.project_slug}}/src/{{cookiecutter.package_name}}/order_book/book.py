"""The order book's clerk: notes each order as it is cooked, and writes the notes down later.

Noting costs an order next to nothing: the order, its dish, the version and the time join a
waiting line, on the event loop, in about a microsecond. Every half second the clerk takes the
whole line and writes it in one transaction, in a thread of its own: neither the event loop nor
the cooks ever wait for the store.

The line is bounded (MOST_WAITING rows). When the store is slow, locked or gone, the line fills
up, and orders beyond it are cooked and served as always but not noted, only counted
(`tally.dropped`). A write that fails is logged, its rows counted as lost (`tally.lost`), and
the clerk leaves the store alone for RETRY_SECONDS, then tries again: a store that comes back
is written to again. The book keeps the newest ORDER_BOOK_MAX_ROWS orders of the model: it
trims the oldest each time a tenth of that many has been written, and when the kitchen closes.
"""

import asyncio
import functools
import logging
import operator
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from {{ cookiecutter.package_name }}.menu import FEATURES
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.order_book.store import Store

log = logging.getLogger(__name__)

MOST_WAITING = 50_000  # rows noted but not written yet: some 20 MB of orders at most
EVERY_SECONDS = 0.5  # how often the clerk writes the line down
RETRY_SECONDS = 5.0  # after a failed write, how long the store is left alone
CLOSING_SECONDS = 5.0  # at closing time, how long the last writing may take

values_of = operator.attrgetter(*FEATURES)  # an order's values, in the menu's order: a tuple
Cook = Callable[[Sequence], Awaitable[tuple[list[float], str]]]  # as kitchen/deps.py says


@dataclass
class Tally:
    """What became of the orders cooked since the kitchen opened."""

    written: int = 0
    dropped: int = 0  # not noted: the waiting line was full
    lost: int = 0  # noted, but the store refused them


def plain(column) -> list:
    return column.tolist() if hasattr(column, "tolist") else list(column)  # numpy -> Python


def rows_of(noted: list[tuple], model: str, when: Callable[[float], object]) -> list[tuple]:
    """The notes as the store's rows: time, model, version, dish, then the order's fields.

    `when` turns seconds into the store's time, once a note: its orders were cooked together.
    """
    rows = []
    for seconds, orders, predictions, version in noted:
        cooked_at = when(seconds)
        columns = getattr(orders, "columns", None)
        fields: Iterable[Sequence]
        if columns is None:  # orders, as the values of each `Order`
            fields = orders
        else:  # a batch that the rush_hour wing read as columns
            fields = zip(*(plain(columns[name]) for name in FEATURES), strict=True)
        for prediction, values in zip(predictions, fields, strict=True):
            rows.append((cooked_at, model, version, prediction, *values))
    return rows


class OrderBook:
    def __init__(self, store: Store, keep: int, language: str, most_waiting: int = 0):
        self.store = store
        self.keep = keep  # newest orders kept
        self.language = language
        self.most_waiting = most_waiting or MOST_WAITING
        self.line: list[tuple] = []
        self.rows_waiting = 0
        self.tally = Tally()
        self.written_since_trim = 0
        self.left_alone_until = 0.0  # while the store is broken: when to try it again
        self.pen = ThreadPoolExecutor(1, "order-book")  # the one thread that writes
        self.named = store.named()  # for the log lines

    def note(self, orders: Sequence, predictions: list[float], version: str) -> None:
        """Put a cooked order (or batch) on the waiting line, unless the line is full."""
        count = len(predictions)
        if self.rows_waiting + count > self.most_waiting:
            self.tally.dropped += count
            return
        if getattr(orders, "columns", None) is None:
            # Keep the values, let the `Order` objects go: thousands of them waiting half a
            # second kept Python's garbage collector busy (3 to 4 % of the kitchen's throughput).
            orders = [values_of(order) for order in orders]
        self.line.append((time.time(), orders, predictions, version))
        self.rows_waiting += count

    def recording(self, cook: Cook) -> Cook:
        """The same cook, whose every dish is also noted in the book (`inspect.unwrap` gives
        back the cook itself)."""

        @functools.wraps(cook)
        async def cook_and_note(orders: Sequence) -> tuple[list[float], str]:
            predictions, version = await cook(orders)
            self.note(orders, predictions, version)
            return predictions, version

        return cook_and_note

    def write(self, noted: list[tuple]) -> None:
        """In the clerk's thread: write the notes, and trim when it is time."""
        rows = rows_of(noted, self.store.model, self.store.when)
        self.store.write(rows)
        self.written_since_trim += len(rows)
        if self.written_since_trim >= self.keep // 10 + 1:
            self.store.trim(self.keep)
            self.written_since_trim = 0

    async def write_waiting(self) -> None:
        """Hand the whole waiting line to the clerk's thread, and wait for it to be written."""
        if not self.line or time.monotonic() < self.left_alone_until:
            return
        noted, self.line, self.rows_waiting = self.line, [], 0
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self.pen, self.write, noted)
        except Exception as problem:
            self.tally.lost += sum(len(predictions) for _, _, predictions, _ in noted)
            if not self.left_alone_until:  # said once per breakdown, not twice a second
                words = say("order_book_broken", self.language, book=self.named, problem=problem)
                log.warning(words)
            self.left_alone_until = time.monotonic() + RETRY_SECONDS
            return
        self.tally.written += sum(len(predictions) for _, _, predictions, _ in noted)
        if self.left_alone_until:
            log.warning(say("order_book_back", self.language, book=self.named))
            self.left_alone_until = 0.0

    async def write_forever(self) -> None:
        while True:
            await asyncio.sleep(EVERY_SECONDS)
            await self.write_waiting()

    async def __aenter__(self) -> "OrderBook":
        self.writing = asyncio.create_task(self.write_forever())
        return self

    async def __aexit__(self, *_) -> None:
        """Closing time: write what is still waiting (if the store answers in time), trim."""
        self.writing.cancel()
        await asyncio.gather(self.writing, return_exceptions=True)
        self.left_alone_until = 0.0  # one last try, even after a breakdown
        try:
            await asyncio.wait_for(self.write_waiting(), CLOSING_SECONDS)
            loop = asyncio.get_running_loop()
            await asyncio.wait_for(
                loop.run_in_executor(self.pen, self.store.trim, self.keep), CLOSING_SECONDS
            )
        except Exception as problem:  # a broken store must not keep the kitchen from closing
            log.warning(say("order_book_broken", self.language, book=self.named, problem=problem))
        finally:
            self.pen.submit(self.store.close)
            self.pen.shutdown(wait=False)

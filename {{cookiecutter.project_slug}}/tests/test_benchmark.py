"""The serving benchmark still runs, so its figures can be trusted when someone needs them."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).parents[1] / "benchmarks" / "serving.py"


@pytest.mark.slow
def test_serving_benchmark_prints_its_table():
    """It starts every server (and the workshop under `up`), loses no request, prints every
    figure and target, with and without the order book; it never judges the speed itself."""
    result = subprocess.run(
        [sys.executable, BENCHMARK, "--requests", "40"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = result.stdout
    for figure in (
        "Load average at the start",
        "latency p50",
        "throughput, 32 clients",
        "10,000-row batch",
        "cold start",
        "decode the 10,000-row JSON body",
        "Workshop stack under `up`",
        "32-client throughput / HTTP floor",
        "The order book's cost",
        "order book: 32 clients, with / without",
        "Load average at the end",
    ):
        assert figure in table
    failed = next(line for line in table.splitlines() if line.startswith("failed requests"))
    assert failed.split()[2:5] == ["0.0", "0.0", "nan"], failed
    assert failed.split()[-1] == "0.0", failed  # the HTTP floor lost none either
    book = table.split("The order book's cost")[1]
    lost = next(line for line in book.splitlines() if line.startswith("failed requests"))
    assert lost.split()[2:] == ["0.0", "0.0"], lost  # with the book and without, none failed
    written = next(line for line in book.splitlines() if line.startswith("Orders written"))
    assert int(written.split(": ")[1].replace(",", "")) > 0, written  # the book was on
    targets = table.split("Targets:")[1].splitlines()[1:9]
    assert all(line.rstrip().endswith(("met", "not measured")) for line in targets), targets

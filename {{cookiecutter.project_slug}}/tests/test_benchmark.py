"""The serving benchmark still runs, so its figures can be trusted when someone needs them."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).parents[1] / "benchmarks" / "serving.py"


@pytest.mark.slow
def test_serving_benchmark_prints_its_table():
    """It starts both servers, loses no request, and prints every figure and target."""
    result = subprocess.run(
        [sys.executable, BENCHMARK, "--requests", "40"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = result.stdout
    for figure in ("latency p50", "throughput, 32 clients", "10,000-row batch", "cold start"):
        assert figure in table
    failed = next(line for line in table.splitlines() if line.startswith("failed requests"))
    assert failed.split()[2:4] == ["0.0", "0.0"], failed

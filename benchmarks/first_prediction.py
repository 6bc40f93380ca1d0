"""How long from `git clone` to the first prediction, with the README's first command.

    .venv/bin/python benchmarks/first_prediction.py          # warm: uses the machine's uv cache
    .venv/bin/python benchmarks/first_prediction.py --cold   # cold: empty uv and pip caches

It clones this repository's committed HEAD into a temporary folder, runs `python3 run.py demo`
there on free loopback ports, orders from the kitchen every half second until a dish comes
back, prints the figures, then closes everything with Ctrl-C (SIGINT). Bounded: it gives up
after 20 minutes.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

TEMPLATE = Path(__file__).resolve().parents[1]
ORDER = {
    "soil_type": "loam",
    "seed_type": "hybrid",
    "water_mm": 600.0,
    "temperature_c": 22.0,
    "fertilizer_kg_ha": 120.0,
}
GIVE_UP_SECONDS = 20 * 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def first_dish(url: str, process: subprocess.Popen, started: float) -> float:
    """Order every half second until the kitchen answers 200; return the seconds it took."""
    while time.monotonic() - started < GIVE_UP_SECONDS:
        if process.poll() is not None:
            sys.exit("The demo stopped before serving a prediction.")
        try:
            if httpx.post(url, json=ORDER, timeout=5).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    sys.exit(f"No prediction after {GIVE_UP_SECONDS} s.")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--cold", action="store_true", help="start with empty package caches")
    cold = options.parse_args().cold

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        ports = {"LAB_PORT": free_port(), "KITCHEN_PORT": free_port(), "SHOP_PORT": free_port()}
        environment = {**os.environ, **{name: str(port) for name, port in ports.items()}}
        if cold:
            environment |= {"UV_CACHE_DIR": str(folder / "uv-cache"), "PIP_NO_CACHE_DIR": "1"}

        started = time.monotonic()
        subprocess.run(["git", "clone", "--quiet", TEMPLATE, folder / "template"], check=True)
        cloned = time.monotonic() - started
        process = subprocess.Popen(
            [sys.executable, "run.py", "demo"],
            cwd=folder / "template",
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        lines: list[str] = []
        threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
        try:
            seconds = first_dish(
                f"http://127.0.0.1:{ports['KITCHEN_PORT']}/predict", process, started
            )
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)

    trained = next((line.strip() for line in lines if line.startswith("Trained in")), "?")
    print(f"caches:                        {'cold (empty)' if cold else 'warm'}")
    print(f"git clone:                     {cloned:.1f} s")
    print(f"clone to first prediction:     {seconds:.1f} s")
    print(f"default training (CLI output): {trained}")
    match = re.search(r"Trained in ([\d.]+) s", trained)
    if not match:
        print("(training line not found: was a champion already there?)")


if __name__ == "__main__":
    main()

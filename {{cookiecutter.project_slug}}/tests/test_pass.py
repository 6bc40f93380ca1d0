"""The pass (docker/nginx.conf) really carries orders to the kitchens, big batches included.

No Docker engine is needed: nginx from the system's packages (`apt-get install nginx`) runs the
project's own configuration, with only the addresses changed: compose's `kitchen:8000` becomes
the test kitchens' loopback ports, and the pass listens on a free loopback port.
"""

import json
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from {{ cookiecutter.package_name }}.kitchen.routes import BATCH_BODY_BYTES
from {{ cookiecutter.package_name }}.menu import MAX_BATCH_ORDERS, example_order
from {{ cookiecutter.package_name }}.processes import free_port

from .conftest import serving, skip_or_fail

CONFIGURATION = Path(__file__).resolve().parents[1] / "docker" / "nginx.conf"
COMPOSE_KITCHENS = "        server kitchen:8000;"
ORDER = example_order().model_dump(mode="json")


def nginx_program() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        reason = "nginx is not installed (Debian: apt-get install nginx)"
        skip_or_fail(reason, required_by="REQUIRE_NGINX")
    return found


def pass_configuration(kitchens: list[str], port: int, folder: Path) -> str:
    """The project's nginx.conf, pointed at these kitchens and listening on loopback only."""
    text = CONFIGURATION.read_text()
    assert COMPOSE_KITCHENS in text and "listen 8000;" in text  # what is replaced is still there
    upstream = "\n".join(f"        server {address};" for address in kitchens)
    text = text.replace(COMPOSE_KITCHENS, upstream)
    text = text.replace("listen 8000;", f"listen 127.0.0.1:{port};")
    return text.replace("pid /tmp/nginx.pid;", f"pid {folder / 'nginx.pid'};")


@pytest.fixture
def pass_to(tmp_path):
    """Start nginx in front of the given kitchen addresses; return the pass's URL."""
    started = []

    def start(kitchens: list[str]) -> str:
        port = free_port()
        configuration = tmp_path / "nginx.conf"
        configuration.write_text(pass_configuration(kitchens, port, tmp_path))
        command = [nginx_program(), "-p", str(tmp_path), "-c", str(configuration), "-e", "stderr"]
        nginx = subprocess.Popen([*command, "-g", "daemon off;"])
        started.append(nginx)
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):  # at most 10 s
            if nginx.poll() is not None:
                pytest.fail("nginx refused the project's configuration (its error is above)")
            try:
                httpx.get(url + "/health/live", timeout=1)
                return url
            except httpx.TransportError:
                time.sleep(0.1)
        pytest.fail("the pass did not answer within 10 s")

    yield start
    for nginx in started:
        nginx.terminate()
        nginx.wait(timeout=10)


def test_a_full_batch_goes_through_the_pass(settings, pass_to):
    """The pass lets through the largest batch a kitchen accepts, and its answer comes back."""
    with serving(settings) as kitchen:
        url = pass_to([kitchen.removeprefix("http://")])
        orders = {"orders": [ORDER] * MAX_BATCH_ORDERS}
        answer = httpx.post(url + "/predict/batch", json=orders, timeout=60)
        assert answer.status_code == 200, answer.text[:200]
        assert len(answer.json()["predictions"]) == MAX_BATCH_ORDERS


def test_an_oversized_body_gets_the_kitchens_own_413_through_the_pass(settings, pass_to):
    """A body over the kitchen's limit gets a 413 in the kitchen's words (not nginx's HTML page,
    nor the 502 nginx gives when the kitchen closes on a body it is still sending), every time."""
    with serving(settings) as kitchen:
        url = pass_to([kitchen.removeprefix("http://")])
        too_big = b"[" + b" " * BATCH_BODY_BYTES + b"]"
        for _ in range(5):  # the 502 came now and then: a race between sending and closing
            answer = httpx.post(url + "/predict/batch", content=too_big, timeout=60)
            assert answer.status_code == 413
            assert answer.text == "Content Too Large"  # as tests/test_kitchen.py finds it


def test_orders_skip_a_kitchen_that_is_down(settings, pass_to):
    """With one of two kitchens closed, every order is still cooked by the other one."""
    with serving(settings) as kitchen:
        closed = f"127.0.0.1:{free_port()}"  # nothing listens there
        url = pass_to([kitchen.removeprefix("http://"), closed])
        answers = [httpx.post(url + "/predict", json=ORDER) for _ in range(6)]
        assert [answer.status_code for answer in answers] == [200] * 6


def test_the_live_stream_goes_through_the_pass(settings, pass_to):
    """The WebSocket upgrade is carried: an order sent on the stream comes back as a dish."""
    with serving(settings) as kitchen:
        url = pass_to([kitchen.removeprefix("http://")])
        with connect(url.replace("http://", "ws://") + "/ws/predict", open_timeout=10) as stream:
            stream.send(json.dumps(ORDER))
            dish = json.loads(stream.recv(timeout=10))
        assert isinstance(dish["prediction"], float)

"""Starting, waiting for and stopping servers: real processes, real ports, bounded waits."""

import os
import socket
import sys
import time

import pytest

from {{ cookiecutter.package_name }}.kitchen.app import create_app
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.processes import (
    Server,
    ServerDidNotStart,
    ServerThread,
    answers,
    free_port,
    open_server,
    port_is_free,
    start,
    stop,
    wait_until_healthy,
)

# A server that starts a helper process of its own, as the lab's MLflow starts uvicorn; the
# helper holds the port. A "stubborn" helper ignores the polite request to close.
HELPER = """
import signal, socket, sys, time
if sys.argv[2] == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
listener = socket.socket()
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen()
time.sleep(600)
"""
SERVER = f"""
import subprocess, sys
subprocess.run([sys.executable, "-c", {HELPER!r}, *sys.argv[1:]])
"""
POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="process groups are POSIX")


def until(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_port_is_free_tells_a_taken_port_from_a_free_one():
    """It says a port is free, taken while something listens there, free again after."""
    port = free_port()
    assert port_is_free(port)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        assert not port_is_free(port)
    assert port_is_free(port)


@POSIX_ONLY
@pytest.mark.parametrize("helper", ["polite", "stubborn"])
def test_stop_closes_the_whole_group_within_its_bound_and_frees_the_port(helper):
    """It closes a server and the helper it started, politely or, past the bound, firmly;
    the port is free afterwards."""
    port = free_port()
    server = Server("test server", [sys.executable, "-c", SERVER, str(port), helper], "", "")
    # A polite helper must close before the bound, so it gets a long one (a busy machine may be
    # slow to schedule it); a stubborn one outlives a short bound and must be closed firmly.
    bound = 20 if helper == "polite" else 2
    start(server)
    try:
        assert until(lambda: not port_is_free(port)), "the helper never listened"
    finally:
        started = time.monotonic()
        stop([server], seconds=bound)
        seconds = time.monotonic() - started
    assert port_is_free(port), f"the {helper} helper still holds port {port}"
    assert seconds < bound + 5, f"stopping took {seconds:.1f} s"
    if helper == "polite":
        assert seconds < bound, f"a polite helper needed force after {seconds:.1f} s"


def test_waiting_notices_a_server_that_died_at_once():
    """It stops waiting as soon as the server's process ends, not at the deadline."""
    url = f"http://127.0.0.1:{free_port()}"
    server = Server("test server", [sys.executable, "-c", "raise SystemExit(3)"], url, url)
    started = time.monotonic()
    start(server)
    assert wait_until_healthy([server], seconds=120) is server
    assert time.monotonic() - started < 30
    stop([server])


def test_a_server_that_does_not_open_is_said_in_words():
    """It raises ServerDidNotStart naming the server and the time it was given."""
    url = f"http://127.0.0.1:{free_port()}"
    server = Server("test server", [sys.executable, "-c", "raise SystemExit(3)"], url, url)
    with pytest.raises(ServerDidNotStart) as failed:
        open_server(server, seconds=30)
    assert str(failed.value) == say("server_did_not_start", name="test server", seconds=30)


def test_server_thread_serves_the_kitchen_then_frees_its_port(settings):
    """It serves the app on a free loopback port while inside `with`, and not after."""
    with ServerThread(create_app(settings)) as url:
        assert answers(f"{url}/health/ready")
        port = int(url.rsplit(":", 1)[1])
        assert not port_is_free(port)
    assert until(lambda: port_is_free(port), seconds=10)

"""The command line: clear words for bad arguments and busy ports."""

import socket

import pytest

from {{ cookiecutter.package_name }}.cli import main


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["train", "--learning-rate", "fast"], "'fast' is not a float"),
        (["train", "--rows", "3"], "must be between 50"),
        (["kitchen", "--port", "70000"], "must be between 1 and 65535"),
    ],
)
def test_bad_arguments_are_refused_in_words(arguments, words, capsys):
    """It exits with status 2 and says what is wrong with the argument."""
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == 2
    assert words in capsys.readouterr().err


def test_busy_port_is_reported_before_starting():
    """It refuses to start on a taken port and names the option that picks another."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as stopped:
            main(["kitchen", "--port", str(port)])
    assert f"Port {port}" in str(stopped.value.code) and "--port" in str(stopped.value.code)

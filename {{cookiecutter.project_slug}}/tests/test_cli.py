"""The command line: clear words for bad arguments and busy ports."""

import socket

import pytest

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.processes import free_port


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


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["kitchen"], "--port"),
        (["lab"], "--port"),
        # up checks every port first: the others are free ones, so the kitchen's is the taken one
        (["up", "--lab-port", str(free_port()), "--shop-port", str(free_port())], "--kitchen-port"),
    ],
)
def test_busy_port_is_refused_before_starting_with_the_option_to_use(command, option):
    """It refuses to start on a taken port and names the option that picks another."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as stopped:
            main([*command, option, str(port)])
    said = say("cli_port_taken", port=port, host="127.0.0.1", option=option)
    assert stopped.value.code == said

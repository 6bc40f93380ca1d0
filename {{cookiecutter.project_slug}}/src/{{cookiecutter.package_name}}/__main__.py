"""Lets `python -m {{ cookiecutter.package_name }}` work where the console script is not on PATH."""

from {{ cookiecutter.package_name }}.cli import main

main()

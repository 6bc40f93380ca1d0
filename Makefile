# Shortcuts for those who like make; each one calls `python3 run.py ...`, the real entry point
# (on Windows or without make, type the command shown after the target instead).
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

demo:  ## python3 run.py demo   (bake demo/, open its lab, kitchen and shop window)
	python3 run.py demo

test:  ## python3 run.py test   (every test, slow ones included)
	python3 run.py test

test-fast:  ## python3 run.py test -m "not slow"   (about a minute)
	python3 run.py test -m "not slow"

docs:  ## python3 run.py docs   (build the documentation site into site/, strictly)
	python3 run.py docs

lock:  ## python3 run.py lock   (refresh both locks after a dependency change)
	python3 run.py lock

lint:  ## python3 run.py lint   (ruff check and format check of the template's own code)
	python3 run.py lint

.PHONY: help demo test test-fast docs lock lint

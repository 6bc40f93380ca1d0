"""Catering: the kitchen's recipe cooked for a whole village at once, in a hired hall.

The kitchen (FastAPI) cooks orders as they arrive, a few at a time. A banquet is different: a
table of a million orders is known in advance and all of it must be cooked. Catering hires a big
kitchen for that (Apache Spark, on this machine or on a cluster) and cooks with the lab's
champion, checked by the kitchen's own rules before anything is opened.

- `tables.py`: the village's order sheet, written from the lab's own data generator
  (`make-data`), and read back with every order checked against the menu;
- `banquet.py`: scoring a whole table with the champion on Spark (`score-batch`).

Imports flow one way: catering -> kitchen (its list of trusted model types) -> lab.registry.
Spark is optional (`pip install -e ".[spark]"`): nothing here imports it until it is needed.
"""

# Here, not in tables.py, so the command line can show it without importing pandas.
MAX_ROWS = 20_000_000  # about 1 GB of CSV: beyond that, write several files

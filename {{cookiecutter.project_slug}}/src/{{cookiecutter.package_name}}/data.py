"""The lab's dataset: made here, from a written formula plus noise, so no download is needed.

The same seed always gives the same table, so every learner in a class sees the same numbers.
Each column is drawn inside the range the menu allows, so every row is a valid order.

The world also has seasons. Season 1 is the one the lab learns from; in season 2 the world has
moved on (described under each formula below): orders look different (data drift) and the same
order no longer gives the same outcome (concept drift), so a model trained in season 1 ages.
"""

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from {{ cookiecutter.package_name }}.menu import FEATURES, TARGET, ingredients

DEFAULT_ROWS = 2_000
DEFAULT_SEED = 42
SEASONS = (1, 2)
{% if cookiecutter.use_case == "crop_yield" %}
# The formula, in tonnes per hectare:
#   yield = soil base x seed factor x water response x temperature response
#           + fertiliser bonus + noise
# - soil base: how much the soil gives in a good year (loam best, sandy soil least);
# - seed factor: hybrids give 20 % more, drought-tolerant seeds a little less;
# - water response: best near 650 mm, worse with too little or too much; drought-tolerant
#   seeds suffer half as much away from the optimum;
# - temperature response: best near 22 °C;
# - fertiliser bonus: up to +2 t/ha, with diminishing returns;
# - noise: normal, standard deviation 0.5 t/ha (weather, pests, luck).
#
# Season 2, a dry year: fields get 100 to 800 mm of water (not up to 1,200); half the farmers
# now sow drought-tolerant seeds (a third did); and a new disease hits hybrids, whose factor
# falls from 1.2 to 0.9.
SOIL_BASE = {"clay": 6.0, "loam": 8.0, "sandy": 5.0, "silt": 7.0}
SEED_FACTOR = {"standard": 1.0, "hybrid": 1.2, "drought_tolerant": 0.95}
SEED_FACTOR_SEASON_2 = {**SEED_FACTOR, "hybrid": 0.9}
BEST_WATER_MM = 650.0
BEST_TEMPERATURE_C = 22.0
NOISE_T_HA = 0.5


def change_orders(table: pd.DataFrame, rng: np.random.Generator, season: int) -> pd.DataFrame:
    """Redraw the columns that a season changes (season 1 keeps the menu's even spread)."""
    if season == 2:
        table["water_mm"] = np.round(rng.uniform(100, 800, len(table)), 1)
        seeds = list(SEED_FACTOR)  # standard, hybrid, drought_tolerant
        table["seed_type"] = rng.choice(seeds, len(table), p=[0.25, 0.25, 0.5])
    return table


def expected_yield(table: pd.DataFrame, season: int = 1) -> np.ndarray:
    """Return the formula's yield (t/ha) for each row, before noise."""
    water_sensitivity = np.where(table["seed_type"] == "drought_tolerant", 0.4, 0.8)
    water_gap = (table["water_mm"] - BEST_WATER_MM) / BEST_WATER_MM
    water_response = np.clip(1 - water_sensitivity * water_gap**2, 0.1, None)
    temperature_gap = (table["temperature_c"] - BEST_TEMPERATURE_C) / 15
    temperature_response = np.clip(1 - temperature_gap**2, 0.1, None)
    fertiliser_bonus = 2.0 * (1 - np.exp(-table["fertilizer_kg_ha"] / 100))
    soil = table["soil_type"].map(SOIL_BASE).to_numpy()
    seed = table["seed_type"].map(SEED_FACTOR_SEASON_2 if season == 2 else SEED_FACTOR)
    return soil * seed.to_numpy() * water_response * temperature_response + fertiliser_bonus


def true_outcome(table: pd.DataFrame, rng: np.random.Generator, season: int = 1) -> np.ndarray:
    """The yield the season really gives each field (t/ha): its formula, plus noise."""
    noise = rng.normal(0, NOISE_T_HA, len(table))
    return np.round(np.clip(np.asarray(expected_yield(table, season)) + noise, 0, None), 3)


def add_target(table: pd.DataFrame, rng: np.random.Generator, season: int = 1) -> pd.DataFrame:
    table[TARGET] = true_outcome(table, rng, season)
    return table
{% else %}
# The formula, in thousands of euros (k€):
#   price = area x price per m² of the neighbourhood x age factor
#           + 8 k€ per room + garden bonus, then x noise
# - price per m²: 5.0 k€ in the city centre, 3.2 in a suburb, 1.8 in the countryside;
# - age factor: from 0.8 for a house built in 1900 up to 1.0 for a new one;
# - garden bonus: 25 k€ (10 k€ in the countryside, where gardens are common);
# - noise: multiplied by a log-normal factor of about ±8 % (the buyer's mood, the street...).
# Rooms are drawn from the area (about one room per 25 m²), as in real houses.
#
# Season 2, the market moves: buyers look for smaller homes (20 to 200 m², not up to 400) and
# half of them in the city centre (a third did); prices per m² rise by 20 % in the city centre
# and 10 % in the suburbs, and stay put in the countryside.
PRICE_PER_M2 = {"city_centre": 5.0, "suburb": 3.2, "countryside": 1.8}
PRICE_PER_M2_SEASON_2 = {"city_centre": 6.0, "suburb": 3.52, "countryside": 1.8}
GARDEN_BONUS = {"city_centre": 25.0, "suburb": 25.0, "countryside": 10.0}
PRICE_PER_ROOM = 8.0
NOISE_SIGMA = 0.08


def change_orders(table: pd.DataFrame, rng: np.random.Generator, season: int) -> pd.DataFrame:
    """Redraw the columns that a season changes (season 1 keeps the menu's even spread)."""
    if season == 2:
        table["area_m2"] = np.round(rng.uniform(20, 200, len(table)), 1)
        places = list(PRICE_PER_M2)  # city_centre, suburb, countryside
        table["neighbourhood"] = rng.choice(places, len(table), p=[0.5, 0.25, 0.25])
    return table


def expected_price(table: pd.DataFrame, season: int = 1) -> pd.Series:
    """Return the formula's price (k€) for each row, before noise."""
    age_factor = 0.8 + 0.2 * (table["year_built"] - 1900) / 125
    prices = PRICE_PER_M2_SEASON_2 if season == 2 else PRICE_PER_M2
    per_m2 = table["neighbourhood"].map(prices).to_numpy()
    garden = table["neighbourhood"].map(GARDEN_BONUS).to_numpy() * table["has_garden"]
    return table["area_m2"] * per_m2 * age_factor + PRICE_PER_ROOM * table["rooms"] + garden


def true_outcome(table: pd.DataFrame, rng: np.random.Generator, season: int = 1) -> np.ndarray:
    """The price each house really sells for in the season (k€): its formula, times noise."""
    noise = rng.lognormal(0, NOISE_SIGMA, len(table))
    return np.round(np.asarray(expected_price(table, season)) * noise, 1)


def add_target(table: pd.DataFrame, rng: np.random.Generator, season: int = 1) -> pd.DataFrame:
    # Rooms follow the area, so the table holds no 400 m² studio.
    rooms = np.round(table["area_m2"] / 25 + rng.normal(0, 1, len(table)))
    table["rooms"] = np.clip(rooms, 1, 12).astype(int)
    table[TARGET] = true_outcome(table, rng, season)
    return table
{% endif %}

def draw_column(ingredient, rng: np.random.Generator, rows: int) -> np.ndarray:
    """Draw one column uniformly inside the range (or among the choices) the menu allows."""
    if ingredient.choices:
        return rng.choice(ingredient.choices, rows)
    if ingredient.kind is bool:
        return rng.random(rows) < 0.5
    if ingredient.kind is int:
        return rng.integers(ingredient.minimum, ingredient.maximum, rows, endpoint=True)
    return np.round(rng.uniform(ingredient.minimum, ingredient.maximum, rows), 1)


def make_dataset(
    rows: int = DEFAULT_ROWS, seed: int | list[int] = DEFAULT_SEED, season: int = 1
) -> pd.DataFrame:
    """Return `rows` orders of a season and their true outcome; the same seed, the same table."""
    if rows < 1:
        raise ValueError(f"rows must be at least 1, not {rows}")
    if season not in SEASONS:
        raise ValueError(f"season must be one of {SEASONS}, not {season}")
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({item.name: draw_column(item, rng, rows) for item in ingredients()})
    table = change_orders(table, rng, season)
    return add_target(table, rng, season)[[*FEATURES, TARGET]]


def split(table: pd.DataFrame, test_share: float = 0.25, seed: int = DEFAULT_SEED):
    """Split into (train_features, test_features, train_target, test_target)."""
    return train_test_split(table[FEATURES], table[TARGET], test_size=test_share, random_state=seed)

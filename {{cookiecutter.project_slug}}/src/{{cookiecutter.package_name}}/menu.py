{%- set fr = cookiecutter.language == "fr" -%}
"""The menu: what an order holds (the model's inputs) and what a dish is (its prediction).

The lab trains on these columns, the kitchen checks every order against them, and the shop
window builds its form from them: each field's label, unit, range and help is written here,
once. Change the menu here and the three parts follow.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, cast, get_args

import annotated_types
from pydantic import {{ "BaseModel, BeforeValidator, ConfigDict, Field" if cookiecutter.use_case == "house_prices" else "BaseModel, ConfigDict, Field" }}


def field(title: str, help: str, example: Any, unit: str = "", labels=None, **rules) -> Any:
    """One field of an order: what people read about it, and the rules it must follow."""
    extra: dict[str, Any] | None  # pydantic types it as JSON, which any str or dict of str is
    extra = {"unit": unit} if unit else {"labels": labels} if labels else None
    return Field(
        title=title, description=help, examples=[example], json_schema_extra=extra, **rules
    )


# strict: "12" is not a number and true is not a number; forbid: no unknown fields;
# allow_inf_nan=False: NaN and Infinity are refused.
STRICT = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)
{% if cookiecutter.use_case == "crop_yield" %}
SoilType = Literal["clay", "loam", "sandy", "silt"]
SeedType = Literal["standard", "hybrid", "drought_tolerant"]
{%- if fr %}
SOILS = {"clay": "argile", "loam": "limon", "sandy": "sable", "silt": "limon fin"}
SEEDS = {
    "standard": "standard",
    "hybrid": "hybride",
    "drought_tolerant": "résistante à la sécheresse",
}
{%- else %}
SOILS = {"clay": "clay", "loam": "loam", "sandy": "sandy", "silt": "silt"}
SEEDS = {"standard": "standard", "hybrid": "hybrid", "drought_tolerant": "drought tolerant"}
{%- endif %}


class Order(BaseModel):
    """{{ "Les caractéristiques d'un champ, dont l'agriculteur veut connaître le rendement." if fr else "A field's details, for which the farmer wants the expected harvest." }}"""

    model_config = STRICT

{%- if fr %}

    soil_type: Annotated[
        SoilType,
        field("Type de sol", "Texture dominante du sol.", "loam", labels=SOILS),
    ]
    seed_type: Annotated[SeedType, field("Semence", "Variété semée.", "hybrid", labels=SEEDS)]
    water_mm: Annotated[
        float,
        field("Eau reçue", "Pluie et irrigation sur la saison.", 600.0, "mm", ge=100, le=1200),
    ]
    temperature_c: Annotated[
        float,
        field("Température moyenne", "Pendant la saison de croissance.", 22.0, "°C", ge=5, le=40),
    ]
    fertilizer_kg_ha: Annotated[
        float,
        field("Engrais", "Azote apporté par hectare.", 120.0, "kg/ha", ge=0, le=300),
    ]
{%- else %}

    soil_type: Annotated[
        SoilType,
        field("Soil type", "Main texture of the soil.", "loam", labels=SOILS),
    ]
    seed_type: Annotated[SeedType, field("Seed type", "Variety sown.", "hybrid", labels=SEEDS)]
    water_mm: Annotated[
        float,
        field("Water", "Rain plus irrigation over the season.", 600.0, "mm", ge=100, le=1200),
    ]
    temperature_c: Annotated[
        float,
        field("Mean temperature", "Over the growing season.", 22.0, "°C", ge=5, le=40),
    ]
    fertilizer_kg_ha: Annotated[
        float,
        field("Fertiliser", "Nitrogen spread per hectare.", 120.0, "kg/ha", ge=0, le=300),
    ]
{%- endif %}


TARGET = "yield_t_ha"
DISH_LABEL = "{{ 'Rendement attendu' if fr else 'Expected yield' }}"
DISH_UNIT = "t/ha"
{% else %}
Neighbourhood = Literal["city_centre", "suburb", "countryside"]
{%- if fr %}
PLACES = {"city_centre": "centre-ville", "suburb": "banlieue", "countryside": "campagne"}
{%- else %}
PLACES = {"city_centre": "city centre", "suburb": "suburb", "countryside": "countryside"}
{%- endif %}


def whole_number(value: Any) -> Any:
    """JSON may write 4 as 4.0 (JSON Schema calls it an integer too): take it as 4."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class Order(BaseModel):
    """{{ "Les caractéristiques d'une maison, dont l'acheteur veut connaître le prix." if fr else "A house's details, for which the buyer wants the expected price." }}"""

    model_config = STRICT

{%- if fr %}

    area_m2: Annotated[
        float,
        field("Surface habitable", "De la maison.", 95.0, "m²", ge=20, le=400),
    ]
    rooms: Annotated[
        int,
        field("Pièces", "Sans cuisine ni salle de bain.", 4, ge=1, le=12),
        BeforeValidator(whole_number),  # then the strict check refuses 4.5, "4", true
    ]
    year_built: Annotated[
        int,
        field("Année de construction", "Quand elle a été bâtie.", 1990, ge=1900, le=2025),
        BeforeValidator(whole_number),  # then the strict check refuses 4.5, "4", true
    ]
    neighbourhood: Annotated[
        Neighbourhood,
        field("Quartier", "Où se trouve la maison.", "suburb", labels=PLACES),
    ]
    has_garden: Annotated[bool, field("Jardin", "La maison a-t-elle un jardin ?", True)]
{%- else %}

    area_m2: Annotated[
        float,
        field("Living area", "Floor area people live in.", 95.0, "m²", ge=20, le=400),
    ]
    rooms: Annotated[
        int,
        field("Rooms", "Not counting kitchen and bathrooms.", 4, ge=1, le=12),
        BeforeValidator(whole_number),  # then the strict check refuses 4.5, "4", true
    ]
    year_built: Annotated[
        int,
        field("Year built", "When the house was built.", 1990, ge=1900, le=2025),
        BeforeValidator(whole_number),  # then the strict check refuses 4.5, "4", true
    ]
    neighbourhood: Annotated[
        Neighbourhood,
        field("Neighbourhood", "Where the house stands.", "suburb", labels=PLACES),
    ]
    has_garden: Annotated[bool, field("Garden", "Does the house have a garden?", True)]
{%- endif %}


TARGET = "price_k_eur"
DISH_LABEL = "{{ 'Prix attendu' if fr else 'Expected price' }}"
DISH_UNIT = "k€"
{% endif %}
FEATURES = list(Order.model_fields)
MAX_BATCH_ORDERS = 10_000  # orders in one batch, at most: a bigger one is refused (422)


class Dish(BaseModel):
    """{{ "Ce que la cuisine renvoie : la prédiction, son unité, le modèle qui l'a préparée." if fr else "What the kitchen sends back: the prediction, its unit, the model that cooked it." }}"""

    prediction: float = Field(description=DISH_LABEL)
    unit: str = Field(DISH_UNIT, description="{{ 'Unité de la prédiction.' if fr else 'Unit of the prediction.' }}")
    model_version: str = Field(description="{{ 'Version du modèle qui l’a préparée.' if fr else 'Version of the model that cooked it.' }}")


class OrderBatch(BaseModel):
    """{{ "Plusieurs commandes à la fois : une par champ ou par maison." if fr else "Many orders at once: one per field or house." }}"""

    model_config = ConfigDict(extra="forbid")
    orders: list[Order] = Field(min_length=1, max_length=MAX_BATCH_ORDERS)


class DishBatch(BaseModel):
    """{{ "Les prédictions d'un lot, dans l'ordre des commandes." if fr else "The predictions for a batch, in the order of the orders." }}"""

    predictions: list[float]
    unit: str = DISH_UNIT
    model_version: str


class ModelCard(BaseModel):
    """{{ "Quel modèle cuisine, et comment il s'en est sorti au laboratoire." if fr else "Which model cooks, and how well it did in the lab." }}"""

    name: str
    version: str
    alias: str
    run_id: str
    metrics: dict[str, float]
    trained_at: datetime = Field(description="{{ 'Début de la run du labo qui l’a entraîné.' if fr else 'When the lab run that trained it started.' }}")
    loaded_at: datetime = Field(description="{{ 'Quand cette cuisine l’a chargé.' if fr else 'When this kitchen loaded it.' }}")
    problem: str | None = Field(None, description="{{ 'Pourquoi il n’est peut-être plus le champion.' if fr else 'Why it may no longer be the champion.' }}")


@dataclass(frozen=True)
class Ingredient:
    """One field of the order in plain terms, for forms, data generators and docs."""

    name: str
    label: str
    help: str
    kind: type  # str (a choice), bool, int or float
    example: Any
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    choice_labels: dict[str, str] | None = None  # each choice as people read it


def ingredients() -> list[Ingredient]:
    """Describe every field of `Order`, read from its definition above."""
    described = []
    for name, info in Order.model_fields.items():
        rules = {type(rule): rule for rule in info.metadata}
        shown = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        choices = get_args(info.annotation)
        described.append(
            Ingredient(
                name=name,
                label=info.title or name,
                help=info.description or "",
                kind=str if choices else cast(type, info.annotation),
                example=(info.examples or [None])[0],
                unit=str(shown.get("unit", "")),
                minimum=getattr(rules.get(annotated_types.Ge), "ge", None),
                maximum=getattr(rules.get(annotated_types.Le), "le", None),
                choices=choices,
                choice_labels=cast("dict[str, str] | None", shown.get("labels")),
            )
        )
    return described


def example_order() -> Order:
    """Return an order made of every field's example value."""
    return Order(**{item.name: item.example for item in ingredients()})

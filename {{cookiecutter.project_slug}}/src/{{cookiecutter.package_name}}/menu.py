{%- set fr = cookiecutter.language == "fr" -%}
"""The menu: what an order holds (the model's inputs) and what a dish is (its prediction).

The lab trains on these columns, the kitchen validates every order against them, and the shop
window builds its form from them: each field's label, unit, range and help text is written here,
once. Change the menu here and the three parts follow.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

import annotated_types
from pydantic import {{ "BaseModel, BeforeValidator, ConfigDict, Field" if cookiecutter.use_case == "house_prices" else "BaseModel, ConfigDict, Field" }}
{% if cookiecutter.use_case == "crop_yield" %}
SoilType = Literal["clay", "loam", "sandy", "silt"]
SeedType = Literal["standard", "hybrid", "drought_tolerant"]


class Order(BaseModel):
    """{{ "Les caractéristiques d'un champ, dont l'agriculteur veut connaître le rendement." if fr else "A field's details, for which the farmer wants the expected harvest." }}"""

    # strict: "12" is not a number and true is not a number; forbid: no unknown fields;
    # allow_inf_nan=False: NaN and Infinity are refused.
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    soil_type: Annotated[
        SoilType,
        Field(
            title="{{ 'Type de sol' if fr else 'Soil type' }}",
            description="{{ 'Texture dominante du sol du champ.' if fr else 'Main texture of the field soil.' }}",
            examples=["loam"],
        ),
    ]
    seed_type: Annotated[
        SeedType,
        Field(
            title="{{ 'Type de semence' if fr else 'Seed type' }}",
            description="{{ 'Variété semée : standard, hybride ou résistante à la sécheresse.' if fr else 'Variety sown: standard, hybrid or drought tolerant.' }}",
            examples=["hybrid"],
        ),
    ]
    water_mm: Annotated[
        float,
        Field(
            ge=100,
            le=1200,
            title="{{ 'Eau reçue' if fr else 'Water' }}",
            description="{{ 'Pluie et irrigation sur la saison.' if fr else 'Rain plus irrigation over the season.' }}",
            examples=[600.0],
            json_schema_extra={"unit": "mm"},
        ),
    ]
    temperature_c: Annotated[
        float,
        Field(
            ge=5,
            le=40,
            title="{{ 'Température moyenne' if fr else 'Mean temperature' }}",
            description="{{ 'Température moyenne pendant la saison de croissance.' if fr else 'Mean temperature over the growing season.' }}",
            examples=[22.0],
            json_schema_extra={"unit": "°C"},
        ),
    ]
    fertilizer_kg_ha: Annotated[
        float,
        Field(
            ge=0,
            le=300,
            title="{{ 'Engrais' if fr else 'Fertiliser' }}",
            description="{{ 'Azote apporté par hectare.' if fr else 'Nitrogen spread per hectare.' }}",
            examples=[120.0],
            json_schema_extra={"unit": "kg/ha"},
        ),
    ]


TARGET = "yield_t_ha"
DISH_LABEL = "{{ 'Rendement attendu' if fr else 'Expected yield' }}"
DISH_UNIT = "t/ha"
{% else %}
Neighbourhood = Literal["city_centre", "suburb", "countryside"]


def whole_number(value):
    """JSON may write 4 as 4.0, and JSON Schema calls that an integer: take it as 4.
    Anything else (4.5, "4", true) is left for the strict check to refuse."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Written after a count's Field, so the range is checked on the int and shown in the docs.
TAKE_4_0_AS_4 = BeforeValidator(whole_number)


class Order(BaseModel):
    """{{ "Les caractéristiques d'une maison, dont l'acheteur veut connaître le prix." if fr else "A house's details, for which the buyer wants the expected price." }}"""

    # strict: "12" is not a number and true is not a number; forbid: no unknown fields;
    # allow_inf_nan=False: NaN and Infinity are refused.
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    area_m2: Annotated[
        float,
        Field(
            ge=20,
            le=400,
            title="{{ 'Surface habitable' if fr else 'Living area' }}",
            description="{{ 'Surface habitable de la maison.' if fr else 'Floor area people live in.' }}",
            examples=[95.0],
            json_schema_extra={"unit": "m²"},
        ),
    ]
    rooms: Annotated[
        int,
        Field(
            ge=1,
            le=12,
            title="{{ 'Pièces' if fr else 'Rooms' }}",
            description="{{ 'Nombre de pièces principales (sans cuisine ni salle de bain).' if fr else 'Main rooms, not counting kitchen and bathrooms.' }}",
            examples=[4],
        ),
        TAKE_4_0_AS_4,
    ]
    year_built: Annotated[
        int,
        Field(
            ge=1900,
            le=2025,
            title="{{ 'Année de construction' if fr else 'Year built' }}",
            description="{{ 'Année où la maison a été construite.' if fr else 'Year the house was built.' }}",
            examples=[1990],
        ),
        TAKE_4_0_AS_4,
    ]
    neighbourhood: Annotated[
        Neighbourhood,
        Field(
            title="{{ 'Quartier' if fr else 'Neighbourhood' }}",
            description="{{ 'Centre-ville, banlieue ou campagne.' if fr else 'City centre, suburb or countryside.' }}",
            examples=["suburb"],
        ),
    ]
    has_garden: Annotated[
        bool,
        Field(
            title="{{ 'Jardin' if fr else 'Garden' }}",
            description="{{ 'La maison a-t-elle un jardin ?' if fr else 'Does the house have a garden?' }}",
            examples=[True],
        ),
    ]


TARGET = "price_k_eur"
DISH_LABEL = "{{ 'Prix attendu' if fr else 'Expected price' }}"
DISH_UNIT = "k€"
{% endif %}

# A batch holds at most this many orders: a bigger one is refused (422), not queued.
MAX_BATCH_ORDERS = 10_000


class Dish(BaseModel):
    """{{ "Ce que la cuisine renvoie : la prédiction, son unité et le modèle qui l'a préparée." if fr else "What the kitchen sends back: the prediction, its unit and the model that cooked it." }}"""

    prediction: float = Field(description=DISH_LABEL)
    unit: str = Field(DISH_UNIT, description="{{ 'Unité de la prédiction.' if fr else 'Unit of the prediction.' }}")
    model_version: str = Field(description="{{ 'Version du modèle enregistré qui a cuisiné.' if fr else 'Version of the registered model that cooked it.' }}")


class OrderBatch(BaseModel):
    """{{ "Plusieurs commandes à la fois : une ligne par champ ou par maison." if fr else "Many orders at once: one per field or house." }}"""

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
    trained_at: datetime = Field(description="When the lab's run that trained it started.")
    loaded_at: datetime = Field(description="When this kitchen loaded it.")


FEATURES = list(Order.model_fields)


@dataclass(frozen=True)
class Ingredient:
    """One field of the order, in plain terms, for forms, data generators and docs."""

    name: str
    label: str
    help: str
    kind: type
    example: Any
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


def ingredients() -> list[Ingredient]:
    """Describe every field of `Order`, read from its pydantic definition."""
    described = []
    for name, field in Order.model_fields.items():
        bounds = {type(rule): rule for rule in field.metadata}
        choices = get_args(field.annotation)
        described.append(
            Ingredient(
                name=name,
                label=field.title or name,
                help=field.description or "",
                kind=str if choices else field.annotation,
                example=field.examples[0],
                unit=(field.json_schema_extra or {}).get("unit", ""),
                minimum=getattr(bounds.get(annotated_types.Ge), "ge", None),
                maximum=getattr(bounds.get(annotated_types.Le), "le", None),
                choices=choices,
            )
        )
    return described


def example_order() -> Order:
    """Return an order made of every field's example value."""
    return Order(**{ingredient.name: ingredient.example for ingredient in ingredients()})

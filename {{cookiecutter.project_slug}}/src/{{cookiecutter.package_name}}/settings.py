"""Every setting of the project, in one place.

This is the only module that reads environment variables (or the `.env` file). Everyone else
asks `get_settings()`, and tests hand the code a `Settings(...)` of their own.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def find_project_root(start: Path | None = None) -> Path:
    """Return the folder holding `pyproject.toml`, looking up from `start` (default: here).

    Notebooks run from `notebooks/`, the command line from the project folder: both must find the
    same lab book (`mlflow.db`), so local paths are anchored at the project root.
    """
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return start


PROJECT_ROOT = find_project_root()


class Settings(BaseSettings):
    """Settings read from the environment, then `.env`, then these defaults."""

    model_config = SettingsConfigDict(
        env_file=PROJECT_ROOT / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    language: Literal["en", "fr"] = Field(
        "{{ cookiecutter.language }}", description="Language of messages and of the shop window."
    )

    # The lab (MLflow)
    mlflow_tracking_uri: str = Field(
        f"sqlite:///{(PROJECT_ROOT / 'mlflow.db').as_posix()}",
        description="Where the lab book lives: a local SQLite file, or a class server's URL.",
    )
    artifacts_dir: Path = Field(
        PROJECT_ROOT / "mlruns",
        description="Where local runs keep their files (models, plots) when the lab book is local.",
    )
    experiment_name: str = Field("{{ cookiecutter.package_name }}", description="The lab's experiment.")
    model_name: str = Field("{{ cookiecutter.package_name }}", description="Registered model name.")
    champion_alias: str = Field("champion", description="Alias of the model the kitchen serves.")
    lab_host: str = "127.0.0.1"
    lab_port: int = Field(5000, ge=1, le=65535)
    # MLflow reads these two from the environment itself; they are here so that the doctor can
    # try the same login against a class server (and so that .env may hold them).
    mlflow_tracking_username: str = Field("", description="Your account on the class server.")
    mlflow_tracking_password: SecretStr = Field(SecretStr(""), description="Its password.")

    # The kitchen (FastAPI)
    kitchen_host: str = "127.0.0.1"
    kitchen_port: int = Field(8000, ge=1, le=65535)
    max_body_bytes: int = Field(64_000, gt=0, description="Larger requests are refused (413).")
    champion_poll_seconds: float = Field(
        10.0, gt=0, description="How often the kitchen asks the registry for a new champion."
    )

    # The shop window (Streamlit)
    shop_host: str = "127.0.0.1"
    shop_port: int = Field(8501, ge=1, le=65535)
    kitchen_url: str = Field(
        "http://127.0.0.1:8000", description="Where the shop window sends its orders."
    )
    kitchen_timeout_seconds: float = Field(5.0, gt=0, description="How long the shop waits.")


@lru_cache
def get_settings() -> Settings:
    """Return the settings, read once per process."""
    return Settings()

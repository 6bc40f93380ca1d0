"""Every setting of the project, in one place.

This is the only module that reads environment variables (or the `.env` file). Everyone else
asks `get_settings()`, and tests hand the code a `Settings(...)` of their own.
"""

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
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
    lab_port: int = Field(5000, ge=1, le=65535)

    # The kitchen (FastAPI)
    kitchen_port: int = Field(8000, ge=1, le=65535)
    max_body_bytes: int = Field(64_000, gt=0, description="Larger requests are refused (413).")
    champion_poll_seconds: float = Field(
        10.0, gt=0, description="How often the kitchen asks the registry for a new champion."
    )
    rush_hour: bool = Field(
        True,
        description="Open the kitchen's advanced wing (rush_hour/): concurrent orders cooked "
        "together, batches checked and encoded with numpy. Off: the plain path only.",
    )
    order_book: bool = Field(
        True,
        description="Write every order cooked in the order book (order_book/): its fields, "
        "the dish, the model's version, the time. Never slows nor fails an order.",
    )
    order_book_uri: SecretStr | None = Field(
        None,
        description="Where the order book lives: unset, orders.db beside the lab book "
        "(mlflow.db); sqlite:///path/orders.db; or postgresql://user:pw@host/db.",
    )
    order_book_max_rows: int = Field(
        100_000, ge=1, description="The order book keeps this many newest orders of the model."
    )

    # The shop window (Streamlit)
    shop_port: int = Field(8501, ge=1, le=65535)
    kitchen_url: str = Field(
        "http://127.0.0.1:8000", description="Where the shop window sends its orders."
    )
    kitchen_timeout_seconds: float = Field(5.0, gt=0, description="How long the shop waits.")

    # --- class server: a learner's account on the teacher's shared lab ---
    mlflow_tracking_username: str | None = Field(
        None, description="Your account on the class server (the teacher gives it)."
    )
    mlflow_tracking_password: SecretStr | None = Field(
        None, description="Your password on the class server."
    )
    self_check_timeout_seconds: float = Field(
        5.0, gt=0, description="How long a self-check waits for the class server to note it."
    )

    # --- class server: the teacher's side (`{{ cookiecutter.package_name }} class-server`) ---
    # Secrets come only from the environment (or the git-ignored .env); nothing writes them to
    # a file of the project.
    class_database_uri: SecretStr | None = Field(
        None, description="PostgreSQL URI of the class lab book: postgresql://user:pw@host/db."
    )
    class_auth_database_uri: SecretStr | None = Field(
        None, description="Where accounts live (default: SQLite in CLASS_STATE_DIR)."
    )
    class_admin_username: str = Field("teacher", description="The class server's admin.")
    class_admin_password: SecretStr | None = Field(
        None, description="The admin's password (12 characters or more)."
    )
    class_secret_key: SecretStr | None = Field(
        None, description="Signs the server's web forms; a random one is made when unset."
    )
    class_allowed_hosts: str = Field(
        "", description="Extra host names learners type to reach the server, comma-separated."
    )
    class_artifacts_destination: str | None = Field(
        None, description="Where the class server stores files, e.g. s3://bucket/path."
    )
    class_state_dir: Path = Field(
        PROJECT_ROOT / ".class-server",
        description="The class server's own files (git-ignored): accounts, passwords, models.",
    )
    class_login_attempts: int = Field(
        5, ge=1, description="Wrong passwords within 15 minutes that lock a class account."
    )
    class_login_lock_minutes: float = Field(
        5, gt=0, description="How long a locked class account stays locked, in minutes."
    )
    # The teacher's board (`{{ cookiecutter.package_name }} board`), beside the class server.
    class_server_url: str = Field(
        "http://127.0.0.1:5050", description="Where the teacher's board reads the class server."
    )
    board_port: int = Field(8502, ge=1, le=65535)
    board_refresh_seconds: float = Field(
        10.0, ge=1, description="How often the board reads the class again, in seconds."
    )

    @model_validator(mode="after")
    def give_each_learner_their_own_names(self):
        """On a class server, each learner's experiment and model carry their account name.

        Everyone can read everything there, but only the creator may change an experiment or a
        model: two learners sharing one name would block each other.
        """
        user = self.mlflow_tracking_username
        if user:
            for field in ("experiment_name", "model_name"):
                if field not in self.model_fields_set:
                    setattr(self, field, f"{getattr(self, field)}-{user}")
        return self

    def lend_credentials_to_mlflow(self) -> None:
        """Hand the class server account to MLflow, which reads it from the environment only.

        (A value in .env reaches these settings but not os.environ, so MLflow would miss it.)
        """
        if self.mlflow_tracking_username and self.mlflow_tracking_password:
            os.environ.setdefault("MLFLOW_TRACKING_USERNAME", self.mlflow_tracking_username)
            secret = self.mlflow_tracking_password.get_secret_value()
            os.environ.setdefault("MLFLOW_TRACKING_PASSWORD", secret)


def without_password(uri: str) -> str:
    """`postgresql://ann:secret@host/db` becomes `postgresql://ann:***@host/db`: safe to show.

    Every message and log line that names a lab book's address goes through here first.
    """
    scheme, separator, rest = uri.partition("://")
    address, slash, path = rest.partition("/")
    account, at, host = address.rpartition("@")  # a password may itself hold an @
    user, colon, _password = account.partition(":")
    if not (separator and at and colon):
        return uri
    return f"{scheme}://{user}:***@{host}{slash}{path}"


def mlflow_server_environment() -> dict[str, str]:
    """The environment for the `mlflow server` processes this project starts (lab, class server).

    By default MLflow 3's server also starts runners for its GenAI jobs, which the lab book never
    uses: measured here, 2,049 MB of memory for the lab instead of 550 MB. They stay off unless
    you turn them on yourself (MLFLOW_SERVER_ENABLE_JOB_EXECUTION=true in your environment).
    """
    return {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", **os.environ}


@lru_cache
def get_settings() -> Settings:
    """Return the settings, read once per process."""
    settings = Settings()
    settings.lend_credentials_to_mlflow()
    return settings

"""Read configuration from a `.env` file at the project root, else the environment.

Variables set in the process environment win over the file, as in python-decouple.
"""

import json
from pathlib import Path

from decouple import Config, Csv, RepositoryEmpty, RepositoryEnv, UndefinedValueError

BASE_DIR = Path(__file__).resolve().parent.parent
ENV_FILE = BASE_DIR / ".env"

_config = Config(RepositoryEnv(str(ENV_FILE)) if ENV_FILE.is_file() else RepositoryEmpty())


class MissingSetting(Exception):
    """A variable that production needs is not set."""


def env_str(name: str, default: str = "") -> str:
    return _config(name, default=default)


def env_bool(name: str, default: bool) -> bool:
    return _config(name, default=default, cast=bool)


def env_int(name: str, default: int) -> int:
    return _config(name, default=default, cast=int)


def env_float(name: str, default: float) -> float:
    return _config(name, default=default, cast=float)


def env_list(name: str, default: str = "") -> list[str]:
    return _config(name, default=default, cast=Csv())


def env_required(name: str, why: str) -> str:
    """A value with no default: its absence stops start-up with one sentence."""
    try:
        value = _config(name)
    except UndefinedValueError:
        value = ""
    if not value:
        raise MissingSetting(f"Set the environment variable {name}: {why}.")
    return value


def env_first(*names: str, default: str = "") -> str:
    """The first of several names that is set, for renamed variables."""
    for name in names:
        value = _config(name, default="")
        if value:
            return value
    return default


def env_json(name: str, default: dict) -> dict:
    """A JSON object; a value that is not one stops start-up with a sentence naming it."""
    raw = _config(name, default="")
    if not raw.strip():
        return default
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise MissingSetting(f"{name} is not valid JSON: {error.msg} at {error.pos}.") from error
    if not isinstance(value, dict):
        raise MissingSetting(f'{name} must be a JSON object, like {{"key": ...}}.')
    return value

import secrets

import pytest

from tests.conftest import manage, process_env

PRODUCTION = {
    "DEBUG": "False",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "gallery.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://gallery.example.com",
    "EMAIL_HOST": "smtp.example.com",
}


def test_check_deploy_is_clean_under_production_settings():
    """`manage.py check --deploy` reports nothing, warnings included, in production."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=process_env(**PRODUCTION))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("name", ["DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_HOST"])
def test_production_without_a_required_variable_refuses_to_start(name):
    """With DEBUG off, a missing required variable stops start-up with a sentence naming it."""
    env = process_env(**PRODUCTION)
    env[name] = ""
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"Set the environment variable {name}:" in result.stderr


def test_no_pending_migrations():
    """Every model change has its migration."""
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("value", "says"),
    [("{not json", "OPENAI_PRICES is not valid JSON"), ("[1, 2]", "must be a JSON object")],
)
def test_a_price_table_that_is_not_a_json_object_stops_start_up(value, says):
    result = manage("check", env=process_env(OPENAI_PRICES=value))
    assert result.returncode != 0
    assert says in result.stderr


def test_the_price_table_adds_to_the_defaults():
    env = process_env(OPENAI_PRICES='{"my-image-model": {"input": 1, "output": 2}}')
    code = "from django.conf import settings; print(sorted(settings.OPENAI_PRICES))"
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert "'gpt-5-mini'" in result.stdout and "'my-image-model'" in result.stdout

"""Which lab the settings choose, in a fresh process as at start-up."""

import pytest

from tests.conftest import manage, process_env
from tests.core.test_settings import PRODUCTION

PRINT_LAB = ["shell", "-c", "from django.conf import settings; print(settings.LAB_BACKEND)"]


@pytest.mark.parametrize(
    ("env", "lab"),
    [
        ({}, "simulated"),
        ({"PRODIGI_API_KEY": "k"}, "prodigi"),
        ({**PRODUCTION, "STRIPE_SECRET_KEY": "sk", "STRIPE_WEBHOOK_SECRET": "whsec"}, "none"),
    ],
    ids=["development", "a-prodigi-key", "real-payments-no-lab-key"],
)
def test_the_default_lab(env, lab):
    """Simulated in development; Prodigi with a key; by hand when real money meets no lab key."""
    result = manage(
        *PRINT_LAB, env=process_env(**{"LAB_BACKEND": "", "PRODIGI_API_KEY": "", **env})
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == lab


def test_prodigi_in_production_needs_a_callback_token():
    env = process_env(**PRODUCTION, PRODIGI_API_KEY="k", LAB_CALLBACK_TOKEN="")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set the environment variable LAB_CALLBACK_TOKEN:" in result.stderr

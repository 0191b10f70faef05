import pytest

from tests.conftest import manage, process_env


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    """/healthz answers 200 when the database answers."""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "tasks": "ok",
    }


@pytest.mark.django_db
def test_healthz_answers_any_host(client):
    """Health checks by IP address are answered, not refused as a bad Host."""
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_healthz_reports_database_down():
    """/healthz answers 503, not 500, when the database cannot be reached."""
    script = "from django.test import Client; print(Client().get('/healthz').status_code)"
    env = process_env(DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere", DATABASE_POOL="false")
    result = manage("shell", "-c", script, env=env)
    assert result.stdout.strip().splitlines()[-1] == "503", result.stderr

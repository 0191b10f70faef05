"""API errors always have one shape, server errors and nested field errors included."""

import subprocess
import sys
import time
import urllib.request

import pytest
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from lib.api import api_exception_handler
from tests.conftest import ROOT


def test_unknown_api_address_is_a_json_404(client, db):
    """Under /api/ even a missing route answers in the error shape."""
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_unhandled_api_exception_is_a_json_500(rf):
    """A bug inside an API view is {"error": {"code": "server_error", ...}}, not an HTML page."""
    response = api_exception_handler(RuntimeError("boom"), {"request": rf.get("/api/v1/x/")})
    assert response.status_code == 500
    assert response.data["error"]["code"] == "server_error"
    assert "boom" not in response.data["error"]["message"]


def test_nested_serializer_errors_are_readable_strings():
    """No ErrorDetail(string=...) reprs: nested errors are flattened to dotted paths."""

    class Item(serializers.Serializer):
        quantity = serializers.IntegerField()

    class Order(serializers.Serializer):
        address = serializers.DictField(child=serializers.CharField(max_length=3))
        items = Item(many=True)

    incoming = Order(
        data={"address": {"city": "Seoul-si"}, "items": [{"quantity": 1}, {"quantity": "x"}]}
    )
    assert not incoming.is_valid()
    response = api_exception_handler(ValidationError(incoming.errors), {})
    error = response.data["error"]
    assert error["fields"] == {
        "address.city": ["Ensure this field has no more than 3 characters."],
        "items.1.quantity": ["A valid integer is required."],
    }
    assert error["message"] == "address.city: Ensure this field has no more than 3 characters."
    assert "ErrorDetail" not in str(response.data)


@pytest.fixture
def gunicorn_port(tmp_path):
    port = 18000 + int(time.time() * 1000) % 1000
    app = tmp_path / "hello_app.py"
    app.write_text("def app(environ, start):\n    start('200 OK', [])\n    return [b'hi']\n")
    env = {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "PATH": "/usr/bin"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--chdir",
            str(tmp_path),
            "hello_app:app",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gunicorn_sends_no_server_banner(gunicorn_port):
    """With our gunicorn.conf.py, responses carry no Server header at all."""
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{gunicorn_port}/", timeout=2) as r:
                assert r.read() == b"hi"
                assert r.headers.get("Server") is None
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("gunicorn did not start")

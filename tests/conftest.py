# isort: off
import tests.httpx_alias  # noqa: F401  (first: before anything imports httpx)

# isort: on
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import TestCase

from tests.factories import PASSWORD, ManagerFactory, UserFactory
from tests.products.factories import FormatFactory, PrintFormatFactory

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Cheap password hashing, and media written to a fresh folder per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEMO_GALLERY = False  # ensure_demo_data paints two dozen images only when asked
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT, "base_url": "/never-served/"},
        },
    }


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def manager(db):
    return ManagerFactory()


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def run_queued_tasks(limit: int = 100) -> int:
    """Run every queued task with the real database worker, in this process; returns how many."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    # The worker's own loop closes the connection between tasks, which would end the
    # test's transaction; its run_task is the same code without that.
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="pytest",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit and (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()):
        result.claim(worker.worker_id)
        # Tasks enqueue follow-ups on commit; the test transaction never commits.
        with TestCase.captureOnCommitCallbacks(execute=True):
            worker.run_task(result)
        ran += 1
    return ran


@pytest.fixture
def run_tasks(db):
    """Run every queued task with the real database worker, in this process."""
    return run_queued_tasks


def database_url() -> str:
    """The URL of the database the tests use, for processes the tests start."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{auth}@{params['HOST']}:{params['PORT']}/{params['NAME']}"


def process_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in this process only
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env or process_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# Browser tests: Playwright driving Debian's Chromium, never a downloaded browser.


def _chromium_or_skip() -> str:
    if shutil.which(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(
            f"{CHROMIUM} is missing: CI must run the browser tests (apt-get install chromium)."
        )
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests.")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium_or_skip()
    # Playwright keeps an event loop in this thread; the ORM calls that tests make around
    # it are still synchronous, so Django's async-safety guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def log_in(page, username: str, password: str = PASSWORD, next_url: str = "") -> None:
    """Log in through the form, as a person does (landing on `next_url`, else the home page)."""
    page.goto(f"/accounts/login/?next={next_url}" if next_url else "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def worker_process(tmp_path):
    """A real `manage.py db_worker` process on the test database; stopped after the test."""
    started = []

    def start(**extra_env: str) -> subprocess.Popen:
        env = process_env(
            MEDIA_ROOT=str(tmp_path / "media"),
            PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
            **extra_env,
        )
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
            + ["--interval", "0.2", "--queue-name", "*"],  # every queue, one job at a time
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        process.terminate()
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(condition, *, timeout: float = 30, interval: float = 0.2):
    """Poll until `condition()` is truthy; return its value or fail with a clear message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"Gave up waiting after {timeout}s for {condition.__doc__ or condition}")


BUCKET = "aigallery-test"


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on loopback: a real S3 HTTP API, no AWS account."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_server):
    """Media on S3 (moto) through django-storages, with a fresh private bucket."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    options = {
        "bucket_name": BUCKET,
        "access_key": "test",
        "secret_key": "test",
        "endpoint_url": s3_server,
        "region_name": "us-east-1",
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "lib.storages.MediaStorage", "OPTIONS": options},
        "private": {"BACKEND": "lib.storages.PrivateMediaStorage", "OPTIONS": options},
    }
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def shop_formats(db):
    return [FormatFactory(), PrintFormatFactory()]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached pages never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings):
    """Both cache backends the settings choose from: memory, and Redis when REDIS_URL is set.

    Redis is the machine's, database 14, emptied before and after the test.
    """
    if request.param != "redis":
        yield request.param
        return
    import redis

    url = "redis://127.0.0.1:6379/14"
    server = redis.Redis.from_url(url)
    try:
        server.flushdb()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis on 127.0.0.1:6379 is needed in CI")
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    yield request.param
    server.flushdb()
    server.close()

"""More than one machine: two web nodes (gunicorn) and two task workers behind one Nginx
upstream, sharing PostgreSQL, Redis and S3 (moto), as they would on separate machines. Each
process runs in a session of its own, so that a SIGKILL of the group is a machine dying."""

import http.client
import os
import secrets
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import boto3
import pytest
import redis

from dalle.models import GeneratedImage, ImageEvent
from tests.conftest import process_env, wait_for
from tests.core.slow_provider import SlowProvider
from tests.core.stack import (
    NoRedirect,
    Shopper,
    answers,
    free_port,
    gunicorn,
    nginx,
    nginx_conf,
    search,
    stack_or_skip,
    stop,
    task_worker,
)

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = "redis://127.0.0.1:6379/12"  # this test's own database on the machine's Redis
BUCKET = "aigallery-two-nodes"


@pytest.fixture
def shared_redis():
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.flushdb()
    except redis.ConnectionError:
        message = "the two-node stack shares the Redis on 127.0.0.1:6379"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    yield REDIS_URL
    server.flushdb()
    server.close()


@pytest.fixture
def shared_bucket(s3_server):
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def provider():
    """The image provider: the first request hangs (a worker dies waiting on it), then fast."""
    slow = SlowProvider(lambda n: 60 if n == 1 else 0.2)
    yield slow
    slow.close()


@pytest.fixture
def two_nodes(tmp_path, static_root, shared_redis, shared_bucket, s3_server, provider):
    stack_or_skip()
    env = process_env(
        DEBUG="False",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),  # one secret: either node reads a session
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="False",
        SECURE_COOKIES="False",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        STATIC_ROOT=str(static_root),
        REDIS_URL=shared_redis,
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3_server,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        IMAGE_PROVIDER="openai",
        OPENAI_API_KEY="sk-test",
        OPENAI_BASE_URL=provider.base_url,
        # A job untouched for 3 s counts as its worker's death (the first attempt hangs 60 s).
        GENERATION_STALE_SECONDS="3",
        WEB_CONCURRENCY="2",
    )
    ports = {"web-1": free_port(), "web-2": free_port()}
    nginx_port = free_port()
    conf = nginx_conf(
        tmp_path,
        upstreams=[f"127.0.0.1:{port}" for port in ports.values()],
        port=nginx_port,
        static_root=static_root,
    )
    processes = {}
    for name, port in ports.items():
        node_env = {**env, "NODE_NAME": name, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        processes[name] = gunicorn(node_env, tmp_path / f"{name}.log")
        processes[name].port = port
    for name in ("worker-1", "worker-2"):
        processes[name] = task_worker(env, tmp_path / f"{name}.log")
    processes["nginx"] = nginx(tmp_path, conf)

    def up():
        """both web nodes and Nginx to answer"""
        nodes = [f"http://127.0.0.1:{port}/healthz" for port in ports.values()]
        return all(answers(url) for url in [*nodes, f"http://127.0.0.1:{nginx_port}/healthz"])

    try:
        wait_for(up, timeout=60)
        yield f"http://127.0.0.1:{nginx_port}", processes
    finally:
        stop(list(processes.values()))


class Load:
    """Shoppers' requests through Nginx on a few threads: (method, start, end, status, node)."""

    def __init__(self, base: str, shopper: Shopper, gets: list[str], post: tuple[str, dict]):
        self.base, self.gets, self.post = base, gets, post
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in shopper.jar)
        self.token = shopper.cookie("csrftoken")
        self.opener = urllib.request.build_opener(NoRedirect())
        self.results: list[tuple[str, float, float, int, str]] = []
        self.running = True
        self.threads = [threading.Thread(target=self.get_loop, args=(n,)) for n in range(4)]
        self.threads += [threading.Thread(target=self.post_loop) for _ in range(2)]

    def send(self, method: str, path: str, data: dict | None = None) -> None:
        headers = {"Cookie": self.cookie, "Referer": self.base + path}
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.token}).encode()
        request = urllib.request.Request(self.base + path, body, headers, method=method)
        start = time.monotonic()
        try:
            with self.opener.open(request, timeout=30) as response:
                response.read()
                status, node = response.status, response.headers.get("X-Served-By", "")
        except urllib.error.HTTPError as error:
            status, node = error.code, error.headers.get("X-Served-By", "")
        except (OSError, http.client.HTTPException):  # cut off mid-answer
            status, node = 0, ""
        self.results.append((method, start, time.monotonic(), status, node))

    def get_loop(self, n: int) -> None:
        while self.running:
            self.send("GET", self.gets[n % len(self.gets)])

    def post_loop(self) -> None:
        while self.running:
            self.send("POST", *self.post)

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=30)


def refuses(address: tuple[str, int]) -> bool:
    """Whether nothing listens at the address any more."""
    try:
        socket.create_connection(address, timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def worker_running(processes: dict, task_id: str) -> str:
    """Which worker's log shows the task starting."""

    def ran(name: str) -> bool:
        lines = processes[name].log.read_text().splitlines()
        return any(f"Task id={task_id} " in line and "state=RUNNING" in line for line in lines)

    return next((name for name in ("worker-1", "worker-2") if ran(name)), "")


def test_two_web_nodes_and_two_workers_survive_losing_one_of_each(
    two_nodes, provider, shared_bucket, shop_formats
):
    """A shopper's journey alternates between the nodes; a worker killed mid-generation leaves
    the job to the other; a web node killed under load fails only the POSTs it was running."""
    base, processes = two_nodes
    shopper = Shopper(base)

    # Signed up on one node, signed in on the other: sessions are shared.
    shopper.sign_up("twonodes")
    nodes = []
    for _ in range(4):
        status, headers, page = shopper.request("/shop/")
        assert status == 200 and b"twonodes" in page
        nodes.append(headers["X-Served-By"])
    assert sorted(nodes) == ["web-1", "web-1", "web-2", "web-2"]

    image_path, _ = shopper.follow(
        "/create/", {"prompt": "Two lighthouses on one coast", "size": "1024x1024"}
    )
    image = GeneratedImage.objects.get(prompt="Two lighthouses on one coast")

    def at_the_provider():
        """a worker to start painting"""
        image.refresh_from_db()
        return provider.in_flight == 1 and worker_running(processes, image.run_id)

    dying = wait_for(at_the_provider, timeout=20)
    survivor = {"worker-1": "worker-2", "worker-2": "worker-1"}[dying]
    os.killpg(processes[dying].pid, signal.SIGKILL)
    processes[dying].wait(timeout=10)

    def painted():
        """the other worker to finish the job (the shopper's reloads find it stale)"""
        return b'data-status="succeeded"' in shopper.follow(image_path)[1]

    wait_for(painted, timeout=30, interval=0.5)
    image.refresh_from_db()
    assert worker_running(processes, image.run_id) == survivor
    assert (image.attempts, provider.calls) == (2, 2)
    notes = list(ImageEvent.objects.filter(image=image).values_list("note", flat=True))
    assert "requeued: worker stopped answering" in notes
    # Painted by a worker, stored in the shared bucket, handed out by either web node.
    keys = [item["Key"] for item in shared_bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert any(key.startswith("private/") and key.endswith(".png") for key in keys)
    _, page = shopper.follow(image_path)
    preview = search(rb'<img src="([^"]+)"[^>]* class="artwork', page)
    for _ in range(2):
        status, headers, _ = shopper.request(preview)
        assert status == 302
        with urllib.request.urlopen(headers["Location"], timeout=10) as signed:
            assert signed.read()[8:12] == b"WEBP"

    public_id = image_path.strip("/").split("/")[-1]
    order_form_path, _ = shopper.follow(f"/images/{public_id}/order/", {})
    _, cart = shopper.follow(order_form_path, {"format": shop_formats[0].pk, "quantity": "1"})
    item = search(rb'action="(/purchases/cart/items/\d+/)"', cart)

    # web-1 dies under load: a GET it had not begun to answer is sent to web-2
    # (proxy_next_upstream), a POST it was running or an answer it had begun fails, and
    # everything sent after it died is answered by web-2.
    web_1 = ("127.0.0.1", processes["web-1"].port)
    gets = ["/shop/", "/images/", image_path, "/purchases/cart/"]
    with Load(base, shopper, gets, post=(item, {"quantity": "1"})) as load:
        time.sleep(1.5)
        killed_at = time.monotonic()
        os.killpg(processes["web-1"].pid, signal.SIGKILL)
        wait_for(lambda: refuses(web_1), timeout=10, interval=0.01)
        dead_at = time.monotonic()
        time.sleep(2.5)
    processes["web-1"].wait(timeout=10)
    before = [r for r in load.results if r[2] < killed_at]
    after = [r for r in load.results if r[1] > dead_at]
    failed = [r for r in load.results if r[3] not in (200, 302)]
    assert {r[4] for r in before} == {"web-1", "web-2"}
    assert len(after) >= 10 and {r[4] for r in after} == {"web-2"}, after
    in_flight = [r for r in failed if r[1] < dead_at and r[2] > killed_at]
    assert failed == in_flight, "only requests running on web-1 as it died may fail"
    assert len(failed) <= len(load.threads)

    # The journey goes on on the node that is left.
    checkout_path, checkout = shopper.follow("/purchases/cart/checkout/", {})
    assert b"TEST MODE" in checkout
    _, success = shopper.follow(checkout_path, {"action": "pay"})
    assert b"Your order is paid" in success

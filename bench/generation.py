"""Generation benchmark: the Create request never waits for the image model.

Runs the product as production does (gunicorn with 2 sync workers, DEBUG off, PostgreSQL),
with 50 `db_worker` processes and an OpenAI-compatible fake on loopback that takes
`--sleep` seconds (120 by default) per image. It POSTs Create 200 times, lets 50
generations run at once, and reports request latency, web-worker timeouts and the
thumbnail's size and time. Usage: python bench/generation.py [--sleep 120] [--workers 50]
"""

import argparse
import base64
import io
import json
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    Browser,
    bench_database,
    free_port,
    manage,
    percentile,
    processes,
    production_env,
    wait_http,
)


def slow_openai(sleep: float, png: bytes) -> tuple[ThreadingHTTPServer, list[float]]:
    """An OpenAI-compatible images server that answers after `sleep` seconds.

    `server.in_flight` is the number of requests it is holding now, `server.peak` the most
    it held at once.
    """
    calls: list[float] = []
    body = json.dumps(
        {"created": 1, "data": [{"b64_json": base64.b64encode(png).decode()}]}
    ).encode()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            calls.append(time.time())
            with lock:
                server.in_flight += 1
                server.peak = max(server.peak, server.in_flight)
            try:
                time.sleep(sleep)
            finally:
                with lock:
                    server.in_flight -= 1
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except BrokenPipeError:
                pass  # the worker was stopped at the end of the run

        def log_message(self, *args) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 256  # hundreds of workers connect at once
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    server.in_flight = server.peak = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, calls


def thumbnail_figures() -> dict:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    from PIL import Image

    from dalle.imaging import make_thumbnail
    from dalle.providers import paint

    figures = {}
    noise = Image.effect_noise((1024, 1024), 64).convert("RGB")
    samples = {
        "offline artwork": paint("A red sunset over the ocean, oil painting", 1024, 1024),
        "photographic noise (worst case)": noise,
    }
    for label, image in samples.items():
        out = io.BytesIO()
        image.save(out, "PNG")
        png = out.getvalue()
        times = []
        for _ in range(20):
            start = time.perf_counter()
            webp, width, height = make_thumbnail(png)
            times.append(time.perf_counter() - start)
        figures[label] = {
            "bytes": len(webp),
            "size": f"{width}x{height}",
            "ms_median": round(statistics.median(times) * 1000, 1),
        }
    return figures, png_of(samples["offline artwork"])


def png_of(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def wait_for_workers(logs: Path, count: int) -> None:
    """Measure once every worker is up, not while dozens of Django processes boot."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        ready = sum(
            "Starting worker" in (logs / f"worker{n}.log").read_text() for n in range(count)
        )
        if ready == count:
            return
        time.sleep(1)
    raise SystemExit(f"only {ready} of {count} workers started")


def wait_for_first_wave(browser: Browser, env: dict, args) -> tuple[list[float], int]:
    """Load My images now and then until the first wave of generations has finished."""
    poll, done = [], 0
    deadline = time.monotonic() + args.sleep + 120
    count = "from dalle.models import GeneratedImage as G; print(G.objects.filter(status='succeeded').count())"
    while time.monotonic() < deadline and done < args.workers:
        begin = time.perf_counter()
        browser.get("/images/")
        poll.append(time.perf_counter() - begin)
        done = int(manage(env, "shell", "-c", count).strip().splitlines()[-1])
        time.sleep(2)
    return poll, done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sleep", type=float, default=120)
    parser.add_argument("--workers", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    thumbs, png = thumbnail_figures()
    server, calls = slow_openai(args.sleep, png)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = Path(tempfile.mkdtemp(prefix="bench-gen-"))
    with bench_database("aigallery_bench_generation") as database_url:
        env = production_env(
            database_url,
            str(logs / "media"),
            OPENAI_API_KEY="sk-bench",
            OPENAI_BASE_URL=f"http://127.0.0.1:{server.server_address[1]}/v1",
            OPENAI_TIMEOUT=str(args.sleep + 60),
            GENERATION_DAILY_LIMIT_PER_USER="100000",
            GENERATION_DAILY_LIMIT_SITE="100000",
        )
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        manage(
            env,
            "shell",
            "-c",
            "from accounts.models import User; User.objects.create_user('bench', 'bench@example.com', 'bench pass 12345')",
        )
        web_env = {**env, "WEB_CONCURRENCY": "2", "GUNICORN_BIND": f"127.0.0.1:{port}"}
        worker_env = {**env, "DATABASE_POOL": "false"}
        commands = [
            (
                [PYTHON, "-m", "gunicorn", "core.wsgi:application", "-c", "gunicorn.conf.py"],
                web_env,
                logs / "gunicorn.log",
            )
        ]
        commands += [
            (
                [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "1"],
                worker_env,
                logs / f"worker{n}.log",
            )
            for n in range(args.workers)
        ]
        with processes(*commands):
            wait_http(base + "/healthz")
            wait_for_workers(logs, args.workers)
            browser = Browser(base)
            browser.log_in("bench", "bench pass 12345")
            browser.get("/create/")

            def create(label: str) -> tuple[float, int]:
                begin = time.perf_counter()
                status, _ = browser.post(
                    "/create/", {"prompt": f"Benchmark painting {label}", "size": "1024x1024"}
                )
                return time.perf_counter() - begin, status

            for n in range(10):  # warm both gunicorn workers up; not measured
                create(f"warm-up {n}")
            # Phase 1: one job per worker, then wait until every one is at the slow provider.
            pickup = [create(f"wave {n}") for n in range(args.workers - 10)]
            deadline = time.monotonic() + 120
            while len(calls) < args.workers and time.monotonic() < deadline:
                time.sleep(0.5)
            print(f"{len(calls)} generations in flight at the provider", flush=True)
            # Phase 2, measured: Create while every worker waits on the provider.
            measured = [create(str(n)) for n in range(args.requests)]
            latencies = [seconds for seconds, _ in measured]
            statuses = [status for _, status in pickup + measured]
            print(f"POST /create/ x{args.requests}: statuses {sorted(set(statuses))}", flush=True)
            poll, done = wait_for_first_wave(browser, env, args)
        gunicorn_log = (logs / "gunicorn.log").read_text()
    server.shutdown()
    # Each provider call lasts `sleep` seconds: the most calls begun within one such span.
    concurrent = max(sum(1 for t in calls if start - args.sleep < t <= start) for start in calls)

    results = {
        "requests": args.requests,
        "provider_sleep_s": args.sleep,
        "create_p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "create_p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "create_max_ms": round(max(latencies) * 1000, 1),
        "create_statuses": sorted(set(statuses)),
        "create_p99_ms_while_workers_pick_up_jobs": round(
            percentile([seconds for seconds, _ in pickup], 0.99) * 1000, 1
        ),
        "concurrent_generations": concurrent,
        "succeeded_after_wait": done,
        "my_images_p99_ms_during_generation": round(percentile(poll, 0.99) * 1000, 1)
        if poll
        else None,
        "worker_timeouts": gunicorn_log.count("WORKER TIMEOUT"),
        "thumbnails": thumbs,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "generation.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

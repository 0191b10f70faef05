"""Pages through Nginx against a bare Django "hello" and a bare 24-card page, in one run.

Starts, on this machine: the shared peer's bare Django project (`../shared/peer/bare`: /hello/
and /cards/, copied to a temporary folder and served by gunicorn with 2 sync workers, as
`peer/serve.sh bare` does, from this project's interpreter, which has the peer's pinned Django,
gunicorn and psycopg); this project with gunicorn.conf.py (2 sync workers, DEBUG off,
PostgreSQL, Redis, 10,000 products); and Debian's Nginx with nginx/default.conf.template in
front of it. Then wrk (2 threads, 16 connections, as `peer/measure.sh`) runs every target in
turn, A B C ... A B C, for a few rounds, and the medians are compared as ratios.

Usage: python bench/nginx_pages.py [--rounds 3] [--seconds 8] [--peer ../shared/peer]
"""

import argparse
import getpass
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from string import Template

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    bench_database,
    free_port,
    manage,
    processes,
    production_env,
    wait_http,
)
from bench.pages import seed, session_cookie  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_DB = 11


def wrk(url: str, seconds: int, cookie: str = "") -> dict:
    argv = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "30s", "--latency", url]
    if cookie:
        argv[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def find_peer(given: str | None) -> Path:
    candidates = [Path(given)] if given else [ROOT.parent / "shared" / "peer"]
    candidates += [] if given else [ROOT.parent.parent / "shared" / "peer"]  # from a worktree
    for path in candidates:
        if (path / "bare" / "settings.py").exists():
            return path
    raise SystemExit(f"No peer harness at {', '.join(map(str, candidates))}: pass --peer DIR")


def bare_project(peer: Path, work: Path, database_url: str) -> tuple[list[str], dict, Path]:
    """The peer's bare project, migrated and seeded with its 24 cards, ready for gunicorn."""
    project = work / "bare"
    shutil.copytree(
        peer / "bare", project, ignore=shutil.ignore_patterns("setup.sh", "__pycache__")
    )
    env = {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "settings",
        "PATH": "/usr/bin:/bin",
    }
    for args in (["migrate", "--noinput", "-v", "0"], ["seed_cards", "24"]):
        subprocess.run([PYTHON, "manage.py", *args], cwd=project, env=env, check=True)
    port = free_port()
    # peer/serve.sh's command: 2 sync workers, no access log, no control socket.
    argv = [PYTHON, "-m", "gunicorn", "wsgi:application", "--chdir", str(project)]
    argv += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync"]
    argv += ["--no-control-socket"]
    return argv, {**env, "PORT": str(port)}, work / "bare.log"


def nginx_config(work: Path, *, upstream: str, port: int, static_root: str) -> Path:
    """The site's own server block, with the http settings of the nginx Docker image."""
    server = Template((ROOT / "nginx" / "default.conf.template").read_text()).safe_substitute(
        UPSTREAM=upstream,
        LISTEN_PORT=str(port),
        STATIC_ROOT=static_root,
        MEDIA_ROOT=str(work / "media"),
        PRIVATE_MEDIA_ROOT=str(work / "private"),
        CACHE_ROOT=str(work / "nginx" / "cache"),
    )
    (work / "nginx").mkdir(exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(
        f"""user {getpass.getuser()};
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65;
    access_log {work}/nginx-access.log combined buffer=64k flush=5s;
    client_body_temp_path {work}/nginx/body;
    proxy_temp_path {work}/nginx/proxy;
    fastcgi_temp_path {work}/nginx/fastcgi;
    uwsgi_temp_path {work}/nginx/uwsgi;
    scgi_temp_path {work}/nginx/scgi;
{server}
}}
"""
    )
    return conf


def cpu_busy(seconds: float = 0.5) -> float:
    def sample() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # all, idle + iowait

    (total, idle), _ = sample(), time.sleep(seconds)
    total2, idle2 = sample()
    return 1 - (idle2 - idle) / max(total2 - total, 1)


def settle(limit: float = 10) -> None:
    """As peer/measure.sh: wait (bounded) until the CPUs are quiet, so that a server still
    working through its backlog, or someone else's burst, does not eat into the next run."""
    time.sleep(1)
    deadline = time.monotonic() + limit
    while cpu_busy() > 0.25 and time.monotonic() < deadline:
        pass


def check(url: str, cookie: str, cache_status: str) -> None:
    """Each target answers 200, and from where it should (Nginx's cache or Django)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    for _ in range(2):
        with urllib.request.urlopen(request, timeout=10) as response:
            status, seen = response.status, response.headers.get("X-Cache-Status", "")
    if status != 200 or seen != cache_status:
        raise SystemExit(f"{url}: {status}, X-Cache-Status {seen!r}, expected {cache_status!r}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--peer", help="the peer harness folder (default: ../shared/peer)")
    parser.add_argument("--only", help="measure only the targets whose name holds this text")
    parser.add_argument("--keep", action="store_true", help="keep the logs and Nginx's files")
    args = parser.parse_args()
    peer = find_peer(args.peer)
    for tool in ("wrk", NGINX):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing (Debian: apt-get install wrk nginx)")
    work = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    web_port, nginx_port = free_port(), free_port()
    with (
        bench_database("aig_bench_nginx_pages") as database_url,
        bench_database("aig_bench_nginx_bare") as bare_url,
    ):
        env = production_env(
            database_url,
            str(work / "media"),
            REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
            STATIC_ROOT=str(work / "static"),
            GUNICORN_ACCESS_LOG="off",
            GUNICORN_MAX_REQUESTS="0",
            WEB_CONCURRENCY="2",
            GUNICORN_BIND=f"127.0.0.1:{web_port}",
        )
        subprocess.run(
            ["redis-cli", "-n", str(REDIS_DB), "flushdb"], check=True, capture_output=True
        )
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        seed(env, products=args.products, orders=100)
        slug = (
            manage(
                env,
                "shell",
                "-c",
                "from products.models import Product; print(Product.objects.order_by('-id').first().slug)",
            )
            .strip()
            .splitlines()[-1]
        )
        bare_argv, bare_env, bare_log = bare_project(peer, work, bare_url)
        bare = f"http://127.0.0.1:{bare_env['PORT']}"
        direct, proxied = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{nginx_port}"
        conf = nginx_config(
            work,
            upstream=f"127.0.0.1:{web_port}",
            port=nginx_port,
            static_root=str(work / "static"),
        )
        nginx = (
            [NGINX, "-c", str(conf), "-p", str(work), "-g", "daemon off;"],
            None,
            work / "nginx.log",
        )
        gunicorn = (
            [PYTHON, "-m", "gunicorn", "core.wsgi:application", "-c", "gunicorn.conf.py"],
            env,
            work / "gunicorn.log",
        )
        with processes((bare_argv, bare_env, bare_log), gunicorn, nginx):
            for url in (bare + "/hello/", direct + "/healthz", proxied + "/healthz"):
                wait_http(url)
            customer = session_cookie(direct, "customer")
            targets = {
                "bare hello": (bare + "/hello/", "", ""),
                "bare 24 cards": (bare + "/cards/", "", ""),
                "home, anonymous, through Nginx": (proxied + "/", "", "HIT"),
                "shop, anonymous, through Nginx": (proxied + "/shop/", "", "HIT"),
                "product, anonymous, through Nginx": (proxied + f"/shop/{slug}/", "", "HIT"),
                "shop, signed in, through Nginx": (proxied + "/shop/", customer, "BYPASS"),
                "shop, anonymous, gunicorn alone": (direct + "/shop/", "", ""),
                "shop, signed in, gunicorn alone": (direct + "/shop/", customer, ""),
            }
            if args.only:
                keep = ("bare hello", "bare 24 cards")
                targets = {n: t for n, t in targets.items() if args.only in n or n in keep}
            for url, cookie, cache_status in targets.values():
                check(url, cookie, cache_status)
                wrk(url, 2, cookie)  # warm-up
            runs: dict[str, list[dict]] = {name: [] for name in targets}
            load = []
            for _ in range(args.rounds):
                for name, (url, cookie, _) in targets.items():
                    settle()
                    load.append(float(Path("/proc/loadavg").read_text().split()[0]))
                    runs[name].append(wrk(url, args.seconds, cookie))
    report(runs, args, load, work)


def report(runs: dict, args, load: list[float], work: Path) -> None:
    medians = {
        name: {
            "rps": statistics.median(r["rps"] for r in rs),
            "p50_ms": statistics.median(r["p50_ms"] for r in rs),
            "p99_ms": statistics.median(r["p99_ms"] for r in rs),
            "errors": sum(r["errors"] for r in rs),
            "rps_per_round": [round(r["rps"]) for r in rs],
            "p99_ms_per_round": [round(r["p99_ms"], 1) for r in rs],
        }
        for name, rs in runs.items()
    }
    hello, cards = medians["bare hello"], medians["bare 24 cards"]
    for figures in medians.values():
        figures["vs_hello"] = round(figures["rps"] / hello["rps"], 2)
        figures["vs_cards"] = round(figures["rps"] / cards["rps"], 2)
        figures["p99_vs_hello_p99"] = round(figures["p99_ms"] / hello["p99_ms"], 2)
    results = {
        "command": f"python bench/nginx_pages.py --rounds {args.rounds} --seconds {args.seconds}",
        "wrk": f"-t2 -c16 -d{args.seconds}s --latency, {args.rounds} alternating rounds, medians",
        "products": args.products,
        "load_average_at_each_run": {"min": min(load), "max": max(load)},
        "pages": medians,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "nginx_pages.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    print(
        f"\n{'page':38} {'req/s':>9} {'× hello':>8} {'× cards':>8} {'p99':>9} {'p99 × hello':>12}"
    )
    for name, f in medians.items():
        print(
            f"{name:38} {f['rps']:9,.0f} {f['vs_hello']:8.2f} {f['vs_cards']:8.2f}"
            f" {f['p99_ms']:7.1f}ms {f['p99_vs_hello_p99']:12.2f}"
        )
    if args.keep:
        print(f"logs in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Page benchmark: shop, product and order pages against Django's own ceiling.

Runs gunicorn (2 sync workers, DEBUG off, PostgreSQL, local media, Redis cache) and wrk in
alternating rounds against a minimal view (/bench/ping, only with BENCHMARK_VIEWS), the shop
(anonymous and logged in: page 1, a deep page, a search), a product page, My orders (a
customer with 50 orders) and All orders (a manager). Also: the shop's p50 with 100 and with
100,000 products, the weight of a 24-card page, and gunicorn worker memory over 20,000
requests. Usage: python bench/pages.py [--rounds 3] [--seconds 5]
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    Browser,
    bench_database,
    free_port,
    manage,
    processes,
    production_env,
    wait_http,
)

PASSWORD = "bench pass 12345"


def wrk(url: str, seconds: int, cookie: str = "", connections: int = 8) -> dict:
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        argv[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "requests": requests,
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def session_cookie(base: str, username: str) -> str:
    browser = Browser(base)
    browser.log_in(username, PASSWORD)
    return "; ".join(f"{c.name}={c.value}" for c in browser.jar)


def worker_rss_mb(master_pid: int) -> list[float]:
    children = subprocess.run(
        ["ps", "--ppid", str(master_pid), "-o", "rss="], capture_output=True, text=True
    ).stdout.split()
    return [round(int(kb) / 1024, 1) for kb in children]


def page_weight(base: str) -> dict:
    html = urllib.request.urlopen(base + "/shop/", timeout=10).read()
    assets = re.findall(rb'(?:src|href)="(/(?:static|media)/[^"]+)"', html)
    total = len(html)
    for asset in set(assets):
        total += len(urllib.request.urlopen(base + asset.decode(), timeout=10).read())
    return {"html_bytes": len(html), "assets": len(set(assets)), "total_bytes": total}


def seed(env: dict, products: int = 0, orders: int = 0) -> None:
    subprocess.run(
        [PYTHON, "bench/seed.py", "--products", str(products), "--orders", str(orders)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--pages-only", action="store_true", help="skip the memory and scale runs")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    results: dict = {}
    with bench_database("aigallery_bench_pages") as database_url:
        env = production_env(
            database_url,
            str(work / "media"),
            BENCHMARK_VIEWS="true",
            REDIS_URL="redis://127.0.0.1:6379/15",
            STATIC_ROOT=str(work / "static"),
            GUNICORN_ACCESS_LOG="off",
            GUNICORN_MAX_REQUESTS="0",  # memory is measured without recycling workers
            WEB_CONCURRENCY="2",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            DATABASE_POOL_MAX="4",
        )
        subprocess.run(["redis-cli", "-n", "15", "flushdb"], check=True, capture_output=True)
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        seed(env, products=100, orders=2000)
        gunicorn = (
            [PYTHON, "-m", "gunicorn", "core.wsgi:application", "-c", "gunicorn.conf.py"],
            env,
            work / "gunicorn.log",
        )
        with processes(gunicorn) as (master,):
            wait_http(base + "/healthz")
            customer = session_cookie(base, "customer")
            wrk(base + "/shop/", 2, customer)  # warm-up
            small = wrk(base + "/shop/", args.seconds, customer)
        seed(env, products=9_900)
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
        targets = {
            "minimal view (ceiling)": ("/bench/ping", ""),
            "shop p1, anonymous": ("/shop/", ""),
            "shop p400, anonymous": ("/shop/?page=400", ""),
            "shop search, anonymous": ("/shop/?q=lighthouse", ""),
            "shop p1, logged in": ("/shop/", "customer"),
            "shop p400, logged in": ("/shop/?page=400", "customer"),
            "shop search, logged in": ("/shop/?q=lighthouse", "customer"),
            "product page": (f"/shop/{slug}/", ""),
            "my orders (50 orders)": ("/purchases/orders/", "customer"),
            "all orders (manager)": ("/purchases/manager/orders/", "boss"),
        }
        runs: dict[str, list[dict]] = {name: [] for name in targets}
        with processes(gunicorn) as (master,):
            wait_http(base + "/healthz")
            cookies = {
                "": "",
                "customer": session_cookie(base, "customer"),
                "boss": session_cookie(base, "boss"),
            }
            for path, who in targets.values():
                wrk(base + path, 1, cookies[who])  # warm-up
            for _ in range(args.rounds):
                for name, (path, who) in targets.items():
                    runs[name].append(wrk(base + path, args.seconds, cookies[who]))
            results["page_weight_24_cards"] = page_weight(base)
            if args.pages_only:
                report(runs, results, None, None)
                return
            served = sum(r["requests"] for rs in runs.values() for r in rs)
            results["memory_mb"] = {"after_requests": served, "workers": worker_rss_mb(master.pid)}
            mix = ["/shop/?page=2", "/purchases/orders/", f"/shop/{slug}/", "/shop/?q=harbour"]
            checkpoints = []
            for target in (served + 10_000, served + 20_000):
                while served < target:
                    for path in mix:
                        served += wrk(base + path, 2, cookies["customer"], connections=4)[
                            "requests"
                        ]
                checkpoints.append({"after_requests": served, "workers": worker_rss_mb(master.pid)})
            results["memory_mb"]["later"] = checkpoints
        seed(env, products=90_000)
        with processes(gunicorn) as (master,):
            wait_http(base + "/healthz")
            customer = session_cookie(base, "customer")
            wrk(base + "/shop/", 2, customer)
            large = wrk(base + "/shop/", args.seconds, customer)

    report(runs, results, small, large)


def report(runs: dict, results: dict, small: dict | None, large: dict | None) -> None:
    ceiling = runs["minimal view (ceiling)"]
    ceiling_rps = statistics.median(r["rps"] for r in ceiling)
    ceiling_p99 = statistics.median(r["p99_ms"] for r in ceiling)
    table = {}
    for name, rs in runs.items():
        rps = statistics.median(r["rps"] for r in rs)
        p99 = statistics.median(r["p99_ms"] for r in rs)
        table[name] = {
            "rps": round(rps),
            "ratio": round(rps / ceiling_rps, 3),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in rs), 2),
            "p99_ms": round(p99, 2),
            "p99_vs_ceiling": round(p99 / ceiling_p99, 1),
            "non_2xx": sum(r["non_2xx"] for r in rs),
        }
    results["pages"] = table
    if small and large:
        results["scale_shop_p50_ms"] = {
            "100 products": small["p50_ms"],
            "100,000 products": large["p50_ms"],
            "ratio": round(large["p50_ms"] / small["p50_ms"], 2),
        }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "pages.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

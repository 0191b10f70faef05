"""Page weight of 24 cards of photographic art, as Chromium loads the shop page.

Runs a checkout (this one, or `--root` another, e.g. the commit before sized previews) as
production does (gunicorn, DEBUG off, PostgreSQL, local media), paints 24 photograph-like
pictures (bench/photos.py) through that checkout's own generation runner against an
OpenAI-compatible fake on loopback, shares them in the shop through its publish service,
then opens /shop/ in the system Chromium at several screen sizes, scrolls to the end so that
every lazy card loads, and adds up the bytes of every response. Also prints, for this
checkout's encoder, each size's bytes, PSNR and encoding time.

Usage: python bench/image_weight.py [--root PATH] [--label after]
"""

import argparse
import base64
import json
import statistics
import subprocess
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
    bench_database,
    free_port,
    production_env,
    wait_http,
)
from bench.photos import photograph, photograph_png, psnr  # noqa: E402

CARDS = 24
SCREENS = [(1280, 1), (1280, 2), (390, 2), (390, 3)]
SEED = """
from django.contrib.auth import get_user_model
from dalle.models import GeneratedImage
from dalle.runner import generation_run
from products.services import image_publish

owner = get_user_model().objects.create_user("painter", "painter@example.com", "bench pass 12345")
for n in range({cards}):
    image = GeneratedImage.objects.create(
        owner=owner, prompt=f"A meadow under clouds, photograph {{n}}", size="1024x1024",
        provider="openai",
    )
    generation_run(image_id=image.pk)
    image.refresh_from_db()
    assert image.status == "succeeded", image.error_message
    image_publish(image=image, public=True)
print(GeneratedImage.objects.filter(visibility="public").count())
"""


def photo_provider() -> ThreadingHTTPServer:
    """Answers every image request with the next photograph, as base64 PNG."""
    bodies = [
        json.dumps(
            {"created": 1, "data": [{"b64_json": base64.b64encode(photograph_png(n)).decode()}]}
        ).encode()
        for n in range(CARDS)
    ]
    served = iter(range(10**6))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = bodies[next(served) % CARDS]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(root: Path, env: dict, *argv: str) -> str:
    result = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{' '.join(argv[:3])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def weigh(base: str) -> list[dict]:
    from playwright.sync_api import sync_playwright

    figures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for width, scale in SCREENS:
            context = browser.new_context(
                viewport={"width": width, "height": 900}, device_scale_factor=scale
            )
            page = context.new_page()
            responses: list[tuple[str, int]] = []
            page.on("response", lambda r, seen=responses: seen.append((r.url, len(r.body()))))
            page.goto(base + "/shop/")
            for _ in range(15):
                page.mouse.wheel(0, 800)
                page.wait_for_timeout(150)
            page.wait_for_load_state("networkidle")
            page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth)")
            images = [(url, size) for url, size in responses if "/media/" in url]
            figures.append(
                {
                    "screen": f"{width} px at {scale}x",
                    "total_bytes": sum(size for _, size in responses),
                    "html_bytes": sum(size for url, size in responses if url.endswith("/shop/")),
                    "image_bytes": sum(size for _, size in images),
                    "images": len(images),
                    "formats": sorted({url.rsplit(".", 1)[-1] for url, _ in images}),
                }
            )
            context.close()
        browser.close()
    return figures


def codec_figures() -> list[dict]:
    """This checkout's sizes of six photographs: median bytes and PSNR of each size, and the
    time to make them all, against the one 512 px WebP made before."""
    from PIL import Image

    from dalle.imaging import SIZE_QUALITY, make_sizes, make_thumbnail

    rows: dict[str, list[tuple[int, float]]] = {}
    timings: dict[str, list[float]] = {"512 px WebP (before)": [], "all sizes (after)": []}
    for seed in range(6):
        picture = photograph(seed)
        png = photograph_png(seed)
        start = time.perf_counter()
        webp, width, height = make_thumbnail(png)
        timings["512 px WebP (before)"].append(time.perf_counter() - start)
        reference = picture.resize((width, height), Image.Resampling.LANCZOS)
        rows.setdefault("512 webp q72 (before)", []).append((len(webp), psnr(reference, webp)))
        start = time.perf_counter()
        renditions = make_sizes(png)
        timings["all sizes (after)"].append(time.perf_counter() - start)
        for r in renditions:
            reference = picture.resize((r.width, r.height), Image.Resampling.LANCZOS)
            name = f"{r.width} {r.format} q{SIZE_QUALITY[(r.format, r.width)]}"
            rows.setdefault(name, []).append((len(r.data), psnr(reference, r.data)))
    return {
        "sizes": [
            {
                "size": name,
                "bytes_median": int(statistics.median(b for b, _ in values)),
                "psnr_db_median": round(statistics.median(p for _, p in values), 2),
            }
            for name, values in rows.items()
        ],
        "encode_ms_median": {k: round(statistics.median(v) * 1000) for k, v in timings.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--label", default="after")
    parser.add_argument("--database", default="aig_thumbs_bench_weight")
    args = parser.parse_args()
    root = args.root.resolve()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="bench-weight-"))
    provider = photo_provider()
    results: dict = {"root": str(root), "label": args.label}
    with bench_database(args.database) as database_url:
        env = production_env(
            database_url,
            str(work / "media"),
            PRIVATE_MEDIA_ROOT=str(work / "private"),
            STATIC_ROOT=str(work / "static"),
            IMAGE_PROVIDER="openai",
            OPENAI_API_KEY="sk-bench",
            OPENAI_BASE_URL=f"http://127.0.0.1:{provider.server_port}/v1",
            GUNICORN_ACCESS_LOG="off",
            WEB_CONCURRENCY="2",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            PYTHONPATH=str(root),
        )
        run(root, env, PYTHON, "manage.py", "migrate", "--no-input")
        run(root, env, PYTHON, "manage.py", "collectstatic", "--no-input")
        start = time.perf_counter()
        run(root, env, PYTHON, "manage.py", "shell", "-c", SEED.format(cards=CARDS))
        results["seed_seconds"] = round(time.perf_counter() - start, 1)
        log = open(work / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
        gunicorn = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "core.wsgi:application", "-c", "gunicorn.conf.py"],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_http(base + "/healthz")
            results["pages"] = weigh(base)
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=20)
            log.close()
    provider.shutdown()
    if root == ROOT:
        results["codecs"] = codec_figures()
    out = ROOT / "bench" / "results" / f"image_weight-{args.label}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

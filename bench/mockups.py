"""Preview benchmark: how long a shopper waits for a print preview, drawn and cached.

Runs the product as production does (gunicorn with 2 sync workers, DEBUG off, PostgreSQL,
local media, Redis cache in db 13) with the demo formats and three artworks painted by the
offline painter at 1024 × 1024, 1536 × 1024 and 1024 × 1536, previews included. Cold: the
first request for every distinct preview (artwork × print × fit × crop position × scene) with
an empty cache, so each is drawn; warm: the same URLs again, from the cache. Then the drawing
alone, in this process: decode, print, mock-up (room drawn and room reused), encode.
Usage: python bench/mockups.py [--repeat 3]
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    bench_database,
    free_port,
    manage,
    percentile,
    processes,
    production_env,
    wait_http,
)

REDIS_DB = "13"
SIZES = ["1024x1024", "1536x1024", "1024x1536"]


def seed() -> None:
    """In the benchmark's environment: demo formats, and one public artwork per size."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from accounts.models import User
    from dalle.imaging import image_size, make_thumbnail
    from dalle.models import GeneratedImage
    from dalle.providers import OfflineProvider
    from lib.storages import private_storage, random_key
    from products.services import product_for_image

    call_command("ensure_demo_data", stdout=io.StringIO())
    owner = User.objects.create_user("painter", "painter@example.com", "bench pass 12345")
    for size in SIZES:
        prompt = f"A red lighthouse on a green cliff at dusk, gouache, {size}"
        png = OfflineProvider().generate(prompt=prompt, size=size, user_ref="bench").png
        preview, _, _ = make_thumbnail(png)
        width, height = image_size(png)
        files = {
            "image": private_storage().save(random_key("images", "png"), ContentFile(png)),
            "preview": private_storage().save(random_key("images", "webp"), ContentFile(preview)),
        }
        image = GeneratedImage.objects.create(
            owner=owner,
            prompt=prompt,
            provider="offline",
            status=GeneratedImage.Status.SUCCEEDED,
            visibility=GeneratedImage.Visibility.PUBLIC,
            width=width,
            height=height,
            **files,
        )
        product = product_for_image(image=image)
        print(json.dumps({"slug": product.slug, "width": width, "height": height}))


def preview_paths(products: list[dict], formats: list[dict]) -> list[tuple[str, str]]:
    """(scene, path) for every preview that draws something different."""
    from lib.mockups import crop_positions

    paths = []
    for product in products:
        for fmt in formats:
            positions = crop_positions(
                product["width"],
                product["height"],
                width_cm=float(fmt["width_cm"]),
                height_cm=float(fmt["height_cm"]),
            )
            crops = [("fill", position) for position in positions or ["center"]]
            crops += [("fit", "center")] if positions else []
            for fit, position in crops:
                for scene in ("mockup", "print"):
                    query = f"format={fmt['id']}&fit={fit}&position={position}&scene={scene}"
                    paths.append((scene, f"/shop/{product['slug']}/preview/?{query}"))
    return paths


def timed_get(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        size = len(response.read())
        if response.status != 200 or response.headers["Content-Type"] != "image/webp":
            raise SystemExit(f"{url}: {response.status} {response.headers['Content-Type']}")
    return (time.perf_counter() - started) * 1000, size


def summary(times: list[float]) -> dict:
    return {
        "n": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
    }


def over_http(base: str, paths: list[tuple[str, str]], repeat: int) -> dict:
    cold: dict[str, list[float]] = {"mockup": [], "print": []}
    warm: dict[str, list[float]] = {"mockup": [], "print": []}
    sizes: dict[str, list[int]] = {"mockup": [], "print": []}
    for _ in range(repeat):
        subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], check=True, capture_output=True)
        for scene, path in paths:
            ms, size = timed_get(base + path)
            cold[scene].append(ms)
            sizes[scene].append(size)
        for scene, path in paths:
            warm[scene].append(timed_get(base + path)[0])
    return {
        "cold": {scene: summary(times) for scene, times in cold.items()},
        "warm": {scene: summary(times) for scene, times in warm.items()},
        "webp_kb_median": {s: round(statistics.median(v) / 1024, 1) for s, v in sizes.items()},
    }


def in_process(repeat: int) -> dict:
    """The drawing alone, on the 1536 × 1024 artwork's 512 px preview."""
    from dalle.imaging import make_thumbnail
    from dalle.painter import paint
    from lib import mockups

    out = io.BytesIO()
    paint("A red lighthouse on a green cliff at dusk, gouache", 1536, 1024).save(out, "PNG")
    png = out.getvalue()
    preview = make_thumbnail(png)[0]
    canvas = {"width_cm": 40, "height_cm": 40, "fit": "fill", "position": "left"}
    steps: dict[str, list[float]] = {}

    def clock(name: str, work, *args, **kwargs):
        started = time.perf_counter()
        result = work(*args, **kwargs)
        steps.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        return result

    for _ in range(max(5, repeat * 5)):
        mockups._room.cache_clear()
        picture = clock("decode the 512 px WebP preview", _decoded, preview)
        clock("decode the 1536 px PNG original", _decoded, png)
        printed = clock("print, 640 px", mockups.print_area, picture, **canvas, long_side_px=640)
        drawn = "mock-up, room drawn (first in a process)"
        clock(drawn, mockups.mockup, picture, medium="canvas", **canvas)
        shown = clock("mock-up, room reused", mockups.mockup, picture, medium="canvas", **canvas)
        clock("encode print (WebP)", mockups.encode, printed)
        clock("encode mock-up (WebP)", mockups.encode, shown)
    return {name: round(statistics.median(times), 1) for name, times in steps.items()}


def _decoded(data: bytes):
    from PIL import Image

    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="cold and warm passes")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed()
        return
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="bench-mockups-"))
    with bench_database("aigallery_bench_mockups") as database_url:
        env = production_env(
            database_url,
            str(work / "media"),
            PRIVATE_MEDIA_ROOT=str(work / "private"),
            REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
            STATIC_ROOT=str(work / "static"),
            GUNICORN_ACCESS_LOG="off",
            WEB_CONCURRENCY="2",
            GUNICORN_BIND=f"127.0.0.1:{port}",
        )
        manage(env, "migrate", "--no-input")
        seeded = subprocess.run(
            [PYTHON, "bench/mockups.py", "--seed"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        products = [json.loads(line) for line in seeded.splitlines() if line.startswith("{")]
        gunicorn = (
            [PYTHON, "-m", "gunicorn", "core.wsgi:application", "-c", "gunicorn.conf.py"],
            env,
            work / "gunicorn.log",
        )
        with processes(gunicorn):
            wait_http(base + "/healthz")
            with urllib.request.urlopen(base + "/api/v1/formats/", timeout=10) as response:
                formats = [f for f in json.load(response)["results"] if f["kind"] == "physical"]
            paths = preview_paths(products, formats)
            results = {"previews": len(paths), "http": over_http(base, paths, args.repeat)}
    results["in_process_median_ms"] = in_process(args.repeat)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "mockups.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

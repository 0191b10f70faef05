"""Photograph-like test art, made with Pillow alone (no files, no downloads).

The offline painter's flat colours compress to a few kilobytes; real model output is often
photographic. These pictures have what makes a photograph heavy for a codec: 1/f texture at
every scale (grass, clouds), many small hard edges (flowers, pebbles), soft light and sensor
grain. A 1024 px one weighs ~1.6 bits per pixel as a JPEG at quality 85, as a detailed
photograph does. Deterministic: the same seed always gives the same picture.
"""

import io
import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps, ImageStat


def _noise(rng: random.Random, cells: int, size: tuple[int, int], mode: str = "L") -> Image.Image:
    width, height = max(2, cells), max(2, round(cells * size[1] / size[0]))
    data = rng.randbytes(width * height * len(mode))
    return Image.frombytes(mode, (width, height), data).resize(size, Image.Resampling.BICUBIC)


def _fractal(rng: random.Random, size: tuple[int, int], finest: int) -> Image.Image:
    """Octaves of noise, each three times finer than the last, as natural textures are."""
    texture, cells, weight = _noise(rng, 3, size), 3, 0.5
    while cells < finest:
        cells *= 3
        texture = Image.blend(texture, _noise(rng, cells, size), weight)
        weight *= 0.8
    return ImageOps.autocontrast(texture, cutoff=0.5)


def _colour(rng: random.Random, *ranges: tuple[int, int]) -> tuple[int, ...]:
    return tuple(rng.randrange(*bounds) for bounds in ranges)


def _sky(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    top = _colour(rng, (40, 110), (90, 150), (170, 235))
    bottom = _colour(rng, (190, 240), (190, 235), (200, 245))
    sky = ImageOps.colorize(Image.linear_gradient("L").resize(size), top, bottom)
    clouds = _fractal(rng, size, 30).filter(ImageFilter.GaussianBlur(3))
    cover = clouds.point(lambda v: min(255, max(0, v - 110) * 2))
    return Image.composite(Image.new("RGB", size, (245, 245, 248)), sky, cover)


def _ground(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    dark = _colour(rng, (20, 70), (30, 80), (10, 50))
    light = _colour(rng, (120, 200), (120, 190), (60, 130))
    texture = Image.blend(_fractal(rng, size, 500), _noise(rng, size[0] // 3, size), 0.35)
    ground = ImageOps.colorize(ImageOps.autocontrast(texture, cutoff=0.5), dark, light)
    shade = Image.linear_gradient("L").resize(size).point(lambda v: 255 - v // 2)
    return ImageChops.multiply(ground, Image.merge("RGB", [shade] * 3))


def _land_mask(rng: random.Random, size: tuple[int, int], horizon: int) -> Image.Image:
    """A ragged horizon and a few trees."""
    width, height = size
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    y, points = horizon, [(0, height)]
    for x in range(0, width + 16, 16):
        y = min(height - 1, max(height // 4, y + rng.randint(-12, 12)))
        points.append((x, y))
    draw.polygon([*points, (width, height)], fill=255)
    for _ in range(rng.randrange(3, 8)):
        cx, cy = rng.randrange(width), horizon + rng.randrange(-40, 80)
        rx, ry = rng.randrange(30, 110), rng.randrange(60, 200)
        draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry // 3), fill=255)
    return mask.filter(ImageFilter.GaussianBlur(1.2))


def photograph(seed: int = 0, size: tuple[int, int] = (1024, 1024)) -> Image.Image:
    """A meadow under a cloudy sky, different for every seed."""
    rng = random.Random(seed)
    width, height = size
    horizon = int(height * rng.uniform(0.4, 0.6))
    picture = Image.composite(_ground(rng, size), _sky(rng, size), _land_mask(rng, size, horizon))
    draw = ImageDraw.Draw(picture)
    for _ in range(600):  # flowers and pebbles, larger nearer the viewer
        x, y = rng.randrange(width), rng.randrange(horizon, height)
        r = rng.randint(2, 3 + 9 * (y - horizon) // (height - horizon))
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=_colour(rng, *[(0, 256)] * 3))
    picture = picture.filter(ImageFilter.GaussianBlur(0.3))  # no lens is perfectly sharp
    grain = Image.frombytes("RGB", size, rng.randbytes(width * height * 3))
    return Image.blend(picture, grain, 0.06)


def photograph_png(seed: int = 0, size: tuple[int, int] = (1024, 1024)) -> bytes:
    out = io.BytesIO()
    photograph(seed, size).save(out, "PNG", compress_level=1)
    return out.getvalue()


def psnr(reference: Image.Image, encoded: bytes) -> float:
    """Peak signal-to-noise ratio of an encoded file against the picture it was made from."""
    with Image.open(io.BytesIO(encoded)) as decoded:
        difference = ImageChops.difference(reference.convert("RGB"), decoded.convert("RGB"))
    mse = sum(rms * rms for rms in ImageStat.Stat(difference).rms) / 3
    return 10 * math.log10(255**2 / max(mse, 1e-9))

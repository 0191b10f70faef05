"""The gateway to image generation: OpenAI (or a compatible server) and an offline painter.

`get_provider()` returns the one the settings choose. Providers raise `ProviderError`,
which says whether a retry is safe and whether managers must be told.
"""

import base64
import hashlib
import io
import logging
import math
import random
import re
from dataclasses import dataclass, field

import httpx2
import openai
from django.conf import settings
from PIL import Image, ImageDraw, ImageFilter

from lib.openai_client import openai_client

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Picture:
    """What a provider painted: PNG bytes and what it reports about the work."""

    png: bytes
    model: str
    revised_prompt: str = ""
    usage: dict = field(default_factory=dict)


class ProviderError(Exception):
    """A generation that did not succeed, classified for the retry policy and the user."""

    SAFETY = "safety_rejected"
    BILLING = "billing_exhausted"
    RATE_LIMITED = "rate_limited"
    SERVER = "server_error"
    TIMEOUT = "timeout"
    CONNECTION = "connection_error"
    AUTH = "auth_error"
    BAD_REQUEST = "bad_request"
    BAD_RESPONSE = "bad_response"
    STORAGE = "storage_error"

    RETRYABLE = {RATE_LIMITED, SERVER, TIMEOUT, CONNECTION}
    # Problems a manager has to fix: generation pauses (billing) or stays broken (keys).
    ALERTS = {BILLING, AUTH}

    def __init__(self, code: str, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.code in self.RETRYABLE

    @property
    def alerts_managers(self) -> bool:
        return self.code in self.ALERTS


SAFETY_CODES = {"content_policy_violation", "moderation_blocked", "image_generation_user_error"}
BILLING_CODES = {
    "insufficient_quota",
    "billing_hard_limit_reached",
    "billing_not_active",
    "spend_limit_reached",
    "quota_exceeded",
}


def classify_openai_error(error: openai.OpenAIError) -> ProviderError:
    if isinstance(error, openai.APITimeoutError):
        return ProviderError(ProviderError.TIMEOUT, "no answer before the timeout")
    if isinstance(error, openai.APIConnectionError):
        return ProviderError(ProviderError.CONNECTION, str(error))
    if not isinstance(error, openai.APIStatusError):
        return ProviderError(ProviderError.BAD_RESPONSE, str(error))
    body = error.body if isinstance(error.body, dict) else {}
    code = str(error.code or body.get("code") or body.get("type") or "")
    detail = f"HTTP {error.status_code} {code}".strip()
    if code in SAFETY_CODES:
        return ProviderError(ProviderError.SAFETY, detail)
    if code in BILLING_CODES or str(body.get("type", "")) in BILLING_CODES:
        return ProviderError(ProviderError.BILLING, detail)
    if error.status_code == 429:
        return ProviderError(ProviderError.RATE_LIMITED, detail, _retry_after(error.response))
    if error.status_code in (401, 403):
        return ProviderError(ProviderError.AUTH, detail)
    if error.status_code >= 500:
        return ProviderError(ProviderError.SERVER, detail, _retry_after(error.response))
    return ProviderError(ProviderError.BAD_REQUEST, detail)


def _retry_after(response: httpx2.Response) -> float | None:
    value = response.headers.get("retry-after-ms")
    if value and value.replace(".", "", 1).isdigit():
        return float(value) / 1000
    value = response.headers.get("retry-after")
    if value and value.replace(".", "", 1).isdigit():
        return float(value)
    return None


class OpenAIProvider:
    """OpenAI's image API through the official client, or any compatible server."""

    name = "openai"

    def __init__(self) -> None:
        # The task owns the retry policy: the client itself never retries.
        self.client = openai_client(timeout=settings.OPENAI_TIMEOUT, max_retries=0)
        self.model = settings.OPENAI_IMAGE_MODEL
        self.quality = settings.OPENAI_IMAGE_QUALITY

    def generate(self, *, prompt: str, size: str, user_ref: str) -> Picture:
        try:
            response = self.client.images.generate(
                model=self.model,
                prompt=prompt,
                size=size,
                quality=self.quality,
                n=1,
                user=user_ref,
            )
        except openai.OpenAIError as error:
            raise classify_openai_error(error) from error
        if not response.data:
            raise ProviderError(ProviderError.BAD_RESPONSE, "no image in the response")
        item = response.data[0]
        if item.b64_json:
            try:
                raw = base64.b64decode(item.b64_json, validate=True)
            except ValueError as error:
                raise ProviderError(ProviderError.BAD_RESPONSE, "invalid base64") from error
        elif item.url:
            raw = download_image(item.url)
        else:
            raise ProviderError(ProviderError.BAD_RESPONSE, "neither b64_json nor url")
        usage = response.usage.model_dump(exclude_none=True) if response.usage else {}
        return Picture(
            png=to_png(raw),
            model=getattr(response, "model", None) or self.model,
            revised_prompt=item.revised_prompt or "",
            usage=usage,
        )


def download_image(url: str) -> bytes:
    """Fetch an image that a compatible server returned by URL, with a timeout and a size cap."""
    limit = settings.IMAGE_DOWNLOAD_MAX_BYTES
    try:
        with httpx2.stream(
            "GET", url, timeout=settings.IMAGE_DOWNLOAD_TIMEOUT, follow_redirects=True
        ) as response:
            if response.status_code >= 500:
                raise ProviderError(ProviderError.SERVER, f"download HTTP {response.status_code}")
            if response.status_code != 200:
                raise ProviderError(
                    ProviderError.BAD_RESPONSE, f"download HTTP {response.status_code}"
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise ProviderError(ProviderError.BAD_RESPONSE, "image larger than the cap")
            chunks, total = [], 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > limit:
                    raise ProviderError(ProviderError.BAD_RESPONSE, "image larger than the cap")
                chunks.append(chunk)
    except httpx2.TimeoutException as error:
        raise ProviderError(ProviderError.TIMEOUT, "image download timed out") from error
    except httpx2.TransportError as error:
        raise ProviderError(ProviderError.CONNECTION, "image download failed") from error
    return b"".join(chunks)


def to_png(raw: bytes) -> bytes:
    """Check that the bytes are an image and store them as PNG, whatever came."""
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            if image.format == "PNG":
                return raw
            out = io.BytesIO()
            image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, "PNG")
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ProviderError(ProviderError.BAD_RESPONSE, "not a readable image") from error


class OfflineProvider:
    """Paints a deterministic artwork from the prompt with Pillow, on this machine.

    Colours come from the prompt's words (colour names where it has them); the seed of
    every shape is the prompt's hash, so the same prompt always gives the same picture.
    """

    name = "offline"
    model = "offline-painter-1"

    def generate(self, *, prompt: str, size: str, user_ref: str) -> Picture:
        width, height = (int(part) for part in size.split("x"))
        image = paint(prompt, width, height)
        out = io.BytesIO()
        image.save(out, "PNG", optimize=False, compress_level=6)
        return Picture(png=out.getvalue(), model=self.model, usage={"images": 1, "cost_usd": 0})


NAMED_HUES = {
    "red": 0,
    "rose": 345,
    "pink": 330,
    "orange": 25,
    "sunset": 18,
    "fire": 10,
    "gold": 45,
    "yellow": 55,
    "sun": 48,
    "lemon": 58,
    "green": 120,
    "forest": 130,
    "leaf": 100,
    "jungle": 140,
    "teal": 175,
    "sea": 195,
    "ocean": 200,
    "water": 195,
    "sky": 205,
    "blue": 220,
    "night": 235,
    "indigo": 255,
    "purple": 275,
    "violet": 285,
    "lavender": 270,
    "magenta": 310,
    "snow": 210,
    "ice": 195,
    "desert": 35,
    "sand": 40,
    "autumn": 28,
    "빨강": 0,
    "분홍": 330,
    "주황": 25,
    "노을": 18,
    "노랑": 55,
    "초록": 120,
    "숲": 130,
    "바다": 200,
    "하늘": 205,
    "파랑": 220,
    "밤": 235,
    "보라": 275,
    "눈": 210,
}


def _palette(prompt: str, rng: random.Random) -> list[tuple[int, int, int]]:
    words = re.findall(r"\w+", prompt.lower())
    # Substrings, so that "sunset" and Korean words with particles ("바다의") still match.
    hues = [hue for word in words for name, hue in NAMED_HUES.items() if name in word]
    for word in words:
        if len(hues) >= 3:
            break
        hues.append(int(hashlib.sha256(word.encode()).hexdigest()[:4], 16) % 360)
    while len(hues) < 3:
        hues.append((hues[-1] + 137) % 360 if hues else rng.randrange(360))
    night = any(dark in word for word in words for dark in ("night", "dark", "moon", "밤"))
    lightness = (0.22, 0.35, 0.5) if night else (0.55, 0.68, 0.8)
    return [
        _hsl(hue, 0.55 + 0.3 * rng.random(), lightness[i % 3]) for i, hue in enumerate(hues[:5])
    ]


def _hsl(hue: float, saturation: float, lightness: float) -> tuple[int, int, int]:
    c = (1 - abs(2 * lightness - 1)) * saturation
    x = c * (1 - abs((hue / 60) % 2 - 1))
    m = lightness - c / 2
    r, g, b = [(c, x, 0), (x, c, 0), (0, c, x), (0, x, c), (x, 0, c), (c, 0, x)][int(hue // 60) % 6]
    return (round((r + m) * 255), round((g + m) * 255), round((b + m) * 255))


def _shade(color: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, round(channel * factor))) for channel in color)


def paint(prompt: str, width: int, height: int) -> Image.Image:
    seed = int(hashlib.sha256(prompt.encode()).hexdigest()[:16], 16)
    rng = random.Random(seed)
    palette = _palette(prompt, rng)
    top, bottom = palette[0], palette[-1]

    # Sky: a vertical gradient, drawn on one column and stretched (fast at any size).
    column = Image.new("RGB", (1, 256))
    column.putdata(
        [
            tuple(round(t + (b - t) * i / 255) for t, b in zip(top, bottom, strict=True))
            for i in range(256)
        ]
    )
    canvas = column.resize((width, height), Image.Resampling.BICUBIC)

    # A glowing sun or moon, blurred on a small layer and scaled up.
    glow = Image.new("L", (width // 8, height // 8), 0)
    sun_x, sun_y = rng.uniform(0.2, 0.8) * width, rng.uniform(0.15, 0.45) * height
    radius = rng.uniform(0.07, 0.13) * min(width, height)
    ImageDraw.Draw(glow).ellipse(
        [
            (sun_x - radius * 2) / 8,
            (sun_y - radius * 2) / 8,
            (sun_x + radius * 2) / 8,
            (sun_y + radius * 2) / 8,
        ],
        fill=150,
    )
    glow = glow.filter(ImageFilter.GaussianBlur(radius / 10)).resize((width, height))
    canvas.paste(_shade(palette[1], 1.35), mask=glow)
    ImageDraw.Draw(canvas).ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius],
        fill=_shade(palette[1], 1.5),
    )

    # Soft floating circles.
    bokeh = Image.new("RGBA", (width, height))
    draw = ImageDraw.Draw(bokeh)
    for _ in range(rng.randint(8, 18)):
        x, y, r = rng.uniform(0, width), rng.uniform(0, height * 0.6), rng.uniform(6, 40)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(*_shade(rng.choice(palette), 1.4), 60))
    canvas.paste(bokeh, mask=bokeh)

    # Layered ridges, farther ones lighter, as a random walk along the width.
    draw = ImageDraw.Draw(canvas)
    layers = rng.randint(3, 5)
    for layer in range(layers):
        base = height * (0.5 + 0.1 * layer)
        amplitude = height * rng.uniform(0.04, 0.12)
        phase, frequency = rng.uniform(0, math.tau), rng.uniform(1.5, 4.0)
        points, y = [(0, height)], base
        for step in range(0, width + 16, 16):
            y += rng.uniform(-1, 1) * amplitude * 0.15
            wave = math.sin(phase + frequency * step / width * math.tau) * amplitude
            points.append((step, base + wave + (y - base) * 0.5))
        points.append((width, height))
        color = _shade(palette[(layer + 2) % len(palette)], 0.85 - 0.15 * layer)
        draw.polygon(points, fill=color)
    return canvas


def provider_identity() -> tuple[str, str, str]:
    """(provider, model, quality) that new jobs will use, without building a client."""
    if settings.IMAGE_PROVIDER == "openai":
        return OpenAIProvider.name, settings.OPENAI_IMAGE_MODEL, settings.OPENAI_IMAGE_QUALITY
    return OfflineProvider.name, OfflineProvider.model, ""


def get_provider() -> OpenAIProvider | OfflineProvider:
    if settings.IMAGE_PROVIDER == "openai":
        return OpenAIProvider()
    return OfflineProvider()

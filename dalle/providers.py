"""The gateway to image generation: OpenAI (or a compatible server) and an offline painter.

`get_provider()` returns the one the settings choose. Providers raise `ProviderError`,
which says whether a retry is safe and whether managers must be told.
"""

import base64
import io
import logging
from dataclasses import dataclass, field

import httpx2
import openai
from django.conf import settings
from PIL import Image

from dalle.imaging import PICTURE_SLOTS
from dalle.painter import paint
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


# What a style preset adds to the prompt sent to OpenAI (the offline painter renders the style).
STYLE_PROMPTS = {
    "watercolor": "as a watercolour painting, soft bleeding edges and paper texture",
    "oil": "as an oil painting with visible brush strokes and rich impasto texture",
    "woodblock": "as a Japanese woodblock print, flat colours and bold outlines",
    "anime": "in anime style, clean line art and cel shading",
    "photo": "as a photograph, natural light, realistic detail, shallow depth of field",
    "pixel": "as pixel art, a coarse grid of pixels and a small palette",
    "line": "as a line drawing in ink on white paper",
    "3d": "as a 3D render, soft global illumination and smooth materials",
}


def styled_prompt(prompt: str, style: str) -> str:
    """The prompt with the chosen style preset's words after it ("" leaves it as it is)."""
    suffix = STYLE_PROMPTS.get(style)
    return f"{prompt.rstrip().rstrip('.')}, {suffix}" if suffix else prompt


class OpenAIProvider:
    """OpenAI's image API through the official client, or any compatible server."""

    name = "openai"

    def __init__(self) -> None:
        # The task owns the retry policy: the client itself never retries.
        self.client = openai_client(timeout=settings.OPENAI_TIMEOUT, max_retries=0)
        self.model = settings.OPENAI_IMAGE_MODEL
        self.quality = settings.OPENAI_IMAGE_QUALITY

    def generate(
        self, *, prompt: str, size: str, user_ref: str, style: str = "", variant: int = 0
    ) -> Picture:
        """One image per call: a request for several (variations) runs one job, one call, each,
        so each counts, retries and fails on its own; `variant` needs nothing here, as every
        call paints anew."""
        # Waiting for the answer is where the time goes, dozens at once; reading and decoding
        # one (megabytes) happens a few at a time, so that answers arriving together cannot
        # multiply a worker's memory.
        try:
            with (
                self.client.images.with_streaming_response.generate(
                    model=self.model,
                    prompt=styled_prompt(prompt, style),
                    size=size,
                    quality=self.quality,
                    n=1,
                    user=user_ref,
                ) as answer,
                PICTURE_SLOTS,
            ):
                return self._picture(answer.parse())
        except openai.OpenAIError as error:
            raise classify_openai_error(error) from error

    def _picture(self, response) -> Picture:
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
        # Models without token usage (dall-e-3, most compatible servers) are priced per image.
        usage = response.usage.model_dump(exclude_none=True) if response.usage else {"images": 1}
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
    """Paints a deterministic picture of what the prompt names with Pillow, on this machine.

    `dalle.painter` finds the subject (in English or Korean words) and draws its composition
    in the style asked for; the same prompt, style and size always give the same picture.
    """

    name = "offline"
    model = "offline-painter-1"

    def generate(
        self, *, prompt: str, size: str, user_ref: str, style: str = "", variant: int = 0
    ) -> Picture:
        width, height = (int(part) for part in size.split("x"))
        image = paint(prompt, width, height, style, variant)
        out = io.BytesIO()
        image.save(out, "PNG", optimize=False, compress_level=6)
        return Picture(png=out.getvalue(), model=self.model, usage={"images": 1, "cost_usd": 0})


def provider_identity() -> tuple[str, str, str]:
    """(provider, model, quality) that new jobs will use, without building a client."""
    if settings.IMAGE_PROVIDER == "openai":
        return OpenAIProvider.name, settings.OPENAI_IMAGE_MODEL, settings.OPENAI_IMAGE_QUALITY
    return OfflineProvider.name, OfflineProvider.model, ""


def get_provider() -> OpenAIProvider | OfflineProvider:
    if settings.IMAGE_PROVIDER == "openai":
        return OpenAIProvider()
    return OfflineProvider()

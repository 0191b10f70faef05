import openai
from django.conf import settings


def openai_client(*, timeout: float, max_retries: int) -> openai.OpenAI:
    """The official client for OpenAI or any compatible server (OPENAI_BASE_URL)."""
    return openai.OpenAI(
        api_key=settings.OPENAI_API_KEY,
        base_url=settings.OPENAI_BASE_URL,
        organization=settings.OPENAI_ORGANIZATION,
        timeout=timeout,
        max_retries=max_retries,
    )

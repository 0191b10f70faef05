from functools import lru_cache

import openai
from django.conf import settings


def openai_client(*, timeout: float, max_retries: int) -> openai.OpenAI:
    """The official client for OpenAI or any compatible server (OPENAI_BASE_URL).

    One client per configuration and process, shared: it is thread-safe, and each holds a
    connection pool and a TLS context (about 1 MB), which a worker with a hundred
    generations in flight would otherwise hold a hundred times.
    """
    return _client(
        settings.OPENAI_API_KEY,
        settings.OPENAI_BASE_URL,
        settings.OPENAI_ORGANIZATION,
        timeout,
        max_retries,
    )


@lru_cache(maxsize=8)
def _client(
    api_key: str, base_url: str | None, organization: str | None, timeout: float, max_retries: int
) -> openai.OpenAI:
    return openai.OpenAI(
        api_key=api_key,
        base_url=base_url,
        organization=organization,
        timeout=timeout,
        max_retries=max_retries,
    )

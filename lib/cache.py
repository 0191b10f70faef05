"""A Redis cache that degrades to misses when Redis is unreachable.

A cache outage must make pages slower, never broken. Every operation that fails with a
connection problem answers as a miss (or does nothing), and the cache then stays "open" for
`retry_seconds`, so requests do not each wait for a connect timeout. Errors are logged at most
once a minute, not per request.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 60


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        options = params.setdefault("OPTIONS", {})
        self.retry_seconds = float(options.pop("retry_seconds", 5))
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._down_until = 0.0
        self._last_log = 0.0

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + self.retry_seconds
        if now - self._last_log >= LOG_EVERY_SECONDS:
            self._last_log = now
            logger.error("Cache unreachable, serving without it: %s", error)

    def _guard(self, operation, default, *args, **kwargs):
        if not self.available:
            return default
        try:
            return operation(*args, **kwargs)
        except (ConnectionError, TimeoutError, OSError) as error:
            self._failed(error)
        except Exception as error:  # redis.exceptions.RedisError and its kin
            if type(error).__module__.startswith("redis"):
                self._failed(error)
            else:
                raise
        return default

    def get(self, key, default=None, version=None):
        return self._guard(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guard(super().has_key, False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().set, None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().add, False, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().set_many, list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        return self._guard(super().delete_many, None, keys, version)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError (callers rely on it); an outage answers 0.
        return self._guard(super().incr, 0, key, delta, version)

    def clear(self):
        return self._guard(super().clear, False)

    def ping(self) -> bool:
        """For the health check: does Redis answer right now?"""
        try:
            self._cache.get_client(write=False).ping()
        except Exception as error:
            self._failed(error)
            return False
        self._down_until = 0.0
        return True

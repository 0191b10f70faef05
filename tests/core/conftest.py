import pytest

from tests.conftest import process_env
from tests.core.stack import collectstatic, stack_or_skip


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """`collectstatic` once for every stack test: hashed, compressed files for Nginx to serve."""
    stack_or_skip()
    root = tmp_path_factory.mktemp("static")
    collectstatic(
        process_env(
            DEBUG="False",
            DJANGO_SECRET_KEY="collectstatic-only",
            ALLOWED_HOSTS="127.0.0.1",
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
            STATIC_ROOT=str(root),
        )
    )
    return root

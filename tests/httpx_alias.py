"""Make respx see the HTTP calls of openai 3.x, which sends through httpx2, not httpx.

respx patches the `httpx` package. Here `httpx` is httpx2 under its old name, every
submodule included, so `respx.mock(using="httpx")` intercepts openai's requests at the
HTTP boundary. Imported before respx by tests/conftest.py (respx's own pytest plugin is
disabled in pyproject.toml so that it does not import the real httpx first).
"""

import contextlib
import importlib
import pkgutil
import sys

import httpx2

for module in pkgutil.walk_packages(httpx2.__path__, "httpx2."):
    # httpx2's command-line extras (rich, click) are not installed.
    with contextlib.suppress(ImportError):
        importlib.import_module(module.name)
for name in list(sys.modules):
    if name == "httpx2" or name.startswith("httpx2."):
        sys.modules["httpx" + name.removeprefix("httpx2")] = sys.modules[name]

"""An OpenAI-compatible image server on loopback that takes its time, for real worker processes.

It counts what a person watching the provider would see: the requests it has had (`calls`) and
how many it holds at once (`in_flight` now, `peak` at most).
"""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.dalle.factories import png_bytes


class SlowProvider:
    def __init__(self, delay) -> None:
        """`delay(n)` is how long the n-th request (from 1) waits before its answer."""
        body = json.dumps(
            {"created": 1, "data": [{"b64_json": base64.b64encode(png_bytes()).decode()}]}
        ).encode()
        self.in_flight = self.peak = self.calls = 0
        lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    provider.calls += 1
                    wait = delay(provider.calls)
                    provider.in_flight += 1
                    provider.peak = max(provider.peak, provider.in_flight)
                time.sleep(wait)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the worker that asked is gone
                finally:
                    with lock:
                        provider.in_flight -= 1

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 256
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

"""The task worker survives a database restart and picks up where it was."""

import contextlib
import socket
import subprocess
import sys
import threading
import urllib.parse

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from lib.mail import email_send
from tests.conftest import ROOT, database_url, process_env, wait_for

# A worker for every queue, as tests/conftest.py's worker_process starts it.
WORKER_COMMAND = ["task_worker", "*", "--processes", "1", "--interval", "0.2"]


class FlakyDatabase:
    """A TCP relay in front of PostgreSQL that can drop every connection and refuse new ones,
    as a database restart does."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = threading.Event()
        self.up.set()
        self.open: list[socket.socket] = []
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set() or self.stopped:
                client.close()
                continue
            server = socket.create_connection(self.upstream)
            self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def restart(self) -> None:
        """Drop every connection and refuse new ones until `back()`."""
        self.up.clear()
        for sock in self.open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.open.clear()

    def back(self) -> None:
        self.up.set()

    def close(self) -> None:
        self.stopped = True
        self.listener.close()
        self.restart()


@pytest.mark.django_db(transaction=True)
def test_worker_survives_a_database_restart(tmp_path):
    """Tasks run before the restart, the worker keeps waiting while the database is gone, and
    a task queued after it is back runs: the process never exits."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    url = urllib.parse.urlsplit(database_url())
    relay = FlakyDatabase((url.hostname, url.port or 5432))
    through_relay = url._replace(netloc=f"{url.username}@127.0.0.1:{relay.port}").geturl()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", *WORKER_COMMAND],
        cwd=ROOT,
        env=process_env(DATABASE_URL=through_relay, DATABASE_POOL="false"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:

        def sent(result):
            def done():
                """the worker to send the e-mail"""
                return DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"

            return done

        first = email_send.enqueue(subject="before", body="b", to=["a@example.com"])
        wait_for(sent(first), timeout=30)

        relay.restart()
        threading.Event().wait(4)  # the worker polls a missing database a few times
        assert worker.poll() is None, "the worker is still running while the database is down"
        relay.back()

        second = email_send.enqueue(subject="after", body="b", to=["a@example.com"])
        wait_for(sent(second), timeout=45)
        assert worker.poll() is None
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0]
        relay.close()
    assert "Database unreachable" in output

"""django-tasks-db's worker, kept alive through a database restart.

The stock loop lets an OperationalError escape when the database goes away, which ends the
process. This one logs, drops its connections, waits (1 s, doubling, at most 30 s) and goes on
polling, so a worker picks up where it was once the database is back.
"""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30


class ResilientWorker(Worker):
    def run(self) -> None:
        backoff = 1.0
        while self.running:
            try:
                super().run()
                return
            except (OperationalError, InterfaceError) as error:
                logger.error(
                    "Database unreachable; the worker retries in %.0f s: %s", backoff, error
                )
                for connection in connections.all(initialized_only=True):
                    try:
                        connection.close()
                    except Exception:  # a broken connection may fail to close; it is dropped
                        logger.debug("Closing a broken connection failed", exc_info=True)
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                self.startup_delay = False

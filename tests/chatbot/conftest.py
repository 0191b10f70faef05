import io

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from tests.conftest import run_queued_tasks

# The support bot's score on tests/chatbot/questions.py, shown at the end of the run.
QUESTION_SET_RESULT = pytest.StashKey[str]()


@pytest.fixture
def demo_shop(db):
    """The demo formats and FAQ, as `make run` creates them."""
    call_command("ensure_demo_data", stdout=io.StringIO())


def ask(client, text: str, htmx: bool = True):
    """Send a message as the page does, let the worker answer, and return what the page shows.

    With htmx that is the chat as its polling finds it once the reply is in; a refused
    message, or a plain form post, returns the POST's own response.
    """
    headers = {"HX-Request": "true"} if htmx else {}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("chat_message"), {"message": text}, headers=headers)
    run_queued_tasks()
    if htmx and response.status_code == 200:
        return client.get(reverse("chat_log"), headers=headers)
    return response


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if result := config.stash.get(QUESTION_SET_RESULT, None):
        terminalreporter.write_line(result)

import io

import pytest
from django.core.management import call_command

# The support bot's score on tests/chatbot/questions.py, shown at the end of the run.
QUESTION_SET_RESULT = pytest.StashKey[str]()


@pytest.fixture
def demo_shop(db):
    """The demo formats and FAQ, as `make run` creates them."""
    call_command("ensure_demo_data", stdout=io.StringIO())


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if result := config.stash.get(QUESTION_SET_RESULT, None):
        terminalreporter.write_line(result)

"""The bot's reply is made by a task, not in the web request; the chat polls until it is there."""

import html
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import TestCase
from django.urls import reverse

from chatbot import tasks
from chatbot.models import Message

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
POLLING = 'hx-get="/contact/log/"'


class SlowChatServer:
    """An OpenAI-compatible chat endpoint on loopback that answers only once `release` is set.

    It waits up to 60 s, as a slow model does; the test sets the event when it wants the
    answer, so nothing here actually takes a minute.
    """

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.release = threading.Event()
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1"

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                fake.requests.append(json.loads(self.rfile.read(length)))
                fake.release.wait(timeout=60)
                body = json.dumps(
                    {
                        "id": "chatcmpl-slow",
                        "object": "chat.completion",
                        "created": 1,
                        "model": "gpt-5-mini",
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": fake.answer},
                                "finish_reason": "stop",
                            }
                        ],
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def __enter__(self) -> "SlowChatServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow_chat(settings, demo_shop):
    with SlowChatServer(answer="A canvas 40×40 cm is $79.00.") as server:
        settings.CHATBOT_PROVIDER = "openai"
        settings.OPENAI_API_KEY = "sk-test"
        settings.OPENAI_BASE_URL = server.base_url
        yield server


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_slow_provider_does_not_hold_the_request_and_the_reply_appears_when_ready(
    client, slow_chat, run_tasks
):
    """A model that takes up to a minute: the POST returns at once, the page polls, the reply shows."""
    started = time.monotonic()
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = client.post(
            reverse("chat_message"), {"message": "How much is a canvas?"}, headers=HTMX
        )
    assert time.monotonic() - started < 5
    assert sent.status_code == 200
    assert slow_chat.requests == []  # the request never waited for the model
    assert "How much is a canvas?" in text_of(sent)
    assert "The assistant is typing" in text_of(sent)
    assert POLLING in text_of(sent)

    waiting = client.get(reverse("chat_log"), headers=HTMX)
    assert "The assistant is typing" in text_of(waiting)
    assert POLLING in text_of(waiting)

    # The model answers half a second into the task's call.
    threading.Timer(0.5, slow_chat.release.set).start()
    assert run_tasks() == 1
    assert len(slow_chat.requests) == 1
    assert slow_chat.requests[0]["messages"][-1]["content"] == "How much is a canvas?"

    answered = client.get(reverse("chat_log"), headers=HTMX)
    assert "A canvas 40×40 cm is $79.00." in text_of(answered)
    assert "The assistant is typing" not in text_of(answered)
    assert POLLING not in text_of(answered)  # the polling stops with the reply


def test_reply_task_run_twice_answers_once(client, slow_chat, run_tasks):
    """A second run of the task for the same message does nothing: one reply, one model call."""
    slow_chat.release.set()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("chat_message"), {"message": "Do you ship to Korea?"})
    question = Message.objects.get(role=Message.Role.USER)
    tasks.chat_answer.enqueue(message_id=question.pk)
    assert run_tasks() == 2
    assert len(slow_chat.requests) == 1
    assert Message.objects.filter(role=Message.Role.ASSISTANT).count() == 1


def test_without_javascript_the_page_says_the_reply_is_coming(client, demo_shop, run_tasks):
    """Without htmx: the post redirects, the page says to reload, and a reload shows the reply."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("chat_message"), {"message": "how much is a canvas?"})
    assert response.status_code == 302
    page = text_of(client.get(response.url))
    assert "how much is a canvas?" in page
    assert "reload the page" in page
    run_tasks()
    page = text_of(client.get(response.url))
    assert "Canvas 40×40 cm: $79.00" in page
    assert "reload the page" not in page


def test_reply_that_never_comes_stops_the_polling(client, demo_shop, settings):
    """With no worker running, the page stops waiting once the wait is over."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("chat_message"), {"message": "anyone there?"})
    assert POLLING in text_of(client.get(reverse("contact")))
    settings.CHATBOT_REPLY_WAIT_SECONDS = 0
    page = text_of(client.get(reverse("contact")))
    assert "anyone there?" in page
    assert POLLING not in page

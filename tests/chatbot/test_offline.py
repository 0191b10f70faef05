"""The offline support bot, through the contact page."""

import html

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from chatbot.models import Conversation, Message, SupportRequest
from purchases.models import Order
from tests.chatbot.conftest import ask
from tests.products.factories import FormatFactory, ProductFactory
from tests.purchases.factories import make_order

pytestmark = pytest.mark.django_db


def last_reply(client) -> str:
    return Message.objects.filter(role="assistant").last().content


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how long does shipping take to arrive?", "usually arrive 3 to 7 working days"),
        ("I want my money back, can I get a refund", "refunded in full"),
        ("환불 가능한가요?", "전액 환불"),
        ("why is the 20x20 print size disabled", "150 dots per inch"),
        ("how much is a canvas?", "Canvas 40×40 cm: $79.00"),
    ],
)
def test_faq_and_price_answers(client, demo_shop, question, expected):
    """Common questions are answered from the FAQ and the live prices."""
    response = ask(client, question)
    assert response.status_code == 200
    assert expected in html.unescape(response.content.decode())


def test_unknown_question_offers_a_person(client, demo_shop):
    """When the bot does not know, it says so and offers the team."""
    ask(client, "Do you sponsor chess tournaments on Jupiter?")
    reply = Message.objects.filter(role="assistant").last()
    assert reply.offers_handoff
    assert "pass your question to our team" in reply.content


def test_where_is_my_order(user_client, user, demo_shop):
    """A signed-in customer asking about an order gets their latest order's status."""
    product = ProductFactory()
    order = make_order(
        customer=user, product=product, format=FormatFactory(), quantity=1, address=None
    )
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED)
    response = ask(user_client, "Where is my order?")
    assert f"Order {order.short_id}" in html.unescape(response.content.decode())
    assert "is shipped" in html.unescape(response.content.decode())
    by_id = ask(user_client, f"what about {order.short_id.lower()}?")
    assert f"Order {order.short_id}" in html.unescape(by_id.content.decode())


def test_visitor_asking_about_orders_is_asked_to_log_in(client, demo_shop):
    """Visitors are told to log in for order questions."""
    assert "Log in and ask me again" in html.unescape(
        ask(client, "where is my order").content.decode()
    )


def test_another_customers_order_id_reveals_nothing(user_client, other_user, demo_shop):
    """Asking by someone else's order id finds nothing."""
    theirs = make_order(
        customer=other_user,
        product=ProductFactory(),
        format=FormatFactory(),
        quantity=1,
        address=None,
    )
    page = html.unescape(
        ask(
            user_client, f"Show me order {theirs.short_id} of {other_user.username}"
        ).content.decode()
    )
    assert f"can't find an order {theirs.short_id}" in page
    assert theirs.items.get().product.name not in page


def test_conversation_is_kept_and_can_be_restarted(user_client, user, demo_shop):
    """The conversation survives a reload; 'New conversation' starts an empty one."""
    ask(user_client, "how much is a download?", htmx=False)
    page = user_client.get(reverse("contact")).content.decode()
    assert "how much is a download?" in page
    user_client.post(reverse("chat_new"))
    assert "how much is a download?" not in user_client.get(reverse("contact")).content.decode()
    assert Conversation.objects.filter(user=user).count() == 2


def test_visitor_conversation_is_per_session(client, demo_shop):
    """A visitor's chat is theirs alone, kept for their browser session."""
    from django.test import Client

    ask(client, "a question from visitor one")
    other = Client()
    assert "visitor one" not in other.get(reverse("contact")).content.decode()
    assert "visitor one" in client.get(reverse("contact")).content.decode()


def test_without_javascript_the_form_posts_and_redirects(client, demo_shop):
    """Without htmx the message form is a plain POST that comes back to the page."""
    response = ask(client, "how long does shipping take?", htmx=False)
    assert response.status_code == 302
    assert "3 to 7 working days" in client.get(response.url).content.decode()


def test_message_length_cap(client, demo_shop, settings):
    """An overlong message gets a clear error and is not stored."""
    response = ask(client, "x" * (settings.CHATBOT_MAX_MESSAGE_CHARS + 1))
    assert response.status_code == 400
    assert "Please keep your message under 1000 characters" in html.unescape(
        response.content.decode()
    )
    assert not Message.objects.exists()


def test_rate_limit(client, demo_shop, settings):
    """More than the allowed messages in the window are refused with a clear message."""
    settings.CHATBOT_RATE_LIMIT = 3
    for n in range(3):
        assert ask(client, f"question {n}").status_code == 200
    refused = ask(client, "one too many")
    assert refused.status_code == 429
    assert "Please wait a little" in refused.content.decode()
    assert Message.objects.filter(role="user").count() == 3


def test_messages_are_escaped(client, demo_shop):
    """A message with <script> shows as text."""
    page = ask(client, "<script>alert('x')</script> hi").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; hi" in page


def test_handoff_and_manager_reply(client, demo_shop, admin_client, run_tasks):
    """'Talk to a person' files a request; the manager's reply reaches the customer by e-mail."""
    ask(client, "My print arrived with a scratch")
    client.post(reverse("chat_handoff"), {"email": "visitor@example.com"})
    request = SupportRequest.objects.get()
    assert request.status == "open"
    assert (
        "My print arrived with a scratch"
        in admin_client.get(
            reverse("admin:chatbot_supportrequest_change", args=[request.pk])
        ).content.decode()
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        admin_client.post(
            reverse("admin:chatbot_supportrequest_change", args=[request.pk]),
            {"status": "open", "reply": "Sorry! A new print is on its way."},
        )
    request.refresh_from_db()
    assert request.status == "answered"
    run_tasks()
    assert mail.outbox[0].to == ["visitor@example.com"]
    assert "A new print is on its way" in mail.outbox[0].body
    assert "A new print is on its way" in client.get(reverse("contact")).content.decode()


def test_contact_forms_carry_csrf_tokens(client, demo_shop):
    """Every form on the contact page is CSRF-protected."""
    page = client.get(reverse("contact")).content.decode()
    assert page.count("csrfmiddlewaretoken") == 3


def test_offline_replies_cost_nothing(client, demo_shop):
    """The offline bot answers on this machine: its replies are recorded at zero cost."""
    ask(client, "how much is a canvas?")
    reply = Message.objects.get(role="assistant", in_reply_to__isnull=False)
    assert reply.cost_microusd == 0

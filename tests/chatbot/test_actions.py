"""Acting on an order from the chat: the bot offers a button, and only the button acts."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from chatbot.models import Message, ProposedAction
from purchases import services as order_services
from purchases.models import LabStage, Order, Refund
from tests.chatbot.conftest import ask, download_order, print_order
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
Status = Order.Status


def text_of(response) -> str:
    """The page's text as a person reads it (links the bot's words get are tags here)."""
    return html.unescape(re.sub(r"<a [^>]*>|</a>", "", response.content.decode()))


def press(client, proposal: ProposedAction, data: dict | None = None, htmx: bool = True):
    """Press a confirmation button in the chat, as the page's form sends it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("chat_confirm", args=[proposal.pk]), data or {}, headers=HTMX if htmx else {}
        )


def notes(order: Order) -> list[str]:
    return list(order.events.values_list("note", flat=True))


def test_cancel_a_paid_print_round_trip(user_client, user, demo_shop, run_tasks):
    """Asked to cancel, the bot offers a button; pressing it cancels and refunds, once."""
    order = print_order(user)
    page = text_of(ask(user_client, "I want to cancel my order"))
    assert f"Cancel order {order.short_id} and refund {order.total_display}" in page
    assert "nothing changes until you do" in page
    proposal = ProposedAction.objects.get()
    form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*>\s*<input[^>]+csrfmiddlewaretoken', page
    )
    assert form and form.group(1) == reverse("chat_confirm", args=[proposal.pk])
    order.refresh_from_db()
    assert order.status == Status.PAID  # the words alone did nothing

    page = text_of(press(user_client, proposal))
    order.refresh_from_db()
    assert order.status == Status.REFUNDED
    assert order.refunds.get().amount == order.total_amount
    assert "canceled and refunded via support chat" in notes(order)
    assert f"Order {order.short_id} is canceled and {order.total_display} is refunded" in page
    assert f"✓ Cancel order {order.short_id}" in page
    assert "Done." in page and 'action="/contact/confirm/' not in page

    again = press(user_client, proposal)
    assert again.status_code == 200
    assert Refund.objects.count() == 1
    assert Message.objects.filter(content__startswith="✓").count() == 1
    run_tasks()
    assert any(order.short_id in m.subject and "refund" in m.body.lower() for m in mail.outbox)


def test_cancel_an_unpaid_order_round_trip(user_client, user, demo_shop):
    """An order not paid yet: the button closes it, and nothing is charged."""
    order = print_order(user, pay=False)
    assert f"Cancel order {order.short_id}" in text_of(ask(user_client, "cancel my purchase"))
    page = text_of(press(user_client, ProposedAction.objects.get()))
    order.refresh_from_db()
    assert order.status == Status.CANCELED
    assert "canceled via support chat" in notes(order)
    assert f"Order {order.short_id} is canceled. Nothing was charged." in page


def test_change_the_address_round_trip(user_client, user, demo_shop):
    """The button comes with a form: a bad address is refused in the chat, a good one saved."""
    order = print_order(user)
    page = text_of(ask(user_client, "I entered the wrong address, can it go to my office?"))
    assert f"Order {order.short_id} (Art print 15×15 cm" in page
    assert "ships to Kim Min-ji, 110 Sejong-daero" in page
    proposal = ProposedAction.objects.get(kind="address")
    assert 'value="110 Sejong-daero"' in page  # the form starts from the order's address
    new = {
        "ship-full_name": "Kim Min-ji",
        "ship-line1": "55 Teheran-ro",
        "ship-line2": "Floor 7",
        "ship-city": "Seoul",
        "ship-region": "Gangnam-gu",
        "ship-postal_code": "06164",
        "ship-country": "KR",
        "ship-phone": "",
    }

    refused = press(user_client, proposal, {**new, "ship-city": ""})
    assert refused.status_code == 400
    assert "There is a problem with what you sent" in text_of(refused)
    order.refresh_from_db()
    assert order.shipping_address["line1"] == "110 Sejong-daero"
    assert ProposedAction.objects.get().used_at is None  # still there to be pressed

    page = text_of(press(user_client, proposal, new))
    order.refresh_from_db()
    assert order.shipping_address["line1"] == "55 Teheran-ro"
    assert order.shipping_address["postal_code"] == "06164"
    assert "shipping address changed via support chat" in notes(order)
    assert f"order {order.short_id} goes to Kim Min-ji, 55 Teheran-ro, Floor 7" in page


def test_send_the_download_links_again_round_trip(user_client, user, demo_shop, run_tasks):
    """The button e-mails the order's download links again; the order notes it."""
    order = download_order(user)
    page = text_of(ask(user_client, "send me the download link again please"))
    assert f"E-mail me the download links of order {order.short_id}" in page
    mail.outbox.clear()
    page = text_of(press(user_client, ProposedAction.objects.get()))
    assert f"I e-mailed the download links of order {order.short_id} to {user.email}" in page
    assert "download links e-mailed again via support chat" in notes(order)
    run_tasks()
    sent = mail.outbox[-1]
    assert sent.to == [user.email]
    assert order.short_id in sent.subject
    item = order.items.get()
    assert reverse("order_item_download", args=[order.public_id, item.pk]) in sent.body


def test_refused_when_the_order_went_into_production_meanwhile(user_client, user, demo_shop):
    """Offered while paid; in production by the time it is pressed: refused, nothing refunded."""
    order = print_order(user)
    ask(user_client, "can I still cancel?")
    proposal = ProposedAction.objects.get()
    order_services.order_advance(order=order, to=Status.IN_PRODUCTION, actor=ManagerFactory())

    page = text_of(press(user_client, proposal))
    order.refresh_from_db()
    assert order.status == Status.IN_PRODUCTION
    assert not Refund.objects.exists()
    assert f"Order {order.short_id} is in production: it can no longer be canceled" in page
    assert "Not done." in page
    proposal.refresh_from_db()
    assert (proposal.done, proposal.used_at is not None) == (False, True)


def test_address_refused_once_the_lab_is_printing(user_client, user, demo_shop):
    """The lab started between the offer and the press: the address stays as it was."""
    order = print_order(user)
    ask(user_client, "change the delivery address")
    proposal = ProposedAction.objects.get()
    Order.objects.filter(pk=order.pk).update(lab_stage=LabStage.IN_PRODUCTION)
    page = text_of(
        press(
            user_client,
            proposal,
            {
                "ship-full_name": "Kim",
                "ship-line1": "1 New Street",
                "ship-city": "Busan",
                "ship-postal_code": "48058",
                "ship-country": "KR",
            },
        )
    )
    order.refresh_from_db()
    assert order.shipping_address["line1"] == "110 Sejong-daero"
    assert "its address can no longer change" in page


def test_words_alone_do_nothing(user_client, user, demo_shop):
    """'Yes, do it' typed in the chat is not a confirmation: only the button acts."""
    order = print_order(user)
    ask(user_client, "please cancel my order")
    for words in ("yes, cancel it", "I confirm, go ahead", "네 취소해 주세요"):
        ask(user_client, words)
    order.refresh_from_db()
    assert order.status == Status.PAID
    assert not Refund.objects.exists()
    assert not ProposedAction.objects.filter(used_at__isnull=False).exists()


def test_a_button_is_pressed_only_by_its_shopper(user_client, user, other_user, demo_shop):
    """Another shopper, or a visitor, pressing someone's button changes nothing."""
    order = print_order(user)
    ask(user_client, "I want to cancel")
    proposal = ProposedAction.objects.get()
    stranger = Client()
    stranger.force_login(other_user)
    assert press(stranger, proposal).status_code == 404
    visitor = press(Client(), proposal, htmx=False)
    assert visitor.status_code == 302 and visitor.url.startswith(reverse("login"))
    assert press(user_client, proposal.__class__(pk=10_000)).status_code == 404
    order.refresh_from_db()
    assert order.status == Status.PAID
    assert ProposedAction.objects.get().used_at is None


def test_an_expired_button_does_nothing(user_client, user, demo_shop):
    """A button left too long says so when pressed, and nothing is canceled."""
    order = print_order(user)
    ask(user_client, "cancel my order")
    ProposedAction.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert "Expired: ask me again." in text_of(user_client.get(reverse("contact")))
    page = text_of(press(user_client, ProposedAction.objects.get()))
    assert "This offer has expired" in page
    order.refresh_from_db()
    assert order.status == Status.PAID


def test_without_javascript_the_button_posts_and_comes_back(user_client, user, demo_shop):
    """Without htmx the button is a plain form: it redirects to the chat at the outcome."""
    order = print_order(user)
    ask(user_client, "cancel my order", htmx=False)
    response = press(user_client, ProposedAction.objects.get(), htmx=False)
    assert response.status_code == 302
    latest = Message.objects.latest("id")
    assert response.url == reverse("contact") + f"#chat-message-{latest.pk}"
    assert f"Order {order.short_id} is canceled" in text_of(user_client.get(response.url))


def test_naming_an_order_offers_only_that_one(user_client, user, demo_shop):
    """'Cancel order X' with two cancelable orders: one button, for X."""
    first, second = print_order(user), print_order(user, prompt="A lighthouse")
    page = text_of(ask(user_client, f"cancel order {second.short_id}"))
    assert [p.order for p in ProposedAction.objects.all()] == [second]
    assert f"Cancel order {second.short_id}" in page
    assert f"Cancel order {first.short_id}" not in page


def test_korean_offer_and_outcome(user_client, user, demo_shop):
    """Asked in Korean, the offer, the button and the outcome are in Korean."""
    order = print_order(user)
    page = text_of(ask(user_client, "주문 취소하고 싶어요"))
    assert f"주문 {order.short_id} 취소하고 {order.total_display} 환불받기" in page
    assert "아직 제작 전이라 취소할 수 있어요" in page
    page = text_of(press(user_client, ProposedAction.objects.get()))
    assert (
        f"{order.short_id} 주문을 취소했고 {order.total_display}을 결제 수단으로 환불했어요" in page
    )


def test_nothing_to_cancel_says_why(user_client, user, demo_shop):
    """An order already in production gets no button, and the bot says why."""
    order = print_order(user)
    order_services.order_advance(order=order, to=Status.IN_PRODUCTION, actor=ManagerFactory())
    page = text_of(ask(user_client, "I want to cancel my order"))
    assert f"Order {order.short_id} is in production, so it can no longer be canceled" in page
    assert not ProposedAction.objects.exists()

"""Support chat: conversations, replies, limits, and the hand-off to a person."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chatbot.llm import ChatUnavailable, OrderTools, Reply, ShopFacts, get_chat_provider
from chatbot.models import FAQ, Conversation, Message, SupportRequest
from lib.mail import mail_enqueue
from lib.throttle import count_add
from products.models import Format, ShopSettings
from products.money import format_amount
from purchases import selectors as order_selectors

logger = logging.getLogger(__name__)

FALLBACK_TEXT = (
    "Sorry, I can't answer right now. Your message is saved: try again in a minute, "
    "or press “Talk to a person”."
)
POLICIES = [
    "Refunds: an order that is not yet in production can be refunded in full; ask the team.",
    "Prints are made to order and usually ship within 3 to 5 working days.",
    "Downloads are available from the order page as soon as the payment is through.",
]


class ChatRefused(Exception):
    """A message that is not accepted (too long, too many); the text is for the customer."""


def conversation_current(*, user, session) -> Conversation:
    """The customer's latest conversation, or a new one: per user, or per browser session."""
    if user.is_authenticated:
        found = Conversation.objects.filter(user=user).first()
        return found or Conversation.objects.create(user=user)
    if not session.session_key:
        session.save()
    found = Conversation.objects.filter(user=None, session_key=session.session_key).first()
    return found or Conversation.objects.create(session_key=session.session_key)


def conversation_new(*, user, session) -> Conversation:
    if user.is_authenticated:
        return Conversation.objects.create(user=user)
    if not session.session_key:
        session.save()
    return Conversation.objects.create(session_key=session.session_key)


def shop_facts() -> ShopFacts:
    formats = [
        f"{f.name}: {format_amount(f.price)}" + (" plus shipping" if f.is_physical else "")
        for f in Format.objects.filter(active=True)
    ]
    limit = settings.GENERATION_DAILY_LIMIT_PER_USER
    policies = [
        *POLICIES,
        f"Generation: images are painted from a text prompt (up to 1000 characters) in seconds to two minutes; each customer can create {limit} images a day, and failed ones do not count.",
    ]
    return ShopFacts(
        formats=formats,
        shipping=f"{format_amount(ShopSettings.load().shipping_flat_rate)} per order with prints; downloads ship nothing.",
        currency=settings.SHOP_CURRENCY.upper(),
        policies=policies,
        faq=list(FAQ.objects.filter(active=True).values_list("question", "answer", "keywords")),
    )


def order_tools_for(user) -> OrderTools | None:
    """Order look-ups that can only ever see this customer's orders."""
    if not user.is_authenticated:
        return None

    def describe(order) -> dict:
        return {
            "id": order.short_id,
            "item": f"{order.format.name} of “{order.product.name[:60]}”",
            "status": order.get_status_display(),
            "total": order.total_display,
            "ordered": f"{order.created_at:%d %b %Y}",
            "updated": f"{order.updated_at:%d %b %Y}",
        }

    def recent_orders() -> list[dict]:
        return [describe(order) for order in order_selectors.orders_of(user=user)[:5]]

    def order_status(order_id: str) -> dict | None:
        short = order_id.strip().lower()[:8]
        if len(short) < 8:
            return None
        order = order_selectors.orders_of(user=user).filter(public_id__startswith=short).first()
        if order is None:
            return None
        found = describe(order)
        found["timeline"] = [f"{e.created_at:%d %b %Y}: {e.to_label}" for e in order.events.all()]
        return found

    return OrderTools(recent_orders=recent_orders, order_status=order_status)


def _check_limits(
    *, conversation: Conversation, user, session_key: str, text: str, client_ip: str = ""
) -> None:
    if len(text) > settings.CHATBOT_MAX_MESSAGE_CHARS:
        raise ChatRefused(
            f"Please keep your message under {settings.CHATBOT_MAX_MESSAGE_CHARS} characters (it has {len(text)})."
        )
    since = timezone.now() - timedelta(seconds=settings.CHATBOT_RATE_WINDOW_SECONDS)
    mine = Message.objects.filter(role=Message.Role.USER, created_at__gte=since)
    mine = (
        mine.filter(conversation__user=user)
        if user.is_authenticated
        else mine.filter(conversation__session_key=session_key, conversation__user=None)
    )
    minutes = settings.CHATBOT_RATE_WINDOW_SECONDS // 60
    if mine.count() >= settings.CHATBOT_RATE_LIMIT:
        raise ChatRefused(
            f"You have sent {settings.CHATBOT_RATE_LIMIT} messages in {minutes} minutes. Please wait a little before the next one."
        )
    # Visitors are also counted per client address: a new cookie is not a new allowance.
    if client_ip and not user.is_authenticated:
        sent = count_add(
            scope="chat", ident=client_ip, window_seconds=settings.CHATBOT_RATE_WINDOW_SECONDS
        )
        if sent > settings.CHATBOT_RATE_LIMIT_PER_IP:
            raise ChatRefused(
                f"Your network has sent {settings.CHATBOT_RATE_LIMIT_PER_IP} messages in {minutes} minutes. Please wait a little before the next one."
            )


def chat_send(
    *, conversation: Conversation, user, session_key: str, text: str, client_ip: str = ""
) -> Message:
    """Save the customer's message, then the bot's reply (or a polite fallback)."""
    text = text.strip()
    if not text:
        raise ChatRefused("Type a question first.")
    _check_limits(
        conversation=conversation,
        user=user,
        session_key=session_key,
        text=text,
        client_ip=client_ip,
    )
    Message.objects.create(conversation=conversation, role=Message.Role.USER, content=text)
    recent = list(
        conversation.messages.order_by("-created_at", "-id")[: settings.CHATBOT_CONTEXT_MESSAGES]
    )
    history = [{"role": m.role, "content": m.content} for m in reversed(recent)]
    try:
        reply = get_chat_provider().reply(
            history=history,
            facts=shop_facts(),
            tools=order_tools_for(user),
            user_ref=_user_ref(user),
        )
    except ChatUnavailable as error:
        logger.warning("Chat provider failed: %s", error)
        reply = Reply(text=FALLBACK_TEXT, offers_handoff=True)
    text = reply.text[: settings.CHATBOT_MAX_REPLY_CHARS]
    message = Message.objects.create(
        conversation=conversation,
        role=Message.Role.ASSISTANT,
        content=text,
        offers_handoff=reply.offers_handoff,
    )
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
    return message


def _user_ref(user) -> str:
    return f"aigallery-user-{user.pk}" if user.is_authenticated else "aigallery-visitor"


@transaction.atomic
def support_request_create(*, conversation: Conversation, user, email: str) -> SupportRequest:
    """Hand the conversation to a person; one open request per conversation."""
    existing = conversation.support_requests.filter(status=SupportRequest.Status.OPEN).first()
    if existing:
        return existing
    request = SupportRequest.objects.create(
        conversation=conversation, user=user if user.is_authenticated else None, email=email
    )
    Message.objects.create(
        conversation=conversation,
        role=Message.Role.ASSISTANT,
        content=f"Thanks! I've passed this conversation to our team. They will reply to {email}.",
    )
    return request


@transaction.atomic
def support_request_reply(
    *, support_request: SupportRequest, reply: str, manager
) -> SupportRequest:
    """A manager's answer: saved, shown in the chat, and e-mailed to the customer by a task."""
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    support_request.reply = reply
    support_request.replied_by = manager
    support_request.replied_at = timezone.now()
    support_request.status = SupportRequest.Status.ANSWERED
    support_request.save()
    Message.objects.create(
        conversation=support_request.conversation,
        role=Message.Role.ASSISTANT,
        content=f"Reply from our team: {reply}",
    )
    mail_enqueue(
        "chatbot/support_reply",
        to=[support_request.email],
        context={"support_request": support_request},
    )
    return support_request

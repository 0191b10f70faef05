"""Support chat: conversations, messages, limits, and the hand-off to a person.

The bot's reply is not made here: `chat_send` saves the customer's message and enqueues
chatbot.tasks.chat_answer, which calls chatbot.replies once the message is committed.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chatbot import tasks
from chatbot.models import Conversation, Message, SupportRequest
from lib.mail import mail_enqueue
from lib.throttle import count_add
from notifications.services import Kind, notification_send


class ChatRefused(Exception):
    """A message that is not accepted; `code` says why, the text is for the customer."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    RATE_LIMITED = "rate_limited"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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


def _check_limits(*, user, session_key: str, text: str, client_ip: str = "") -> None:
    limit = settings.CHATBOT_MAX_MESSAGE_CHARS
    if len(text) > limit:
        raise ChatRefused(
            ChatRefused.TOO_LONG,
            f"Please keep your message under {limit} characters (it has {len(text)}).",
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
            ChatRefused.RATE_LIMITED,
            f"You have sent {settings.CHATBOT_RATE_LIMIT} messages in {minutes} minutes. Please wait a little before the next one.",
        )
    # Visitors are also counted per client address: a new cookie is not a new allowance.
    if client_ip and not user.is_authenticated:
        sent = count_add(
            scope="chat", ident=client_ip, window_seconds=settings.CHATBOT_RATE_WINDOW_SECONDS
        )
        if sent > settings.CHATBOT_RATE_LIMIT_PER_IP:
            raise ChatRefused(
                ChatRefused.RATE_LIMITED,
                f"Your network has sent {settings.CHATBOT_RATE_LIMIT_PER_IP} messages in {minutes} minutes. Please wait a little before the next one.",
            )


@transaction.atomic
def chat_send(
    *, conversation: Conversation, user, session_key: str, text: str, client_ip: str = ""
) -> Message:
    """Save the customer's message; the bot's reply is made by a task once it is committed."""
    text = text.strip()
    if not text:
        raise ChatRefused(ChatRefused.EMPTY, "Type a question first.")
    _check_limits(user=user, session_key=session_key, text=text, client_ip=client_ip)
    message = Message.objects.create(
        conversation=conversation, role=Message.Role.USER, content=text
    )
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
    transaction.on_commit(lambda: tasks.chat_answer.enqueue(message_id=message.pk))
    return message


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
    if support_request.user is not None:
        notification_send(
            recipient=support_request.user,
            kind=Kind.SUPPORT_REPLY,
            text="Our team replied to your question.",
            url=reverse("contact"),
            event_key=f"support:{support_request.pk}:{support_request.replied_at.timestamp()}",
        )
    return support_request

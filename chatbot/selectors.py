from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from chatbot.models import Conversation, Message


def conversation_messages(*, conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.order_by("created_at", "id")


def reply_awaited(*, conversation: Conversation) -> bool:
    """Whether a customer message still waits for the bot, so the chat keeps polling.

    A message older than CHATBOT_REPLY_WAIT_SECONDS no longer counts: a reply that never
    came (a stopped worker) must not leave the page polling for ever.
    """
    since = timezone.now() - timedelta(seconds=settings.CHATBOT_REPLY_WAIT_SECONDS)
    return conversation.messages.filter(
        role=Message.Role.USER, reply__isnull=True, created_at__gte=since
    ).exists()

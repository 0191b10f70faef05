from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from chatbot.models import Conversation, Message, ProposedAction


def conversation_messages(*, conversation: Conversation) -> QuerySet[Message]:
    """The chat, oldest first, with each reply's buttons and their orders (two queries)."""
    proposals = ProposedAction.objects.select_related("order")
    return conversation.messages.order_by("created_at", "id").prefetch_related(
        Prefetch("proposals", queryset=proposals)
    )


def proposal_get(*, user, proposal_id: int) -> ProposedAction:
    """A button of this shopper's chat; anyone else's is a 404."""
    found = ProposedAction.objects.select_related("order").filter(pk=proposal_id, user=user)
    proposal = found.first()
    if proposal is None:
        raise Http404("No such proposal")
    return proposal


def reply_awaited(*, conversation: Conversation) -> bool:
    """Whether a customer message still waits for the bot, so the chat keeps polling.

    A message older than CHATBOT_REPLY_WAIT_SECONDS no longer counts: a reply that never
    came (a stopped worker) must not leave the page polling for ever.
    """
    since = timezone.now() - timedelta(seconds=settings.CHATBOT_REPLY_WAIT_SECONDS)
    return conversation.messages.filter(
        role=Message.Role.USER, reply__isnull=True, created_at__gte=since
    ).exists()

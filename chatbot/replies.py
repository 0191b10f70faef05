"""The bot's reply to one customer message, made in the task worker (chatbot.tasks).

The provider may take a minute, so no web request waits for it: the view saves the message,
a task calls `chat_reply`, and the chat page polls until the reply is there. This module
never imports the services or the tasks, so the imports run one way:
services -> tasks -> replies.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.countries import COUNTRIES
from chatbot.llm import ChatUnavailable, FormatFact, Reply, ShopFacts, get_chat_provider
from chatbot.models import FAQ, PROPOSAL_LIFETIME, Conversation, Message, ProposedAction
from chatbot.orders import CustomerOrders
from dalle.models import PROMPT_MAX_LENGTH
from dalle.selectors import price_table
from lib.ai_costs import usage_cost_micros
from products.models import Format, ShopSettings
from products.money import format_amount
from purchases.models import Order

logger = logging.getLogger(__name__)

FALLBACK_TEXT = (
    "Sorry, I can't answer right now. Your message is saved: try again in a minute, "
    "or press “Talk to a person”."
)
# Print lead times: made within MAKE_DAYS working days, then DELIVERY_DAYS working days on the way.
MAKE_DAYS = 2
DELIVERY_DAYS = (3, 7)
POLICIES = [
    "Refunds: an order that is not yet in production can be refunded in full; ask the team.",
    f"Prints are made to order within {MAKE_DAYS} working days and usually arrive "
    f"{DELIVERY_DAYS[0]} to {DELIVERY_DAYS[1]} working days later.",
    "Damaged prints: the customer sends a photo and we replace or refund the print.",
    "Cancelling: an unpaid order, or a paid print not yet in production (refunded in full), can be canceled: propose it with propose_cancel; the customer confirms with the button. Once in production a print can no longer be canceled.",
    "Changing the address: possible while a paid print is not yet in production; propose it with propose_address_change.",
    "Downloads are available from the order page as soon as the payment is through; propose_download_links e-mails the links again.",
]


def chat_reply(*, message_id: int) -> Message | None:
    """Answer one customer message; None when it is gone or already answered (a second run)."""
    question = (
        Message.objects.select_related("conversation__user")
        .filter(pk=message_id, role=Message.Role.USER, reply__isnull=True)
        .first()
    )
    if question is None:
        return None
    conversation = question.conversation
    user = conversation.user
    # No lock is held while the provider thinks; the one-reply-per-message constraint
    # settles a race between two runs when the reply is saved.
    try:
        reply = get_chat_provider().reply(
            history=_history(question),
            facts=shop_facts(),
            tools=order_tools_for(user),
            user_ref=f"aigallery-user-{user.pk}" if user else "aigallery-visitor",
        )
    except ChatUnavailable as error:
        logger.warning("Chat provider failed: %s", error)
        reply = Reply(text=FALLBACK_TEXT, offers_handoff=True, model=error.model, usage=error.usage)
    return _save(question, reply)


def _history(question: Message) -> list[dict]:
    """The last messages up to and including the question, oldest first."""
    recent = question.conversation.messages.filter(pk__lte=question.pk).order_by(
        "-created_at", "-id"
    )[: settings.CHATBOT_CONTEXT_MESSAGES]
    return [{"role": m.role, "content": m.content} for m in reversed(recent)]


def _save(question: Message, reply: Reply) -> Message | None:
    """The reply and its confirmation buttons, saved together, once per question."""
    user = question.conversation.user
    orders = {}
    if reply.proposals and user is not None:
        wanted = [p.order_public_id for p in reply.proposals]
        orders = {
            str(o.public_id): o for o in Order.objects.filter(customer=user, public_id__in=wanted)
        }
    try:
        with transaction.atomic():
            message = Message.objects.create(
                conversation=question.conversation,
                role=Message.Role.ASSISTANT,
                content=_capped(reply.text, settings.CHATBOT_MAX_REPLY_CHARS),
                offers_handoff=reply.offers_handoff,
                offers_login=reply.offers_login,
                in_reply_to=question,
                usage=reply.usage,
                cost_microusd=usage_cost_micros(
                    model=reply.model, usage=reply.usage, prices=price_table()
                ),
            )
            ProposedAction.objects.bulk_create(
                ProposedAction(
                    message=message,
                    user=user,
                    order=orders[proposal.order_public_id],
                    kind=proposal.kind,
                    payload=proposal.payload,
                    label=proposal.label[:200],
                    expires_at=timezone.now() + PROPOSAL_LIFETIME,
                )
                for proposal in reply.proposals
                if proposal.order_public_id in orders  # only ever the customer's own
            )
    except IntegrityError:
        return None  # another run answered first
    Conversation.objects.filter(pk=question.conversation_id).update(updated_at=timezone.now())
    return message


def _capped(text: str, limit: int) -> str:
    """At most `limit` characters, cut after the last whole sentence when there is one."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    end = max(cut.rfind(mark) for mark in (". ", "! ", "? ", "。"))
    return cut[: end + 1] if end >= limit // 2 else cut.rstrip() + "…"


def shop_facts() -> ShopFacts:
    """Read at every reply, so a manager's change shows in the next answer."""
    format_facts = [
        FormatFact(
            name=f.name,
            price=format_amount(f.price),
            amount=f.price,
            physical=f.is_physical,
            width_cm=f.width_cm,
            height_cm=f.height_cm,
            min_dpi=f.min_dpi,
        )
        for f in Format.objects.filter(active=True)
    ]
    formats = [
        f"{f.name}: {f.price}" + (" plus shipping" if f.physical else "") for f in format_facts
    ]
    limit = settings.GENERATION_DAILY_LIMIT_PER_USER
    policies = [
        *POLICIES,
        f"Generation: images are painted from a text prompt (up to {PROMPT_MAX_LENGTH} characters) in seconds to two minutes; each customer can create {limit} images a day, and failed ones do not count.",
    ]
    rate = format_amount(ShopSettings.load().shipping_flat_rate)
    return ShopFacts(
        formats=formats,
        shipping=f"{rate} per order with prints; downloads ship nothing.",
        currency=settings.SHOP_CURRENCY.upper(),
        policies=policies,
        faq=list(FAQ.objects.filter(active=True).values_list("question", "answer", "keywords")),
        format_facts=format_facts,
        shipping_rate=rate,
        countries=sorted(COUNTRIES.values()),
        daily_limit=limit,
        prompt_max=PROMPT_MAX_LENGTH,
        make_days=MAKE_DAYS,
        delivery_days=DELIVERY_DAYS,
    )


def order_tools_for(user) -> CustomerOrders | None:
    """Order look-ups and offers that can only ever see this customer's orders."""
    if user is None or not user.is_authenticated:
        return None
    return CustomerOrders(user)

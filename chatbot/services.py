"""Support chat: conversations, messages, limits, confirmed actions, and the hand-off.

The bot's reply is not made here: `chat_send` saves the customer's message and enqueues
chatbot.tasks.chat_answer, which calls chatbot.replies once the message is committed.
The bot can only propose an action (chatbot.ProposedAction); `proposal_confirm` does it
when the shopper presses its button.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from chatbot import tasks
from chatbot.llm import ORDER_ID
from chatbot.models import Conversation, Message, ProposedAction, SupportRequest
from chatbot.orders import downloadable_items
from lib.mail import mail_enqueue
from lib.throttle import count_add
from notifications.services import Kind, notification_send
from purchases import fulfilment
from purchases import selectors as order_selectors
from purchases import services as order_services
from purchases.models import Order
from purchases.transitions import OrderError, order_note


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
    """Hand the conversation to a person, with a summary; one open request per conversation."""
    existing = conversation.support_requests.filter(status=SupportRequest.Status.OPEN).first()
    if existing:
        return existing
    request = SupportRequest.objects.create(
        conversation=conversation,
        user=user if user.is_authenticated else None,
        email=email,
        summary=conversation_summary(conversation=conversation),
    )
    Message.objects.create(
        conversation=conversation,
        role=Message.Role.ASSISTANT,
        content=f"Thanks! I've passed this conversation to our team. They will reply to {email}.",
    )
    return request


PRESSED = "✓ "  # how a pressed confirmation button shows among the customer's messages


def conversation_summary(*, conversation: Conversation) -> str:
    """For managers: the last questions, the bot's last answer, and the orders concerned."""
    chat = list(conversation.messages.order_by("created_at", "id"))
    asked = [m.content for m in chat if m.role == Message.Role.USER][-3:]
    answered = next((m.content for m in reversed(chat) if m.role == Message.Role.ASSISTANT), "")
    orders = _orders_concerned(conversation, chat)
    return "\n".join(
        [
            "Asked: " + (" / ".join(_clip(text, 200) for text in asked) or "nothing yet"),
            "Bot answered: " + (_clip(answered, 300) or "nothing yet"),
            "Order: "
            + (
                ", ".join(f"{o.short_id} ({o.get_status_display().lower()})" for o in orders)
                or "none named"
            ),
        ]
    )


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _orders_concerned(conversation: Conversation, chat: list[Message]) -> list[Order]:
    """The customer's own orders that the conversation names or offered a button for."""
    if conversation.user is None:
        return []
    mine = order_selectors.orders_list(user=conversation.user)
    offered = ProposedAction.objects.filter(message__conversation=conversation)
    ids = list(offered.order_by("-created_at").values_list("order_id", flat=True))
    found = {o.pk: o for o in mine.filter(pk__in=ids)}
    for message in reversed(chat):
        for short in ORDER_ID.findall(message.content):
            order = mine.filter(public_id__startswith=short.lower()).first()
            if order is not None:
                found.setdefault(order.pk, order)
    ordered = [found[pk] for pk in dict.fromkeys(ids) if pk in found]
    ordered += [o for pk, o in found.items() if pk not in ids]
    return ordered[:3]


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


# Actions the shopper confirmed with a button in the chat.


class ProposalGone(Exception):
    """No such button for this shopper (someone else's, or made up)."""


def _say(lang: str, english: str, korean: str) -> str:
    return korean if lang == "ko" else english


def proposal_confirm(*, proposal_id: int, user, address: dict | None = None) -> Message | None:
    """Do what the shopper confirmed, once; the bot's message saying what happened.

    The button is claimed under a lock, so a double press acts once (None the second time).
    Then the order is read again as the shopper's own and the purchases service checks that
    the action is still allowed: its refusal is what the chat shows. The services hold their
    own locks around the payment provider and the lab, so none is held here while they run.
    """
    proposal, expired = _proposal_claim(proposal_id=proposal_id, user=user)
    if proposal is None:
        return None
    lang = proposal.lang
    if expired:
        text = _say(
            lang,
            "This offer has expired, so nothing was done. Ask me again for a new one.",
            "이 제안은 만료되어 아무것도 처리하지 않았어요. 다시 물어봐 주세요.",
        )
        return _proposal_finish(proposal, done=False, outcome="expired", text=text)
    try:
        order = order_selectors.order_get(user=user, public_id=proposal.order.public_id)
        text = PERFORM[proposal.kind](proposal=proposal, order=order, user=user, address=address)
    except Http404:
        text = _say(lang, "That order is not among yours.", "고객님의 주문이 아니에요.")
        return _proposal_finish(proposal, done=False, outcome=text, text=text)
    except order_services.PaymentProviderError as error:
        if error.permanent:
            return _refused(proposal, str(error))
        # Nothing changed: the button stays, to be pressed again in a minute.
        ProposedAction.objects.filter(pk=proposal.pk).update(used_at=None)
        text = _say(
            lang,
            "I could not reach the payment provider, so nothing was canceled or refunded yet. "
            "Press the button again in a minute.",
            "결제 대행사에 연결하지 못해 아직 아무것도 취소하거나 환불하지 않았어요. 잠시 후 버튼을 다시 눌러 주세요.",
        )
        return _proposal_finish(proposal, done=False, outcome="", text=text, used=False)
    except OrderError as error:
        return _refused(proposal, str(error))
    return _proposal_finish(proposal, done=True, outcome=text, text=text)


def _proposal_claim(*, proposal_id: int, user) -> tuple[ProposedAction | None, bool]:
    """(the proposal, whether it had expired), or (None, False) when it was used already."""
    with transaction.atomic(durable=True):
        proposal = (
            ProposedAction.objects.select_for_update()
            .select_related("order", "message")
            .filter(pk=proposal_id, user=user)
            .first()
        )
        if proposal is None:
            raise ProposalGone(proposal_id)
        if proposal.used_at is not None:
            return None, False
        now = timezone.now()
        proposal.used_at = now
        proposal.save(update_fields=["used_at"])
    return proposal, proposal.expires_at <= now


def _refused(proposal: ProposedAction, reason: str) -> Message:
    text = _say(
        proposal.lang,
        f"I could not do that. {reason}",
        f"처리하지 못했어요. {reason}",
    )
    return _proposal_finish(proposal, done=False, outcome=reason, text=text)


def _proposal_finish(
    proposal: ProposedAction, *, done: bool, outcome: str, text: str, used: bool = True
) -> Message:
    """The press and its outcome in the chat; the button shows what became of it."""
    with transaction.atomic():
        if used:
            ProposedAction.objects.filter(pk=proposal.pk).update(done=done, outcome=outcome[:500])
        conversation_id = proposal.message.conversation_id
        pressed = Message.objects.create(
            conversation_id=conversation_id,
            role=Message.Role.USER,
            content=PRESSED + proposal.label,
        )
        answer = Message.objects.create(
            conversation_id=conversation_id,
            role=Message.Role.ASSISTANT,
            content=text,
            in_reply_to=pressed,
        )
        Conversation.objects.filter(pk=conversation_id).update(updated_at=timezone.now())
    return answer


def _cancel(*, proposal: ProposedAction, order: Order, user, address: dict | None) -> str:
    lang = proposal.lang
    if order.is_paid != proposal.payload.get("paid", order.is_paid):
        raise OrderError(
            f"Order {order.short_id} is {order.get_status_display().lower()} now, no longer "
            "as it was when I offered this. Ask me again."
        )
    if order.can_pay:
        order_services.order_cancel(order=order, actor=user)
        order_note(order, "canceled via support chat", actor=user)
        return _say(
            lang,
            f"Order {order.short_id} is canceled. Nothing was charged.",
            f"{order.short_id} 주문을 취소했어요. 요금은 청구되지 않았어요.",
        )
    refund = order_services.order_cancel_paid(order=order, actor=user)
    order_note(order, "canceled and refunded via support chat", actor=user)
    return _say(
        lang,
        f"Order {order.short_id} is canceled and {refund.amount_display} is refunded to your "
        "payment method. An e-mail confirms it.",
        f"{order.short_id} 주문을 취소했고 {refund.amount_display}을 결제 수단으로 환불했어요. "
        "확인 이메일을 보내 드렸어요.",
    )


def _address(*, proposal: ProposedAction, order: Order, user, address: dict | None) -> str:
    if not address:
        raise OrderError("Enter the new address first.")
    order = fulfilment.order_address_change(order=order, address=address, actor=user)
    order_note(order, "shipping address changed via support chat", actor=user)
    lines = ", ".join(order.address_lines)
    return _say(
        proposal.lang,
        f"The new address is saved: order {order.short_id} goes to {lines}.",
        f"새 주소를 저장했어요. {order.short_id} 주문은 {lines}(으)로 배송돼요.",
    )


def _downloads(*, proposal: ProposedAction, order: Order, user, address: dict | None) -> str:
    items = downloadable_items(order)
    if not items:
        raise OrderError(f"Order {order.short_id} has no downloads open.")
    links = [
        (
            item.product.name,
            settings.SITE_URL + reverse("order_item_download", args=[order.public_id, item.pk]),
        )
        for item in items
    ]
    with transaction.atomic():
        mail_enqueue(
            "chatbot/download_links", to=[order.email], context={"order": order, "links": links}
        )
        order_note(order, "download links e-mailed again via support chat", actor=user)
    return _say(
        proposal.lang,
        f"I e-mailed the download links of order {order.short_id} to {order.email}.",
        f"{order.short_id} 주문의 다운로드 링크를 {order.email}(으)로 보내 드렸어요.",
    )


PERFORM = {
    ProposedAction.Kind.CANCEL: _cancel,
    ProposedAction.Kind.ADDRESS: _address,
    ProposedAction.Kind.DOWNLOADS: _downloads,
}

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# How long a confirmation button in the chat stays valid.
PROPOSAL_LIFETIME = timedelta(hours=2)


class Conversation(models.Model):
    """A support chat, kept per signed-in user, or per browser session for visitors."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conversations",
    )
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["user", "-updated_at"], name="conversation_user_recent")]

    def __str__(self) -> str:
        who = self.user.username if self.user_id else "visitor"
        return f"Conversation {self.pk} with {who}"


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", "Customer"
        ASSISTANT = "assistant", "Assistant"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=16, choices=Role)
    content = models.TextField()
    # True when the bot could not answer and offers to pass the question to the team.
    offers_handoff = models.BooleanField(default=False)
    # True when a visitor asked about an order: the chat shows a link to log in and come back.
    offers_login = models.BooleanField(default=False)
    # The bot's reply points at the customer's message it answers: one reply per message,
    # so a reply task that runs twice cannot answer twice.
    in_reply_to = models.OneToOneField(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="reply"
    )
    # A bot reply's token usage and what it cost in USD millionths (lib.ai_costs): 0 for the
    # offline bot, None when unknown; both empty for customers' and the team's messages.
    usage = models.JSONField(default=dict, blank=True)
    cost_microusd = models.PositiveBigIntegerField("cost (micro-USD)", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.content[:60]}"


class FAQ(models.Model):
    """Questions and answers that managers keep; the offline bot answers from them."""

    question = models.CharField(max_length=300)
    answer = models.TextField()
    keywords = models.CharField(
        max_length=300,
        blank=True,
        help_text="Extra words that should lead here, separated by spaces.",
    )
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ"

    def __str__(self) -> str:
        return self.question


class SupportRequest(models.Model):
    """A question handed to a person, with the conversation that led to it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="support_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    email = models.EmailField()
    summary = models.TextField(
        blank=True, help_text="What was asked, what the bot answered, and which order."
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.OPEN)
    reply = models.TextField(blank=True, help_text="Sent to the customer by e-mail when saved.")
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Support request {self.pk} from {self.email}"


class ProposedAction(models.Model):
    """An action on an order that the bot offers with a button; done only when it is pressed.

    The bot (offline or OpenAI) can only create these. Pressing the button runs
    chatbot.services.proposal_confirm, which checks again that the order is the shopper's
    and that the action is still allowed; a proposal is used once.
    """

    class Kind(models.TextChoices):
        CANCEL = "cancel", "Cancel the order"
        ADDRESS = "address", "Change the shipping address"
        DOWNLOADS = "downloads", "Send the download links again"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="proposals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey("purchases.Order", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind)
    # What the offer was made on (whether the order was paid, the shopper's language, an
    # address the assistant filled in), so a confirmation can tell that things changed.
    payload = models.JSONField(default=dict, blank=True)
    label = models.CharField(max_length=200, help_text="The button, in the shopper's language.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    done = models.BooleanField(default=False)
    outcome = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for order {self.order.short_id}"

    @property
    def lang(self) -> str:
        return self.payload.get("lang", "en")

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()

    @property
    def state_label(self) -> str:
        """What shows where the button was, once it cannot be pressed."""
        korean = self.lang == "ko"
        if self.done:
            return "완료했어요." if korean else "Done."
        if self.used_at:
            return "처리하지 못했어요." if korean else "Not done."
        return "만료됐어요. 다시 물어봐 주세요." if korean else "Expired: ask me again."

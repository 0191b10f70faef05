from django.conf import settings
from django.db import models


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

from django.contrib import admin, messages

from chatbot import services
from chatbot.models import FAQ, Conversation, Message, ProposedAction, SupportRequest


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ("question", "active", "sort_order")
    list_editable = ("active", "sort_order")
    search_fields = ("question", "answer", "keywords")


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "role", "content")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "updated_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "session_key", "created_at", "updated_at")
    inlines = [MessageInline]


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "status", "short_summary", "created_at", "replied_at")
    list_filter = ("status",)
    list_select_related = ("user",)
    search_fields = ("email", "user__username", "reply", "summary")
    readonly_fields = (
        "summary",
        "conversation_text",
        "user",
        "email",
        "replied_by",
        "replied_at",
        "created_at",
    )
    fields = (
        "summary",
        "conversation_text",
        "user",
        "email",
        "status",
        "reply",
        "replied_by",
        "replied_at",
        "created_at",
    )
    actions = ["close"]

    @admin.display(description="Summary")
    def short_summary(self, support_request: SupportRequest) -> str:
        first = support_request.summary.splitlines()[0] if support_request.summary else ""
        return first[:120]

    @admin.display(description="Conversation")
    def conversation_text(self, support_request: SupportRequest) -> str:
        return "\n".join(
            f"{m.get_role_display()}: {m.content}"
            for m in support_request.conversation.messages.all()
        )

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if "reply" in form.changed_data and obj.reply.strip():
            services.support_request_reply(
                support_request=obj, reply=obj.reply.strip(), manager=request.user
            )
            messages.success(request, f"Reply e-mailed to {obj.email}.")
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Close selected requests")
    def close(self, request, queryset) -> None:
        queryset.update(status=SupportRequest.Status.CLOSED)


@admin.register(ProposedAction)
class ProposedActionAdmin(admin.ModelAdmin):
    """What the bot offered with a button, and what became of it: read only."""

    list_display = ("__str__", "user", "created_at", "used_at", "done", "outcome")
    list_filter = ("kind", "done")
    list_select_related = ("user", "order")
    search_fields = ("user__username", "outcome")
    readonly_fields = [f.name for f in ProposedAction._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin, messages
from django.utils.html import format_html

from dalle import services
from dalle.models import BlockedWord, GeneratedImage, GenerationSwitch, ImageEvent, ModelPrice


class ImageEventInline(admin.TabularInline):
    model = ImageEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GeneratedImage)
class GeneratedImageAdmin(admin.ModelAdmin):
    list_display = (
        "preview",
        "short_prompt",
        "owner",
        "status",
        "visibility",
        "provider",
        "created_at",
    )
    list_filter = ("status", "visibility", "provider", "created_at")
    search_fields = ("prompt", "owner__username", "owner__email", "public_id")
    list_select_related = ("owner",)
    # Nothing here is edited directly: a manager changes the visibility through the shop's
    # publish service, in products.admin (which extends this class), as the owner does.
    readonly_fields = [field.name for field in GeneratedImage._meta.fields]
    inlines = [ImageEventInline]
    date_hierarchy = "created_at"

    @admin.display(description="Image")
    def preview(self, image: GeneratedImage) -> str:
        if not image.thumbnail:
            return "—"
        return format_html('<img src="{}" width="48" height="48" alt="">', image.thumbnail_src)

    @admin.display(description="Prompt")
    def short_prompt(self, image: GeneratedImage) -> str:
        return image.prompt[:80]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(GenerationSwitch)
class GenerationSwitchAdmin(admin.ModelAdmin):
    list_display = ("__str__", "enabled", "changed_at")
    fields = ("enabled", "reason", "changed_at")
    readonly_fields = ("changed_at",)

    def has_add_permission(self, request) -> bool:
        return not GenerationSwitch.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        GenerationSwitch.load()  # the one row always exists to be edited
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        if obj.enabled:
            services.generation_resume()
            messages.success(request, "Image generation is on again.")
        else:
            services.generation_pause(reason=obj.reason or f"Paused by {request.user.username}")


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    """Words refused in prompts, before any image provider is asked."""

    list_display = ("word", "note", "created_at")
    search_fields = ("word", "note")


@admin.register(ModelPrice)
class ModelPriceAdmin(admin.ModelAdmin):
    """The AI price table: what each generation and chat reply costs (USD per 1M tokens)."""

    list_display = ("model", "input", "cached_input", "output", "image_output", "per_image")
    list_editable = ("input", "cached_input", "output", "image_output", "per_image")

from django.contrib import admin, messages
from django.utils.html import format_html

from dalle.admin import GeneratedImageAdmin
from dalle.models import GeneratedImage
from dalle.services import TransitionNotAllowed
from products import services
from products.models import Format, Product, ShopSettings

# An image's visibility decides whether its product is in the shop, which is this app's
# business; dalle never imports products, so the image admin that can change it lives here.
admin.site.unregister(GeneratedImage)


@admin.register(GeneratedImage)
class PublishableImageAdmin(GeneratedImageAdmin):
    def get_readonly_fields(self, request, obj=None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status == GeneratedImage.Status.SUCCEEDED:
            fields.remove("visibility")  # only a finished image can be shared
        return fields

    def save_model(self, request, obj, form, change) -> None:
        if "visibility" in form.changed_data:
            try:
                services.image_publish(image=obj, public=obj.is_public)
            except TransitionNotAllowed as refusal:  # hidden by a moderator
                messages.error(request, str(refusal))


@admin.register(Format)
class FormatAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "medium",
        "price",
        "width_cm",
        "height_cm",
        "min_dpi",
        "lab_sku",
        "print_size",
        "active",
        "sort_order",
    )
    list_editable = ("price", "active", "sort_order")
    list_filter = ("kind", "medium", "active")
    actions = ["read_print_sizes"]

    @admin.display(description="Print size (px)")
    def print_size(self, fmt: Format) -> str:
        if fmt.print_width_px and fmt.print_height_px:
            return f"{fmt.print_width_px} × {fmt.print_height_px}"
        return "—"

    @admin.action(description="Read print sizes from the lab")
    def read_print_sizes(self, request, queryset):
        for fmt in queryset:
            try:
                size = services.format_read_print_size(format=fmt)
            except services.FormatLabError as error:
                messages.error(request, f"{fmt.name}: {error}")
            else:
                messages.success(
                    request, f"{fmt.name}: the lab prints it at {size[0]} × {size[1]} px."
                )


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("preview", "name", "owner", "visibility", "created_at")
    list_select_related = ("image__owner",)
    search_fields = ("name", "slug", "image__prompt", "image__owner__username")
    readonly_fields = ("image", "slug", "created_at")
    fields = ("name", "slug", "image", "created_at")

    @admin.display(description="Image")
    def preview(self, product: Product) -> str:
        return format_html(
            '<img src="{}" width="48" height="48" alt="">', product.image.thumbnail_src
        )

    @admin.display(description="Owner")
    def owner(self, product: Product) -> str:
        return product.image.owner.username

    @admin.display(description="Visibility")
    def visibility(self, product: Product) -> str:
        return product.image.get_visibility_display()

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ShopSettings)
class ShopSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "shipping_flat_rate")

    def has_add_permission(self, request) -> bool:
        return not ShopSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        ShopSettings.load()
        return super().changelist_view(request, extra_context)

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html

from lib.spreadsheets import SafeCsvWriter
from purchases import services
from purchases.models import Order, OrderEvent

PAYMENT_FIELDS = (
    "public_id",
    "customer",
    "product",
    "format",
    "quantity",
    "currency",
    "unit_amount",
    "shipping_amount",
    "total_amount",
    "email",
    "status",
    "payment_status",
    "checkout_session_id",
    "checkout_attempt",
    "payment_intent_id",
    "paid_at",
    "refunded_amount",
    "refund_id",
    "created_at",
    "updated_at",
)


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "actor", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _advance(to: str, label: str):
    @admin.action(description=f"Mark selected print orders {label}")
    def action(modeladmin, request, queryset):
        moved, refused = 0, []
        for order in queryset:
            try:
                services.order_advance(order=order, to=to, actor=request.user)
                moved += 1
            except services.OrderError as error:
                refused.append(str(error))
        if moved:
            messages.success(request, f"{moved} order(s) marked {label}.")
        for reason in refused:
            messages.warning(request, reason)

    action.__name__ = f"mark_{to}"
    return action


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "short_id",
        "preview",
        "customer",
        "format",
        "quantity",
        "total",
        "status",
        "created_at",
    )
    list_filter = ("status", "format", "currency", "created_at")
    search_fields = (
        "public_id",
        "customer__username",
        "customer__email",
        "email",
        "product__image__prompt",
        "payment_intent_id",
    )
    list_select_related = ("customer", "format", "product__image")
    date_hierarchy = "created_at"
    readonly_fields = PAYMENT_FIELDS
    fields = (*PAYMENT_FIELDS, "shipping_address")
    inlines = [OrderEventInline]
    actions = [
        _advance(Order.Status.IN_PRODUCTION, "in production"),
        _advance(Order.Status.SHIPPED, "shipped"),
        _advance(Order.Status.DELIVERED, "delivered"),
        "refund_in_full",
        "export_csv",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Order")
    def short_id(self, order: Order) -> str:
        return order.short_id

    @admin.display(description="Image")
    def preview(self, order: Order) -> str:
        return format_html(
            '<img src="{}" width="40" height="40" alt="">', order.product.image.thumbnail_src
        )

    @admin.display(description="Total", ordering="total_amount")
    def total(self, order: Order) -> str:
        return order.total_display

    @admin.action(description="Refund selected orders in full (through the payment provider)")
    def refund_in_full(self, request, queryset):
        for order in queryset:
            try:
                services.order_refund(order=order, actor=request.user)
                messages.success(request, f"Order {order.short_id} refunded.")
            except services.OrderError as error:
                messages.error(request, f"Order {order.short_id}: {error}")

    @admin.action(description="Export selected orders as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
        writer = SafeCsvWriter(response)
        writer.writerow(
            [
                "order",
                "created",
                "customer",
                "email",
                "product",
                "format",
                "quantity",
                "currency",
                "total",
                "status",
                "country",
            ]
        )
        for order in queryset.select_related("customer", "product", "format"):
            writer.writerow(
                [
                    str(order.public_id),
                    order.created_at.isoformat(),
                    order.customer.username,
                    order.email,
                    order.product.name,
                    order.format.name,
                    order.quantity,
                    order.currency.upper(),
                    order.money(order.total_amount),
                    order.status,
                    (order.shipping_address or {}).get("country", ""),
                ]
            )
        return response

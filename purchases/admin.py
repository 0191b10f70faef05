from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from lib.spreadsheets import SafeCsvWriter
from purchases import services
from purchases.forms import RefundForm
from purchases.models import Order, OrderEvent, OrderItem, Refund

PAYMENT_FIELDS = (
    "public_id",
    "customer",
    "email",
    "status",
    "items_total",
    "shipping",
    "total",
    "refunded",
    "address",
    "payment_status",
    "payment_method",
    "checkout_session_id",
    "checkout_attempt",
    "payment_intent_id",
    "paid_at",
    "created_at",
    "updated_at",
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderItemInline(ReadOnlyInline):
    model = OrderItem
    fields = ("product", "format", "quantity", "crop_label", "unit", "line", "refunded")
    readonly_fields = fields

    @admin.display(description="Unit price")
    def unit(self, item: OrderItem) -> str:
        return item.unit_display

    @admin.display(description="Line total")
    def line(self, item: OrderItem) -> str:
        return item.line_display

    @admin.display(description="Refunded")
    def refunded(self, item: OrderItem) -> str:
        return item.order.money(item.refunded_amount)

    @admin.display(description="Crop")
    def crop_label(self, item: OrderItem) -> str:
        return item.crop_label or "—"


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ("created_at", "amount_display", "item", "status", "reason", "actor", "failure")
    readonly_fields = fields

    @admin.display(description="Amount")
    def amount_display(self, refund: Refund) -> str:
        return refund.amount_display


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    readonly_fields = ("created_at", "actor", "from_status", "to_status", "note")


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
    list_display = ("short_id", "customer", "item_count", "total", "status", "created_at")
    list_filter = ("status", "currency", "created_at")
    search_fields = (
        "public_id",
        "customer__username",
        "customer__email",
        "email",
        "items__product__image__prompt",
        "payment_intent_id",
    )
    list_select_related = ("customer",)
    date_hierarchy = "created_at"
    readonly_fields = PAYMENT_FIELDS
    fields = PAYMENT_FIELDS
    inlines = [OrderItemInline, RefundInline, OrderEventInline]
    actions = [
        # Shipping takes a carrier and a tracking number: the manager order page asks for them.
        _advance(Order.Status.IN_PRODUCTION, "in production"),
        _advance(Order.Status.DELIVERED, "delivered"),
        "refund_in_full",
        "export_csv",
    ]
    change_form_template = "admin/purchases/order/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items")

    def get_urls(self):
        refund = self.admin_site.admin_view(self.refund_view)
        return [
            path("<path:object_id>/refund/", refund, name="purchases_order_refund"),
            *super().get_urls(),
        ]

    @admin.display(description="Order")
    def short_id(self, order: Order) -> str:
        return order.short_id

    @admin.display(description="Items")
    def item_count(self, order: Order) -> int:
        return sum(item.quantity for item in order.items.all())

    @admin.display(description="Items total")
    def items_total(self, order: Order) -> str:
        return order.subtotal_display

    @admin.display(description="Shipping")
    def shipping(self, order: Order) -> str:
        return order.shipping_display

    @admin.display(description="Total", ordering="total_amount")
    def total(self, order: Order) -> str:
        return order.total_display

    @admin.display(description="Refunded")
    def refunded(self, order: Order) -> str:
        return order.refunded_display

    @admin.display(description="Shipping address")
    def address(self, order: Order) -> str:
        lines = order.address_lines
        if not lines:
            return "— (no print in this order)"
        return linebreaksbr("\n".join(lines), autoescape=True)

    def refund_view(self, request, object_id: str):
        """A refund of the whole order, one item or an amount, through the payment provider."""
        order = get_object_or_404(Order.objects.prefetch_related("items__product"), pk=object_id)
        form = RefundForm(request.POST or None, order=order)
        if request.method == "POST" and form.is_valid():
            try:
                refund = services.order_refund(order=order, actor=request.user, **form.request())
            except services.OrderError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, refund.confirmation)
                return redirect(reverse("admin:purchases_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Refund order {order.short_id}",
            "order": order,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/purchases/order/refund.html", context)

    @admin.action(description="Refund selected orders in full (through the payment provider)")
    def refund_in_full(self, request, queryset):
        for order in queryset:
            key = f"admin-full-{order.public_id}-{order.refunded_amount}"
            try:
                refund = services.order_refund(order=order, actor=request.user, key=key)
                messages.success(
                    request, f"Order {order.short_id}: refunded {refund.amount_display}."
                )
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
                "items",
                "currency",
                "total",
                "refunded",
                "status",
                "ship to",
                "address",
                "country",
                "phone",
            ]
        )
        for order in queryset.select_related("customer").prefetch_related(
            "items__product", "items__format"
        ):
            address = order.shipping_address or {}
            writer.writerow(
                [
                    str(order.public_id),
                    order.created_at.isoformat(),
                    order.customer.username,
                    order.email,
                    "; ".join(str(item) for item in order.items.all()),
                    order.currency.upper(),
                    order.total_display,
                    order.refunded_display,
                    order.get_status_display(),
                    address.get("full_name", ""),
                    ", ".join(order.address_lines[1:-1]),
                    address.get("country", ""),
                    address.get("phone", ""),
                ]
            )
        return response

from django.contrib import admin

from printlab.models import LabEvent, SimulatedLabOrder, SimulatedShipment


@admin.register(LabEvent)
class LabEventAdmin(admin.ModelAdmin):
    """The lab's events as they arrived, for support: read only."""

    list_display = ["received_at", "lab", "type", "lab_order_id", "event_id"]
    list_filter = ["lab"]
    search_fields = ["lab_order_id", "event_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SimulatedShipmentInline(admin.TabularInline):
    model = SimulatedShipment
    extra = 0
    can_delete = False
    readonly_fields = [
        "lab_id",
        "carrier",
        "service",
        "tracking_number",
        "dispatched_at",
        "delivered_at",
    ]
    fields = readonly_fields


@admin.register(SimulatedLabOrder)
class SimulatedLabOrderAdmin(admin.ModelAdmin):
    """What the simulated lab holds: read only, as a real lab's orders would be."""

    list_display = ["lab_id", "merchant_reference", "step", "cancelled_at", "created_at"]
    list_filter = ["step"]
    search_fields = ["lab_id", "merchant_reference"]
    inlines = [SimulatedShipmentInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

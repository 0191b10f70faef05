from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ShippingAddress, User


class ShippingAddressInline(admin.StackedInline):
    model = ShippingAddress
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [ShippingAddressInline]
    list_display = ("username", "email", "is_staff", "date_joined")
    fieldsets = (*BaseUserAdmin.fieldsets,)
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )

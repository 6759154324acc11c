"""Second-factor devices in the admin: seen, and removed for someone who lost theirs; nothing more.

django-otp's own admin lets staff add devices for anyone and read an authenticator's secret (its
key and QR code), which would let an administrator sign in as that person with both factors.
Here the admin lists devices, never shows a secret, never adds or edits one, and removes one only
through `two_factor.device_remove`, which audits it on the person's boards.
"""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import two_factor


class DeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed")
    list_filter = ("confirmed",)
    search_fields = ("user__email", "user__full_name")
    fields = readonly_fields = ("user", "name", "confirmed")
    actions = ["delete_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        two_factor.device_remove(device=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for device in queryset:
            two_factor.device_remove(device=device, actor=request.user)


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, DeviceAdmin)

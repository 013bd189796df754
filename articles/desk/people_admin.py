"""Accounts, groups and permissions: managed by superusers only.

Django's own user admin lets anyone with ``change_user`` tick «superuser» on their own
account or grant themselves every permission, and ``change_group`` widen a role for
everyone in it. In a newsroom those are the keys to publishing: only superusers hold them.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group


class SuperusersOnly:
    # Viewing follows Django's permissions: the author form's account box (an autocomplete)
    # needs it, and it changes nothing.
    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class NewsroomUserAdmin(SuperusersOnly, UserAdmin):
    # Kept by Django itself, never typed: shown as text (the date and time boxes also had no labels).
    readonly_fields = ("last_login", "date_joined")


@admin.register(Group)
class NewsroomGroupAdmin(SuperusersOnly, GroupAdmin):
    pass

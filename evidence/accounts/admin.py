from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from evidence.accounts.models import User


@admin.register(User)
class AccountAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Role", {"fields": ("role",)}),)
    list_display = ("username", "email", "role", "is_active", "date_joined")
    list_filter = ("role", "is_active")

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core import audit
from core.models import (
    Agency,
    ApiToken,
    AuditEntry,
    CalendarOverride,
    Document,
    DocumentVersion,
    Membership,
    Province,
    Unit,
    User,
)
from core.tokens import revoke_token

admin.site.site_header = _("CCHC administration")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["agency", "unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "is_active"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Civil servant"), {"fields": ["full_name", "job_title", "phone"]}),)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province"]
    search_fields = ["code", "name"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "agency", "kind", "is_office"]
    list_filter = ["agency"]
    search_fields = ["code", "name"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "legal_ref"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action_text", "object_type", "object_id"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    @admin.display(description=_("action"), ordering="action")
    def action_text(self, obj):
        return audit.action_label(obj.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    readonly_fields = ["version", "original_name", "sha256", "size", "uploaded_by", "uploaded_at"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["doc_number", "abstract", "agency", "issued_on"]
    search_fields = ["doc_number", "abstract"]
    inlines = [VersionInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owner (account page) or by `manage.py create_api_token`; here they
    are looked at and revoked (audited, core.tokens), never made nor edited."""

    list_display = ["name", "user", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["user", "name", "token_hash", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_token(actor=request.user, token=token)

from django.contrib import admin

from scorecards.models import CriteriaSet, MetricSeries, Round


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    """Sets are loaded from files (web upload or `load_criteria`), never edited in place: a change
    is a new version."""

    list_display = ["code", "version", "year", "name", "status", "loaded_at"]
    list_filter = ["status", "year"]
    readonly_fields = [
        "province",
        "code",
        "version",
        "year",
        "name",
        "unit_group",
        "definition",
        "source_text",
        "source_name",
        "sha256",
        "loaded_by",
        "loaded_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    """Read-only: deadlines, phases and the decision change through the round's page, where a
    reopening needs a reason and everything is in the audit trail."""

    list_display = ["name", "year", "organizer", "phase"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MetricSeries)
class MetricSeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "agency", "frequency", "owner_unit"]

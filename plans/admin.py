from django.contrib import admin

from plans.models import Finding, Inspection, Obstacle, Plan, Section, Task


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "agency", "year", "status"]
    list_filter = ["year", "status"]
    inlines = [SectionInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "lead_unit", "deadline", "status", "progress"]
    list_filter = ["status", "plan"]
    search_fields = ["code", "title"]

    def has_change_permission(self, request, obj=None):
        # Tasks change through the plan pages, which check the rules and write the audit trail.
        return False


@admin.register(Obstacle)
class ObstacleAdmin(admin.ModelAdmin):
    list_display = ["task", "status", "reported_at"]


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["title", "inspected_unit", "inspected_on"]
    inlines = [FindingInline]

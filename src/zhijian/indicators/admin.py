from django.contrib import admin

from .models import Indicator, Milestone, PlanTask, PlanVersion


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ("plan", "number", "title", "adopted_on")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "target_year", "target_text", "version")
    list_filter = ("version",)
    search_fields = ("code", "name")

    def has_change_permission(self, request, obj=None):  # history is never rewritten: add a version
        return False


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 1


@admin.register(PlanTask)
class PlanTaskAdmin(admin.ModelAdmin):
    list_display = ("number", "major_task", "measure", "responsible")
    inlines = [MilestoneInline]

from django.contrib import admin

from .models import Department, Jurisdiction, RuleValue


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "district")
    search_fields = ("code", "name")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(RuleValue)
class RuleValueAdmin(admin.ModelAdmin):
    list_display = ("key", "value", "unit", "valid_from", "valid_to", "legal_source")

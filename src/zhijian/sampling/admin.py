from django.contrib import admin

from .models import Category, LabAccount, Laboratory, Population, Standard, TestItem


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")


@admin.register(TestItem)
class TestItemAdmin(admin.ModelAdmin):
    list_display = ("category", "name", "rule", "limit", "unit", "standard", "clause")
    list_filter = ("rule", "item_type")
    search_fields = ("name", "standard")


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "effective")


@admin.register(Laboratory)
class LaboratoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "cma_no", "tests_food", "tests_products", "retest_qualified", "active")


@admin.register(LabAccount)
class LabAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "laboratory")


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "year", "residents", "source")

"""The register of market entities (市场主体库)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijian.core.models import Jurisdiction
from zhijian.core.scoping import Scope

from .search import BigramsField, name_bigrams


class EntityType(models.TextChoices):
    LLC = "llc", _("有限责任公司")
    JOINT_STOCK = "joint_stock", _("股份有限公司")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("个人独资企业")
    PARTNERSHIP = "partnership", _("合伙企业")
    FOREIGN_INVESTED = "foreign_invested", _("外商投资企业")
    COLLECTIVE = "collective", _("全民所有制和集体所有制企业")
    BRANCH = "branch", _("分支机构")
    INDIVIDUAL = "individual", _("个体工商户")
    FARMER_COOP = "farmer_coop", _("农民专业合作社")


class EntityStatus(models.TextChoices):
    ACTIVE = "active", _("存续")
    SUSPENDED = "suspended", _("停业")
    DEREGISTERED = "deregistered", _("注销")
    REVOKED = "revoked", _("吊销")
    CANCELLED = "cancelled", _("撤销")
    MOVED_OUT = "moved_out", _("迁出")


class Tag(models.TextChoices):
    ABOVE_SCALE = "above_scale", _("规上")
    SPECIALIZED = "specialized", _("专精特新")
    HIGH_TECH = "high_tech", _("高新技术企业")
    SINGLE_CHAMPION = "single_champion", _("单项冠军")
    LISTED = "listed", _("上市企业")


# Fields the public register shows (企业信息公示暂行条例 Art 6: registration information is public).
PUBLIC_FIELDS = (
    "uscc",
    "name",
    "entity_type",
    "legal_representative",
    "registered_capital",
    "established_on",
    "status",
    "address",
    "jurisdiction",
    "industry_code",
)


class Entity(models.Model):
    """A market entity (市场主体): enterprise, branch, 个体工商户 or 农民专业合作社."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("名称"), max_length=200)
    name_grams = BigramsField(_("名称二元组"), default=list, editable=False)
    entity_type = models.CharField(_("类型"), max_length=24, choices=EntityType.choices)
    legal_representative = models.CharField(_("法定代表人（负责人、经营者）"), max_length=60)
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    established_on = models.DateField(_("成立日期"))
    status = models.CharField(_("登记状态"), max_length=14, choices=EntityStatus.choices)
    address = models.CharField(_("住所（经营场所）"), max_length=300)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        models.PROTECT,
        related_name="+",
        verbose_name=_("管辖单位"),
        limit_choices_to={"level__in": ["district", "zone"]},
        db_index=False,  # the (jurisdiction, status) index serves every lookup by jurisdiction
    )
    office = models.ForeignKey(
        Jurisdiction, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("市场监管所")
    )
    industry_code = models.CharField(_("行业代码"), max_length=5, blank=True)
    cluster = models.CharField(_("246产业集群"), max_length=24, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(district_field="jurisdiction_id", uscc_field="uscc", public=Q())

    class Meta:
        verbose_name = _("市场主体")
        verbose_name_plural = _("市场主体")
        # Every index is paid for on each of a city's 1.5 million inserts (bench/RESULTS.md): type,
        # cluster and industry filters run on the newest-first scan and need none of their own.
        constraints = [models.UniqueConstraint(fields=["uscc"], name="entity_uscc_unique")]
        indexes = [models.Index(fields=["jurisdiction", "status"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"

    def save(self, *args, **kwargs):
        self.name_grams = name_bigrams(self.name)
        super().save(*args, **kwargs)

    # Django's get_FOO_display rebuilds the field's whole table of choices (translating every label)
    # on each call; a register list calls these twice a row. Same answers, one lookup each.
    def get_entity_type_display(self) -> str:  # type: ignore[no-redef]  # Django's, made cheap
        return _choice_label(EntityType, self.entity_type)

    def get_status_display(self) -> str:  # type: ignore[no-redef]  # Django's, made cheap
        return _choice_label(EntityStatus, self.status)


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of ``value`` among ``choices``, or the value itself (as Django's get_FOO_display)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class EntityTag(models.Model):
    """A label on an entity (规上, 专精特新 …) used to filter and to target campaigns."""

    entity = models.ForeignKey(Entity, models.CASCADE, related_name="tags", db_index=False)
    tag = models.CharField(max_length=20, choices=Tag.choices)

    scope = Scope(district_field="entity__jurisdiction_id", uscc_field="entity__uscc", public=None)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "tag"], name="entity_tag_once")]
        indexes = [models.Index(fields=["tag", "entity"])]


class LifecycleKind(models.TextChoices):
    ESTABLISHED = "established", _("设立")
    CHANGED = "changed", _("变更")
    DEREGISTERED = "deregistered", _("注销")
    REVOKED = "revoked", _("吊销")
    MOVED_IN = "moved_in", _("迁入")
    MOVED_OUT = "moved_out", _("迁出")
    RESTORED = "restored", _("恢复")


class LifecycleEvent(models.Model):
    """One step of an entity's registration history; ``changes`` maps field → [old, new]."""

    entity = models.ForeignKey(Entity, models.CASCADE, related_name="history", db_index=False)
    kind = models.CharField(_("事项"), max_length=14, choices=LifecycleKind.choices)
    occurred_on = models.DateField(_("日期"))
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    source = models.CharField(_("来源"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(district_field="entity__jurisdiction_id", uscc_field="entity__uscc", public=Q())

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["entity", "occurred_on"])]

    def changes_display(self) -> list[tuple[str, str, str]]:
        """(field label, old, new) in Chinese, for the history table."""
        labels = {"tags": "标签", "jurisdiction_id": "管辖单位", "office_id": "市场监管所"}
        choices: dict[str, dict] = {
            "status": dict(EntityStatus.choices),
            "entity_type": dict(EntityType.choices),
            "tags": dict(Tag.choices),
        }
        units = {}
        if {"jurisdiction_id", "office_id"} & set(self.changes):
            ids = [v for f in ("jurisdiction_id", "office_id") for v in self.changes.get(f, []) if v]
            units = {pk: unit.name for pk, unit in Jurisdiction.objects.in_bulk(ids).items()}
            choices_units = {"jurisdiction_id": units, "office_id": units}
        else:
            choices_units = {}
        choices.update(choices_units)
        rows = []
        for field, (old, new) in self.changes.items():
            try:
                label = labels.get(field) or str(Entity._meta.get_field(field).verbose_name)
            except Exception:  # a field since removed from the model keeps its raw name
                label = field

            def shown(value, field=field):
                if isinstance(value, list):
                    return "、".join(str(choices.get(field, {}).get(v, v)) for v in value) or "—"
                return str(choices.get(field, {}).get(value, value)) if value not in (None, "") else "—"

            rows.append((label, shown(old), shown(new)))
        return rows


class ImportRun(models.Model):
    """One import of a register file: who, what file, and what came of it."""

    actor = models.ForeignKey("core.User", models.PROTECT, null=True, related_name="+")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    dry_run = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)

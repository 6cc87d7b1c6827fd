"""Forms of quality infrastructure. Every field that asks for a standard is a :class:`StandardField`:
the number is validated in its official format and must be in the register."""

from __future__ import annotations

from django import forms

from zhijian.registry.industries import cluster_choices

from .models import NARRATIVE_FIELDS, Library, ServiceCategory, Standard, StandardStatus
from .standard_numbers import Kind, StandardNumberError, parse_standard_number

# an HTML date input needs ISO dates whatever the locale's display format
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class StandardField(forms.CharField):
    """A standard number typed as people write it (GB/T4754—2017), resolved to the registered standard."""

    def __init__(self, *args, registered: bool = True, **kwargs):
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("help_text", "如 GB/T 4754-2017、DB33/T 2350-2021、T/ZZB 0001-2016、ISO 9001:2015")
        super().__init__(*args, **kwargs)
        self.registered = registered
        self.widget.attrs.setdefault("placeholder", "标准编号")

    def clean(self, value):
        text = super().clean(value)  # the text's own checks (required, length) first
        if not text:
            return None
        try:
            number = parse_standard_number(text).number
        except StandardNumberError as exc:
            raise forms.ValidationError(str(exc)) from None
        if not self.registered:
            return number
        standard = Standard.objects.filter(number=number).first()
        if standard is None:
            raise forms.ValidationError(f"{number}不在标准库中，请联系市局标准化处录入")
        return standard

    def prepare_value(self, value):
        return value.number if isinstance(value, Standard) else value


class StandardForm(forms.Form):
    number = StandardField(label="标准编号", registered=False)
    name = forms.CharField(label="标准名称", max_length=200)
    status = forms.ChoiceField(label="状态", choices=StandardStatus.choices)
    issued_on = forms.DateField(label="发布日期", required=False, widget=DATE)
    effective_on = forms.DateField(label="实施日期", required=False, widget=DATE)
    replaced_by = StandardField(label="代替标准", required=False, registered=False)


class StandardFilter(forms.Form):
    q = forms.CharField(label="编号或名称", required=False)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *Kind.CHOICES])
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *StandardStatus.choices])


class EnrolmentForm(forms.Form):
    """附件2's row: 企业, 产品名称, 执行标准, 比对标准, 平台现有技术方案编号, 另行制定技术方案技术支持需求."""

    uscc = forms.CharField(label="企业统一社会信用代码", max_length=18)
    product_name = forms.CharField(label="产品名称", max_length=120)
    executed_standard = StandardField(label="执行标准号")
    compared_standard = StandardField(label="比对标准号")
    platform_plan_no = forms.CharField(label="平台现有技术方案编号", max_length=60, required=False)
    needs_support = forms.BooleanField(label="另行制定技术方案需要技术支持", required=False)
    industry = forms.ChoiceField(label="对标产业", required=False)

    def __init__(self, *args, industries: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(cluster_choices())
        self.fields["industry"].choices = [("", "按企业所属产业")] + [
            (c, names.get(c, c)) for c in industries or []
        ]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "确认"), ("reject", "退回")], widget=forms.RadioSelect)
    note = forms.CharField(label="审核意见", max_length=300, required=False)


class PlanForm(forms.Form):
    plan_no = forms.CharField(label="技术方案编号", max_length=60)
    plan_title = forms.CharField(label="技术方案名称", max_length=200, required=False)
    uploaded_on = forms.DateField(label="上传平台日期", widget=DATE)


class ResultForm(forms.Form):
    report_no = forms.CharField(label="检测/验证报告编号", max_length=60)
    result_on = forms.DateField(label="结果日期", widget=DATE)
    met = forms.TypedChoiceField(
        label="结论", choices=[("1", "达标"), ("0", "未达标")], coerce=lambda v: v == "1"
    )
    summary = forms.CharField(label="对标结果说明", max_length=500, required=False)


class LeaderForm(forms.Form):
    field = forms.CharField(label="领跑者实施领域", max_length=120)
    reason = forms.CharField(label="推荐理由", max_length=500)


class NarrativeForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in NARRATIVE_FIELDS:
            self.fields[key] = forms.CharField(
                label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )


class NominateForm(forms.Form):
    library = forms.ChoiceField(label="培育库", choices=Library.choices)
    uscc = forms.CharField(label="企业统一社会信用代码", max_length=18)
    target_award = forms.CharField(label="目标奖项", max_length=120, required=False)
    standards_led = forms.IntegerField(label="主导制修订标准数", min_value=0, initial=0)
    high_value_patents = forms.IntegerField(label="高价值发明专利数", min_value=0, initial=0)


class CoachingForm(forms.Form):
    held_on = forms.DateField(label="日期", widget=DATE)
    coach = forms.CharField(label="辅导人员/机构", max_length=120)
    content = forms.CharField(label="辅导内容", max_length=500)


class EvidenceForm(forms.Form):
    title = forms.CharField(label="材料名称", max_length=200)
    file = forms.FileField(label="文件", required=False)


class AwardForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    award = forms.CharField(label="奖项", max_length=120)
    level = forms.ChoiceField(
        label="级别", choices=[("city", "市级"), ("province", "省级"), ("national", "国家级")]
    )
    won = forms.BooleanField(label="获奖", required=False)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="阶段", choices=[("coached", "辅导中"), ("applied", "已申报")])


class CapabilityForm(forms.Form):
    category = forms.ChoiceField(label="服务类别", choices=ServiceCategory.choices)
    item = forms.CharField(label="检测项目/服务事项", max_length=120)
    products = forms.CharField(label="适用产品", max_length=300)
    standards = forms.CharField(label="依据标准（多个用分号隔开）", max_length=600, required=False)
    clusters = forms.MultipleChoiceField(
        label="服务产业集群", choices=cluster_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    equipment = forms.CharField(label="主要设备", max_length=300, required=False)
    turnaround_days = forms.IntegerField(label="周期（工作日）", min_value=1)
    price = forms.DecimalField(label="参考价格（元）", min_value=0, decimal_places=2)
    accredited = forms.ChoiceField(
        label="资质", choices=[("cma", "CMA"), ("cnas", "CNAS"), ("both", "CMA+CNAS"), ("none", "无")]
    )

    def clean_standards(self):
        found = []
        for text in self.cleaned_data["standards"].replace("；", ";").split(";"):
            if text.strip():
                found.append(StandardField(label="依据标准").clean(text))
        return found


class CapabilitySearch(forms.Form):
    product = forms.CharField(label="产品或项目", required=False)
    standard = forms.CharField(label="标准编号或名称", required=False)
    cluster = forms.ChoiceField(
        label="产业集群", required=False, choices=lambda: [("", "全部"), *cluster_choices()]
    )
    category = forms.ChoiceField(
        label="服务类别", required=False, choices=[("", "全部"), *ServiceCategory.choices]
    )


class RequestForm(forms.Form):
    product = forms.CharField(label="产品", max_length=120)
    standard = StandardField(label="依据标准", required=False)
    description = forms.CharField(label="需求说明", max_length=500, required=False)
    uscc = forms.CharField(
        label="企业统一社会信用代码（区县局代企业提出时填写）", max_length=18, required=False
    )
    enrolment = forms.IntegerField(required=False, widget=forms.HiddenInput)


class QuoteForm(forms.Form):
    price = forms.DecimalField(label="报价（元）", min_value=0, decimal_places=2)
    days = forms.IntegerField(label="承诺周期（工作日）", min_value=1)
    note = forms.CharField(label="报价说明", max_length=300, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label="谢绝理由", max_length=300)


class BookForm(forms.Form):
    sample_on = forms.DateField(label="预约送样日期", widget=DATE)


class DeliverForm(forms.Form):
    report_no = forms.CharField(label="报告编号", max_length=60)
    conclusion = forms.CharField(label="检测结论", max_length=300)
    benchmark_met = forms.TypedChoiceField(
        label="是否达到比对标准",
        required=False,
        choices=[("", "—"), ("1", "达到"), ("0", "未达到")],
        coerce=lambda v: v == "1",
        empty_value=None,
    )
    file = forms.FileField(label="报告文件", required=False)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="评分", choices=[(str(i), f"{i}分") for i in range(5, 0, -1)], coerce=int
    )
    comment = forms.CharField(label="评价", max_length=300, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label="标准清单（CSV或XLSX）")
    dry_run = forms.BooleanField(label="试导入（只校验，不写入）", required=False)


class ProviderForm(forms.Form):
    """The city admits a laboratory or service point (机构入驻)."""

    name = forms.CharField(label="机构名称", max_length=120)
    kind = forms.ChoiceField(
        label="类型", choices=[("laboratory", "检验检测机构"), ("service_point", "一站式服务站点")]
    )
    jurisdiction = forms.ModelChoiceField(label="所在辖区", queryset=None)
    local = forms.BooleanField(label="本地机构", required=False, initial=True)
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    cma_no = forms.CharField(label="CMA证书编号", max_length=30, required=False)
    cma_valid_until = forms.DateField(label="CMA有效期至", required=False, widget=DATE)
    cnas_no = forms.CharField(label="CNAS证书编号", max_length=30, required=False)
    cnas_valid_until = forms.DateField(label="CNAS有效期至", required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        from zhijian.core.reference import county_units

        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = county_units().order_by("sort_order")

"""The register list's shortcuts render what the template engine rendered before."""

import pytest
from django.template import engines

from zhijian.registry.industries import industry_options, industry_tree
from zhijian.registry.models import Entity, EntityStatus, EntityType

# core/_industry_filter.html's loop as it was: the options must stay exactly these.
TEMPLATE_LOOP = """{% for section in industry_tree %}<optgroup label="{{ section.code }} {{ section.name }}">
    <option value="{{ section.code }}"{% if industry == section.code %} selected{% endif %}>{{ section.code }} {{ section.name }}（全部）</option>
    {% for code, name in section.divisions %}<option value="{{ section.code }}{{ code }}"{% if industry == section.code|add:code %} selected{% endif %}>{{ section.code }}{{ code }} {{ name }}</option>{% endfor %}
  </optgroup>{% endfor %}"""


@pytest.mark.parametrize("selected", ["", "C", "C34", "A01", "T", "<b>", "Z99"])
def test_industry_options_are_the_templates(selected):
    loop = engines["django"].from_string(TEMPLATE_LOOP)
    assert industry_options(selected) == loop.render({"industry_tree": industry_tree(), "industry": selected})
    assert industry_options(selected).count(" selected") == (selected in {"C", "C34", "A01", "T"})


def test_display_labels_are_djangos():
    for entity_type in EntityType:
        for status in EntityStatus:
            e = Entity(entity_type=entity_type.value, status=status.value)
            assert e.get_entity_type_display() == str(entity_type.label)
            assert e.get_status_display() == str(status.label)
    assert Entity(entity_type="gone", status="odd").get_entity_type_display() == "gone"
    assert Entity(entity_type="gone", status="odd").get_status_display() == "odd"

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from mosaic.privacy.registry import categories, exemptions

# Fields of these kinds can hold something a person typed, uploaded or is identified by.
PERSONAL_KINDS = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.FileField,
    models.BinaryField,
    models.GenericIPAddressField,
)
# Framework tables that describe code, not people.
FRAMEWORK_MODELS = {"auth.Permission", "auth.Group", "contenttypes.ContentType"}


def could_hold_personal_data(field: object) -> bool:
    if not isinstance(field, models.Field) or field.primary_key or field.choices:
        return False
    if field.is_relation:
        return field.related_model == apps.get_model(settings.AUTH_USER_MODEL)
    return isinstance(field, PERSONAL_KINDS)


def test_p01_every_field_that_can_hold_personal_data_belongs_to_a_category():
    claimed = {
        (holding.model.lower(), name)
        for category in categories()
        for holding in category.holdings
        for name in holding.fields
    }
    for exemption in exemptions():
        model = apps.get_model(exemption.model)
        names = exemption.fields or tuple(f.name for f in model._meta.get_fields())
        claimed |= {(exemption.model.lower(), name) for name in names}

    unclaimed = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.label not in FRAMEWORK_MODELS
        for field in model._meta.get_fields()
        if could_hold_personal_data(field)
        if (model._meta.label_lower, field.name) not in claimed
    ]

    assert unclaimed == [], "declare these in a category's holdings or as exempt, with a reason"


def test_every_category_and_exemption_names_real_fields():
    for category in categories():
        for holding in category.holdings:
            model = holding.model_class()
            for name in holding.fields:
                model._meta.get_field(name)  # raises FieldDoesNotExist on a typo
    for exemption in exemptions():
        assert exemption.reason


def test_every_category_explains_itself_with_the_live_retention_period(settings):
    settings.PRIVACY_QUARANTINE_DAYS = 123
    for category in categories():
        assert category.title
        assert category.description
        assert category.purpose
        assert category.legal_basis
        assert str(category.retention())
    assert "123 days" in str(next(c for c in categories() if c.key == "account").retention())


@pytest.mark.django_db
def test_p20_every_category_exports_json_and_erases_one_user_only(owner, other_owner):
    owner.user.display_name = "Olivia O."
    owner.user.save(update_fields=["display_name"])
    owner.client.get("/panel/")

    exported = {category.key: category.export(owner.user) for category in categories()}

    json.dumps(exported)
    assert exported["account"]["email"] == "olivia@example.com"
    assert exported["profile"]["display_name"] == "Olivia O."
    for category in categories():
        category.erase(owner.user)
    assert not type(owner.user).objects.filter(pk=owner.user.pk).exists()
    assert type(other_owner.user).objects.filter(pk=other_owner.user.pk).exists()

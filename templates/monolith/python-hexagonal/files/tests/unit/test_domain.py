import pytest

from app.domain.items import DomainError, Item


def test_change_updates_fields_and_the_timestamp() -> None:
    item = Item(name="Lamp")
    before = item.updated_at
    item.change(description="Bright")
    assert item.description == "Bright"
    assert item.name == "Lamp"
    assert item.updated_at >= before


@pytest.mark.parametrize(
    ("fields", "message"), [({"id": "7"}, "Cannot change id"), ({"name": ""}, "needs a name")]
)
def test_change_refuses_what_the_rules_forbid(fields: dict[str, str], message: str) -> None:
    with pytest.raises(DomainError, match=message):
        Item(name="Lamp").change(**fields)

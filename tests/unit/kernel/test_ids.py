import pytest

from till.kernel.ids import is_id_of, new_id


def test_new_id_has_the_prefix_and_26_characters():
    value = new_id("usr")
    assert value.startswith("usr_") and len(value) == 30
    assert is_id_of("usr", value)


def test_ids_sort_by_creation_time():
    earlier = new_id("pay", now_ms=1_000)
    later = new_id("pay", now_ms=2_000)
    assert earlier < later


def test_ids_are_unique():
    assert len({new_id("evt") for _ in range(1000)}) == 1000


@pytest.mark.parametrize(
    "value", ["pay_01J", "usr", "pay_" + "U" * 26, "PAY_" + "0" * 26, "usr" + "0" * 27]
)
def test_malformed_or_wrong_kind_ids_are_refused(value):
    assert not is_id_of("pay", value)

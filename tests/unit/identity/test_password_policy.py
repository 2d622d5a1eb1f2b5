import pytest

from till.identity.core.errors import WeakPassword
from till.identity.core.passwords import check_password_policy

COMMON = frozenset({"password1234", "letmeinletmein"})


def test_password_of_twelve_characters_is_accepted():
    check_password_policy("abcdefghijk1", COMMON)


@pytest.mark.parametrize("length", [0, 1, 8, 11])
def test_password_shorter_than_twelve_characters_is_rejected(length):
    with pytest.raises(WeakPassword) as error:
        check_password_policy("x" * length, COMMON)
    assert error.value.param == "password"
    assert "12" in error.value.message


@pytest.mark.parametrize("password", ["password1234", "PASSWORD1234", "LetMeInLetMeIn"])
def test_common_password_is_rejected_whatever_its_case(password):
    with pytest.raises(WeakPassword, match="common"):
        check_password_policy(password, COMMON)


def test_password_over_1024_characters_is_rejected():
    with pytest.raises(WeakPassword, match="1024"):
        check_password_policy("x" * 1025, COMMON)

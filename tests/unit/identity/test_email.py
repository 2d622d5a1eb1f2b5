import pytest

from till.identity.core.email import Email
from till.identity.core.errors import InvalidEmail


def test_email_is_trimmed_and_lower_cased():
    assert Email("  Ada@Example.COM ").value == "ada@example.com"


def test_emails_differing_only_in_case_are_equal():
    assert Email("ADA@example.com") == Email("ada@EXAMPLE.com")


@pytest.mark.parametrize(
    "raw",
    [
        "invalid-email",
        "@example.com",
        "ada@",
        "ada@localhost",
        "ada@.example.com",
        "ada@example.com.",
        "ada@exa..mple.com",
        "ada lovelace@example.com",
        "ada@exa mple.com",
        "<ada>@example.com",
        "a" * 250 + "@example.com",
        "",
    ],
)
def test_malformed_email_is_rejected(raw):
    with pytest.raises(InvalidEmail) as error:
        Email(raw)
    assert error.value.param == "email"


def test_email_cannot_be_changed_after_creation():
    email = Email("ada@example.com")
    with pytest.raises(AttributeError):
        email.value = "eve@example.com"  # type: ignore[misc]

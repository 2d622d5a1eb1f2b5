import base64

import pytest

from till.platform.data_keys import DataKeyError, DataKeyring, new_key_setting

SECRET = "JBSWY3DPEHPK3PXP"  # pragma: allowlist secret


def _ring(setting: str | None = None) -> DataKeyring:
    return DataKeyring.from_setting(setting or new_key_setting("k1"))


def test_a_value_round_trips_and_is_not_stored_in_clear():
    ring = _ring()
    sealed = ring.encrypt(SECRET, "totp:usr_1")
    assert sealed.startswith("enc:v1:k1:") and SECRET not in sealed
    assert ring.decrypt(sealed, "totp:usr_1") == SECRET


def test_the_same_value_encrypts_differently_each_time():
    ring = _ring()
    assert ring.encrypt(SECRET, "c") != ring.encrypt(SECRET, "c")


def test_a_ciphertext_moved_to_another_row_does_not_decrypt():
    ring = _ring()
    sealed = ring.encrypt(SECRET, "totp:usr_1")
    with pytest.raises(DataKeyError):
        ring.decrypt(sealed, "totp:usr_2")


def test_a_tampered_ciphertext_does_not_decrypt():
    ring = _ring()
    prefix, _, body = ring.encrypt(SECRET, "c").rpartition(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(DataKeyError):
        ring.decrypt(f"{prefix}:{base64.b64encode(bytes(raw)).decode()}", "c")


def test_a_new_key_in_front_still_reads_what_the_old_key_wrote():
    old = new_key_setting("k1")
    sealed = _ring(old).encrypt(SECRET, "c")
    rotated = _ring(f"{new_key_setting('k2')},{old}")
    assert rotated.decrypt(sealed, "c") == SECRET
    assert rotated.encrypt(SECRET, "c").startswith("enc:v1:k2:")


def test_a_value_under_an_unknown_key_is_an_error():
    sealed = _ring(new_key_setting("gone")).encrypt(SECRET, "c")
    with pytest.raises(DataKeyError, match="unknown data key"):
        _ring().decrypt(sealed, "c")


def test_values_written_before_encryption_are_read_as_they_are():
    assert _ring().decrypt("LEGACYPLAIN", "c") == "LEGACYPLAIN"


@pytest.mark.parametrize("setting", ["", "k1", "k1:", ":abc", "k1:" + "QUJD"])
def test_malformed_settings_are_refused(setting):
    with pytest.raises(ValueError):
        DataKeyring.from_setting(setting)

import base64

import pytest

from till.platform.data_keys import (
    DataKeyError,
    DataKeyring,
    key_file_setting,
    new_key_setting,
)

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


def test_a_plain_value_is_refused_so_none_can_be_planted():
    with pytest.raises(DataKeyError, match="not encrypted"):
        _ring().decrypt("PEM" + " private key", "c")


@pytest.mark.parametrize("body", ["", "QUJD", "not*base64", "QUJDREVGR0hJSktMTU5PUA=="])
def test_a_mangled_value_is_a_data_key_error(body):
    with pytest.raises(DataKeyError):
        _ring(new_key_setting("k1")).decrypt(f"enc:v1:k1:{body}", "c")


def test_generated_key_ids_differ():
    assert new_key_setting().split(":")[0] != new_key_setting().split(":")[0]


def test_the_key_file_is_made_once_and_then_reused(tmp_path):
    first = key_file_setting(tmp_path)
    assert key_file_setting(tmp_path) == first
    assert (tmp_path / "data-keys").stat().st_mode & 0o777 == 0o600
    assert DataKeyring.from_setting(first).encrypt("x", "c").startswith("enc:v1:")


def test_an_empty_key_file_is_named_in_the_error(tmp_path):
    (tmp_path / "data-keys").write_text("")
    with pytest.raises(ValueError, match="data-keys"):
        key_file_setting(tmp_path)


@pytest.mark.parametrize(
    "setting",
    ["", "k1", "k1:", ":abc", "k1:" + "QUJD", "k1:no*t", "k1:{k},k1:{k}"],
)
def test_malformed_settings_are_refused(setting):
    key = new_key_setting("x").split(":")[1]
    with pytest.raises(ValueError):
        DataKeyring.from_setting(setting.format(k=key))


def test_reseal_moves_a_value_to_the_current_key():
    old = new_key_setting("old")
    value = DataKeyring.from_setting(old).encrypt("JBSWY3DP", "totp:u1")
    rotated = DataKeyring.from_setting(f"{new_key_setting('new')},{old}")
    assert not rotated.is_current(value)
    moved = rotated.reseal(value, "totp:u1")
    assert rotated.is_current(moved) and moved.startswith("enc:v1:new:")
    assert rotated.decrypt(moved, "totp:u1") == "JBSWY3DP"

"""`till migrate`, `till user create` (password on stdin), `till doctor`,
`till keys rotate-signing` against the test database."""

import subprocess

from tests.e2e.conftest import TILL

PASSWORD = "correct horse battery staple"  # pragma: allowlist secret


def _till(args, env, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TILL, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60
    )


def test_user_create_reads_the_password_from_stdin(database_url, till_env):
    till_env["DATABASE_URL"] = database_url
    assert _till(["migrate"], till_env).returncode == 0
    created = _till(
        ["user", "create", "--email", "cli-admin@example.com", "--admin"],
        till_env,
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().startswith("usr_")
    assert PASSWORD not in created.stdout + created.stderr


def test_user_create_with_a_weak_password_fails_and_says_why(database_url, till_env):
    till_env["DATABASE_URL"] = database_url
    result = _till(
        ["user", "create", "--email", "weak@example.com"], till_env, stdin="short\n"
    )
    assert result.returncode != 0
    assert "12 characters" in result.stdout + result.stderr


def test_doctor_reports_each_dependency(database_url, till_env):
    till_env |= {"DATABASE_URL": database_url, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    result = _till(["doctor"], till_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "postgres: ok" in result.stdout and "redis: ok" in result.stdout
    assert "rabbitmq: not configured" in result.stdout


def test_doctor_fails_naming_the_unreachable_dependency(database_url, till_env):
    till_env |= {"DATABASE_URL": database_url, "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = _till(["doctor"], till_env)
    assert result.returncode == 1
    assert "redis: FAILED" in result.stdout


def test_keys_rotate_signing_prints_the_new_key_id(database_url, till_env):
    till_env["DATABASE_URL"] = database_url
    result = _till(["keys", "rotate-signing"], till_env)
    assert result.returncode == 0 and result.stdout.strip().startswith("kid_")


def test_serve_refuses_several_workers_without_redis(database_url, till_env):
    till_env["DATABASE_URL"] = database_url
    result = _till(["serve", "--workers", "2", "--port", "1"], till_env)
    assert result.returncode == 2
    assert "REDIS_URL" in result.stderr


def test_keys_retire_signing_keeps_the_newest(database_url, till_env):
    till_env["DATABASE_URL"] = database_url
    assert _till(["keys", "rotate-signing"], till_env).returncode == 0
    result = _till(["keys", "retire-signing", "--keep", "1"], till_env)
    assert result.returncode == 0 and result.stdout.startswith("retired ")


def test_a_command_on_an_external_database_needs_the_data_keys(database_url, till_env):
    till_env["DATABASE_URL"] = database_url
    till_env.pop("TILL_DATA_KEYS", None)
    result = _till(["keys", "rotate-signing"], till_env)
    assert result.returncode != 0
    assert "TILL_DATA_KEYS is required" in result.stdout + result.stderr


def test_audit_verify_reports_an_untouched_trail(database_url, till_env):
    till_env["DATABASE_URL"] = database_url
    result = _till(["audit", "verify"], till_env)
    assert result.returncode == 0 and "audit: ok" in result.stdout


def test_projections_rebuild_reports_a_count(database_url, till_env):
    till_env["DATABASE_URL"] = database_url
    result = _till(["projections", "rebuild"], till_env)
    assert result.returncode == 0 and result.stdout.startswith("rebuilt ")


def test_keys_rotate_names_every_sealed_column(database_url, till_env):
    till_env["DATABASE_URL"] = database_url  # the run's keys: nothing to move
    result = _till(["keys", "rotate"], till_env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "payment_methods.sealed_number: 0 re-encrypted" in lines
    assert "users.totp_secret: 0 re-encrypted" in lines
    assert any(line.startswith("signing_keys.private_key_pem: ") for line in lines)

# The two commands of the README: `make serve` and `make test`. Each builds the
# project environment (.venv, from uv.lock) first if it is missing or stale.
UV_VERSION := 0.13.9
UV := .tools/bin/uv
PY := .venv/bin/python

.PHONY: serve test gates env clean

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.venv/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	touch $@

env: .venv/.synced

serve: env  ## run the service on 127.0.0.1:8000 (bundled PostgreSQL if no DATABASE_URL)
	.venv/bin/till serve --host 127.0.0.1 --port 8000

test: env  ## every test (unit, integration, e2e) against the local services, with coverage
	TILL_PYRAMID_GATE=1 .venv/bin/pytest -q --cov --cov-report=term --cov-fail-under=85 tests

gates: env  ## the quality gates of .ci/run besides the tests
	.venv/bin/ruff check src tests bench migrations
	.venv/bin/ruff format --check src tests bench migrations
	.venv/bin/mypy
	.venv/bin/lint-imports
	.venv/bin/bandit -q -r src -ll
	.venv/bin/detect-secrets-hook --baseline .secrets.baseline $$(git ls-files)

clean:
	rm -rf .venv .tools .till

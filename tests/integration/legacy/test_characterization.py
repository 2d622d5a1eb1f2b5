"""The legacy app's behaviour, pinned by golden files (goldens/*.json).

`LEGACY_GOLDEN_RECORD=1 pytest tests/integration/legacy` rewrites them from
the live app (then review the diff: it is the legacy contract)."""

import os

from tests.integration.legacy import scenarios
from tests.integration.legacy.characterization import (
    differences,
    golden_names,
    golden_path,
    load_golden,
    save_golden,
)
from tests.integration.legacy.server import LegacyServer

RECORD = os.environ.get("LEGACY_GOLDEN_RECORD") == "1"


def test_the_live_app_answers_as_every_golden_says(legacy_app: LegacyServer) -> None:
    problems: list[str] = []
    with legacy_app.client() as http:
        for name in scenarios.SCENARIOS:
            live = scenarios.run(name, http, legacy_app.token, legacy_app.base_url)
            if RECORD:
                save_golden(live)
                continue
            if not golden_path(name).exists():
                problems.append(
                    f"{name}: no golden (record with LEGACY_GOLDEN_RECORD=1)"
                )
                continue
            problems += [
                f"{name}: {line}" for line in differences(load_golden(name), live)
            ]
    assert golden_names() == set(scenarios.SCENARIOS), "a golden without a scenario"
    assert not problems, "\n".join(problems)

"""Static checks on deploy/Dockerfile.

Docker is not available where the tests run, so the Dockerfile is parsed as
text and checked for the properties the deployment relies on. Every check takes
the Dockerfile *text*, so the same checks are also run against deliberately
broken Dockerfiles to show that each one actually rejects what it guards
against.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DOCKERFILE = Path(__file__).resolve().parents[3] / "deploy" / "Dockerfile"

ROOT_USERS = frozenset({"root", "0"})


class DockerfileCheckError(AssertionError):
    """A Dockerfile lacks a property the deployment relies on."""


# --------------------------------------------------------------------------
# Minimal Dockerfile parser: enough of the syntax for the checks below
# (comments, line continuations, leading --flags, exec/shell forms, stages).
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    flags: dict[str, str]
    body: str
    line: int

    def exec_form(self) -> list[str] | None:
        """The JSON (exec) form of the body, or None if it is shell form."""
        if not self.body.startswith("["):
            return None
        try:
            value = json.loads(self.body)
        except json.JSONDecodeError:
            return None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        return None


@dataclass
class Stage:
    index: int
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None


_FLAG = re.compile(r"--([A-Za-z][\w-]*)(?:=(\S*))?\s*")


def _split_flags(rest: str) -> tuple[dict[str, str], str]:
    flags: dict[str, str] = {}
    while match := _FLAG.match(rest):
        flags[match.group(1).lower()] = match.group(2) or ""
        rest = rest[match.end() :]
    return flags, rest.strip()


def parse_instructions(text: str) -> list[Instruction]:
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        # Comment lines (including parser directives) are dropped, also inside
        # a continued instruction, as Docker does.
        if not stripped or stripped.startswith("#"):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        logical = " ".join(part for part in pending if part)
        pending = []
        keyword, _, rest = logical.partition(" ")
        flags, body = _split_flags(rest.strip())
        instructions.append(Instruction(keyword.upper(), flags, body, start))
    if pending:
        raise DockerfileCheckError("Dockerfile ends inside a line continuation")
    return instructions


def parse_stages(text: str) -> list[Stage]:
    stages: list[Stage] = []
    for instruction in parse_instructions(text):
        if instruction.keyword == "FROM":
            words = instruction.body.split()
            name = None
            if len(words) >= 3 and words[1].lower() == "as":
                name = words[2]
            stages.append(Stage(len(stages), words[0] if words else "", name))
        elif stages:
            stages[-1].instructions.append(instruction)
        elif instruction.keyword != "ARG":  # only ARG may precede the first FROM
            raise DockerfileCheckError(
                f"line {instruction.line}: {instruction.keyword} before any FROM"
            )
    if not stages:
        raise DockerfileCheckError("Dockerfile has no FROM instruction")
    return stages


def final_stage(text: str) -> Stage:
    return parse_stages(text)[-1]


def stage_env(stage: Stage) -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in stage.all("ENV"):
        words = shlex.split(instruction.body)
        if words and "=" not in words[0]:  # legacy `ENV KEY value`
            env[words[0]] = " ".join(words[1:])
            continue
        for word in words:
            key, _, value = word.partition("=")
            env[key] = value
    return env


def _copy_paths(instruction: Instruction) -> tuple[list[str], str]:
    words = instruction.exec_form() or shlex.split(instruction.body)
    if len(words) < 2:
        raise DockerfileCheckError(
            f"line {instruction.line}: COPY needs a source and a destination"
        )
    return words[:-1], words[-1]


def _norm(path: str) -> str:
    return posixpath.normpath(path)


def _is_earlier_stage(reference: str, stages: list[Stage], before: int) -> bool:
    for stage in stages[:before]:
        if reference == str(stage.index):
            return True
        if stage.name is not None and reference.lower() == stage.name.lower():
            return True
    return False


# --------------------------------------------------------------------------
# Checks. Each raises DockerfileCheckError when the property is missing.
# --------------------------------------------------------------------------


def check_multi_stage(text: str) -> None:
    stages = parse_stages(text)
    if len(stages) < 2:
        raise DockerfileCheckError(
            f"expected a multi-stage build, found {len(stages)} FROM stage(s)"
        )


def check_final_stage_user_is_not_root(text: str) -> str:
    user = final_stage(text).last("USER")
    if user is None:
        raise DockerfileCheckError("final stage sets no USER, so it runs as root")
    name = user.body.split(":", 1)[0].strip()
    if not name or "$" in name:
        raise DockerfileCheckError(f"line {user.line}: cannot verify USER {name!r}")
    if name.lower() in ROOT_USERS:
        raise DockerfileCheckError(f"line {user.line}: final stage runs as root")
    return name


def check_final_stage_has_healthcheck(text: str) -> Instruction:
    healthcheck = final_stage(text).last("HEALTHCHECK")
    if healthcheck is None:
        raise DockerfileCheckError("final stage has no HEALTHCHECK")
    if healthcheck.body.split()[:1] != ["CMD"]:
        raise DockerfileCheckError(
            f"line {healthcheck.line}: HEALTHCHECK is not a CMD ({healthcheck.body})"
        )
    return healthcheck


def check_entrypoint_is_till(text: str) -> None:
    entrypoint = final_stage(text).last("ENTRYPOINT")
    if entrypoint is None:
        raise DockerfileCheckError("final stage has no ENTRYPOINT")
    exec_form = entrypoint.exec_form()
    if exec_form is None:
        raise DockerfileCheckError(
            f"line {entrypoint.line}: ENTRYPOINT must use exec (JSON) form"
        )
    if exec_form != ["till"]:
        raise DockerfileCheckError(
            f"line {entrypoint.line}: ENTRYPOINT is {exec_form}, expected ['till']"
        )


def check_venv_copied_from_build_stage(text: str) -> tuple[str, str]:
    """Return (source, destination) of the venv COPY into the final stage."""
    stages = parse_stages(text)
    final = stages[-1]
    for copy in final.all("COPY"):
        source_stage = copy.flags.get("from")
        if source_stage is None:
            continue
        sources, destination = _copy_paths(copy)
        venvs = [s for s in sources if "venv" in posixpath.basename(_norm(s))]
        if venvs and _is_earlier_stage(source_stage, stages, final.index):
            return _norm(venvs[0]), _norm(destination)
    raise DockerfileCheckError(
        "final stage does not COPY --from=<earlier build stage> a virtualenv"
    )


def check_venv_path_unchanged(text: str) -> str:
    source, destination = check_venv_copied_from_build_stage(text)
    if source != destination:
        raise DockerfileCheckError(
            f"venv built at {source} but copied to {destination}; console-script "
            "shebangs hold the absolute build path"
        )
    return destination


def check_venv_bin_first_on_path(text: str) -> None:
    _, destination = check_venv_copied_from_build_stage(text)
    path = stage_env(final_stage(text)).get("PATH", "")
    first = path.split(":", 1)[0]
    if _norm(first) != posixpath.join(destination, "bin"):
        raise DockerfileCheckError(
            f"PATH={path!r} does not start with {destination}/bin"
        )


# --------------------------------------------------------------------------
# The real Dockerfile.
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


def test_build_is_multi_stage(dockerfile: str) -> None:
    check_multi_stage(dockerfile)


def test_runtime_stage_runs_as_non_root_user(dockerfile: str) -> None:
    check_final_stage_user_is_not_root(dockerfile)


def test_runtime_stage_has_healthcheck_probing_healthz(dockerfile: str) -> None:
    healthcheck = check_final_stage_has_healthcheck(dockerfile)
    assert "127.0.0.1:8000/healthz" in healthcheck.body
    # python:3.11-slim ships neither curl nor wget.
    assert not re.search(r"\b(curl|wget)\b", healthcheck.body)


def test_entrypoint_is_till_in_exec_form(dockerfile: str) -> None:
    check_entrypoint_is_till(dockerfile)


def test_default_command_serves_on_all_interfaces_port_8000(dockerfile: str) -> None:
    cmd = final_stage(dockerfile).last("CMD")
    assert cmd is not None
    assert cmd.exec_form() == ["serve", "--host", "0.0.0.0", "--port", "8000"]  # noqa: S104


def test_runtime_stage_copies_venv_from_builder_stage(dockerfile: str) -> None:
    check_venv_copied_from_build_stage(dockerfile)


def test_venv_keeps_its_build_path_in_runtime_stage(dockerfile: str) -> None:
    check_venv_path_unchanged(dockerfile)


def test_runtime_path_puts_venv_bin_first(dockerfile: str) -> None:
    check_venv_bin_first_on_path(dockerfile)


def test_builder_installs_locked_runtime_dependencies_only(dockerfile: str) -> None:
    builder_runs = [
        run.body for stage in parse_stages(dockerfile)[:-1] for run in stage.all("RUN")
    ]
    syncs = [run for run in builder_runs if "uv sync" in run]
    assert syncs, "no `uv sync` in a build stage"
    final_sync = syncs[-1].split()
    for flag in ("--frozen", "--no-dev", "--no-editable"):
        assert flag in final_sync, f"final uv sync lacks {flag}"
    assert "--no-install-project" not in final_sync


# --------------------------------------------------------------------------
# The checks reject Dockerfiles that lack the property.
# --------------------------------------------------------------------------

GOOD = """\
# syntax=docker/dockerfile:1
FROM python:3.11-slim AS builder
ENV UV_PROJECT_ENVIRONMENT=/app/.venv
RUN pip install uv \\
    && uv sync --frozen --no-dev --no-editable
FROM python:3.11-slim
ENV PATH="/app/.venv/bin:${PATH}"
COPY --from=builder /app/.venv /app/.venv
USER 10001:10001
HEALTHCHECK --interval=30s CMD ["python", "-c", "print(1)"]
ENTRYPOINT ["till"]
"""


SINGLE_STAGE = """\
FROM python:3.11-slim
RUN pip install uv && uv sync --frozen --no-dev --no-editable
USER 10001:10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
ENTRYPOINT ["till"]
"""

# The lines of GOOD that the bad cases below replace or drop.
GOOD_LINES = {
    "builder": "FROM python:3.11-slim AS builder\n",
    "user": "USER 10001:10001\n",
    "healthcheck": 'HEALTHCHECK --interval=30s CMD ["python", "-c", "print(1)"]\n',
    "entrypoint": 'ENTRYPOINT ["till"]\n',
    "copy": "COPY --from=builder /app/.venv /app/.venv\n",
    "path": 'ENV PATH="/app/.venv/bin:${PATH}"\n',
}


def _with(**replacements: str) -> str:
    """GOOD with the named lines replaced (an empty string drops the line)."""
    text = GOOD
    for key, new in replacements.items():
        line = GOOD_LINES[key]
        assert line in text, key
        text = text.replace(line, new)
    return text


Check = Callable[[str], object]

ALL_CHECKS: list[Check] = [
    check_multi_stage,
    check_final_stage_user_is_not_root,
    check_final_stage_has_healthcheck,
    check_entrypoint_is_till,
    check_venv_copied_from_build_stage,
    check_venv_path_unchanged,
    check_venv_bin_first_on_path,
]


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
def test_checks_accept_a_minimal_good_dockerfile(check: Check) -> None:
    check(GOOD)


@pytest.mark.parametrize(
    ("check", "bad", "reason"),
    [
        pytest.param(
            check_multi_stage,
            SINGLE_STAGE,
            "multi-stage",
            id="single-stage",
        ),
        pytest.param(
            check_final_stage_user_is_not_root,
            _with(user=""),
            "no USER",
            id="no-user",
        ),
        pytest.param(
            check_final_stage_user_is_not_root,
            _with(builder="FROM python:3.11-slim AS builder\nUSER till\n", user=""),
            "no USER",
            id="user-only-in-builder",
        ),
        pytest.param(
            check_final_stage_user_is_not_root,
            _with(user="USER root\n"),
            "root",
            id="user-root",
        ),
        pytest.param(
            check_final_stage_user_is_not_root,
            _with(user="USER 0:0\n"),
            "root",
            id="user-uid-0",
        ),
        pytest.param(
            check_final_stage_user_is_not_root,
            _with(user="USER till\nUSER root\n"),
            "root",
            id="user-switched-back-to-root",
        ),
        pytest.param(
            check_final_stage_has_healthcheck,
            _with(healthcheck=""),
            "no HEALTHCHECK",
            id="no-healthcheck",
        ),
        pytest.param(
            check_final_stage_has_healthcheck,
            _with(healthcheck="HEALTHCHECK NONE\n"),
            "not a CMD",
            id="healthcheck-none",
        ),
        pytest.param(
            check_entrypoint_is_till,
            _with(entrypoint=""),
            "no ENTRYPOINT",
            id="no-entrypoint",
        ),
        pytest.param(
            check_entrypoint_is_till,
            _with(entrypoint="ENTRYPOINT till\n"),
            "exec",
            id="entrypoint-shell-form",
        ),
        pytest.param(
            check_entrypoint_is_till,
            _with(entrypoint='ENTRYPOINT ["till", "serve"]\n'),
            "expected",
            id="entrypoint-with-args",
        ),
        pytest.param(
            check_entrypoint_is_till,
            _with(entrypoint='ENTRYPOINT ["python", "-m", "till"]\n'),
            "expected",
            id="entrypoint-not-till",
        ),
        pytest.param(
            check_venv_copied_from_build_stage,
            _with(copy=""),
            "COPY --from",
            id="no-venv-copy",
        ),
        pytest.param(
            check_venv_copied_from_build_stage,
            _with(copy="COPY .venv /app/.venv\n"),
            "COPY --from",
            id="venv-copied-from-build-context",
        ),
        pytest.param(
            check_venv_copied_from_build_stage,
            _with(copy="COPY --from=python:3.11-slim /app/.venv /app/.venv\n"),
            "COPY --from",
            id="venv-copied-from-external-image",
        ),
        pytest.param(
            check_venv_copied_from_build_stage,
            _with(copy="COPY --from=builder /app/src /app/src\n"),
            "COPY --from",
            id="copies-source-not-venv",
        ),
        pytest.param(
            check_venv_path_unchanged,
            _with(copy="COPY --from=builder /app/.venv /opt/venv\n"),
            "shebang",
            id="venv-moved",
        ),
        pytest.param(
            check_venv_bin_first_on_path,
            _with(path=""),
            "does not start with",
            id="venv-not-on-path",
        ),
    ],
)
def test_checks_reject_dockerfile_missing_the_property(
    check: Check, bad: str, reason: str
) -> None:
    with pytest.raises(DockerfileCheckError, match=reason):
        check(bad)


def test_copy_from_stage_index_counts_as_build_stage() -> None:
    text = _with(copy="COPY --from=0 /app/.venv /app/.venv\n")
    assert check_venv_copied_from_build_stage(text) == ("/app/.venv", "/app/.venv")


def test_parser_joins_continued_lines_and_skips_comments() -> None:
    text = "FROM a AS b\nRUN one \\\n    # a comment\n    two\n"
    (stage,) = parse_stages(text)
    assert stage.name == "b"
    assert [i.body for i in stage.instructions] == ["one two"]

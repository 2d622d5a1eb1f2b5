"""Every `till …` command and option the docs and runbooks name exists in the
CLI: a runbook step must never send an operator to a command that is not
there."""

import re
from typing import Any

import pytest
import typer.main

from tests.unit.docs.doc_blocks import DOCS
from till.cli import app

PAGES = sorted(
    p
    for p in DOCS.rglob("*.md")
    if "benchmarks" not in p.name and "next-steps" not in p.name
)
ROOT = typer.main.get_command(app)  # built once: the command tree to check against
# `till keys rotate`, `till dlq list webhooks`, `till keys retire-signing --keep 1`
_COMMAND = re.compile(
    r"\btill ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)((?: --?[a-z][a-z-]*)*)"
)


def _uses(text: str) -> set[tuple[str, tuple[str, ...]]]:
    found = set()
    for line in text.splitlines():
        for snippet in re.findall(r"`([^`]*\btill [^`]*)`", line) + (
            [line] if line.startswith(("till ", "  till ")) else []
        ):
            for words, options in _COMMAND.findall(snippet):
                found.add((words, tuple(re.findall(r"--?[a-z][a-z-]*", options))))
    return found


def _is_group(command: Any) -> bool:
    return hasattr(command, "commands")  # typer's own click: no isinstance


def _resolve(root: Any, words: str) -> Any:
    command = root
    for word in words.split():
        if not _is_group(command):
            return command  # the rest is an argument (`till dlq list webhooks`)
        found = command.commands.get(word)
        if found is None:
            return None
        command = found
    return command


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_till_command_in_the_docs_exists(page):
    root = ROOT
    text = page.read_text(encoding="utf-8")
    for words, options in _uses(text):
        if words.split()[0] not in root.commands:
            continue  # prose ("till does not …"), not a command
        command = _resolve(root, words)
        assert command is not None, f"{page.name}: `till {words}` is not a command"
        if _is_group(command):  # a family named in prose (`till dlq`)
            assert not options, f"{page.name}: `till {words}` takes no options"
            continue
        known = {o for p in command.params for o in p.opts}
        assert set(options) <= known, f"{page.name}: `till {words}` has no {options}"

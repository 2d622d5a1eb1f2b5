"""Read the fenced blocks and tables of the docs/ pages that tests hold
against the code."""

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs"


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def fenced_block(text: str, info: str) -> str:
    """The one fenced block whose info string is exactly `info`."""
    found = re.findall(rf"^```{re.escape(info)}\n(.*?)^```$", text, re.M | re.S)
    assert len(found) == 1, f"expected one ```{info} block, found {len(found)}"
    return str(found[0])


def table_rows(text: str, heading: str) -> list[list[str]]:
    """The cells of the table under `## heading` (header and rule excluded)."""
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]

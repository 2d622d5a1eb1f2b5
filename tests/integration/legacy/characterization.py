"""Golden files of the legacy app's behaviour, and how a live answer is made
comparable with them.

A golden is one scenario: the requests made, in order, and the status and
body each got. Ids, increment ids, timestamps and the server's address change
from run to run, so they are replaced by stable placeholders ("<order 1>",
"<local datetime>", "<base>") before saving or comparing — but only when they
have the legacy format, so a format change still shows up as a difference.
The new orders service's characterization tests read the same files
(`load_golden`) and assert each step's business outcome on their side.

Pure: no I/O besides reading and writing the golden files.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GOLDEN_DIR = Path(__file__).parent / "goldens"
LOCAL_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
INCREMENT_ID = re.compile(r"^1\d{8}$")
NOT_FOUND = re.compile(r"^(No query results for model \[App\\Models\\Order\]) (\d+)$")
ORDER_PATH = re.compile(r"^(/api/orders/)(\d+)")
TIMESTAMP_KEYS = frozenset({"created_at", "updated_at", "deleted_at"})


@dataclass
class Normaliser:
    """Replaces one scenario's volatile values; the same id always gets the
    same placeholder within the scenario, numbered in order of appearance."""

    base_url: str
    orders: dict[int, str] = field(default_factory=dict)
    items: dict[int, str] = field(default_factory=dict)

    def order(self, order_id: int) -> str:
        return self.orders.setdefault(order_id, f"<order {len(self.orders) + 1}>")

    def item(self, item_id: int) -> str:
        return self.items.setdefault(item_id, f"<item {len(self.items) + 1}>")

    def path(self, path: str) -> str:
        """`/api/orders/17/cancel` → `/api/orders/<order 2>/cancel` (known ids only)."""
        match = ORDER_PATH.match(path)
        if match is None or int(match[2]) not in self.orders:
            return path
        return match[1] + self.orders[int(match[2])] + path[match.end() :]

    def body(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.body(entry) for entry in value]
        if isinstance(value, dict):
            return self._object(value)
        if isinstance(value, str):
            return self._text(value)
        return value

    def _object(self, value: dict[str, Any]) -> dict[str, Any]:
        out = dict(value)
        if "increment_id" in out and isinstance(out.get("id"), int):
            out["id"] = self.order(out["id"])
            if isinstance(out["increment_id"], str) and INCREMENT_ID.match(
                out["increment_id"]
            ):
                out["increment_id"] = "<increment_id>"
        elif "order_id" in out and "sku" in out:
            if isinstance(out.get("id"), int):
                out["id"] = self.item(out["id"])
            if isinstance(out["order_id"], int):
                out["order_id"] = self.order(out["order_id"])
        for key, entry in out.items():
            if key in TIMESTAMP_KEYS and isinstance(entry, str):
                out[key] = "<local datetime>" if LOCAL_DATETIME.match(entry) else entry
            elif key not in ("id", "order_id"):
                out[key] = self.body(entry)
        return out

    def _text(self, value: str) -> str:
        if value.startswith(self.base_url):
            return "<base>" + value[len(self.base_url) :]
        found = NOT_FOUND.match(value)
        if found and int(found[2]) in self.orders:
            return f"{found[1]} {self.orders[int(found[2])]}"
        return value


def differences(expected: Any, actual: Any, where: str = "$") -> list[str]:
    """Every place where two JSON values differ, as readable lines."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(expected.keys() | actual.keys()):
            if key not in actual:
                found.append(f"{where}.{key}: missing (expected {expected[key]!r})")
            elif key not in expected:
                found.append(f"{where}.{key}: unexpected {actual[key]!r}")
            else:
                found += differences(expected[key], actual[key], f"{where}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(actual)} entries, expected {len(expected)}"]
        return [
            line
            for n, (left, right) in enumerate(zip(expected, actual, strict=True))
            for line in differences(left, right, f"{where}[{n}]")
        ]
    if expected != actual or type(expected) is not type(actual):
        return [f"{where}: {actual!r}, expected {expected!r}"]
    return []


def golden_path(scenario: str, directory: Path = GOLDEN_DIR) -> Path:
    return directory / f"{scenario}.json"


def load_golden(scenario: str, directory: Path = GOLDEN_DIR) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(golden_path(scenario, directory).read_text())
    return loaded


def save_golden(golden: dict[str, Any], directory: Path = GOLDEN_DIR) -> Path:
    path = golden_path(golden["scenario"], directory)
    path.write_text(json.dumps(golden, indent=2, ensure_ascii=False) + "\n")
    return path


def golden_names(directory: Path = GOLDEN_DIR) -> set[str]:
    return {path.stem for path in directory.glob("*.json")}

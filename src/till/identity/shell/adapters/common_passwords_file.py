"""The bundled list of common passwords (≈ 20,000 entries, from Django's
`common-passwords.txt.gz`, BSD licensed), loaded once into a frozenset."""

import gzip
from pathlib import Path

_LIST = Path(__file__).parent / "data" / "common-passwords.txt.gz"


def load_common_passwords(path: Path = _LIST) -> frozenset[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())

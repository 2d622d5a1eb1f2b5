"""docs/adr/README.md links every record in docs/adr/, each once in the full
list, and links nothing that does not exist."""

import re

from tests.unit.docs.doc_blocks import DOCS, page


def test_the_adr_index_lists_every_record_once():
    records = sorted(p.name for p in (DOCS / "adr").glob("[0-9][0-9][0-9][0-9]-*.md"))
    full_list = page("adr/README.md").split("## All records", 1)[1]
    listed = re.findall(r"\]\(([0-9]{4}-[^)]+\.md)\)", full_list)
    assert listed == records


def test_every_link_in_the_adr_index_exists():
    linked = set(re.findall(r"\]\(([^)#]+\.md)\)", page("adr/README.md")))
    assert linked
    assert [name for name in sorted(linked) if not (DOCS / "adr" / name).exists()] == []

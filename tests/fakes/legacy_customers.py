"""An in-memory LegacyCustomerMap (the `legacy_customers` table's rules)."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from till.kernel.errors import Conflict
from till.migration.core.legacy_customers import (
    FIRST_ALLOCATED_LEGACY_CUSTOMER_ID,
    customer_id_for_unmapped,
    legacy_customer_in_id,
)


@dataclass
class MemoryLegacyCustomers:
    pairs: dict[str, int] = field(default_factory=dict)
    next_id: int = FIRST_ALLOCATED_LEGACY_CUSTOMER_ID

    async def find_legacy_customer(self, customer_id: str | None) -> int | None:
        by_rule = legacy_customer_in_id(customer_id)
        if by_rule is not None or customer_id is None:
            return by_rule
        return self.pairs.get(customer_id)

    async def legacy_customer_for(self, customer_id: str | None) -> int:
        found = await self.find_legacy_customer(customer_id)
        if found is not None:
            return found
        assert customer_id is not None
        self.pairs[customer_id], self.next_id = self.next_id, self.next_id + 1
        return self.pairs[customer_id]

    async def customers_for_legacy(
        self, legacy_ids: Sequence[int]
    ) -> dict[int, str | None]:
        mapped = {legacy: customer for customer, legacy in self.pairs.items()}
        return {n: mapped.get(n, customer_id_for_unmapped(n)) for n in legacy_ids}

    async def link(self, customer_id: str, legacy_customer_id: int) -> None:
        taken = legacy_customer_id in self.pairs.values()
        if self.pairs.get(customer_id, legacy_customer_id) != legacy_customer_id or (
            taken and self.pairs.get(customer_id) != legacy_customer_id
        ):
            raise Conflict("already mapped otherwise")
        self.pairs[customer_id] = legacy_customer_id

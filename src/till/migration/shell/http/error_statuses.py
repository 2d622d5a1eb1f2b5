"""The migration context's domain errors → HTTP status, in one table."""

from till.kernel.errors import DomainError
from till.migration.core.access import MfaRequired

MIGRATION_ERROR_STATUS: dict[type[DomainError], int] = {MfaRequired: 403}

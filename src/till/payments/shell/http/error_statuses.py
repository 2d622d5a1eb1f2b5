"""The payments context's domain errors → HTTP status, in one table."""

from till.kernel.errors import DomainError
from till.payments.core.access import MfaRequired
from till.payments.core.errors import StreamConflict
from till.payments.core.gateway import GatewayRejected, GatewayUnavailable
from till.payments.core.stripe_signatures import InvalidSignature

PAYMENTS_ERROR_STATUS: dict[type[DomainError], int] = {
    GatewayUnavailable: 503,
    GatewayRejected: 409,
    StreamConflict: 409,
    MfaRequired: 403,
    InvalidSignature: 400,
}

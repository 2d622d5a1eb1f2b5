"""`PaymentGatewayPort` on Stripe, through the official SDK (async, over httpx).

An authorisation is a PaymentIntent created and confirmed in one call with the
card (or IBAN) revealed from the vault; capture, void, refund and lookup are the
matching endpoints. Each call that can move money sends a Stripe idempotency key
derived from ours and the operation, and is retried a bounded number of times
with that same key after a 429, a 409, a 5xx or a network failure (the SDK's own
retries are off: they skip 429s and hide which attempts may have been processed).
When the retries run out the answer is `GatewayUnavailable` only if no attempt
can have been processed (connection refused, 429); otherwise
`GatewayOutcomeUnknown`. Lookups move nothing, so their failures are always
`GatewayUnavailable`.

The card number and the API key never reach our messages or reprs, nor the
`stripe` logger: its DEBUG records (request and response bodies) are dropped and
the others scrubbed.
"""

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

import httpx
import stripe

from till.kernel.money import Money
from till.payments.core.gateway import (
    ChargeRequest,
    GatewayOutcomeUnknown,
    GatewayRejected,
    GatewayResult,
    GatewayUnavailable,
    Movement,
    Outcome,
)
from till.payments.shell.adapters.stripe_balance import balance_movement, list_params
from till.payments.shell.adapters.stripe_translation import (
    charge_params,
    declined_result,
    intent_result,
    refund_result,
    scrub,
    stripe_amount,
    stripe_idempotency_key,
)

if TYPE_CHECKING:
    from stripe.params import PaymentIntentCaptureParams, RefundCreateParams

__all__ = ["StripeGateway", "stripe_idempotency_key"]

DEFAULT_API_BASE = "https://api.stripe.com"
# Failures before the request left: Stripe certainly did nothing. Any other
# network failure (read timeout, dropped connection) may follow processing.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
    httpx.InvalidURL,
)


class _ScrubStripeLogs(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO:  # the SDK logs request bodies at DEBUG
            return False
        record.msg, record.args = scrub(record.getMessage()), None
        return True


def _guard_stripe_logging() -> None:
    if "debug" in (stripe.log, os.environ.get("STRIPE_LOG")):
        raise ValueError("STRIPE_LOG=debug would print card numbers to stderr")
    logger = logging.getLogger("stripe")
    if not any(isinstance(f, _ScrubStripeLogs) for f in logger.filters):
        logger.addFilter(_ScrubStripeLogs())


def _should_retry(error: stripe.StripeError, default: bool) -> bool:
    advice = (error.headers or {}).get("stripe-should-retry")
    return default if advice is None else advice == "true"


class StripeGateway:
    """Stripe behind `PaymentGatewayPort`. `api_base` is Stripe's API root (a
    local fake in tests); `timeout` bounds each HTTP attempt; a call makes at most
    `1 + max_retries` attempts, `retry_delay` × 2ⁿ seconds apart."""

    name: str = "stripe"

    def __init__(
        self,
        api_key: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        timeout: float = 10.0,
        max_retries: int = 2,
        retry_delay: float = 0.5,
    ) -> None:
        _guard_stripe_logging()
        self._api_base = api_base
        self._max_retries = max_retries
        self._retry_delay = retry_delay
        self._http = stripe.HTTPXClient(timeout=timeout)
        client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base},
            http_client=self._http,
            max_network_retries=0,  # ours: see `_send`
        )
        self._intents = client.v1.payment_intents
        self._refunds = client.v1.refunds
        self._balance = client.v1.balance_transactions

    def __repr__(self) -> str:
        return f"StripeGateway(api_base={self._api_base!r})"

    async def aclose(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]

    async def authorize(self, request: ChargeRequest) -> GatewayResult:
        params = charge_params(request)
        key = stripe_idempotency_key("authorize", request.idempotency_key)

        async def call() -> GatewayResult:
            intent = await self._intents.create_async(params, {"idempotency_key": key})
            return intent_result(intent)

        return await self._send(call, moves_money=True, secret=request.secret)

    async def capture(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        key = stripe_idempotency_key("capture", idempotency_key)

        async def call() -> GatewayResult:
            params: PaymentIntentCaptureParams = {
                "amount_to_capture": stripe_amount(amount)
            }
            intent = await self._intents.capture_async(
                reference, params, {"idempotency_key": key}
            )
            return intent_result(intent)

        return await self._send(call, moves_money=True)

    async def void(self, reference: str, idempotency_key: str) -> GatewayResult:
        key = stripe_idempotency_key("void", idempotency_key)

        async def call() -> GatewayResult:
            options: stripe.RequestOptions = {"idempotency_key": key}
            intent = await self._intents.cancel_async(reference, None, options)
            return intent_result(intent, canceled=Outcome.SUCCEEDED)

        return await self._send(call, moves_money=True)

    async def refund(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        key = stripe_idempotency_key("refund", idempotency_key)

        async def call() -> GatewayResult:
            params: RefundCreateParams = {
                "payment_intent": reference,
                "amount": stripe_amount(amount),
            }
            refund = await self._refunds.create_async(params, {"idempotency_key": key})
            return refund_result(refund)

        return await self._send(call, moves_money=True)

    async def lookup(self, reference: str) -> GatewayResult:
        async def call() -> GatewayResult:
            if reference.startswith("re_"):
                return refund_result(await self._refunds.retrieve_async(reference))
            return intent_result(await self._intents.retrieve_async(reference))

        return await self._send(call, moves_money=False)

    async def transactions(self, start: datetime, end: datetime) -> list[Movement]:
        """Balance transactions created in [start, end), page by page (a read:
        any failure is `GatewayUnavailable`, the reconciliation runs later)."""
        found: list[Movement] = []
        after: str | None = None
        while True:
            try:
                page = await self._balance.list_async(list_params(start, end, after))
            except stripe.StripeError as error:
                raise GatewayUnavailable(
                    f"stripe did not list balance transactions ({type(error).__name__})"
                ) from None
            for txn in page.data:
                movement = balance_movement(txn.to_dict())
                if movement is not None:
                    found.append(movement)
            if not page.has_more or not page.data:
                return found
            after = page.data[-1].id

    async def _send(
        self,
        call: Callable[[], Awaitable[GatewayResult]],
        *,
        moves_money: bool,
        secret: str | None = None,
    ) -> GatewayResult:
        maybe_processed, last = False, ""
        for attempt in range(self._max_retries + 1):
            if attempt:
                await asyncio.sleep(self._retry_delay * 2 ** (attempt - 1))
            try:
                return await call()
            except stripe.CardError as error:
                return declined_result(error, secret)
            except stripe.RateLimitError as error:
                last, retry = "HTTP 429", _should_retry(error, default=True)
            except stripe.APIConnectionError as error:
                last, retry = type(error.__cause__).__name__, True
                maybe_processed |= not isinstance(error.__cause__, _NOT_SENT)
            except stripe.APIError as error:  # 5xx, 409, unreadable answers
                status = error.http_status or 0
                last = f"HTTP {status} (request {error.request_id})"
                maybe_processed = True
                retry = _should_retry(error, default=status >= 500 or status == 409)
            except (stripe.AuthenticationError, stripe.PermissionError) as error:
                raise GatewayUnavailable(
                    f"stripe refused our API key (HTTP {error.http_status})"
                ) from None
            except stripe.StripeError as error:  # 400/404: invalid, idempotency
                message = scrub(error.user_message, secret)
                raise GatewayRejected(
                    f"stripe refused the request (HTTP {error.http_status} "
                    f"{error.code or type(error).__name__}): {message}"
                ) from None
            if not retry:
                break
        if maybe_processed and moves_money:
            raise GatewayOutcomeUnknown(
                f"no answer from stripe ({last}): it may have been processed; "
                "asking again with the same idempotency key is safe"
            )
        raise GatewayUnavailable(f"stripe is unavailable ({last})")

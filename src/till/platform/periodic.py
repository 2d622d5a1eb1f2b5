"""Periodic housekeeping inside a serving process, until the elected scheduler
(`till scheduler`) takes such jobs over. Every job here is safe to run in
several processes at once (idempotent deletes)."""

import asyncio
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger("till.periodic")


async def every(seconds: float, name: str, job: Callable[[], Awaitable[int]]) -> None:
    """Run `job` every `seconds`; a failure is logged and the loop goes on."""
    while True:
        await asyncio.sleep(seconds)
        try:
            done = await job()
        except Exception as error:  # a failed run must not end the loop
            log.warning(
                "periodic_job_failed", job=name, error_type=type(error).__name__
            )
        else:
            if done:
                log.info("periodic_job_done", job=name, count=done)

"""The in-process periodic loop keeps going after a failed run."""

import asyncio

from till.platform.periodic import every


async def test_a_failing_run_does_not_end_the_loop():
    runs: list[int] = []
    third = asyncio.Event()

    async def job() -> int:
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("database away")
        if len(runs) == 3:
            third.set()
        return len(runs)

    task = asyncio.create_task(every(0.001, "test", job))
    await asyncio.wait_for(third.wait(), timeout=0.05)
    task.cancel()
    assert len(runs) == 3

"""The strangler-fig toolkit (PRP-REF-003): flags, router, legacy adapter,
dual-write, backfill, reconcile, shadow reads."""

"""Pure shared types: ids, clock, domain errors. Standard library only."""

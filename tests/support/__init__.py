"""Test-only helpers shared by tests and benches (never shipped, never imported by the product)."""

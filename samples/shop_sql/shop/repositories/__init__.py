"""Data access: one module per aggregate, hand-written SQL only."""

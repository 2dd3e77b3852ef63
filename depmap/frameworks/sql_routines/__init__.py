"""Functions, procedures and triggers defined in SQL: what their bodies do, where they fire."""

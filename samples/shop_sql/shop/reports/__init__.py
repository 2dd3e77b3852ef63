"""Back-office reports (read-only queries)."""

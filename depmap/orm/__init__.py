"""ORM support: symbolic facts from per-file scanners, linked into tables and columns."""

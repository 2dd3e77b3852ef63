"""`.sql` files: scripts, views and plain-SQL migrations, every statement at its own line.
Registered in `family.py`."""

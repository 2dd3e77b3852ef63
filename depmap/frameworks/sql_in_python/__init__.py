"""SQL written inside Python strings. By stage: `recognize` knows the database calls and SQL
keywords (and the prefilter), `gather` walks the tree once and collects, `resolve` turns what was
collected into facts, `rows` says how the rows of a `SELECT *` are consumed; `strings` ties them
together as the `SQL_STRINGS` analysis. Registered in `family.py`."""

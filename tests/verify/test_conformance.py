"""The static lock and rewrite model against a real PostgreSQL: they must agree.

Every ADD COLUMN form the rules know is written as a migration, read the way `depmap check` reads
it (the spec comes from the scanned DDL), judged by the static model (`add_column_cost`, and the
NOT NULL refusal of `not-null-without-default`), then run on a real server holding rows and
measured (`depmap.verify.measure`). A disagreement is a bug in one of them.
"""

from __future__ import annotations

from pathlib import Path

from depmap.dialects.capabilities import Dialect, add_column_cost, add_not_null_error
from depmap.impact.migration_specs import specs_from_migrations
from depmap.index.build import build_index
from depmap.verify.measure import measure_postgres
from tests.impact.helpers import write_files

INITIAL = """
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE DOMAIN label AS text;
CREATE TYPE order_kind AS ENUM ('web', 'phone');
CREATE TABLE customers (id bigserial PRIMARY KEY, email text);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, total numeric(12, 2),
                     status text NOT NULL DEFAULT 'new');
"""
# One form a line: (the column, what PostgreSQL does). "rewrite?" and "catalog?" are the two
# outcomes of a form the static model can only bound (a user-defined type: domain or enum).
FORMS = {
    "c_plain text": "catalog",
    "c_constant integer DEFAULT 0": "catalog",
    "c_constant_nn integer NOT NULL DEFAULT 0": "catalog",
    "c_now timestamptz DEFAULT now()": "catalog",
    "c_volatile timestamptz DEFAULT clock_timestamp()": "rewrite",
    "c_uuid uuid DEFAULT gen_random_uuid()": "rewrite",
    "c_serial bigserial": "rewrite",
    "c_identity bigint GENERATED ALWAYS AS IDENTITY": "rewrite",
    "c_stored numeric GENERATED ALWAYS AS (total * 2) STORED": "rewrite",
    "c_domain positive_int": "rewrite",
    "c_plain_domain label": "catalog",
    "c_enum order_kind": "catalog",
    "c_check integer CHECK (c_check > 0)": "scan",
    "c_unique text UNIQUE": "scan",
    "c_fk bigint REFERENCES customers (id)": "catalog",
    "c_fk_default bigint DEFAULT 1 REFERENCES customers (id)": "scan",
    "c_not_null text NOT NULL": "fails",
}
PG = Dialect("postgres", (15,), "option")


def _static(spec) -> set[str]:
    """What the static model says: one outcome, or two when it rests on an assumption."""
    cost = add_column_cost(PG, spec)
    fills_itself = spec.fill_value is not None or spec.identity or spec.generated
    if cost.fails or (not spec.nullable and not fills_itself and add_not_null_error(PG, spec.table, spec.column)):
        said = "fails"
    else:
        said = "rewrite" if cost.rewrites else "scan" if cost.scans else "catalog"
    return {said} if cost.certain else {said, "catalog"}


def _measured(measurement) -> str:
    if measurement.error:
        return "fails"
    return "rewrite" if measurement.rewrote else "scan" if measurement.scanned else "catalog"


def test_the_static_model_agrees_with_postgres_on_every_add_column_form(tmp_path: Path, pg_database) -> None:
    root = write_files(tmp_path, {
        "migrations/0001_initial.sql": INITIAL,
        "migrations/0002_forms.sql": "".join(f"ALTER TABLE orders ADD COLUMN {form};\n" for form in FORMS),
    })
    specs, problems = specs_from_migrations(build_index(root, dialect="postgres"), ["migrations/0002_forms.sql"])
    assert problems == [] and len(specs) == len(FORMS)
    lines = (root / "migrations/0002_forms.sql").read_text(encoding="utf-8").splitlines()
    with pg_database.connect(autocommit=True) as conn:
        conn.execute(INITIAL)
        conn.execute("INSERT INTO customers (email) SELECT 'c' || i || '@example.com' FROM generate_series(1, 1000) i")
        conn.execute("INSERT INTO orders (customer_id, total) SELECT 1 + i % 1000, i FROM generate_series(1, 20000) i")
        judged = {form: (spec, measure_postgres(conn, [lines[spec.origin.line - 1]], "orders", keep=False)[0])
                  for form, spec in zip(FORMS, specs)}
    measured = {form: _measured(m) for form, (_, m) in judged.items()}
    assert measured == FORMS  # what PostgreSQL does, form by form
    disagreements = {form: (sorted(_static(spec)), measured[form]) for form, (spec, _) in judged.items()
                     if measured[form] not in _static(spec)}
    assert disagreements == {}
    # the premise of lock-timeout: even the metadata-only forms take ACCESS EXCLUSIVE
    locks = {judged[form][1].strongest_lock("orders") for form, outcome in FORMS.items() if outcome != "fails"}
    assert locks == {"AccessExclusiveLock"}

"""The static MySQL/MariaDB model against a real MariaDB: they must agree (see test_conformance).

Every ADD COLUMN form is written as a migration, read the way `depmap check` reads it, judged by
`add_column_cost` for the server's version (with the table's traits, as the table-rewrite rule
judges it), then run on MariaDB holding rows and measured: the algorithm InnoDB could use and
whether the table was rebuilt (its InnoDB table id). A disagreement is a bug in one of them; four
were bugs in the static model, fixed from what MariaDB 10.11 did (UNIQUE, a second AUTO_INCREMENT,
CHECK, a UUID() default).
"""

from __future__ import annotations

from pathlib import Path

from depmap.dialects.capabilities import Dialect, add_column_cost
from depmap.impact.engine import impact_context
from depmap.impact.migration_specs import specs_from_migrations
from depmap.impact.rules import lock_timeout
from depmap.impact.rules.table_rewrite import table_traits
from depmap.index.build import build_index
from depmap.verify.mysql_measure import measure_mysql
from depmap.verify.mysql_queue import lock_queues
from tests.impact.helpers import write_files

INITIAL = """
CREATE TABLE customers (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, email VARCHAR(191));
CREATE TABLE orders (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id BIGINT NOT NULL, total DECIMAL(12, 2),
                     status VARCHAR(20) NOT NULL DEFAULT 'new');
CREATE TABLE events (id BIGINT NOT NULL PRIMARY KEY, kind VARCHAR(20));
"""
# One form a line: (table, the column) -> (what MariaDB 10.11 does, the algorithm it could use).
FORMS = {
    ("orders", "c_plain TEXT"): ("catalog", "INSTANT"),
    ("orders", "c_constant INT DEFAULT 0"): ("catalog", "INSTANT"),
    ("orders", "c_constant_nn INT NOT NULL DEFAULT 0"): ("catalog", "INSTANT"),
    ("orders", "c_implicit INT NOT NULL"): ("catalog", "INSTANT"),  # existing rows get 0
    ("orders", "c_now DATETIME DEFAULT CURRENT_TIMESTAMP"): ("catalog", "INSTANT"),
    ("orders", "c_random DOUBLE DEFAULT (RAND())"): ("catalog", "INSTANT"),  # evaluated once
    ("orders", "c_uuid CHAR(36) DEFAULT (UUID())"): ("rewrite", "COPY"),
    ("orders", "c_auto BIGINT AUTO_INCREMENT UNIQUE"): ("fails", None),  # orders.id is the one AUTO_INCREMENT
    ("events", "c_auto BIGINT AUTO_INCREMENT UNIQUE"): ("rewrite", "INPLACE"),
    ("orders", "c_stored DECIMAL(14, 2) AS (total * 2) STORED"): ("rewrite", "COPY"),
    ("orders", "c_virtual DECIMAL(14, 2) AS (total * 2) VIRTUAL"): ("catalog", "INSTANT"),
    ("orders", "c_check INT CHECK (c_check > 0)"): ("catalog", "INSTANT"),  # existing rows are not checked
    ("orders", "c_unique VARCHAR(40) UNIQUE"): ("rewrite", "INPLACE"),
    ("orders", "c_fk BIGINT REFERENCES customers (id)"): ("rewrite", "COPY"),
    ("orders", "c_first INT FIRST"): ("catalog", "INSTANT"),
}


def _static(cost) -> str:
    return "fails" if cost.fails else "rewrite" if cost.rewrites else "scan" if cost.scans else "catalog"


def _measured(measurement) -> str:
    if measurement.error:
        return "fails"
    return "rewrite" if measurement.rewrote else "scan" if measurement.scanned else "catalog"


def test_the_static_model_agrees_with_mariadb_on_every_add_column_form(tmp_path: Path, mysql_database) -> None:
    root = write_files(tmp_path, {
        "migrations/0001_initial.sql": INITIAL,
        "migrations/0002_forms.sql": "".join(f"ALTER TABLE {table} ADD COLUMN {form};\n" for table, form in FORMS),
    })
    index = build_index(root, dialect="mysql")
    changed = ["migrations/0002_forms.sql"]
    specs, problems = specs_from_migrations(index, changed)
    assert problems == [] and len(specs) == len(FORMS)
    lines = (root / "migrations/0002_forms.sql").read_text(encoding="utf-8").splitlines()
    dialect = Dialect("mysql", mysql_database.version, "option")
    with mysql_database.connect(autocommit=True) as conn:
        for statement in INITIAL.split(";")[:-1]:
            conn.execute(statement)
        conn.execute("INSERT INTO customers (email) SELECT CONCAT('c', seq, '@example.com') FROM seq_1_to_1000")
        conn.execute("INSERT INTO orders (customer_id, total) SELECT 1 + seq % 1000, seq FROM seq_1_to_20000")
        conn.execute("INSERT INTO events (id, kind) SELECT seq, 'click' FROM seq_1_to_20000")
    judged = {}
    for (table, form), spec in zip(FORMS, specs):
        [measurement] = measure_mysql(mysql_database, [lines[spec.origin.line - 1]], table, keep=False)
        ctx = impact_context(index, spec, dialect, changed)
        judged[(table, form)] = (add_column_cost(dialect, spec, table_traits(ctx)), measurement, ctx)
    measured = {key: (_measured(m), m.algorithm) for key, (_, m, _) in judged.items()}
    assert measured == FORMS  # what MariaDB does, form by form
    disagreements = {key: (_static(cost), measured[key][0]) for key, (cost, _, _) in judged.items()
                     if _static(cost) != measured[key][0] or not cost.certain}
    assert disagreements == {}
    # the static algorithm names the one the engine could use, wherever the ALTER ran
    algorithms = {key: (cost.algorithm, m.algorithm) for key, (cost, m, _) in judged.items()
                  if not m.error and cost.algorithm != m.algorithm}
    assert algorithms == {}
    # every form that runs is flagged by lock-timeout: the migration sets no lock_wait_timeout
    flagged = {key for key, (_, _, ctx) in judged.items() if list(lock_timeout.check(ctx))}
    assert flagged == set(FORMS)


def test_the_lock_queue_behind_an_instant_and_a_copying_alter_confirms_lock_timeout(mysql_database) -> None:
    with mysql_database.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE orders (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, total DECIMAL(12, 2))")
        conn.execute("INSERT INTO orders (total) SELECT seq FROM seq_1_to_5000")
    for form in ("c_plain TEXT", "c_uuid CHAR(36) DEFAULT (UUID())"):
        plain, bounded = lock_queues(mysql_database, "orders", f"ALTER TABLE orders ADD COLUMN {form}", 200)
        # without a timeout the SELECT waits as long as the transaction holds the table ...
        assert (plain.alter_error, plain.lock_timeout_ms) == (None, None)
        assert plain.select_waited_ms >= 0.8 * plain.held_ms
        # ... with lock_wait_timeout (whole seconds) the ALTER gives up and the SELECT goes through
        assert (bounded.alter_error, bounded.lock_timeout_ms) == ("Lock wait timeout exceeded; try restarting transaction", 1000)
        assert 800 <= bounded.select_waited_ms < 0.8 * bounded.held_ms
    with mysql_database.connect() as conn:  # both ALTERs were undone
        columns = conn.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() "
                               "AND table_name = 'orders' ORDER BY ordinal_position").fetchall()
    assert columns == (("id",), ("total",))

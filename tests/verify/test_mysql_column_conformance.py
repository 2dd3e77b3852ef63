"""The static model of dropping, renaming and retyping a column against a real MariaDB: they must
agree (see test_mysql_conformance for ADD COLUMN).

Each form runs on a table of its own holding rows, measured as `depmap verify` measures it (the
algorithm InnoDB could use, tried INSTANT, then INPLACE, then as written; whether the table was
rebuilt, by its InnoDB table id), and is judged by `drop_cost`, `rename_cost` or
`type_change_cost` for the server's version, from the types as the DDL writes them. What MariaDB
10.11 showed and the model had wrong: a VARCHAR extended across the 255-byte line is instant when
its old maximum is at most 127 bytes (the one-byte prefix reads the same), and it is INSTANT, not
INPLACE, within a line; DROP and RENAME COLUMN are instant from 10.4, not from MySQL's 8.0.29; a
column in a multi-column index rebuilds the table when dropped; a collation change and utf8mb3 to
utf8mb4 are instant.
"""

from __future__ import annotations

from depmap.dialects.capabilities import Dialect
from depmap.dialects.column_changes import ALONE, SHARED, SqlType, drop_cost, rename_cost, type_change_cost
from depmap.verify.mysql_measure import measure_mysql

# (the column as created, extra table items, the ALTER's clause) -> (what MariaDB 10.11 does, the algorithm).
TYPE_CHANGES = {
    ("VARCHAR(40) NOT NULL", "VARCHAR(60) NOT NULL"): ("catalog", "INSTANT"),  # 160 to 240 bytes: the prefix stays one byte
    ("VARCHAR(31)", "VARCHAR(64)"): ("catalog", "INSTANT"),  # 124 bytes, never above 127: the one-byte prefix reads the same
    ("VARCHAR(32)", "VARCHAR(64)"): ("rewrite", "COPY"),  # 128 to 256 bytes: the prefix grows
    ("VARCHAR(63)", "VARCHAR(64)"): ("rewrite", "COPY"),
    ("VARCHAR(100)", "VARCHAR(200)"): ("catalog", "INSTANT"),  # already two bytes of prefix
    ("VARCHAR(200) CHARACTER SET latin1", "VARCHAR(255) CHARACTER SET latin1"): ("catalog", "INSTANT"),
    ("VARCHAR(200) CHARACTER SET latin1", "VARCHAR(256) CHARACTER SET latin1"): ("rewrite", "COPY"),
    ("VARCHAR(40)", "VARCHAR(20)"): ("rewrite", "COPY"),  # a narrowing: every row is checked as it is copied
    ("VARCHAR(40)", "TEXT"): ("rewrite", "COPY"),
    ("TEXT", "MEDIUMTEXT"): ("rewrite", "COPY"),
    ("CHAR(10)", "CHAR(20)"): ("rewrite", "COPY"),
    ("INT", "BIGINT"): ("rewrite", "COPY"),
    ("BIGINT", "INT"): ("rewrite", "COPY"),
    ("DECIMAL(12,2)", "DECIMAL(14,2)"): ("rewrite", "COPY"),
    ("VARCHAR(40)", "VARCHAR(40) COLLATE utf8mb4_unicode_ci"): ("catalog", "INSTANT"),
    ("VARCHAR(40) CHARACTER SET utf8mb3", "VARCHAR(40) CHARACTER SET utf8mb4"): ("catalog", "INSTANT"),
    ("VARCHAR(40) CHARACTER SET latin1", "VARCHAR(40) CHARACTER SET utf8mb4"): ("rewrite", "COPY"),
    ("VARCHAR(40)", "VARCHAR(40) CHARACTER SET latin1"): ("rewrite", "COPY"),  # the default utf8mb4 to latin1
}
# (the index on the column, the ALTER's clause) -> (what MariaDB 10.11 does, the algorithm).
DROPS_AND_RENAMES = {
    (None, "DROP COLUMN v"): ("catalog", "INSTANT"),
    (ALONE, "DROP COLUMN v"): ("catalog", "INPLACE"),  # its index goes, in place
    (SHARED, "DROP COLUMN v"): ("rewrite", "INPLACE"),  # the index (v, w) shrinks to (w): a rebuild
    (None, "RENAME COLUMN v TO v2"): ("catalog", "INSTANT"),
}
_INDEX = {None: "", ALONE: ", KEY (v)", SHARED: ", KEY (v, w)"}


def _measured(measurement) -> tuple[str, str | None]:
    if measurement.error:
        return "fails", None
    return ("rewrite" if measurement.rewrote else "catalog"), measurement.algorithm


def _static(cost) -> tuple[str, str | None]:
    return ("rewrite" if cost.rewrites else "catalog"), cost.algorithm


def _table_with_rows(conn, column: str, index: str = "") -> None:
    conn.execute("DROP TABLE IF EXISTS t")
    conn.execute(f"CREATE TABLE t (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, v {column}, w INT{index})")
    value = "seq % 1000" if any(kind in column for kind in ("INT", "DECIMAL")) else "CONCAT('v', seq % 1000)"
    conn.execute(f"INSERT INTO t (v, w) SELECT {value}, seq FROM seq_1_to_20000")


def test_the_static_model_agrees_with_mariadb_on_every_type_change(mysql_database) -> None:
    dialect = Dialect("mysql", mysql_database.version, "option")
    measured, judged = {}, {}
    for old, new in TYPE_CHANGES:
        with mysql_database.connect(autocommit=True) as conn:
            _table_with_rows(conn, old)
        [measurement] = measure_mysql(mysql_database, [f"ALTER TABLE t MODIFY COLUMN v {new}"], "t")
        measured[(old, new)] = _measured(measurement)
        judged[(old, new)] = _static(type_change_cost(dialect, "t", "v", SqlType.of(old.replace(" NOT NULL", "")),
                                                      SqlType.of(new.replace(" NOT NULL", ""))))
    assert measured == TYPE_CHANGES  # what MariaDB does, form by form
    assert {form: (judged[form], measured[form]) for form in TYPE_CHANGES if judged[form] != measured[form]} == {}


def test_the_static_model_agrees_with_mariadb_on_drops_and_renames(mysql_database) -> None:
    dialect = Dialect("mysql", mysql_database.version, "option")
    measured, judged = {}, {}
    for indexed, clause in DROPS_AND_RENAMES:
        with mysql_database.connect(autocommit=True) as conn:
            _table_with_rows(conn, "VARCHAR(40)", _INDEX[indexed])
        [measurement] = measure_mysql(mysql_database, [f"ALTER TABLE t {clause}"], "t")
        measured[(indexed, clause)] = _measured(measurement)
        cost = drop_cost(dialect, "t", indexed) if clause.startswith("DROP") else rename_cost(dialect, "t")
        judged[(indexed, clause)] = _static(cost)
    assert measured == DROPS_AND_RENAMES
    assert {form: (judged[form], measured[form]) for form in DROPS_AND_RENAMES if judged[form] != measured[form]} == {}


def test_older_servers_keep_their_own_answers() -> None:
    """The versions the engine here cannot show, as the vendors document them."""
    mariadb_103, mysql_57, mysql_8 = Dialect("mysql", (10, 3)), Dialect("mysql", (5, 7)), Dialect("mysql", (8, 0, 35))
    widen = (SqlType.of("varchar(10)"), SqlType.of("varchar(255)"))
    assert _static(type_change_cost(mysql_8, "t", "v", *widen)) == ("rewrite", "COPY")  # MySQL: the prefix must keep its size
    assert _static(type_change_cost(mysql_8, "t", "v", SqlType.of("varchar(20)"), SqlType.of("varchar(60)"))) == (
        "catalog", "INPLACE")
    assert _static(type_change_cost(mariadb_103, "t", "v", SqlType.of("varchar(20)"), SqlType.of("varchar(60)"))) == (
        "rewrite", "COPY")  # instant VARCHAR extension is MariaDB 10.4's
    assert _static(drop_cost(mariadb_103, "t")) == ("rewrite", "INPLACE")
    assert _static(drop_cost(mysql_57, "t")) == ("rewrite", "INPLACE")
    assert _static(drop_cost(mysql_8, "t")) == ("catalog", "INSTANT")
    assert _static(rename_cost(mariadb_103, "t")) == ("catalog", "INPLACE")

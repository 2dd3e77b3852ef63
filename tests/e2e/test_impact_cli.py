"""`depmap impact`, `check` and `explain` as a user runs them: bad specs get one line and exit 2."""

from __future__ import annotations

import pytest

SHOP = "samples/shop_sql"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["orders"], "depmap: malformed column 'orders'; write TABLE.COLUMN, e.g. orders.discount_code\n"),
        (["ordres.discount_code", "--type", "text"], "depmap: unknown table 'ordres'; did you mean orders"),
        (["orders.discount_code", "--type", "varchar("], "depmap: malformed type 'varchar(' for postgres"),
        (["orders.discount_code", "--type", "text", "--default", "1, 2"], "depmap: malformed default '1, 2': one expression expected"),
        (["orders.discount_code", "--type", "text", "--default", "(SELECT 1)"], "depmap: malformed default '(SELECT 1)': a default cannot refer to columns or run a query"),
        (["orders.status", "--type", "text"], "depmap: orders.status already exists (defined at migrations/0001_initial.sql:"),
        (["orders.discount_code", "--server-version", "sixteen"], "depmap: malformed --server-version 'sixteen'"),
    ],
)
def test_bad_specs_exit_2_with_one_line(depmap, args: list[str], message: str) -> None:
    run = depmap("impact", *args, "--path", SHOP)
    assert run.code == 2
    assert run.err.startswith(message)
    assert run.err.count("\n") == 1
    assert run.out == ""


def test_check_needs_files_or_diff(depmap) -> None:
    run = depmap("check", "--path", SHOP)
    assert (run.code, run.err) == (2, "depmap: name migration files to check, or pass --diff BASE_REF (e.g. --diff origin/main)\n")


def test_check_missing_file(depmap) -> None:
    run = depmap("check", "samples/shop_sql/migrations/0099_nope.sql", "--path", SHOP)
    assert (run.code, run.err) == (2, "depmap: migration 'samples/shop_sql/migrations/0099_nope.sql' does not exist\n")


def test_explain_lists_every_rule_and_shows_one(depmap) -> None:
    listing = depmap("explain")
    assert listing.code == 0
    ids = [line.split()[0] for line in listing.out.splitlines()]
    assert len(ids) == 18 and ids[0] == "column-exists" and "select-star" in ids
    one = depmap("explain", "select-star")
    assert one.code == 0 and one.out.startswith("select-star (warning)\n\n")
    assert "Use instead" in one.out
    unknown = depmap("explain", "select-stars")
    assert (unknown.code, unknown.err) == (2, "depmap: unknown rule 'select-stars'; did you mean select-star, insert-select-star?\n")

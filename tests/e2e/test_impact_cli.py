"""`depmap impact`, `check` and `explain` as a user runs them: bad specs get one line and exit 2."""

from __future__ import annotations

import pytest

from depmap import __version__
from tests.e2e.conftest import REPO

SHOP = "samples/shop_sql"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["orders"], "depmap: malformed column 'orders'; write TABLE.COLUMN or Model.field, e.g. orders.discount_code\n"),
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
    assert len(ids) == 33 and ids[0] == "column-exists" and {"select-star", "blocking-index", "not-null-scan"} <= set(ids)
    one = depmap("explain", "select-star")
    assert one.code == 0 and one.out.startswith("select-star (warning)\n\n")
    assert "Use instead" in one.out
    unknown = depmap("explain", "select-stars")
    assert (unknown.code, unknown.err) == (2, "depmap: unknown rule 'select-stars'; did you mean select-star, insert-select-star?\n")


DISCOUNT = ["impact", "orders.discount_code", "--type", "text", "--not-null", "--path", SHOP]


def test_quiet_prints_errors_only_and_verbose_adds_phases_and_skipped_files(depmap, tmp_path) -> None:
    out = tmp_path / "r.json"
    quiet = depmap(*DISCOUNT, "-o", str(out), "-q")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")
    assert out.exists()
    verbose = depmap(*DISCOUNT, "-o", str(out), "--verbose")
    lines = verbose.err.splitlines()
    assert lines[0].startswith("depmap: scanned 19 files of ") and "(discover " in lines[0] and ", scan " in lines[0]
    assert lines[1:] == [
        "depmap: dialect postgres (from config)",
        "depmap: skipped shop/broken_sql.py: line 12: SQL not parsed: Invalid expression / Unexpected token near 'orders'",
        "depmap: skipped shop/legacy/export_py2.py: Python syntax error at line 26, column 12: multiple exception types "
        "must be parenthesized (Python 2 syntax? depmap reads Python 3 only)",
        f"depmap: wrote json report to {out}",
    ]
    group_level = depmap("-q", *DISCOUNT, "-o", str(out))
    assert group_level.err == ""


def test_each_output_gets_the_format_of_its_suffix(depmap, tmp_path) -> None:
    names = ["r.html", "r.md", "r.sarif", "r.json", "r.txt"]
    run = depmap(*DISCOUNT, *[arg for name in names for arg in ("-o", str(tmp_path / name))])
    assert run.code == 0, run.err
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "r.md").read_text().startswith("### depmap: adding `orders.discount_code` is **breaking**")
    assert '"version": "2.1.0"' in (tmp_path / "r.sarif").read_text()
    assert (tmp_path / "r.json").read_text().startswith('{\n  "schema_version": 2,')
    assert (tmp_path / "r.txt").read_text().startswith("Adding orders.discount_code TEXT NOT NULL\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "report.xyz", "-o", "r.json"], "depmap: cannot tell the format of 'report.xyz' from its suffix"),
        (["-o", "/nonexistent/dir/r.json"], "depmap: cannot write '/nonexistent/dir/r.json': folder '/nonexistent/dir' does not exist; "
                                            "create it or name a file in an existing folder"),
    ],
)
def test_bad_outputs_exit_2_with_one_line(depmap, args: list[str], message: str) -> None:
    run = depmap(*DISCOUNT, *args)
    assert run.code == 2
    assert run.err.startswith(message) and len(run.err.splitlines()) == 1


MISSING_FOLDER = "folder 'missing/dir' does not exist; create it or name a file in an existing folder"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["impact", "orders.x", "--type", "text NOT NULL", "--path", SHOP],
         "type 'text NOT NULL' carries NOT NULL; give the type alone, with --not-null for NOT NULL and --default EXPR for a default"),
        (["impact", "orders.x", "--type", "integer DEFAULT 0", "--path", SHOP],
         "type 'integer DEFAULT 0' carries DEFAULT 0; give the type alone, with --not-null for NOT NULL and --default EXPR for a default"),
        (["impact", "orders.x", "--type", "text", "--server-version", "-1", "--path", SHOP], "malformed --server-version '-1'; write a version such as 16 or 8.0.35"),
        (["impact", "orders.x", "--type", "text", "--server-version", "latest", "--path", SHOP],
         "malformed --server-version 'latest'; write a version such as 16 or 8.0.35"),
        (["impact", "orders.x", "--type", "text", "--path", ""], "empty project path; pass the folder of the project to scan (. for the current folder)"),
        (["scan", ""], "empty project path; pass the folder of the project to scan (. for the current folder)"),
        (["graph", "--path", SHOP, "-o", "missing/dir/out.json"], f"cannot write 'missing/dir/out.json': {MISSING_FOLDER}"),
        (["impact", "orders.x", "--type", "text", "--path", SHOP, "-o", "missing/dir/r.md"],
         f"cannot write 'missing/dir/r.md': {MISSING_FOLDER}"),
        (["report", "orders.x", "--type", "text", "--path", SHOP, "-o", "missing/dir/r.html"], f"cannot write 'missing/dir/r.html': {MISSING_FOLDER}"),
        (["check", "--diff", "main", "--path", SHOP, "-o", "missing/dir/r.sarif"], f"cannot write 'missing/dir/r.sarif': {MISSING_FOLDER}"),
        (["graph", "--path", SHOP, "-o", "samples/shop_sql/pyproject.toml/out.json"],
         "cannot write 'samples/shop_sql/pyproject.toml/out.json': 'samples/shop_sql/pyproject.toml' is not a folder; name a file in an existing folder"),
        (["graph", "--path", SHOP, "-o", ""], "empty -o file name; name the file to write after -o"),
    ],
)
def test_bad_option_values_are_refused_not_reinterpreted(depmap, args: list[str], message: str) -> None:
    run = depmap(*args)
    assert (run.code, run.out, run.err) == (2, "", f"depmap: {message}\n")


def test_a_version_with_a_suffix_is_still_a_version(depmap) -> None:
    run = depmap(*DISCOUNT, "--server-version", "16beta1", "--format", "json")
    assert run.code == 0, run.err
    assert run.json()["dialect"] == {"name": "postgres", "version": "16", "source": "config"}


def test_explicit_format_wins_for_a_single_output(depmap, tmp_path) -> None:
    out = tmp_path / "report.out"
    run = depmap(*DISCOUNT, "--format", "markdown", "-o", str(out))
    assert run.code == 0
    assert out.read_text().startswith("### depmap: adding")
    assert run.err == f"depmap: wrote markdown report to {out}\n"


ACCEPTED_BASES = ("an http:// or https:// URL such as https://github.com/ORG/REPO/blob/SHA, "
                  "or a template of one holding {path}, {line}, {end_line}")


@pytest.mark.parametrize("base", ["javascript:alert(1)", "data:text/html,x{path}", "shop/{path}"])
def test_a_link_base_that_is_no_web_address_is_refused_before_the_scan(depmap, base: str) -> None:
    run = depmap(*DISCOUNT, "--link-base", base)
    assert (run.code, run.out, run.err) == (2, "", f"depmap: --link-base '{base}' is not accepted; pass {ACCEPTED_BASES}\n")


def test_a_link_base_from_the_scanned_project_that_is_no_web_address_is_ignored(depmap, tmp_path) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.depmap]\nlink_base = "javascript:alert(document.domain)//{path}"\n')
    (project / "schema.sql").write_text("CREATE TABLE orders (id int PRIMARY KEY);\nSELECT * FROM orders;\n")
    html, markdown = tmp_path / "r.html", tmp_path / "r.md"
    run = depmap("report", "orders.note", "--type", "text", "--path", str(project), "-o", str(html), "-o", str(markdown))
    assert run.code == 0
    assert run.err.splitlines() == [
        "depmap: warning: pyproject.toml [tool.depmap]: link_base 'javascript:alert(document.domain)//{path}' ignored: "
        f"it is not {ACCEPTED_BASES}; reports carry no source links",
        f"depmap: wrote html report to {html}",
        f"depmap: wrote markdown report to {markdown}",
    ]
    assert "schema.sql:2" in html.read_text() and "javascript" not in html.read_text() and "href=\"schema" not in html.read_text()
    assert "\n- **warning** · `schema.sql:2` · " in markdown.read_text() and "javascript" not in markdown.read_text()


def test_the_reports_name_no_absolute_path_of_the_machine_that_ran_them(depmap, tmp_path) -> None:
    html, markdown = tmp_path / "out" / "r.html", tmp_path / "out" / "r.md"
    html.parent.mkdir()
    shop = REPO / SHOP
    run = depmap("impact", "orders.discount_code", "--type", "text", f"--path={shop}", "-o", str(html), "-o", str(markdown),
                 "--fail-on", "never")
    assert run.code == 0, run.err
    command = "depmap impact orders.discount_code --type text --path=. -o r.html -o r.md --fail-on never"
    assert markdown.read_text().endswith(f"\n---\n\ndepmap {__version__} · `{command}`\n")
    assert f'<code class="command">{command}</code>' in html.read_text()
    for text in (markdown.read_text(), html.read_text()):
        assert str(tmp_path) not in text and str(REPO) not in text


def test_check_of_several_columns_opens_with_one_row_per_column(depmap, tmp_path) -> None:
    import shutil

    from tests.e2e.conftest import SAMPLE

    project = tmp_path / "shop"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns(".depmap"))
    migration = project / "migrations" / "0006_two.sql"
    migration.write_text("ALTER TABLE customers ADD COLUMN locale text NOT NULL;\nALTER TABLE orders ADD COLUMN note text;\n")
    run = depmap("check", str(migration), "--path", str(project), "--no-cache")
    lines = [line.rstrip() for line in run.out.splitlines()]
    assert lines[0] == "Checked 1 file(s): 2 column(s) added; overall verdict: breaking"
    assert lines[1].split() == ["change", "verdict", "findings", "at"]
    assert lines[2].split()[:2] == ["customers.locale", "breaking"] and lines[2].endswith("migrations/0006_two.sql:1")
    assert lines[3].split()[:2] == ["orders.note", "breaking"] and lines[3].endswith("migrations/0006_two.sql:2")


def test_the_markdown_of_a_big_project_keeps_its_findings_and_stays_short(depmap, tmp_path) -> None:
    from tests.browser.big_project import write_big_project

    project = write_big_project(tmp_path / "project")
    out = tmp_path / "r.md"
    run = depmap("impact", "orders.gift_note", "--type", "text", "--path", str(project), "-o", str(out))
    assert run.code == 0, run.err
    text = out.read_text()
    assert text.splitlines()[0] == "### depmap: adding `orders.gift_note` **needs care**"
    assert [line for line in text.splitlines() if line.startswith("- **")] == [
        "- **warning** · `ordering/legacy_export.py:10` · INSERT INTO orders without a column list fills columns by position; "
        "PostgreSQL gives the new column gift_note NULL without the statement saying so, and the statement breaks the day a "
        "column is added before the last one or its value list grows.",
        "- **warning** · `ordering/legacy_export.py:5` · `SELECT *` from orders at ordering/legacy_export.py:5 returns gift_note "
        "as an extra 32nd column: every consumer of these rows sees one more column; none was seen reading them by position.",
    ]
    assert text.count("<details><summary>Fix · <code>") == 2
    more = "(the HTML report and `--format json` list every one)"
    assert "\nSites (361):\n" in text and f"\n- … 351 more sites not shown {more}\n" in text
    assert "\nSites (1441):\n" in text and f"\n- … 1431 more sites not shown {more}\n" in text
    assert len(text) < 8_000
    assert text.endswith(f"\n---\n\ndepmap {__version__} · `depmap impact orders.gift_note --type text --path . -o r.md`\n")

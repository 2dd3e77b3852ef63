"""The Markdown report for pull-request comments: golden files for the bundled samples, one list
item per finding (severity · where · what, the fix folded), links to the source, scanned text
kept inert, no local path in the footer, and the size limit.

The report is also parsed with markdown-it-py (installed with rich) in its CommonMark + table
mode, as GitHub reads it, so a newline or markup that escaped its item shows up as a wrong item
or a wrong cell count. `pytest --update-golden` rewrites golden/markdown/; read the diff.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from depmap.dialects.capabilities import Dialect
from depmap.impact.engine import ImpactReport
from depmap.impact.finding import Finding, Related
from depmap.impact.plan import Step
from depmap.impact.spec import ColumnSpec
from depmap.model import Location, Skipped
from depmap.render.markdown import ReportTooLong, render_markdown
from depmap.render.markdown_escape import md_code, md_fence, md_text
from depmap.render.run_info import RunInfo
from tests.render.sample_reports import TARGETS, index_of, report_of

HERE = Path(__file__).parent
REPO = HERE.parents[1]
GOLDEN = HERE / "golden" / "markdown"
VERSION = "0.1.0"  # fixed, so that a version bump does not rewrite the golden files
LINK_BASE = "https://github.com/acme/shop/blob/0123abc"
MORE = "(the HTML report and `--format json` list every one)"









def run_of(sample: str) -> RunInfo:
    name, column, kind, not_null = TARGETS[sample]
    command = f"depmap impact {name}.{column} --type {kind}" + (" --not-null" if not_null else "")
    return RunInfo(
        command=command,
        project=sample,
        version=VERSION,
        link_base=LINK_BASE if sample == "shop_sql" else None,
        skipped=tuple(index_of(sample).skipped_with_unparsed()),
    )


def table_rows(markdown: str) -> list[list[str]]:
    """The body rows of every table, each cell rendered to HTML, as GitHub splits them."""
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    rows: list[list[str]] = []
    in_body = False
    for token in parser.parse(markdown):
        if token.type in ("tbody_open", "tbody_close"):
            in_body = token.type == "tbody_open"
        elif in_body and token.type == "tr_open":
            rows.append([])
        elif in_body and token.type == "inline":
            rows[-1].append(parser.renderer.renderInline(token.children or [], parser.options, {}))
    return rows


def finding_items(markdown: str) -> list[dict]:
    """Each finding's list item as GitHub renders it: the head line split at ` · ` (severity, where,
    what), the summary of its folded fix, and the fix's blocks and related sites."""
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    tokens = parser.parse(markdown)
    html = lambda token: parser.renderer.renderInline(token.children or [], parser.options, {})  # noqa: E731
    items = []
    for start, token in enumerate(tokens):
        if token.type != "list_item_open":
            continue
        end = next(n for n in range(start + 1, len(tokens)) if tokens[n].type == "list_item_close" and tokens[n].level == token.level)
        inside = tokens[start + 1 : end]
        details = next((t for t in inside if t.type == "html_block" and t.level == token.level + 1), None)
        if details is None or not details.content.startswith("<details><summary>Fix"):
            continue
        before, body = inside[: inside.index(details)], inside[inside.index(details) + 1 :]
        paragraphs = [html(t) if t.type == "inline" else t.content for t in before
                      if (t.type == "inline" and t.level == token.level + 2) or (t.type == "fence" and t.level == token.level + 1)]
        severity, where, what = paragraphs[0].split(" · ", 2)
        items.append({
            "severity": severity, "where": where, "what": what, "what_more": paragraphs[1:],
            "summary": details.content.strip(),
            "rule": re.match(r"<details><summary>Fix · <code>([^<]+)</code>", details.content).group(1),
            "fix": [html(t) if t.type == "inline" else t.content for t in body
                    if (t.type == "inline" and t.level == token.level + 2) or (t.type == "fence" and t.level == token.level + 1)],
            "related": [html(t) for t in body if t.type == "inline" and t.level > token.level + 2],
            "closed": [t.content.strip() for t in body if t.type == "html_block"] == ["</details>"],
        })
    return items


def severities(markdown: str) -> list[str]:
    return [item["severity"].removeprefix("<strong>").removesuffix("</strong>") for item in finding_items(markdown)]


def hand_report(findings: list[Finding], plan: list[Step] = (), table: str = "orders", column: str = "note") -> ImpactReport:
    spec = ColumnSpec(table, column, "TEXT")
    return ImpactReport(spec, Dialect("postgres", (16,), "config"), list(findings), list(plan), [])


def finding(rule: str = "select-star", severity: str = "warning", path: str = "app/db.py", line: int = 7, **fields) -> Finding:
    fields.setdefault("message", f"Rows at {path}:{line} gain a column.")
    fields.setdefault("fix", "List the columns.")
    return Finding(rule, severity, Location(path, line), **fields)


HAND_RUN = RunInfo(command="depmap impact orders.note --type text", project="shop", version=VERSION)
FOOTER = "---\n\ndepmap 0.1.0 · `depmap impact orders.note --type text`\n"


# -- golden files ------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", sorted(TARGETS))
def test_sample_matches_golden(sample: str, update_golden: bool) -> None:
    text = render_markdown([report_of(sample)], run_of(sample))
    golden = GOLDEN / f"{sample}.md"
    if update_golden or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_headline_counts_and_target_come_first() -> None:
    lines = render_markdown([report_of("shop_sql")], run_of("shop_sql")).splitlines()
    assert lines[:5] == [
        "### depmap: adding `orders.discount_code` is **breaking**",
        "",
        "**3 breaking · 1 warning · 2 info** · `orders.discount_code` TEXT NOT NULL",
        "",
        "Target: postgres (version unknown), from config",
    ]


def test_verdict_words_read_as_a_sentence() -> None:
    care = render_markdown([hand_report([finding()])], HAND_RUN)
    safe = render_markdown([hand_report([])], HAND_RUN)
    assert care.splitlines()[0] == "### depmap: adding `orders.note` **needs care**"
    assert safe.splitlines()[0] == "### depmap: adding `orders.note` is **safe**"
    assert "\nNo findings.\n" in safe
    assert "<summary>Fix" not in safe and finding_items(safe) == []


def test_a_column_from_a_migration_names_it_and_internal_errors_are_shown() -> None:
    spec = ColumnSpec("orders", "note", "TEXT", origin=Location("migrations/0042_note.sql", 3))
    report = ImpactReport(spec, Dialect("postgres", (16,), "config"), [], [], [], errors=["rule select-star failed: KeyError: 'x'"])
    assert render_markdown([report], HAND_RUN) == (
        "### depmap: adding `orders.note` is **safe**\n"
        "\n"
        "**no findings** · `orders.note` TEXT\n"
        "\n"
        "Added by `migrations/0042_note.sql:3` · Target: postgres (16), from config\n"
        "\n"
        "No findings.\n"
        "\n"
        "depmap internal error: rule select-star failed: KeyError: 'x'\n"
        "\n" + FOOTER
    )


# -- the list of findings ------------------------------------------------------------------------


@pytest.mark.parametrize("sample", sorted(TARGETS))
def test_one_list_item_per_finding_in_report_order(sample: str) -> None:
    report = report_of(sample)
    text = render_markdown([report], run_of(sample))
    items = finding_items(text)
    assert [(item["severity"], item["rule"]) for item in items] == [(f"<strong>{f.severity}</strong>", f.rule) for f in report.findings]
    assert all(item["closed"] and item["fix"] for item in items)
    assert [len(item["related"]) for item in items] == [len(f.related) for f in report.findings]
    assert not any(line.startswith("|") for line in text.splitlines())  # no table a comment squeezes


def test_a_finding_reads_severity_where_what_and_folds_its_fix() -> None:
    text = render_markdown([report_of("shop_sql")], run_of("shop_sql"))
    item = (
        "- **warning** · [`shop/reports/sales.py:98`](https://github.com/acme/shop/blob/0123abc/shop/reports/sales.py#L98) · "
        "`SELECT *` from orders at shop/reports/sales.py:98 returns discount_code as an extra 10th column: the DataFrame built "
        "from it gains a discount_code column, a schema change for its readers.\n"
        "  <details><summary>Fix · <code>select-star</code></summary>\n"
        "\n"
        "  Name the columns this code reads instead of `*`: `SELECT id, customer_id, status, total_cents, currency, placed_at, "
        "created_at, updated_at, paid_at FROM orders WHERE placed_at >= %(start)s AND placed_at < %(end)s`. Add discount_code "
        "to that list, where the code needs it, once the column exists in every environment.\n"
        "\n"
        "  </details>\n"
    )
    assert item in text


def test_indented_sql_in_a_fix_becomes_a_fenced_block_inside_its_item() -> None:
    report = hand_report([finding(
        "lock-timeout", "warning", path="migrations/0042_note.sql", line=3, message="The ALTER at `migrations/0042_note.sql:3` waits.",
        fix="Bound the wait: put it before the ALTER TABLE:\n  SET lock_timeout = '5s';\n  ALTER TABLE orders ADD COLUMN note TEXT;\n"
            "If it times out, nothing changed.")])
    text = render_markdown([report], HAND_RUN)
    assert (
        "- **warning** · `migrations/0042_note.sql:3` · The ALTER at `migrations/0042_note.sql:3` waits.\n"
        "  <details><summary>Fix · <code>lock-timeout</code></summary>\n"
        "\n"
        "  Bound the wait: put it before the ALTER TABLE:\n"
        "\n"
        "  ```sql\n"
        "  SET lock_timeout = '5s';\n"
        "  ALTER TABLE orders ADD COLUMN note TEXT;\n"
        "  ```\n"
        "\n"
        "  If it times out, nothing changed.\n"
        "\n"
        "  </details>\n"
    ) in text
    (item,) = finding_items(text)
    assert item["fix"] == ["Bound the wait: put it before the ALTER TABLE:", "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note TEXT;\n",
                           "If it times out, nothing changed."]


def test_where_links_to_the_source_line_with_a_link_base() -> None:
    report = report_of("shop_sql")
    items = finding_items(render_markdown([report], run_of("shop_sql")))
    assert items[0]["where"] == "(the new migration)"  # the proposal's DDL: no file, no link
    links = [re.fullmatch(r'<a href="([^"]+)"><code>([^<]+)</code></a>', item["where"]).groups() for item in items[1:]]
    assert links[1] == ("https://github.com/acme/shop/blob/0123abc/shop/repositories/orders.py#L81", "shop/repositories/orders.py:81")
    assert links[0] == ("https://github.com/acme/shop/blob/0123abc/shop/repositories/orders.py#L52-L54", "shop/repositories/orders.py:52")
    for (url, label), f in zip(links, report.findings[1:]):
        assert label == f"{f.location.path}:{f.location.line}"
        assert re.fullmatch(rf"https://github\.com/acme/shop/blob/0123abc/{re.escape(f.location.path)}#L{f.location.line}(-L\d+)?", url)


def test_where_is_a_code_span_without_a_link_base() -> None:
    items = finding_items(render_markdown([report_of("django_shop")], run_of("django_shop")))
    assert items[1]["where"] == "<code>orders/services.py:39</code>"
    assert all("href" not in item["where"] for item in items)


def test_findings_are_ordered_by_severity_then_as_the_report_has_them() -> None:
    report = hand_report([
        finding("reserved-word", "warning", line=1),
        finding("unparsed-sql", "info", line=2),
        finding("positional-insert", "breaking", line=3),
        finding("lock-timeout", "warning", line=4),
    ])
    items = finding_items(render_markdown([report], HAND_RUN))
    assert [item["where"] for item in items] == [f"<code>app/db.py:{n}</code>" for n in (3, 1, 4, 2)]


# -- scanned text stays inert ----------------------------------------------------------------------


HOSTILE = "SELECT a | b FROM t\n<script>alert(1)</script> @octocat"


def test_pipes_newlines_and_html_stay_inside_their_item_and_escaped() -> None:
    report = hand_report([
        finding(
            "positional-insert", "breaking", path="app/we|rd `x`.py", line=12,
            message=f"INSERT at app/we|rd.py:12 breaks:\n{HOSTILE}",
            fix="Use `INSERT INTO t (a|b) VALUES (1)` instead of <b>this</b>.",
            snippet=HOSTILE,
            related=(Related(Location("app/other.py", 3), "also | here"),),
        )
    ])
    text = render_markdown([report], RunInfo(command="depmap impact t.c", project="x", version=VERSION, link_base=LINK_BASE))
    assert (
        "- **breaking** · [``app/we|rd `x`.py:12``](https://github.com/acme/shop/blob/0123abc/app/we%7Crd%20%60x%60.py#L12) · "
        "INSERT at app/we&#124;rd.py:12 breaks:<br>SELECT a &#124; b FROM t<br>&lt;script&gt;alert(1)&lt;/script&gt; @&#8203;octocat\n"
        "  <details><summary>Fix · <code>positional-insert</code> · 1 related site</summary>\n"
        "\n"
        "  Use `INSERT INTO t (a|b) VALUES (1)` instead of &lt;b&gt;this&lt;/b&gt;.\n"
        "\n"
        "  - [`app/other.py:3`](https://github.com/acme/shop/blob/0123abc/app/other.py#L3) also &#124; here\n"
        "\n"
        "  </details>\n"
    ) in text
    (item,) = finding_items(text)
    assert item["what"] == "INSERT at app/we|rd.py:12 breaks:<br>SELECT a | b FROM t<br>&lt;script&gt;alert(1)&lt;/script&gt; @\u200boctocat"
    assert item["fix"] == ["Use <code>INSERT INTO t (a|b) VALUES (1)</code> instead of &lt;b&gt;this&lt;/b&gt;."]
    assert item["related"] == ['<a href="https://github.com/acme/shop/blob/0123abc/app/other.py#L3"><code>app/other.py:3</code></a> also | here']
    assert "<script>" not in text and "<b>" not in text


def test_a_message_line_that_looks_like_markup_stays_text() -> None:
    report = hand_report([finding(message="Rows gain a column.\n\n- not a list\n\n# not a heading", fix="1. not a list\n\n===")])
    (item,) = finding_items(render_markdown([report], HAND_RUN))
    assert item["what"] == "Rows gain a column."
    assert item["what_more"] == ["- not a list", "# not a heading"]
    assert item["fix"] == ["1. not a list", "==="]


# What GitHub-flavoured Markdown turns into a live link or a notification in a text node (its
# autolink extension and @mentions); markdown-it's commonmark preset renders neither, so the
# rendered text is searched for them instead.
LIVE_IN_TEXT = re.compile(r"(?i)(?:https?|ftp)://|www\.|@[a-z0-9_-]|mailto:|xmpp:")
INJECTIONS = "https://evil.example/x www.evil.example <img src=x onerror=alert(1)> @octocat [a](javascript:alert(1)) me@evil.example"


def rendered_text(markdown: str) -> list[str]:
    """The text nodes of the rendered page (code spans and fenced code excluded: GitHub links nothing there)."""
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    return [child.content for token in parser.parse(markdown) if token.type == "inline"
            for child in token.children or [] if child.type == "text"]


def test_urls_html_mentions_and_links_in_scanned_text_render_as_text() -> None:
    path = "app/https:/evil.example/<img src=x onerror=alert(1)>@octocat.py"
    report = hand_report([
        finding("select-star", "warning", path=path, line=4, message=f"SELECT * at line 4: {INJECTIONS}",
                fix=f"List the columns, not {INJECTIONS}", snippet=INJECTIONS,
                related=(Related(Location("app/other.py", 3), INJECTIONS),)),
    ], plan=[Step(2, "deploy-writers", "Deploy writers", f"Writers such as {INJECTIONS}", (), (Location(path, 4, symbol=INJECTIONS),))])
    run = RunInfo(command=f"depmap impact orders.note --default '{INJECTIONS}'", project="x", version=VERSION,
                  skipped=(Skipped(path, f"line 9: SQL not parsed: {INJECTIONS}"),))
    text = render_markdown([report], run)
    inert = ("https&#8203;://evil.example/x www&#8203;.evil.example &lt;img src=x onerror=alert(1)&gt; @&#8203;octocat "
             "\\[a\\](javascript:alert(1)) me@&#8203;evil.example")
    code = "`app/https:/evil.example/<img src=x onerror=alert(1)>@octocat.py:4`"
    assert text.splitlines()[6:12] == [
        f"- **warning** · {code} · SELECT \\* at line 4: {inert}",
        "  <details><summary>Fix · <code>select-star</code> · 1 related site</summary>",
        "",
        f"  List the columns, not {inert}",
        "",
        f"  - `app/other.py:3` {inert}",
    ]
    assert f"**2. Deploy writers**\n\nWriters such as {inert}\n\nSites (1):\n\n- {code} `{INJECTIONS}`\n" in text
    assert f"- {code.removesuffix(':4`')}`: line 9: SQL not parsed: {inert}\n" in text
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    assert "<a " not in html and "<img" not in html
    assert [node for node in rendered_text(text) if LIVE_IN_TEXT.search(node)] == []
    assert any("https\u200b://evil.example/x www\u200b.evil.example <img src=x onerror=alert(1)> @\u200boctocat" in node
               for node in rendered_text(text))


def test_md_text_escapes_markdown_outside_code_spans_only() -> None:
    assert md_text("see `a*b <c>` and a*b <c> & __init__.py or my_var [x](y) ~z~ $1") == (
        "see `a*b <c>` and a\\*b &lt;c&gt; &amp; \\_\\_init\\_\\_.py or my_var \\[x\\](y) \\~z\\~ \\$1"
    )
    assert md_text("`x` then ` alone") == "`x` then \\` alone"  # a backtick with no partner is text
    assert md_text("`` a ` b ``") == "``a ` b``"
    assert md_text("C:\\dir") == "C:\\\\dir"
    assert md_text("mail a@b.example, ping @team-x") == "mail a@&#8203;b.example, ping @&#8203;team-x"


def test_md_code_fences_around_backticks() -> None:
    assert md_code("x") == "`x`"
    assert md_code("a`b") == "``a`b``"
    assert md_code("`a`") == "`` `a` ``"
    assert md_code("a|b") == "`a|b`"
    assert md_code("a|b", True) == "`a\\|b`"
    assert md_code("two\nlines") == "`two lines`"


def test_md_fence_cannot_be_closed_by_the_code() -> None:
    assert md_fence("print(1)", "python") == "```python\nprint(1)\n```"
    assert md_fence('s = """\n```\n"""', "python") == '````python\ns = """\n```\n"""\n````'


# -- check: several columns, or none ---------------------------------------------------------------


def test_no_column_added() -> None:
    run = RunInfo(command="depmap check --diff origin/main", project="shop", version=VERSION,
                  migrations=("migrations/0042_rename.sql",))
    assert render_markdown([], run) == (
        "### depmap: no column added\n"
        "\n"
        "No migration in this change adds a column.\n"
        "\n"
        "Migrations checked (1): `migrations/0042_rename.sql`\n"
        "\n"
        "---\n"
        "\n"
        "depmap 0.1.0 · `depmap check --diff origin/main`\n"
    )


def test_two_columns_each_with_a_section() -> None:
    first = report_of("shop_sql")
    second = report_of("shop_sql", ("customers", "tier", "text", False))
    run = RunInfo(command="depmap check migrations/0042_a.sql migrations/0043_b.py", project="shop_sql", version=VERSION,
                  migrations=("migrations/0042_a.sql", "migrations/0043_b.py"),
                  problems=("migrations/0043_b.py: cannot tell which table AddField adds to",))
    text = render_markdown([first, second], run)
    assert text.splitlines()[:18] == [
        "### depmap: this change adds 2 columns, overall **breaking**",
        "",
        "| Column | Verdict | Findings | Added by |",
        "|---|---|---|---|",
        "| `orders.discount_code` | **breaking** | 3 breaking · 1 warning · 2 info |  |",
        "| `customers.tier` | **safe** | no findings |  |",  # its lock is handled by the plan
        "",
        "Migrations checked (2): `migrations/0042_a.sql`, `migrations/0043_b.py`",
        "",
        "Problems:",
        "",
        "- migrations/0043_b.py: cannot tell which table AddField adds to",
        "",
        "#### `orders.discount_code` TEXT NOT NULL: **breaking** (3 breaking · 1 warning · 2 info)",
        "",
        "Target: postgres (version unknown), from config",
        "",
        "- **breaking** · (the new migration) · Adding orders.discount_code as NOT NULL without a default: it fails on any table "
        "that has rows: column \"discount_code\" of relation \"orders\" contains null values.",
    ]
    assert "\n#### `customers.tier` TEXT: **safe** (no findings)\n\nTarget: postgres (version unknown), from config\n" in text
    assert [(item["severity"], item["where"]) for item in finding_items(text)][-1:] == [
        ("<strong>info</strong>", "<code>migrations/0005_inventory_cleanup.sql:8</code>"),
    ]
    assert len(table_rows(text)) == 2  # the summary table's two rows
    assert len(finding_items(text)) == 6
    assert text.count("<summary>Rollout plan (") == 2


# -- the size limit ----------------------------------------------------------------------------------


def test_a_small_limit_leaves_out_the_least_severe_findings_and_says_how_many() -> None:
    report, run = report_of("shop_sql"), run_of("shop_sql")
    full = render_markdown([report], run)
    text = render_markdown([report], run, limit=8300)
    assert len(full) > 8300 >= len(text)
    assert severities(text) == ["breaking", "breaking", "breaking"]
    assert f"\n… 3 more findings not shown {MORE}\n" in text
    assert text.endswith("---\n\ndepmap 0.1.0 · `depmap impact orders.discount_code --type text --not-null`\n")
    assert text.count("```") % 2 == 0


def test_plan_sites_go_before_breaking_findings() -> None:
    report, run = report_of("shop_sql"), run_of("shop_sql")
    text = render_markdown([report], run, limit=6740)
    assert len(text) <= 6740
    assert severities(text) == ["breaking", "breaking", "breaking"]
    assert f"\n- … 17 sites not shown {MORE}\n" in text
    assert "<summary>Rollout plan (5 steps, for postgres (version unknown))</summary>" in text


def many_findings_report() -> ImpactReport:
    findings = [finding("select-star", "warning", path=f"app/module_{n:03}.py", line=n) for n in range(1, 401)]
    findings += [finding("positional-insert", "breaking", path="app/load.py", line=n) for n in range(1, 4)]
    sites = tuple(Location(f"app/reader_{n:03}.py", n) for n in range(1, 301))
    return hand_report(findings, [Step(1, "deploy-readers", "Deploy readers", "Sites that read orders.", sites=sites)])


def test_warning_findings_are_cut_at_row_boundaries_to_the_limit() -> None:
    text = render_markdown([many_findings_report()], HAND_RUN, limit=20_000)
    items = finding_items(text)
    assert len(text) <= 20_000 and text.endswith(FOOTER)
    assert severities(text)[:4] == ["breaking", "breaking", "breaking", "warning"]
    assert f"\n… {403 - len(items)} more findings not shown {MORE}\n" in text
    assert text.count("<details><summary>Fix") == len(items) and all(item["closed"] and item["fix"] for item in items)
    assert re.findall(r"^- `app/reader_(\d+)\.py:\d+`$", text, flags=re.MULTILINE) == [f"{n:03}" for n in range(1, 11)]
    assert f"\n- … 290 more sites not shown {MORE}\n" in text  # the first ten a step, whatever the limit


def test_sites_are_cut_before_the_breaking_findings() -> None:
    text = render_markdown([many_findings_report()], HAND_RUN, limit=1_200)
    assert len(text) <= 1_200 and text.endswith(FOOTER)
    assert severities(text) == ["breaking", "breaking", "breaking"]
    assert f"\n… 400 more findings not shown {MORE}\n" in text
    listed = re.findall(r"^- `app/reader_\d+\.py:\d+`$", text, flags=re.MULTILINE)
    assert 0 < len(listed) < 10
    assert f"\n- … {300 - len(listed)} more sites not shown {MORE}\n" in text
    assert "Sites (300):" in text


def test_a_plan_that_does_not_fit_is_left_out_and_findings_come_back() -> None:
    text = render_markdown([report_of("shop_sql")], run_of("shop_sql"), limit=3000)
    assert len(text) <= 3000
    assert [item["rule"] for item in finding_items(text)] == ["not-null-without-default"] * 2
    assert f"\n… 4 more findings not shown {MORE}\n" in text
    assert "\nRollout plan (5 steps) not shown (the HTML report and `--format json` include it)\n" in text
    assert "<details><summary>Rollout plan" not in text


def test_a_limit_below_the_bare_report_is_refused() -> None:
    with pytest.raises(ReportTooLong, match=r"needs at least \d+ characters; the limit is 100"):
        render_markdown([hand_report([finding()])], HAND_RUN, limit=100)


def test_skipped_files_are_listed_folded_with_a_count() -> None:
    run = RunInfo(command="depmap impact orders.note --type text", project="shop", version=VERSION,
                  skipped=(Skipped("legacy/old.py", "Python syntax error at line 3"), Skipped("sql/x.sql", "line 2: SQL not parsed: <eof>")))
    text = render_markdown([hand_report([])], run)
    assert (
        "<details><summary>Files and statements not analysed (2)</summary>\n"
        "\n"
        "- `legacy/old.py`: Python syntax error at line 3\n"
        "- `sql/x.sql`: line 2: SQL not parsed: &lt;eof&gt;\n"
        "\n"
        "</details>\n"
    ) in text


def test_test_code_findings_are_folded_below_the_production_ones() -> None:
    report = hand_report([
        finding(severity="breaking", path="app/orders.py", line=12),
        finding(severity="warning", path="tests/test_orders.py", line=40, message="Creates at tests/test_orders.py:40 fail."),
        finding(severity="warning", path="app/reports.py", line=3),
    ])
    text = render_markdown([report], HAND_RUN)
    production, rest = text.split("<details><summary>1 finding in test code", 1)
    assert [item["where"] for item in finding_items(production)] == ["<code>app/orders.py:12</code>", "<code>app/reports.py:3</code>"]
    assert rest.startswith(" (the test suite must change; production is not affected)</summary>\n\n"
                           "- **warning** · `tests/test_orders.py:40` · Creates at tests/test_orders.py:40 fail.\n"
                           "  <details><summary>Fix · <code>select-star</code></summary>\n"
                           "\n"
                           "  List the columns.\n"
                           "\n"
                           "  </details>\n"
                           "\n</details>\n")
    assert len(finding_items(text)) == 3


def test_a_cut_drops_test_code_sites_before_production_ones_of_the_same_severity() -> None:
    report = hand_report([
        finding(severity="warning", path="tests/test_orders.py", line=40),
        finding(severity="warning", path="app/reports.py", line=3),
    ])
    full = render_markdown([report], HAND_RUN)
    cut = render_markdown([report], HAND_RUN, limit=len(full) - 1)
    assert "`app/reports.py:3`" in cut
    assert "tests/test_orders.py" not in cut
    assert "… 1 more finding not shown (the HTML report and `--format json` list every one)" in cut

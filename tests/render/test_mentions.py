"""Mentions in the terminal (a count line, or the list grouped by file) and in JSON documents."""

from __future__ import annotations

import io

from rich.console import Console

from depmap.mentions.mention import Mention, MentionSearch
from depmap.model import Skipped
from depmap.render.mentions import mentions_json, print_mentions, summary

SEARCH = MentionSearch(
    ("sales_order",),
    ("Order", "orders", "sales_order"),
    [
        Mention("orders/services.py", 13, "comment", "# Every pending Order of the customer."),
        Mention("orders/services.py", 32, "unclassified", "return customer.orders.count()"),
        Mention("orders/services.py", 40, "other-table", "Customer.objects.filter(orders__total__gt=0)", "inside a usage of customers"),
        Mention("templates/orders.html", 3, "not-analysed", "{% for order in customer.orders.all %}", "no scanner reads .html files"),
        Mention("templates/orders.html", 9, "not-analysed", "{{ orders|length }}", "no scanner reads .html files"),
    ],
    files_searched=40,
    files_read=6,
    not_searched=[Skipped("docs/dump.md", "larger than 2000000 bytes (max_file_bytes); raise [tool.depmap] max-file-bytes to scan it")],
)


def printed(listed: bool, search: MentionSearch = SEARCH, **options) -> list[str]:
    buffer = io.StringIO()
    print_mentions(Console(file=buffer, no_color=True, width=160, soft_wrap=True), search, "sales_order", listed, **options)
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


def test_the_count_line_ends_a_usage_listing():
    assert printed(False) == [
        "",
        "5 more lines mention sales_order without a classified usage (2 not-analysed, 1 comment, 1 other-table, 1 unclassified); "
        "--mentions lists them",
        "1 files not searched for mentions (too large, minified or unreadable)",
    ]
    assert summary(SEARCH, "sales_order", "`depmap who-reads sales_order --mentions` lists them").endswith(
        "; `depmap who-reads sales_order --mentions` lists them"
    )


def test_no_mention_no_line():
    assert printed(False, MentionSearch(("t",), ("t",))) == []


def test_the_list_groups_by_file_and_names_what_was_not_searched():
    assert printed(True) == [
        "",
        "Lines that mention sales_order without a classified usage: 5 (searched for Order, orders, sales_order)",
        "",
        "orders/services.py",
        "13  comment                                    # Every pending Order of the customer.",
        "32  unclassified                               return customer.orders.count()",
        "40  other-table   inside a usage of customers  Customer.objects.filter(orders__total__gt=0)",
        "",
        "templates/orders.html  (not analysed: no scanner reads .html files)",
        "3  not-analysed  {% for order in customer.orders.all %}",
        "9  not-analysed  {{ orders|length }}",
        "",
        "not-analysed: file or statement not analysed; comment: in a comment; other-table: inside another table's statement; "
        "unclassified: unclassified",
        "",
        "Not searched for mentions (1):",
        "  docs/dump.md: larger than 2000000 bytes (max_file_bytes); raise [tool.depmap] max-file-bytes to scan it",
    ]


def test_json_keeps_them_apart_from_the_usages():
    document = mentions_json(SEARCH)
    assert list(document) == ["mentions", "mention_search"]
    assert document["mentions"][2] == {
        "path": "orders/services.py", "line": 40, "text": "Customer.objects.filter(orders__total__gt=0)", "why": "other-table",
        "detail": "inside a usage of customers",
    }  # fmt: skip
    assert document["mention_search"]["by_reason"] == {"not-analysed": 2, "comment": 1, "other-table": 1, "unclassified": 1}

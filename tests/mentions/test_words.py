"""Whole words, case as each language has it, Django lookups, and the bytes test before decoding."""

from __future__ import annotations

from depmap.mentions.names import NameForm
from depmap.mentions.words import WordFinder

FORMS = [
    NameForm("blog_post", "table"),
    NameForm("Post", "model"),
    NameForm("posts", "accessor"),
    NameForm("post_set", "accessor"),
    NameForm("post", "query_name", lookup_only=True),
]


def found(text: str, forms=FORMS) -> list[tuple[int, str, list[str]]]:
    return [(o.line, o.text, [f.kind for f in o.forms]) for o in WordFinder(forms).occurrences(text)]


def test_table_names_in_any_case_python_names_exactly():
    text = "SELECT * FROM BLOG_POST\npost = Post()\nPOST = 'POST'\n"
    assert found(text) == [(1, "BLOG_POST", ["table"]), (2, "Post", ["model"])]


def test_whole_words_only():
    text = "myblog_posts = blog_post_id + blog_post2\nrepost = Posting\nuser.post_set.all()\n"
    assert found(text) == [(3, "post_set", ["accessor"])]


def test_accessors_and_query_names_inside_lookups():
    text = 'Author.objects.filter(posts__title="x", post__id=1)\nTag.objects.filter(author__posts__isnull=True)\npost = 1\n'
    assert found(text) == [
        (1, "posts", ["accessor"]),
        (1, "post", ["query_name"]),
        (2, "posts", ["accessor"]),
    ]


def test_order_by_and_group_by_are_not_tables_named_order_and_group():
    forms = [NameForm("order", "table"), NameForm("group", "table")]
    text = "a = 'SELECT * FROM \"order\" ORDER BY id'\nb = 'select n from \"group\" group\n  by n'\norder.id\n"
    assert found(text, forms) == [(1, "order", ["table"]), (2, "group", ["table"]), (4, "order", ["table"])]


def test_a_longer_name_wins_over_its_last_part():
    forms = [NameForm("sales.orders", "table"), NameForm("orders", "table")]
    assert found("FROM sales.orders JOIN orders", forms) == [(1, "sales.orders", ["table"]), (1, "orders", ["table"])]


def test_the_bytes_test_is_case_blind_and_cheap():
    finder = WordFinder(FORMS)
    assert finder.may_occur(b"x = BLOG_POSTS")  # a candidate: the word test decides
    assert not finder.may_occur(b"nothing to see")
    assert not WordFinder([]).may_occur(b"Post")
    assert WordFinder([]).occurrences("Post") == []


def test_stored_words_rule_out_an_occurrence_only_when_no_run_can_be_one():
    from depmap.mentions.words import file_words

    table = WordFinder([NameForm("orders", "table")])
    accessor = WordFinder([NameForm("orders", "accessor", links=("shop.models.Customer",))])
    query_name = WordFinder([NameForm("order", "query_name", lookup_only=True)])
    dotted = WordFinder([NameForm("sales.orders", "table")])
    assert table.may_name(file_words(b"total = myorders_total + 1\n")) is False
    assert table.may_name(file_words(b"SELECT id FROM Orders o\n")) is True
    assert accessor.may_name(file_words(b"Customer.objects.filter(orders__total__gt=1)\n")) is True
    assert accessor.may_name(file_words(b"orders_total = 1\n")) is False
    assert query_name.may_name(file_words(b"Customer.objects.filter(order__status='paid')\n")) is True
    assert dotted.may_name(file_words(b"SELECT 1 FROM sales.orders_2019\n")) is False  # each run of the form is whole
    assert dotted.may_name(file_words(b"SELECT 1 FROM Sales . Orders\n")) is True
    assert WordFinder([NameForm("a-b", "accessor")]).may_name(file_words(b"nothing\n")) is True  # no rule for an accessor of that shape
    assert dotted.needle_parts() == [("sales", "orders")]
    assert WordFinder([NameForm("--", "table")]).needle_parts() is None
    texts = ["SELECT * FROM orders\n", "x = customer__orders__total\n", "orders_by_day = 1\n", "ORDER BY orders.id\n",
             "a.orders.all()\n", "filter(order__status=1)\n", "myorders = 2\n", "orders__x\n"]
    texts += ["FROM sales.orders o\n", "x = 'sales.orders_old'\n", "sales.orders__x\n"]
    for finder in (table, accessor, query_name, dotted):
        for text in texts:
            if finder.occurrences(text):
                assert finder.may_name(file_words(text.encode())), (finder.forms, text)


ORDER_FORMS = [
    NameForm("order_order", "table"),
    NameForm("Order", "model"),
    NameForm("orders", "accessor"),
    NameForm("order__lines", "accessor"),
    NameForm("order", "query_name", lookup_only=True),
    NameForm("order", "table"),
]
PIECES = ["order", "Order", "ORDER", "orders", "order_order", "_", "__", "lines", "by", " ", "\n", ".", "(", "x", "1", "é"]


def test_the_edged_search_finds_what_the_plain_one_finds():
    """The search passes over, by its expression, the words whose edges no form allows: on texts
    made of the pieces that decide edges, it finds exactly what the plain search finds. A text
    holding a Kelvin sign is searched the plain way (its lower case is a `k`), and that sign after
    a space changes no occurrence, which makes each text its own reference."""
    import random

    generator = random.Random(21)
    finder = WordFinder(ORDER_FORMS)
    compared = occurring = 0
    for _ in range(3000):
        text = "".join(generator.choice(PIECES) for _ in range(generator.randint(1, 14)))
        edged = [(o.start, o.end, o.line, o.forms) for o in finder.occurrences(text)]
        plain = [(o.start, o.end, o.line, o.forms) for o in finder.occurrences(text + " \u212a")]
        assert edged == plain, text
        compared += 1
        occurring += bool(edged)
    assert compared == 3000 and occurring > 1000


def test_a_lookup_after_a_longer_word_is_not_taken_at_the_same_place():
    """`order__lines` is the longer word at 0 but has no edge after it; the plain search then moves
    on, so `order` (whose edge `__` is allowed) is not found at 0 either."""
    assert [(o.start, o.text) for o in WordFinder(ORDER_FORMS).occurrences("order__linesx order__id")] == [(14, "order")]

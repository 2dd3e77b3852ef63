"""The `ast` plumbing the high-volume Python analyses share: source segments, argument order,
the scope-keeping walk, literals, and how scan_python chooses and parses trees."""

from __future__ import annotations

import ast
import sys
import textwrap

import pytest

from depmap.model import Fact, Location
from depmap.scan_context import ScanContext
from depmap.python.analysis import PythonAnalysis
from depmap.python.scanner import scan_python
from depmap.python.tree import (
    SourceText, TreeVisitor, argument, call_args, children_in_source_order, dotted_name, is_name, literal_bool,
    literal_string, statements_breadth_first, string_list, subtree_nodes,
    without_newer_syntax,
)  # fmt: skip


def first(tree: ast.AST, kind: type) -> ast.AST:
    return next(node for node in ast.walk(tree) if isinstance(node, kind))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_segment_is_the_source_as_written_whatever_the_line_breaks(newline):
    text = newline.join(["x = 1", "total = compute(", "    a,  # the first", "    b)", ""])
    call = first(ast.parse(text), ast.Call)
    assert SourceText(text).segment(call) == newline.join(["compute(", "    a,  # the first", "    b)"])


def test_segment_counts_columns_in_utf8_bytes():
    text = 'label = "é—ß"; Order.objects.filter(name="ü")\n'
    call = first(ast.parse(text), ast.Call)
    assert SourceText(text).segment(call) == 'Order.objects.filter(name="ü")'


def test_segment_leaves_out_surrounding_parentheses():
    text = "rows = (\n    Order.objects.all()\n)\n"
    call = first(ast.parse(text), ast.Call)
    assert SourceText(text).segment(call) == "Order.objects.all()"
    assert (call.lineno, call.end_lineno) == (2, 2)


def test_call_args_are_in_source_order_with_their_stars():
    call = first(ast.parse("f(x, key=1, *rest, **options)"), ast.Call)
    assert [(dotted_name(arg.value) or ast.unparse(arg.value), arg.keyword, arg.star) for arg in call_args(call)] == [
        ("x", None, ""), ("1", "key", ""), ("rest", None, "*"), ("options", None, "**"),
    ]  # fmt: skip
    assert literal_string(argument(first(ast.parse("g('a', name='b')"), ast.Call), 0, "name")) == "b"
    assert literal_string(argument(first(ast.parse("g('a', name='b')"), ast.Call), 0, "other")) == "a"
    assert argument(first(ast.parse("g(*xs)"), ast.Call), 0, "other") is None


def test_literals():
    value = ast.parse("('a' 'b', f'{x}', b'c', True, None, x, ['p', 'q'], ['p', y])").body[0].value.elts
    assert [literal_string(node) for node in value[:3]] == ["ab", None, None]
    assert literal_bool(value[3]) is True and literal_bool(ast.parse("1").body[0].value) is None
    assert is_name(value[4], "None") and is_name(value[5], "x") and not is_name(value[5], "None")
    assert string_list(value[6]) == ("p", "q") and string_list(value[7]) is None


class Recorder(TreeVisitor):
    def __init__(self) -> None:
        super().__init__("app.views")
        self.seen: list[tuple[str, str]] = []

    def visit_Call(self, node: ast.Call) -> None:
        self.seen.append((dotted_name(node.func) or "?", self.symbol))

    def visit_Lambda(self, node: ast.Lambda) -> bool:
        return False  # children of a lambda are skipped


def test_walk_keeps_scopes_for_bodies_only_in_source_order():
    source = textwrap.dedent(
        """
        @cache(timeout())
        def load(pk=default_pk(), *, when: Hint = hint()) -> Ret:
            first()
            skipped = lambda: never()
            class Inner(Base, metaclass=meta()):
                inner()
                async def fetch():
                    await fetched()
            last()
        """
    )
    recorder = Recorder()
    recorder.walk(ast.parse(source))
    assert recorder.seen == [
        ("cache", "app.views"), ("timeout", "app.views"), ("default_pk", "app.views"), ("hint", "app.views"),
        ("first", "app.views.load"), ("meta", "app.views.load"), ("inner", "app.views.load.Inner"),
        ("fetched", "app.views.load.Inner.fetch"), ("last", "app.views.load"),
    ]  # fmt: skip
    assert recorder.scopes == []


def _line_facts(kind: str):
    def analyse(parsed, ctx) -> list[Fact]:
        return [Fact(kind, "t", Location(parsed.path, 1))]

    return analyse


CTX = ScanContext(dialect="postgres")
ON_TREE = PythonAnalysis("tree", lambda text: True, _line_facts("tree"))
NEVER = PythonAnalysis("never", lambda text: False, _line_facts("never"))


def test_analyses_share_one_parse_and_a_file_no_analysis_wants_is_not_parsed(monkeypatch):
    parses = []
    real_parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda *args, **kwargs: parses.append(1) or real_parse(*args, **kwargs))
    result = scan_python("app/m.py", "x = 1\n", CTX, analyses=(ON_TREE, PythonAnalysis("again", lambda t: True, _line_facts("again"))))
    assert sorted(fact.kind for fact in result.facts) == ["again", "tree"] and len(parses) == 1
    assert scan_python("app/m.py", "x = (\n", CTX, analyses=(NEVER,)).skipped == [] and len(parses) == 1


def test_a_syntax_error_is_worded_as_before():
    result = scan_python("app/m.py", "x = 1\ndef broken(:\n", CTX, analyses=(ON_TREE,))
    assert result.facts == []
    assert [s.reason for s in result.skipped] == ["Python syntax error at line 2, column 12: invalid syntax"]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python reads PEP 701 f-strings")
def test_syntax_newer_than_the_running_python_says_so():
    source = 'x = 1\ny = f"{d["key"]}"\n'  # PEP 701: the same quotes inside an f-string hole
    result = scan_python("app/m.py", source, CTX, analyses=(ON_TREE,))
    assert result.facts == []
    assert [s.reason for s in result.skipped] == [
        "Python syntax newer than the Python 3.11 running depmap (line 2): not analysed "
        "(run depmap on the project's Python version)"
    ]


@pytest.mark.parametrize(
    ("source", "readable"),
    [
        ("type Pair = tuple[int, int]\n", "_;   Pair = tuple[int, int]\n"),
        ("class Loader[K, V: (int, str)](Base[K]):\n    pass\n", "class Loader                  (Base[K]):\n    pass\n"),
        ("def first[T](items: list[T]) -> T:\n    type Row[X] = list[X]\n", "def first   (items: list[T]) -> T:\n    _;   Row    = list[X]\n"),
        ("type = 'kind'\nprint(type)\n", None),  # `type` as a plain name: nothing to blank
        ("def f[\n    T,\n](x): pass\n", None),  # a parameter list over several lines is left alone
        ("try:\n    pass\nexcept KeyError, ValueError:\n    pass\n", "try:\n    pass\nexcept KeyError            :\n    pass\n"),
        ("try:\n    pass\nexcept (A, B) as error:\n    pass\n", None),  # already valid: nothing to blank
        ("x = 1\f\ntype Y = int\n", "x = 1\f\n_;   Y = int\n"),  # a form feed is no line break
    ],
)
def test_newer_syntax_is_blanked_in_place(source, readable):
    assert without_newer_syntax(source) == readable
    if readable is not None:
        ast.parse(readable)


def test_a_generic_model_manager_is_read_on_any_python():
    source = "class Recent[M](models.Manager):\n    def fresh(self):\n        return self.filter(new=True)\n"
    result = scan_python("app/m.py", source, CTX, analyses=(ON_TREE,))
    assert [fact.kind for fact in result.facts] == ["tree"] and result.skipped == []


def test_invalid_escapes_in_scanned_code_print_no_warning(recwarn):
    result = scan_python("app/m.py", 'PATTERN = "\\d+"\n', CTX, analyses=(ON_TREE,))
    assert [fact.kind for fact in result.facts] == ["tree"]
    assert [str(warning.message) for warning in recwarn] == []


def test_children_in_source_order():
    def written(source: str) -> list[str]:
        node = ast.parse(source, mode="eval").body
        return [ast.unparse(child) for child in children_in_source_order(node)]

    assert written("{'a': x, **rest, 'b': y}") == ["'a'", "x", "rest", "'b'", "y"]
    assert written("first if test else second") == ["first", "test", "second"]
    assert written("f(a=g(), *h())") == ["f", "g()", "h()"]
    assert written("f(x, key=1)") == ["f", "x", "key=1"]  # already in order: the keyword node itself


NESTED = textwrap.dedent("""\
    class OrderTests:
        def setUp(self):
            self.order = Order(total=1)
            for line in lines:
                self.line = line
            try:
                self.note = Note()
            except KeyError:
                self.note = None
            finally:
                done = True
            match kind:
                case "a":
                    self.kind = Kind()

        def helper(self):
            def inner():
                self.inner = Inner()
            if x:
                self.flag = lambda: [y for y in z]
            else:
                self.flag = False
""")


def test_statements_breadth_first_keeps_ast_walks_order_without_expressions():
    tree = ast.parse(NESTED)
    cls = tree.body[0]
    walked = [node for node in ast.walk(cls) if isinstance(node, ast.stmt)]
    found = list(statements_breadth_first(cls))
    assert [node for node in found if isinstance(node, ast.stmt)] == walked
    assert [type(node).__name__ for node in found if not isinstance(node, ast.stmt)] == ["ExceptHandler", "match_case"]
    assigned = [ast.unparse(node.targets[0]) for node in found if isinstance(node, ast.Assign)]
    # level by level: a method's own statements, then what they hold, then what the handlers and cases hold
    assert assigned == ["self.order", "self.line", "self.note", "done", "self.inner", "self.flag", "self.flag", "self.note", "self.kind"]


def test_subtree_nodes_are_every_node_of_ast_walk_but_the_context_markers():
    tree = ast.parse(NESTED)
    walked = [node for node in ast.walk(tree) if not isinstance(node, ast.expr_context)]
    found = subtree_nodes(tree)
    assert len(found) == len(walked) == len({id(node) for node in found})
    assert {id(node) for node in found} == {id(node) for node in walked}
    assert subtree_nodes(tree.body[0].body[0].body[0].value) == [tree.body[0].body[0].body[0].value, *subtree_nodes(tree.body[0].body[0].body[0].value)[1:]]

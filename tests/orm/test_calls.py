"""Methods that run ORM operations for their caller's model, applied at the call site.

The fixture `board` is a Flask-SQLAlchemy app whose models get `get_by`/`save`/`delete` from a
plain mixin, and a generic `CRUDBase` repository bound to a model by its constructor
(`boards = CRUDBoard(BoardEntity)`, `cards = CRUDBase(model=Card)`) and reached through a package
re-export (`crud.boards.get(...)`). Nothing at the call sites names a table; every usage below is
found through the method's body.
"""

from __future__ import annotations

from pathlib import Path

from depmap.model import ACCESS, INDIRECT_READS
from depmap.registry import link_facts, scan_python_file
from depmap.scan_context import ScanContext

ROOT = Path(__file__).parent / "fixtures" / "board"


def usages(table: str, indirect: bool = False) -> list[tuple]:
    """The usages of `table` in the fixture; whole-row loads and attribute reads with `indirect`."""
    facts = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        facts.extend(scan_python_file(relative, path.read_text(), ScanContext()).facts)
    linked = [f for f in link_facts(facts) if f.kind == ACCESS and f.table == table and (indirect or f.detail not in INDIRECT_READS)]
    return sorted({(f.location.path, f.location.line, f.access, f.detail, f.columns, f.confidence, f.extra.get("inferred_from")) for f in linked})


REPO = "board.crud.boards.boards = CRUDBoard(...)"
VIA_REPO = "board.crud.boards, bound by " + REPO
CARDS = "board.crud.boards.cards = CRUDBase(...)"
VIA_CARDS = "board.crud.cards, bound by " + CARDS


def test_mixin_class_methods_and_saves_are_usages_where_they_are_called():
    rows = [row for row in usages("boards") if row[0] == "board/api/boards.py"]
    assert rows == [
        # get_by_or_404 calls its sibling get_by, which selects `cls`
        ("board/api/boards.py", 7, "read", "orm_query", (), "high", "board.database.CRUDMixin.get_by"),
        ("board/api/boards.py", 12, "read", "orm_query", (), "high", "board.database.CRUDMixin.get_by"),
        # `save()` of a row loaded by get_by: the mixin's session.add(self) is an UPDATE of it
        ("board/api/boards.py", 14, "write", "orm_update", ("id", "title", "archived"), "medium", "board.database.CRUDMixin.save"),
        # a new Board saved: the INSERT of the fields set, at its constructor (not doubled by save)
        ("board/api/boards.py", 19, "write", "orm_create", ("title",), "high", None),
        ("board/api/boards.py", 25, "read", "orm_query", (), "high", "board.database.CRUDMixin.get_by"),
        # the model's own delete() overrides the mixin's
        ("board/api/boards.py", 26, "write", "orm_delete", (), "medium", "board.models.Board.delete"),
        ("board/api/boards.py", 31, "read", "orm_query", (), "high", None),
        # mass assignment of request data: every column may be written
        ("board/api/boards.py", 33, "write", "orm_update", ("id", "title", "archived"), "medium", None),
    ]
    assert ("board/api/boards.py", 8, "read", "orm_query", ("id",), "high", "board.database.CRUDMixin.count") in usages("cards")


def test_generic_repository_calls_and_bodies_are_usages_of_the_bound_model():
    assert [row for row in usages("boards") if row[0] != "board/api/boards.py"] == [
        ("board/api/admin.py", 6, "read", "orm_query", (), "high", VIA_REPO),
        # a method of the subclass, on the attribute the base class's __init__ sets
        ("board/api/admin.py", 10, "read", "orm_query", ("archived",), "high", VIA_REPO),
        ("board/api/admin.py", 14, "read", "orm_query", ("id",), "high", VIA_REPO),
        # a helper given the model, imported inside the function: `session.query(model)` in its body
        ("board/api/admin.py", 27, "read", "orm_query", (), "high", "board.helpers.first_of"),
        # the generic bodies, once per model an object binds
        ("board/crud/base.py", 14, "read", "orm_query", ("id",), "high", REPO),
        ("board/crud/base.py", 17, "read", "orm_query", (), "high", REPO),
        ("board/crud/base.py", 20, "write", "orm_create", ("id", "title", "archived"), "high", REPO),
        ("board/crud/base.py", 26, "read", "orm_delete", ("id",), "high", REPO),
        ("board/crud/base.py", 26, "write", "orm_delete", (), "high", REPO),
        ("board/crud/boards.py", 7, "read", "orm_query", ("archived",), "high", REPO),
        ("board/models.py", 18, "write", "orm_delete", (), "medium", None),
    ]
    cards = usages("cards")
    # bound by keyword; `crud.utils_not_there.get(...)` binds nothing
    assert [row for row in cards if row[0] == "board/api/admin.py"] == [
        ("board/api/admin.py", 15, "write", "orm_create", ("id", "board_id", "text"), "high", VIA_CARDS),
        ("board/api/admin.py", 19, "read", "orm_delete", ("id",), "high", VIA_CARDS),
        ("board/api/admin.py", 19, "write", "orm_delete", (), "high", VIA_CARDS),
        # by keyword, through the module: `select_from(model)` in count_rows
        ("board/api/admin.py", 27, "read", "orm_query", (), "high", "board.helpers.count_rows"),
        # a third repository, bound by its class attribute (its constructor takes a session)
        ("board/api/admin.py", 31, "read", "orm_query", (), "high",
         "board.crud.archived_cards, bound by board.crud.boards.archived_cards = ArchivedCards(...)"),
    ]
    # the generic body once per model, whichever object binds it first naming how
    assert [row for row in cards if row[0] == "board/crud/base.py" and row[1] == 14] == [
        ("board/crud/base.py", 14, "read", "orm_query", ("id",), "high", "board.crud.boards.archived_cards = ArchivedCards(...)")]


DESK = Path(__file__).parent / "fixtures" / "desk"


def desk_usages(table: str) -> list[tuple]:
    facts = []
    for path in sorted(DESK.rglob("*.py")):
        facts.extend(scan_python_file(path.relative_to(DESK).as_posix(), path.read_text(), ScanContext()).facts)
    linked = [f for f in link_facts(facts) if f.kind == ACCESS and f.table == table]
    return sorted((f.location.path, f.location.line, f.access, f.detail, f.columns, f.confidence, f.extra.get("inferred_from")) for f in linked)


def test_a_mixin_querying_self_model_reads_the_model_each_view_binds_and_generic_views_load_rows_whole():
    every = ("id", "queue_id", "title", "assigned_to_id", "status")
    assert desk_usages("desk_ticket") == [
        ("desk/mixins.py", 7, "read", "orm_query", (), "high", "MyTickets.model = Ticket"),
        ("desk/mixins.py", 10, "read", "orm_query", ("id",), "high", "MyTickets.model = Ticket"),
        ("desk/mixins.py", 10, "write", "orm_update", ("assigned_to_id",), "high", "MyTickets.model = Ticket"),
        # ListView with `model = models.Ticket`: every column of every row it lists
        ("desk/views.py", 8, "read", "orm_query", every, "high", None),
        # `close_all(models.Ticket, ids)`: the helper's `model.objects.filter(pk__in=...).update(status=...)`
        ("desk/views.py", 20, "read", "orm_query", ("id",), "high", "desk.bulk.close_all"),
        ("desk/views.py", 20, "write", "orm_update", ("status",), "high", "desk.bulk.close_all"),
    ]
    # `ticket` has no annotation: FollowUp is the only model with a `followup_set`
    assert desk_usages("desk_followup") == [
        ("desk/views.py", 13, "read", "orm_query", ("public", "ticket_id"), "medium", "relation name `followup_set`"),
    ]


def test_rows_a_method_loads_whole_are_loaded_where_it_is_called_and_held_rows_are_read_by_attribute():
    every = ("id", "title", "archived")
    indirect = [row for row in usages("boards", indirect=True) if row[3] in INDIRECT_READS and row[0] == "board/api/boards.py"]
    assert indirect == [
        # CRUDMixin.get_by selects `cls` whole: the rest of the row is loaded at each call
        ("board/api/boards.py", 7, "read", "orm_load", every, "high", "board.database.CRUDMixin.get_by"),
        ("board/api/boards.py", 12, "read", "orm_load", every, "high", "board.database.CRUDMixin.get_by"),
        ("board/api/boards.py", 25, "read", "orm_load", every, "high", "board.database.CRUDMixin.get_by"),
        # session.get(Board, id): one row, every column
        ("board/api/boards.py", 31, "read", "orm_load", every, "high", None),
    ]
    # `board.title`/`board.id` read in show(): the row came from a method the scanner cannot see
    # into, so no attribute read is claimed there; in a model's own method `self.cards` is a relation
    assert not [row for row in usages("boards", indirect=True) if row[3] == "orm_attribute"]

"""Project code that touches tables, called elsewhere: its reads and writes at the call. A method
running raw SQL called on an object of its class (through bases and calls on `self`, whatever binds
the receiver); a function or model method whose body queries a model it names, called by name, on
a module, on an instance a one-row query returned, a few levels deep."""

from __future__ import annotations

from pathlib import Path

from depmap.impact.rules import not_null_without_default
from depmap.index.build import build_index
from tests.impact.helpers import context_for, findings_of

REPOSITORIES = '''\
class BaseRepository:
    table = None

    def __init__(self, conn):
        self.conn = conn

    def purge_closed(self):
        self.conn.execute("DELETE FROM orders WHERE status = 'closed'")


class OrderRepository(BaseRepository):
    def open_orders(self, customer_id):
        return self.conn.execute(
            "SELECT id, total FROM orders WHERE customer_id = %s AND status = 'open'", (customer_id,)
        ).fetchall()

    def close(self, order_id):
        self.conn.execute("UPDATE orders SET status = 'closed' WHERE id = %s", (order_id,))
        self.archive(order_id)

    def archive(self, order_id):
        self.conn.execute("INSERT INTO order_archive SELECT * FROM orders WHERE id = %s", (order_id,))


orders = OrderRepository(None)
'''

VIEWS = '''\
from shop.repositories import OrderRepository, orders


def dashboard(conn, customer_id):
    repo = OrderRepository(conn)
    rows = repo.open_orders(customer_id)
    orders.close(rows[0][0])
    repo.purge_closed()
    return rows


def report(repo: OrderRepository):
    return len(repo.open_orders(1))
'''


def test_sql_of_a_method_is_reported_at_its_calls(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "repositories.py").write_text(REPOSITORIES)
    (tmp_path / "shop" / "views.py").write_text(VIEWS)
    index = build_index(tmp_path)
    at_calls = sorted(
        (f.location.line, f.location.symbol, f.table, f.access, f.detail, f.columns, f.extra["inferred_from"])
        for table in ("orders", "order_archive")
        for f in index.graph.readers(table) + index.graph.writers(table)
        if f.location.path == "shop/views.py"
    )
    open_orders = "method shop.repositories.OrderRepository.open_orders"
    close = "method shop.repositories.OrderRepository.close on shop.repositories.orders, bound by shop.repositories.orders = OrderRepository(...)"
    purge = "method shop.repositories.BaseRepository.purge_closed"  # found through the base class
    dashboard = "shop.views.dashboard"
    assert at_calls == [
        (6, dashboard, "orders", "read", "select", ("id", "total", "customer_id", "status"), open_orders),
        # close() updates, then archives through self.archive(...): an INSERT ... SELECT *, its `*` kept apart
        (7, dashboard, "order_archive", "write", "insert_select_star", (), close),
        (7, dashboard, "orders", "read", "insert_select_star", (), close),
        (7, dashboard, "orders", "read", "select", ("id",), close),
        (7, dashboard, "orders", "read", "update", ("id",), close),
        (7, dashboard, "orders", "write", "update", ("status",), close),
        (8, dashboard, "orders", "read", "delete", ("status",), purge),
        (8, dashboard, "orders", "write", "delete", (), purge),
        (13, "shop.views.report", "orders", "read", "select", ("id", "total", "customer_id", "status"), open_orders),
    ]


def test_copies_of_one_callee_file_share_one_extra(tmp_path: Path) -> None:
    """Interprocedural copies are most of a large project's facts: the note `inferred_from` and
    the callee's file are one dict for every copy that says the same, not one each."""
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "repositories.py").write_text(REPOSITORIES)
    (tmp_path / "shop" / "views.py").write_text(VIEWS)
    index = build_index(tmp_path)
    copies = [f for f in index.facts if f.location.path == "shop/views.py" and "inferred_from" in f.extra]
    notes = {id(f.extra): f.extra for f in copies}
    assert len(copies) == 9
    assert sorted(note["inferred_from"].split(" ")[1] for note in notes.values()) == [
        "shop.repositories.BaseRepository.purge_closed", "shop.repositories.OrderRepository.close", "shop.repositories.OrderRepository.open_orders"]


LEAGUE = {
    "league/__init__.py": '''\
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)
''',
    "league/models.py": '''\
from league import db


class Team(db.Model):
    __tablename__ = "teams"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)

    def get_awards(self, admin=False):
        awards = Award.query.filter_by(team_id=self.id)
        if not admin:
            awards = awards.filter(Award.hidden.is_(False))
        return awards.all()

    @property
    def awards(self):
        return self.get_awards()


class Award(db.Model):
    __tablename__ = "awards"
    id = db.Column(db.Integer, primary_key=True)
    team_id = db.Column(db.Integer, db.ForeignKey("teams.id"))
    value = db.Column(db.Integer, default=0)
    hidden = db.Column(db.Boolean, default=False)
''',
    "league/scores.py": '''\
from league import db
from league.models import Award


def get_standings(count=None):
    query = db.session.query(Award.team_id, db.func.sum(Award.value)).group_by(Award.team_id)
    return query.limit(count).all() if count else query.all()


def top_ten():
    return get_standings(count=10)


def countdown(n):
    return countdown(n - 1) if n else 0
''',
    "league/views.py": '''\
from flask import render_template

from league import scores
from league.models import Team
from league.scores import countdown, top_ten


def scoreboard():
    standings = scores.get_standings()
    return render_template("scoreboard.html", standings=standings)


def team_page(team_id):
    team = Team.query.filter_by(id=team_id).first_or_404()
    awards = team.get_awards(admin=True)
    return render_template("team.html", team=team, awards=awards, top=top_ten(), n=countdown(3))
''',
    "tests/__init__.py": "",
    "tests/helpers.py": '''\
from league.models import Award


def gen_award(db, team_id, value=100):
    award = Award(team_id=team_id, value=value)
    db.session.add(award)
    db.session.commit()
    return award


def simulate_activity(db, team_id):
    for _ in range(3):
        gen_award(db, team_id)
''',
    "tests/test_scores.py": '''\
from league import db
from tests.helpers import gen_award, simulate_activity


def test_standings_count_every_award():
    gen_award(db, team_id=1, value=5)
    simulate_activity(db, 2)
''',
}


def _league(tmp_path: Path) -> Path:
    for name, text in LEAGUE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_calls_of_functions_and_model_methods_that_query_a_model_are_its_usages(tmp_path: Path) -> None:
    index = build_index(_league(tmp_path))
    through = sorted(
        (f.location.path, f.location.line, f.access, f.detail, f.columns, f.extra["inferred_from"], f.extra["code"])
        for f in index.graph.readers("awards") + index.graph.writers("awards")
        if "code" in f.extra
    )
    standings = "function league.scores.get_standings"
    gen_award = "function tests.helpers.gen_award"
    simulate = "function tests.helpers.simulate_activity"
    top_ten = "function league.scores.top_ten"
    get_awards = "method league.models.Team.get_awards"
    assert through == [
        # a property calling its sibling method on `self`
        ("league/models.py", 17, "read", "orm_load", ("id", "value", "hidden", "team_id"), get_awards, "league/models.py"),
        ("league/models.py", 17, "read", "orm_query", ("team_id", "hidden"), get_awards, "league/models.py"),
        ("league/scores.py", 11, "read", "orm_query", ("team_id", "value"), standings, "league/scores.py"),
        # `scores.get_standings()`: a function reached through its module
        ("league/views.py", 9, "read", "orm_query", ("team_id", "value"), standings, "league/scores.py"),
        # `team = Team.query...first_or_404()` holds a Team: its method queries Award
        ("league/views.py", 15, "read", "orm_load", ("id", "value", "hidden", "team_id"), get_awards, "league/models.py"),  # .all()
        ("league/views.py", 15, "read", "orm_query", ("team_id", "hidden"), get_awards, "league/models.py"),
        # top_ten() calls get_standings(): two levels down; countdown() calls itself and touches nothing
        ("league/views.py", 16, "read", "orm_query", ("team_id", "value"), top_ten, "league/scores.py"),
        ("tests/helpers.py", 13, "write", "orm_create", ("team_id", "value"), gen_award, "tests/helpers.py"),
        ("tests/test_scores.py", 6, "write", "orm_create", ("team_id", "value"), gen_award, "tests/helpers.py"),
        ("tests/test_scores.py", 7, "write", "orm_create", ("team_id", "value"), simulate, "tests/helpers.py"),
    ]


def test_findings_stay_at_the_statement_the_called_code_runs(tmp_path: Path) -> None:
    ctx = context_for(_league(tmp_path), "awards.reason", type="text", not_null=True)
    found = findings_of(not_null_without_default, ctx)
    # the new migration fails on a table with rows; gen_award's Award(...) fails: not the tests calling it
    assert [(f.location.path, f.location.line) for f in found] == [("", 0), ("tests/helpers.py", 5)]


MONITOR = {
    "monitor/__init__.py": "",
    "monitor/models.py": '''\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Model(Base):
    __tablename__ = "models"
    id = Column(Integer, primary_key=True)
    name = Column(String, nullable=False)
''',
    "monitor/crud.py": '''\
from monitor.models import Model


class CRUDBase:
    def __init__(self, model):
        self.model = model

    def get_all(self, db):
        return db.query(self.model).all()


models = CRUDBase(Model)
''',
    "monitor/shared.py": '''\
from monitor import crud


def get_all_models(db):
    return crud.models.get_all(db)
''',
    "monitor/cron.py": '''\
from monitor.shared import get_all_models


def refresh(db):
    for model in get_all_models(db):
        print(model.name)
''',
}


def test_a_function_wrapping_a_generic_repository_call_reads_through_it(tmp_path: Path) -> None:
    for name, text in MONITOR.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    index = build_index(tmp_path)
    calls = sorted((f.location.path, f.location.line, f.detail, f.extra["inferred_from"])
                   for f in index.graph.readers("models") if f.location.path != "monitor/crud.py")
    bound = "monitor.crud.models, bound by monitor.crud.models = CRUDBase(...)"
    assert calls == [
        # through the wrapper: what crud.models.get_all(db) reads where the wrapper is called
        ("monitor/cron.py", 5, "orm_load", "function monitor.shared.get_all_models"),
        ("monitor/cron.py", 5, "orm_query", "function monitor.shared.get_all_models"),
        ("monitor/shared.py", 5, "orm_load", bound),
        ("monitor/shared.py", 5, "orm_query", bound),
    ]

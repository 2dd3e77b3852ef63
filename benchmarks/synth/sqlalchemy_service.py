"""A SQLAlchemy service: declarative models (2.0 `Mapped` style, or 1.x `Column` style), a
repository of session functions (`select`, `insert`, `update`, `delete`, `text`), request
schemas and handlers."""

from __future__ import annotations

from dataclasses import replace

from synth.repo import Repo, defined_name, docstring, render
from synth.schema import Column, Table, new_table, pick_tables

ROOT = "services"


def _python_value(table: Table, column: Column) -> str:
    sample = table.sample(column)
    return {"now": "datetime.now(timezone.utc)", "today": "date.today()"}.get(sample, sample)


# Names the declarative base reserves: such a column is mapped under another attribute name.
_RESERVED = frozenset({"metadata", "registry"})


def _attribute(column: Column, args: list[str]) -> str:
    """The attribute name; a reserved one gets a trailing underscore and the column name first."""
    if column.name in _RESERVED:
        args.insert(0, f'"{column.name}"')
        return f"{column.name}_"
    return column.name


def _mapped(table: Table, column: Column) -> str:
    """A 2.0-style `Mapped[...] = mapped_column(...)` attribute."""
    hint = column.type.hint
    if column.nullable:
        hint = f"{hint} | None"
    args: list[str] = []
    if column.name == "id":
        return "    id: Mapped[int] = mapped_column(primary_key=True)"
    if column.kind == "fk":
        args.append(f'ForeignKey("{column.target}.id")')
        args.append("index=True")
    else:
        args.insert(0, column.type.sqlalchemy)
    if column.kind == "status":
        args.append(f'default="{table.statuses[0]}"')
    elif column.name == "created_at":
        args.append("server_default=func.now()")
    elif column.name == "updated_at":
        args.append("onupdate=func.now()")
    elif column.kind in ("int", "money") and not column.nullable:
        args.append("default=0")
    name = _attribute(column, args)
    return f"    {name}: Mapped[{hint}] = mapped_column({', '.join(args)})"


def _classic(table: Table, column: Column) -> str:
    """A 1.x-style `name = Column(...)` attribute."""
    if column.name == "id":
        return "    id = Column(Integer, primary_key=True)"
    args = [column.type.sqlalchemy]
    if column.kind == "fk":
        args.append(f'ForeignKey("{column.target}.id")')
    if not column.nullable:
        args.append("nullable=False")
    if column.kind == "status":
        args.append(f'default="{table.statuses[0]}"')
    if column.name == "created_at":
        args.append("server_default=func.now()")
    name = _attribute(column, args)
    return f"    {name} = Column({', '.join(args)})"


def _models_py(repo: Repo, service: str, tables: list[Table], classic: bool) -> str:
    body: list[str] = []
    for table in tables:
        body.append(f"class {table.model}(Base):")
        body += docstring(f"A {table.entity.replace('_', ' ')} as the {service} service stores it.", "    ")
        body += ["", f'    __tablename__ = "{table.name}"', ""]
        for column in table.columns:
            body.append(_classic(table, column) if classic else _mapped(table, column))
        if table.statuses:
            body += ["", "    @property", "    def is_open(self) -> bool:", f'        return self.status == "{table.statuses[0]}"']
        body += ["", ""]
    text = "\n".join(body)
    types = sorted({t.columns[i].type.sqlalchemy.split("(")[0] for t in tables for i in range(len(t.columns))})
    head = docstring(f"Tables of the {service} service, mapped with SQLAlchemy's declarative base.") + [""]
    imports = ["from __future__ import annotations", ""]
    if "datetime" in text or "date" in text:
        imports.append("from datetime import date, datetime")
    if "Decimal" in text:
        imports.append("from decimal import Decimal")
    if "Any" in text:
        imports.append("from typing import Any")
    imports.append("")
    names = sorted(set(types) | {"ForeignKey", "func"} | ({"Column", "Integer"} if classic else set()))
    imports.append(f"from sqlalchemy import {', '.join(names)}")
    if not classic:
        imports.append("from sqlalchemy.orm import Mapped, mapped_column")
    imports += ["", f"from services.{service}.db import Base", "", ""]
    return render(head + imports + body)


def _db_py(repo: Repo, service: str) -> str:
    return render([
        *docstring(f"Engine and sessions of the {service} service; the caller owns each transaction."),
        "",
        "from __future__ import annotations",
        "",
        "import os",
        "from collections.abc import Iterator",
        "from contextlib import contextmanager",
        "",
        "from sqlalchemy import create_engine",
        "from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker",
        "",
        f'DATABASE_URL = os.environ.get("{service.upper()}_DATABASE_URL", "postgresql+psycopg://app@localhost/{repo.company}")',
        "",
        "",
        "class Base(DeclarativeBase):",
        "    pass",
        "",
        "",
        f"engine = create_engine(DATABASE_URL, pool_pre_ping=True, pool_size={repo.rng.choice((5, 10, 20))})",
        "SessionFactory = sessionmaker(bind=engine, expire_on_commit=False)",
        "",
        "",
        "@contextmanager",
        "def session_scope() -> Iterator[Session]:",
        '    """A session committed on success and rolled back on any error."""',
        "    session = SessionFactory()",
        "    try:",
        "        yield session",
        "        session.commit()",
        "    except Exception:",
        "        session.rollback()",
        "        raise",
        "    finally:",
        "        session.close()",
    ])


def _some(repo: Repo, table: Table, low: int, high: int) -> list[Column]:
    data = [c for c in table.data_columns() if c.kind not in ("json", "fk")]
    return repo.rng.sample(data, min(len(data), repo.rng.randint(low, high)))


def _repo_get(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    return [
        f"def get_{table.entity}(session: Session, {table.entity}_id: int) -> {table.model} | None:",
        f"    return session.get({table.model}, {table.entity}_id)",
    ]


def _repo_list(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    where = f'{table.model}.status == status' if table.statuses else f"{table.model}.created_at >= since"
    param = "status: str" if table.statuses else "since: datetime"
    return [
        f"def list_{table.collection}(session: Session, {param}, limit: int = 100) -> list[{table.model}]:",
        *docstring(f"The most recent {table.collection.replace('_', ' ')} matching the filter, newest first.", "    "),
        "    stmt = (",
        f"        select({table.model})",
        f"        .where({where})",
        f"        .order_by({table.model}.created_at.desc())",
        "        .limit(limit)",
        "    )",
        "    return list(session.scalars(stmt))",
    ]


def _repo_insert(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    cols = _some(repo, table, 2, 4)
    params = ", ".join(f"{c.name}: {c.type.hint}" for c in cols)
    values = [f"            {c.name}={c.name}," for c in cols]
    return [
        f"def add_{table.entity}(session: Session, *, {params}) -> int:",
        "    stmt = (",
        f"        insert({table.model})",
        "        .values(",
        *values,
        "        )",
        f"        .returning({table.model}.id)",
        "    )",
        "    return session.execute(stmt).scalar_one()",
    ]


def _repo_update(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    if table.statuses:
        return [
            f"def close_{table.entity}(session: Session, {table.entity}_id: int) -> bool:",
            "    result = session.execute(",
            f"        update({table.model})",
            f'        .where({table.model}.id == {table.entity}_id, {table.model}.status == "{table.statuses[0]}")',
            f'        .values(status="{table.statuses[-1]}", updated_at=func.now())',
            "    )",
            "    return result.rowcount == 1",
        ]
    col = _some(repo, table, 1, 1)
    if not col:
        return _repo_get(repo, table, others)
    return [
        f"def set_{table.entity}_{col[0].name}(session: Session, {table.entity}_id: int, value: {col[0].type.hint}) -> None:",
        f"    session.execute(update({table.model}).where({table.model}.id == {table.entity}_id).values({col[0].name}=value))",
    ]


def _repo_delete(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    return [
        f"def purge_{table.collection}(session: Session, older_than: timedelta) -> int:",
        *docstring("Deletes rows past the retention period; returns how many went.", "    "),
        "    cutoff = datetime.now(timezone.utc) - older_than",
        f"    result = session.execute(delete({table.model}).where({table.model}.created_at < cutoff))",
        "    return result.rowcount",
    ]


def _repo_aggregate(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    if not table.statuses:
        return _repo_list(repo, table, others)
    return [
        f"def count_{table.collection}_by_status(session: Session) -> dict[str, int]:",
        f"    stmt = select({table.model}.status, func.count({table.model}.id)).group_by({table.model}.status)",
        "    return {status: count for status, count in session.execute(stmt)}",
    ]


def _repo_add(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    cols = _some(repo, table, 2, 3)
    args = ", ".join(f"{c.name}={_python_value(table, c)}" for c in cols)
    return [
        f"def create_default_{table.entity}(session: Session) -> {table.model}:",
        f"    obj = {table.model}({args})",
        "    session.add(obj)",
        "    session.flush()",
        "    return obj",
    ]


def _repo_text(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    """A hand-written report query joining a table of this service with one of another layer."""
    fk = next((c for c in table.columns if c.kind == "fk"), None)
    cols = _some(repo, table, 2, 3)
    select = ", ".join(f"t.{c.name}" for c in cols) or "t.id"
    lines = [
        f"def {table.entity}_report(session: Session, since: datetime) -> list[tuple[Any, ...]]:",
        *docstring(f"Raw SQL: the ORM version of this report was too slow on large {table.collection.replace('_', ' ')}.", "    "),
        "    rows = session.execute(",
        "        text(",
        '            """',
        f"            SELECT t.id, {select}",
    ]
    if fk is not None:
        lines += [f"            FROM {table.name} AS t", f"            JOIN {fk.target} AS p ON p.id = t.{fk.name}"]
    else:
        lines.append(f"            FROM {table.name} AS t")
    lines += [
        "            WHERE t.created_at >= :since",
        "            ORDER BY t.created_at DESC",
        '            """',
        "        ),",
        '        {"since": since},',
        "    )",
        "    return [tuple(row) for row in rows]",
    ]
    return lines


def _repo_join(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    fk = next((c for c in table.columns if c.kind == "fk" and any(o.name == c.target for o in others)), None)
    if fk is None:
        return _repo_list(repo, table, others)
    parent = next(o for o in others if o.name == fk.target)
    shown = _some(repo, parent, 1, 2)
    cols = ", ".join([f"{table.model}.id", *(f"{parent.model}.{c.name}" for c in shown)])
    return [
        f"def {table.collection}_with_{parent.entity}(session: Session, {parent.entity}_id: int) -> list[tuple[Any, ...]]:",
        "    stmt = (",
        f"        select({cols})",
        f"        .join({parent.model}, {parent.model}.id == {table.model}.{fk.name})",
        f"        .where({parent.model}.id == {parent.entity}_id)",
        f"        .order_by({table.model}.id)",
        "    )",
        "    return [tuple(row) for row in session.execute(stmt)]",
    ]


def _repo_lock(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    number = next((c for c in table.columns if c.kind in ("int", "money") and c.name != "id" and not c.nullable), None)
    if number is None:
        return _repo_get(repo, table, others)
    return [
        f"def adjust_{table.entity}_{number.name}(session: Session, {table.entity}_id: int, delta: int) -> int:",
        *docstring("Locks the row, applies the change and returns the new value; callers retry on conflict.", "    "),
        f"    stmt = select({table.model}).where({table.model}.id == {table.entity}_id).with_for_update()",
        "    obj = session.scalars(stmt).one()",
        f"    obj.{number.name} = (obj.{number.name} or 0) + delta",
        f"    if obj.{number.name} < 0:",
        f'        raise ValueError("{number.name} cannot go below zero")',
        f"    return obj.{number.name}",
    ]


def _repo_exists(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    code = next((c for c in table.columns if c.kind in ("code", "email")), None)
    if code is None:
        return _repo_get(repo, table, others)
    return [
        f"def {table.entity}_{code.name}_taken(session: Session, value: str) -> bool:",
        f"    stmt = select(exists().where({table.model}.{code.name} == value))",
        "    return bool(session.scalar(stmt))",
    ]


def _repo_page(repo: Repo, table: Table, others: list[Table]) -> list[str]:
    return [
        f"def page_of_{table.collection}(session: Session, after_id: int = 0, size: int = 100) -> list[{table.model}]:",
        *docstring("Keyset pagination: stable under concurrent inserts, unlike OFFSET.", "    "),
        f"    stmt = select({table.model}).where({table.model}.id > after_id).order_by({table.model}.id).limit(size)",
        "    return list(session.scalars(stmt))",
    ]


_REPO_SHAPES = (_repo_join, _repo_lock, _repo_exists, _repo_page, _repo_list, _repo_insert, _repo_update, _repo_delete, _repo_aggregate, _repo_add, _repo_text)


def _repository_py(repo: Repo, service: str, tables: list[Table]) -> str:
    rng = repo.rng
    body: list[str] = []
    seen: set[str] = set()
    for table in tables:
        for shape in [_repo_get, *rng.sample(_REPO_SHAPES, rng.randint(3, 6))]:
            lines = shape(repo, table, tables)
            if defined_name(lines) in seen:
                continue
            seen.add(defined_name(lines))
            body += lines + ["", ""]
    text = "\n".join(body)
    used = [n for n in ("delete", "exists", "func", "insert", "select", "text", "update") if f"{n}(" in text or f"{n}." in text]
    head = docstring(f"Reads and writes of the {service} service. Functions take a Session; nothing here commits.") + [""]
    imports = ["from __future__ import annotations", "", "from datetime import date, datetime, timedelta, timezone"]
    if "Decimal" in text:
        imports.append("from decimal import Decimal")
    imports += ["from typing import Any", ""]
    if used:
        imports.append(f"from sqlalchemy import {', '.join(used)}")
    imports += ["from sqlalchemy.orm import Session", "", f"from services.{service}.models import {', '.join(sorted(t.model for t in tables))}", "", ""]
    return render(head + imports + body)


def _schemas_py(repo: Repo, service: str, tables: list[Table]) -> str:
    """Request/response shapes: plain dataclasses, no database."""
    out = [*docstring(f"Payloads the {service} API accepts and returns."), "", "from __future__ import annotations", ""]
    out += ["from dataclasses import asdict, dataclass, field", "from datetime import date, datetime", "from decimal import Decimal"]
    out += ["from typing import Any", "", ""]
    for table in tables:
        cols = [c for c in table.data_columns() if c.kind != "fk"][:6]
        out += ["@dataclass(frozen=True)", f"class {table.model}Payload:"]
        for column in cols:
            hint = column.type.hint + (" | None = None" if column.nullable else "")
            out.append(f"    {column.name}: {hint}")
        if not cols:
            out.append("    id: int")
        out += ["", "    def to_dict(self) -> dict[str, Any]:", "        return asdict(self)", "", ""]
    return render(_order_defaults(out))


def _order_defaults(lines: list[str]) -> list[str]:
    """Dataclass fields with defaults must come after those without: reorder each class body."""
    out: list[str] = []
    block: list[str] = []
    for line in lines + [""]:
        if line.startswith("    ") and ": " in line and "def " not in line and "return" not in line:
            block.append(line)
            continue
        if block:
            out += [b for b in block if "=" not in b] + [b for b in block if "=" in b]
            block = []
        out.append(line)
    return out[:-1]


def _api_py(repo: Repo, service: str, tables: list[Table]) -> str:
    out = [*docstring(f"HTTP handlers of the {service} service: validate, call the repository, serialise."), ""]
    out += ["from __future__ import annotations", "", "from typing import Any", ""]
    out += [f"from services.{service} import repository", f"from services.{service}.db import session_scope", "", ""]
    out += ["class NotFound(LookupError):", '    """The requested row does not exist; the router answers 404."""', "", ""]
    for table in tables[: repo.rng.randint(2, 5)]:
        shown = [c for c in table.data_columns() if c.kind not in ("json",)][:4]
        pairs = ", ".join(f'"{c.name}": found.{c.name}' for c in shown)
        out += [
            f"def handle_get_{table.entity}(params: dict[str, Any]) -> dict[str, Any]:",
            f'    {table.entity}_id = int(params["id"])',
            "    with session_scope() as session:",
            f"        found = repository.get_{table.entity}(session, {table.entity}_id)",
            "        if found is None:",
            f"            raise NotFound({table.entity}_id)",
            f'        return {{"id": found.id, {pairs}}}',
            "",
            "",
        ]
    return render(out)


def _rules_py(repo: Repo, service: str, tables: list[Table]) -> str:
    """Business rules of the service, on payloads: no session, no queries."""
    rng = repo.rng
    out = [*docstring(f"Business rules of the {service} service; pure functions over payloads."), "", "from __future__ import annotations", ""]
    out += ["from datetime import datetime, timedelta, timezone", "from decimal import Decimal", "", ""]
    for table in tables:
        if table.statuses:
            first, last = table.statuses[0], table.statuses[-1]
            out += [
                f"{table.entity.upper()}_FINAL = frozenset({{\"{last}\"}})",
                "",
                "",
                f"def {table.entity}_may_change(status: str, created_at: datetime, grace_hours: int = {rng.choice((1, 24, 48))}) -> bool:",
                *docstring(f"A {table.entity.replace('_', ' ')} can be edited until it is {last}, or while it is {first} and recent.", "    "),
                f"    if status in {table.entity.upper()}_FINAL:",
                "        return False",
                f'    if status == "{first}":',
                "        return True",
                "    return datetime.now(timezone.utc) - created_at < timedelta(hours=grace_hours)",
                "",
                "",
            ]
        money = next((c for c in table.columns if c.kind == "money"), None)
        if money is not None:
            out += [
                f"def {table.entity}_{money.name[:-6]}_display(cents: int, currency: str = \"EUR\") -> str:",
                "    units = Decimal(cents) / 100",
                '    return f"{units:,.2f} {currency}"',
                "",
                "",
            ]
    return render(out)


def _tests_py(repo: Repo, service: str, tables: list[Table]) -> str:
    """Repository tests on an in-memory SQLite database built from the models."""
    out = [*docstring(f"Tests of the {service} repository on an in-memory database."), "", "from __future__ import annotations", ""]
    out += ["from collections.abc import Iterator", "", "import pytest", "from sqlalchemy import create_engine", "from sqlalchemy.orm import Session", ""]
    out += [f"from services.{service} import repository", f"from services.{service}.db import Base", "", ""]
    out += ["@pytest.fixture", "def session() -> Iterator[Session]:", '    engine = create_engine("sqlite://")', "    Base.metadata.create_all(engine)"]
    out += ["    with Session(engine) as session:", "        yield session", "    engine.dispose()", "", ""]
    for table in tables:
        out += [
            f"def test_get_{table.entity}_missing(session: Session) -> None:",
            f"    assert repository.get_{table.entity}(session, 10_000) is None",
            "",
            "",
        ]
    return render(out)


def _mapped_elsewhere(repo: Repo, service: str, table: Table) -> Table:
    """A table another layer defines, as a second service maps it: some of its columns, and
    foreign keys as plain integers (the referenced tables are not in this service's metadata)."""
    keep = {"id", "status", "created_at", "updated_at"}
    others = [c for c in table.columns if c.name not in keep]
    chosen = set(repo.rng.sample([c.name for c in others], max(1, len(others) * 2 // 3))) if others else set()
    columns = [
        Column(c.name, "money" if c.kind == "fk" else c.kind, c.nullable)
        for c in table.columns
        if c.name in keep or c.name in chosen
    ]
    return replace(table, columns=columns, layer="sqlalchemy", owner=service, late=[])


def unit(repo: Repo) -> None:
    """One service: usually with 4-10 tables of its own; once there are enough tables, sometimes
    a reporting service that maps 3-6 tables other layers define (as real services share a
    database)."""
    rng = repo.rng
    service = repo.namer.domain()
    tables: list[Table] = []
    if len(repo.tables) >= 20 and rng.random() < 0.4:
        tables = [_mapped_elsewhere(repo, service, t) for t in pick_tables(rng, repo.tables, rng.randint(3, 6))]
    else:
        for _ in range(rng.randint(4, 10)):
            tables.append(new_table(rng, repo.namer, "sqlalchemy", service, tables[-3:]))
        repo.tables += tables
    base = f"{ROOT}/{service}"
    if f"{ROOT}/__init__.py" not in repo.files:
        repo.add(f"{ROOT}/__init__.py", "sqlalchemy", "")
    repo.add(f"{base}/__init__.py", "sqlalchemy", "")
    repo.add(f"{base}/db.py", "sqlalchemy", _db_py(repo, service))
    repo.add(f"{base}/models.py", "sqlalchemy", _models_py(repo, service, tables, classic=rng.random() < 0.3))
    repo.add(f"{base}/repository.py", "sqlalchemy", _repository_py(repo, service, tables))
    repo.add(f"{base}/schemas.py", "sqlalchemy", _schemas_py(repo, service, tables))
    repo.add(f"{base}/api.py", "sqlalchemy", _api_py(repo, service, tables))
    repo.add(f"{base}/rules.py", "sqlalchemy", _rules_py(repo, service, tables))
    repo.add(f"{base}/tests/__init__.py", "sqlalchemy", "")
    repo.add(f"{base}/tests/test_repository.py", "sqlalchemy", _tests_py(repo, service, tables))

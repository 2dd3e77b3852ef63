"""Plain `.sql` migrations applied in file-name order: CREATE TABLE, CREATE INDEX, ALTER TABLE ...
ADD COLUMN for columns that arrive later, and CREATE VIEW (some of them `SELECT *`)."""

from __future__ import annotations

from synth.repo import Repo, render
from synth.schema import Column, Table, new_table, pick_tables

ROOT = "db/migrations"


def _column_sql(table: Table, column: Column) -> str:
    text = f"{column.name} {column.type.sql}"
    if column.name == "id":
        return "id bigserial PRIMARY KEY"
    if column.kind == "fk":
        text += f" REFERENCES {column.target} (id)"
    if not column.nullable:
        text += " NOT NULL"
    if column.kind == "status":
        text += f" DEFAULT '{table.statuses[0]}'"
    elif column.name == "created_at":
        text += " DEFAULT now()"
    elif column.kind in ("int", "money") and not column.nullable:
        text += " DEFAULT 0"
    elif column.kind == "bool":
        text += " DEFAULT false"
    return text


def _create(table: Table) -> list[str]:
    cols = [c for c in table.columns if c.name not in table.late]
    width = max(len(c.name) for c in cols)
    body = []
    for column in cols:
        text = _column_sql(table, column)
        name, rest = text.split(" ", 1)
        body.append(f"    {name.ljust(width)}  {rest}")
    out = [f"CREATE TABLE {table.name} ("]
    out += [line + "," for line in body[:-1]] + [body[-1]]
    if table.statuses:
        values = ", ".join(f"'{s}'" for s in table.statuses)
        out[-1] += ","
        out.append(f"    CONSTRAINT {table.name}_status_check CHECK (status IN ({values}))")
    return out + [");", ""]


def _view(repo: Repo, table: Table) -> tuple[str, list[str]]:
    name = repo.namer.table([f"v_{table.collection}", f"v_{table.name}_current"])
    if repo.rng.random() < 0.3:
        body = [f"CREATE VIEW {name} AS", f"SELECT * FROM {table.name}", "WHERE created_at >= now() - interval '90 days';", ""]
    else:
        cols = [c.name for c in table.columns if c.kind != "json"][:6]
        fk = next((c for c in table.columns if c.kind == "fk"), None)
        select = ",\n       ".join(f"t.{c}" for c in cols)
        body = [f"CREATE VIEW {name} AS", f"SELECT {select}", f"FROM {table.name} AS t"]
        if fk is not None:
            body.append(f"JOIN {fk.target} AS p ON p.id = t.{fk.name}")
        where = f"WHERE t.status <> '{table.statuses[-1]}';" if table.statuses else "WHERE t.created_at IS NOT NULL;"
        body += [where, ""]
    return name, body


def _maintenance(repo: Repo, table: Table) -> list[str]:
    """An index, a backfill or a comment on a table that already exists."""
    rng = repo.rng
    live = [c for c in table.columns if c.name not in table.late and c.name != "id"]
    roll = rng.random()
    number = repo.state["sql_migration"]
    if roll < 0.4:
        cols = [c.name for c in rng.sample(live, min(2, len(live)))]
        where = f" WHERE status <> '{table.statuses[-1]}'" if table.statuses and rng.random() < 0.5 else ""
        return [f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {table.name[:40]}_{number}_idx ON {table.name} ({', '.join(cols)}){where};", ""]
    if roll < 0.75:
        target = next((c for c in live if c.kind in ("code", "int", "money", "bool") and c.nullable), None)
        if target is not None:
            value = {"code": "'unknown'", "int": "0", "money": "0", "bool": "false"}[target.kind]
            return [
                f"-- Backfill before the application starts relying on {target.name}.",
                f"UPDATE {table.name}",
                f"   SET {target.name} = {value}",
                f" WHERE {target.name} IS NULL",
                "   AND created_at < now() - interval '1 day';",
                "",
            ]
    return [f"COMMENT ON TABLE {table.name} IS '{table.collection.replace('_', ' ').capitalize()}; owned by the {table.owner} team.';", ""]


def unit(repo: Repo) -> None:
    """One migration file: new tables, columns that arrive late, an index or a view."""
    rng = repo.rng
    number = repo.state.get("sql_migration", 0) + 1
    repo.state["sql_migration"] = number
    pending: list[tuple[Table, Column]] = repo.state.setdefault("sql_pending", [])
    out = [f"-- {number:04d}: applied by the deploy pipeline in file-name order.", ""]
    created: list[Table] = []
    if pending:
        for table, column in pending:
            out.append(f"ALTER TABLE {table.name} ADD COLUMN {_column_sql(table, column)};")
        out.append("")
        pending.clear()
    for _ in range(rng.choices((0, 1), weights=(8, 2))[0] if repo.tables else 1):
        targets = pick_tables(rng, repo.tables, 2) if repo.tables else []
        table = new_table(rng, repo.namer, "sql", "db", targets)
        late = [c for c in table.data_columns() if c.nullable and c.kind != "fk"]
        if late and rng.random() < 0.5:
            column = rng.choice(late)
            table.late.append(column.name)
            pending.append((table, column))
        out.append(f"-- {table.entity.replace('_', ' ').capitalize()}s, written by the {rng.choice(('API', 'importer', 'billing run', 'back office'))}.")
        out += _create(table)
        indexed = next((c for c in table.columns if c.kind in ("fk", "status") and c.name not in table.late), None)
        if indexed is not None:
            out += [f"CREATE INDEX {table.name}_{indexed.name}_idx ON {table.name} ({indexed.name});", ""]
        created.append(table)
        repo.tables.append(table)
    for table in pick_tables(rng, repo.tables, rng.randint(2, 4)):
        out += _maintenance(repo, table)
    if rng.random() < 0.25:
        name, view = _view(repo, rng.choice(repo.tables))
        repo.views.append(name)
        out += view
    slug = "_".join(t.entity for t in created[:2])[:48] or rng.choice(("indexes", "backfill", "maintenance", "reporting"))
    repo.add(f"{ROOT}/{number:04d}_{slug}.sql", "sql_migrations", render(out))


def finish(repo: Repo) -> None:
    """A last migration for the columns still waiting for their ALTER TABLE."""
    pending: list[tuple[Table, Column]] = repo.state.get("sql_pending", [])
    if not pending:
        return
    number = repo.state["sql_migration"] + 1
    out = [f"-- {number:04d}: columns requested by the product team.", ""]
    out += [f"ALTER TABLE {t.name} ADD COLUMN {_column_sql(t, c)};" for t, c in pending]
    repo.add(f"{ROOT}/{number:04d}_add_columns.sql", "sql_migrations", render(out))
    pending.clear()

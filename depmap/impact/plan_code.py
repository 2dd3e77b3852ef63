"""Migration code for the rollout plan's steps, in the project's own tools.

Django: the SQL runs in `migrations.RunSQL` inside `SeparateDatabaseAndState`, whose state
operation (`AddField`, `AlterField`) keeps Django's model state in step with the database, so
`makemigrations` does not try to add the column a second time. `atomic = False` where an index is
built CONCURRENTLY (it cannot run inside a transaction). Alembic: `op.execute(...)` in
`upgrade()`, with CONCURRENTLY inside `op.get_context().autocommit_block()`. The backfill is a
loop that commits each batch, so locks stay short and a stopped run resumes where it left off.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from depmap.dialects.capabilities import MYSQL, POSTGRES

if TYPE_CHECKING:
    from depmap.impact.context import ImpactContext
    from depmap.impact.plan_sql import Names, Statement


def migration_code(ctx: ImpactContext, names: Names, step: str, statements: list[Statement]) -> list[tuple[str, str]]:
    """(framework, code) pairs for one step: DDL steps for Django/Alembic, the backfill as a loop."""
    code: list[tuple[str, str]] = []
    if step == "backfill" and len(statements) == 2:
        batch_end, update = statements[0].sql, statements[1].sql
        if "django" in ctx.frameworks:
            code.append(("django", _django_backfill(ctx, batch_end, update)))
        if "alembic" in ctx.frameworks:
            code.append(("alembic", _alembic_backfill(names, batch_end, update)))
        code.append(("python", _python_backfill(names, batch_end, update)))
    elif step in ("expand", "constrain") and statements:
        if "django" in ctx.frameworks:
            code.append(("django", _django_ddl(ctx, names, step, statements)))
        if "alembic" in ctx.frameworks:
            code.append(("alembic", _alembic_ddl(statements)))
    return code


# -- Django ---------------------------------------------------------------------------------------


def _django_model(ctx: ImpactContext) -> tuple[str, str, str]:
    """(app label, model name as Django's state spells it, latest migration of the app)."""
    models = [m for m in ctx.models() if m.framework == "django"]
    if not models:
        return "<app>", ctx.spec.table.rsplit(".", 1)[-1], "<latest migration>"
    model = models[0]
    app = ctx.registry.app_label(model)
    latest = sorted(
        str(f.extra.get("name")) for f in ctx.facts
        if f.kind == "migration" and f.extra.get("tool") == "django" and f.extra.get("app") == app and f.extra.get("name")
    )
    return app, model.class_name.lower(), latest[-1] if latest else "<latest migration>"


_DJANGO_FIELDS = (
    (r"(text|clob|longtext|mediumtext)", "TextField({})"),
    (r"(varchar|character varying|char|character|nvarchar)\((\d+)\)", "CharField(max_length={2}{0})"),
    (r"(bigint|int8|bigserial)", "BigIntegerField({})"),
    (r"(smallint|int2|smallserial)", "SmallIntegerField({})"),
    (r"(int|integer|int4|serial)", "IntegerField({})"),
    (r"(boolean|bool|tinyint\(1\))", "BooleanField({})"),
    (r"(timestamptz|timestamp|datetime|timestamp with time zone|timestamp without time zone)(\(\d\))?", "DateTimeField({})"),
    (r"date", "DateField({})"),
    (r"(numeric|decimal)\((\d+), ?(\d+)\)", "DecimalField(max_digits={2}, decimal_places={3}{0})"),
    (r"uuid", "UUIDField({})"),
    (r"(json|jsonb)", "JSONField({})"),
    (r"(double precision|double|float|real|float8)", "FloatField({})"),
)


def django_field(type_sql: str, *, null: bool, unique: bool = False) -> str:
    """The Django field for a SQL type (or a Django field name read from an AddField)."""
    options = ", ".join(part for part in ("null=True" if null else "", "unique=True" if unique else "") if part)
    if re.fullmatch(r"[A-Z]\w*Field", type_sql):
        return f"models.{type_sql}({options})"
    lowered = type_sql.strip().lower()
    for pattern, template in _DJANGO_FIELDS:
        match = re.fullmatch(pattern, lowered)
        if match:
            groups = [g or "" for g in match.groups()] if match.groups() else []
            prefix = (", " + options) if options and "{2}" in template else options
            return "models." + template.format(prefix, *groups)
    return f"models.Field({options})  # choose the field class for {type_sql}"


def _django_ddl(ctx: ImpactContext, names: Names, step: str, statements: list[Statement]) -> str:
    app, model, latest = _django_model(ctx)
    concurrent = any(s.concurrent for s in statements)
    spec = ctx.spec
    if step == "expand":
        one_shot = len([s for s in statements if s.sql.startswith("ALTER TABLE")]) == 1 and spec.not_null
        field = django_field(names.type, null=not one_shot)
        state = f'migrations.AddField(\n                    model_name="{model}",\n                    name="{spec.column}",\n                    field={field},\n                ),'
    else:
        field = django_field(names.type, null=not spec.not_null, unique=spec.unique)
        state = f'migrations.AlterField(\n                    model_name="{model}",\n                    name="{spec.column}",\n                    field={field},\n                ),'
    sql = _py_list([s.sql for s in statements], 20)
    reverse = _py_list([s.reverse for s in reversed(statements) if s.reverse], 20)
    atomic = "    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction\n\n" if concurrent else ""
    return (
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"{atomic}"
        f'    dependencies = [("{app}", "{latest}")]\n\n'
        "    operations = [\n"
        "        migrations.SeparateDatabaseAndState(\n"
        "            database_operations=[\n"
        f"                migrations.RunSQL(\n                    sql={sql},\n                    reverse_sql={reverse},\n                ),\n"
        "            ],\n"
        "            state_operations=[\n"
        f"                {state}\n"
        "            ],\n"
        "        ),\n"
        "    ]\n"
    )


def _django_backfill(ctx: ImpactContext, batch_end: str, update: str) -> str:
    app, _, latest = _django_model(ctx)
    return (
        "import time\n\n"
        "from django.db import migrations, transaction\n\n\n"
        "def backfill(apps, schema_editor):\n"
        "    connection = schema_editor.connection\n"
        "    last_id = 0  # below every key\n"
        "    while True:\n"
        "        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:\n"
        f"            cursor.execute({_py_str(_positional(batch_end, '%s'))}, [last_id])\n"
        "            batch_end = cursor.fetchone()[0]\n"
        "            if batch_end is None:\n"
        "                break\n"
        f"            cursor.execute({_py_str(_positional(update, '%s'))}, [last_id, batch_end])\n"
        "        last_id = batch_end\n"
        "        time.sleep(0.5)\n\n\n"
        "class Migration(migrations.Migration):\n"
        "    atomic = False  # one transaction per batch\n\n"
        f'    dependencies = [("{app}", "{latest}")]\n\n'
        "    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]\n"
    )


def _positional(sql: str, marker: str) -> str:
    """`:last_id`/`:batch_end` as a driver's positional parameters, in the order they appear (a
    `%` already in the SQL doubled where `%s` marks a parameter)."""
    sql = sql.replace("%", "%%") if marker == "%s" else sql
    return re.sub(r":(?:last_id|batch_end)\b", lambda _: marker, sql)


def _marker(names: Names) -> str:
    """The DB-API parameter marker of the project's driver: psycopg and MySQLdb `%s`, sqlite3 `?`."""
    return "%s" if names.dialect.family in (POSTGRES, MYSQL) else "?"


# -- Alembic --------------------------------------------------------------------------------------


def _alembic_ddl(statements: list[Statement]) -> str:
    lines = ["from alembic import op", "", "", "def upgrade():"]
    for statement in statements:
        if statement.concurrent:
            lines += ["    with op.get_context().autocommit_block():", f"        op.execute({_py_str(statement.sql)})"]
        else:
            lines.append(f"    op.execute({_py_str(statement.sql)})")
    lines += ["", "", "def downgrade():"]
    reverses = [s for s in reversed(statements) if s.reverse]
    for statement in reverses:
        if statement.concurrent:
            lines += ["    with op.get_context().autocommit_block():", f"        op.execute({_py_str(statement.reverse or '')})"]
        else:
            lines.append(f"    op.execute({_py_str(statement.reverse or '')})")
    if not reverses:
        lines.append("    pass")
    return "\n".join(lines) + "\n"


def _alembic_backfill(names: Names, batch_end: str, update: str) -> str:
    marker = _marker(names)
    return (
        "import time\n\n"
        "from alembic import op\n\n\n"
        "def upgrade():\n"
        "    with op.get_context().autocommit_block():  # commit each batch\n"
        "        connection = op.get_bind()\n"
        "        last_id = 0  # below every key\n"
        "        while True:\n"
        f"            batch_end = connection.exec_driver_sql({_py_str(_positional(batch_end, marker))}, (last_id,)).scalar()\n"
        "            if batch_end is None:\n"
        "                break\n"
        f"            connection.exec_driver_sql({_py_str(_positional(update, marker))}, (last_id, batch_end))\n"
        "            last_id = batch_end\n"
        "            time.sleep(0.5)\n"
    )


def _python_backfill(names: Names, batch_end: str, update: str) -> str:
    """A DB-API loop for any driver (psycopg, mysqlclient, sqlite3): one commit per batch."""
    driver = {POSTGRES: "psycopg", MYSQL: "MySQLdb"}.get(names.dialect.family or "", "sqlite3")
    marker = _marker(names)
    return (
        "import time\n\n\n"
        f"def backfill(conn):  # a {driver} connection\n"
        "    last_id = 0  # below every key\n"
        "    while True:\n"
        "        cur = conn.cursor()\n"
        f"        cur.execute({_py_str(_positional(batch_end, marker))}, (last_id,))\n"
        "        batch_end = cur.fetchone()[0]\n"
        "        if batch_end is None:\n"
        "            break\n"
        f"        cur.execute({_py_str(_positional(update, marker))}, (last_id, batch_end))\n"
        "        conn.commit()\n"
        "        last_id = batch_end\n"
        "        time.sleep(0.5)\n"
    )


def _py_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"' if "'" in text else repr(text)


def _py_list(items: list[str], indent: int) -> str:
    if not items:
        return "migrations.RunSQL.noop"
    pad = " " * (indent + 4)
    return "[\n" + "".join(f"{pad}{_py_str(item)},\n" for item in items) + " " * indent + "]"

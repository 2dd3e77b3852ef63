"""Routine bodies bound across files: the last definition wins, triggers give NEW/OLD their
table and fire the body on every write to it, calls of a project function read what it reads."""

from __future__ import annotations

from pathlib import Path

from depmap.index.build import build_index

MIGRATION = """\
CREATE TABLE teams (id bigint PRIMARY KEY, name text NOT NULL, member_count int NOT NULL DEFAULT 0);
CREATE TABLE members (id bigint PRIMARY KEY, team_id bigint REFERENCES teams (id), updated_at timestamptz);

CREATE FUNCTION members_changed() RETURNS trigger AS $$
BEGIN
  UPDATE teams SET member_count = member_count + 1 WHERE id = NEW.team_id;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER members_changed AFTER INSERT ON members
  FOR EACH ROW EXECUTE FUNCTION members_changed();

-- counts were wrong after deletes: recount instead
CREATE OR REPLACE FUNCTION members_changed() RETURNS trigger AS $$
BEGIN
  UPDATE teams
     SET member_count = (SELECT count(*) FROM members m WHERE m.team_id = NEW.team_id)
   WHERE id = NEW.team_id;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- and stamp the member row itself
CREATE OR REPLACE FUNCTION members_changed() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  UPDATE teams
     SET member_count = (SELECT count(*) FROM members m WHERE m.team_id = NEW.team_id)
   WHERE id = NEW.team_id;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION team_size(p_team bigint) RETURNS int LANGUAGE sql STABLE AS $$
  SELECT member_count FROM teams WHERE id = p_team
$$;
"""

APP = '''\
import psycopg


def largest_teams(conn: psycopg.Connection) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(
            """
            SELECT id, team_size(id) AS size
              FROM teams
             ORDER BY 2 DESC
             LIMIT 10
            """
        )
        return cur.fetchall()
'''


def _index(tmp_path: Path):
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0003_member_counts.sql").write_text(MIGRATION)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "reports.py").write_text(APP)
    return build_index(tmp_path, dialect="postgres")


def test_the_last_definition_wins_and_earlier_ones_stay_marked(tmp_path: Path) -> None:
    index = _index(tmp_path)
    writers = sorted(
        (f.location.line, f.location.symbol, f.extra.get("superseded_by"), [t["table"] for t in f.extra.get("fired_by", [])])
        for f in index.graph.writers("teams", "member_count")
    )
    path = "migrations/0003_member_counts.sql"
    assert writers == [
        (6, "members_changed", f"{path}:25", ["members"]),
        (17, "members_changed", f"{path}:25", ["members"]),
        (28, "members_changed", None, ["members"]),
    ]


def test_trigger_rows_take_the_trigger_table(tmp_path: Path) -> None:
    index = _index(tmp_path)
    stamped = [(f.location.line, f.columns, f.extra["fired_by"][0]["events"]) for f in index.graph.writers("members", "updated_at")]
    assert stamped == [(27, ("updated_at",), ["INSERT"])]
    # NEW.team_id is a read of members.team_id, in every definition the trigger ran
    reads = sorted(f.location.line for f in index.graph.readers("members", "team_id") if "trigger_row" in f.extra)
    assert reads == [6, 18, 19, 29, 30]


def test_a_call_of_a_project_function_reads_what_its_body_reads(tmp_path: Path) -> None:
    index = _index(tmp_path)
    readers = [(f.location.path, f.location.line, f.extra.get("inferred_from")) for f in index.graph.readers("teams", "member_count")]
    assert ("app/reports.py", 8, "function team_size") in readers
    assert ("migrations/0003_member_counts.sql", 36, None) in readers
    assert not [f for f in index.facts if f.kind == "routine_call"]  # calls are consumed by the linker
    definitions = [(f.location.path, f.location.line, f.extra["name"]) for f in index.facts if f.kind == "routine"]
    path = "migrations/0003_member_counts.sql"
    assert definitions == [(path, 4, "members_changed"), (path, 15, "members_changed"), (path, 25, "members_changed"),
                           (path, 35, "team_size")]  # definitions are kept: verify creates the functions code calls


def test_a_procedure_called_from_python_writes_what_its_body_writes(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "procedures.sql").write_text(
        "CREATE TABLE sessions (id bigint PRIMARY KEY, last_seen timestamptz);\n"
        "CREATE OR REPLACE PROCEDURE expire_sessions(p_days int)\n"
        "LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  DELETE FROM sessions WHERE last_seen < now() - make_interval(days => p_days);\n"
        "END;\n"
        "$$;\n"
    )
    (tmp_path / "jobs.py").write_text(
        "def nightly(conn):\n"
        "    with conn.cursor() as cur:\n"
        '        cur.execute("CALL expire_sessions(%s)", (30,))\n'
    )
    index = build_index(tmp_path, dialect="postgres")
    writers = sorted((f.location.path, f.location.line, f.location.symbol, f.extra.get("inferred_from")) for f in index.graph.writers("sessions"))
    assert writers == [("db/procedures.sql", 5, "expire_sessions", None), ("jobs.py", 3, "jobs.nightly", "function expire_sessions")]

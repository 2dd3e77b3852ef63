"""A waiting ALTER queues the plain reads behind it; a lock timeout bounds the queue."""

from __future__ import annotations

from depmap.verify.queue import lock_queue


def test_a_select_waits_behind_a_waiting_alter_until_the_lock_timeout(pg_database) -> None:
    with pg_database.connect(autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS queue_probe")
        conn.execute("CREATE TABLE queue_probe (id bigint PRIMARY KEY)")
        conn.execute("INSERT INTO queue_probe SELECT generate_series(1, 1000)")
    plain = lock_queue(pg_database, "queue_probe", "ALTER TABLE queue_probe ADD COLUMN note text", held_ms=500)
    bounded = lock_queue(pg_database, "queue_probe", "ALTER TABLE queue_probe ADD COLUMN note text", held_ms=500, lock_timeout_ms=100)
    assert plain.alter_error is None
    assert 450 <= plain.select_waited_ms < 3000  # as long as the long transaction, not the ALTER itself
    assert bounded.alter_error == "canceling statement due to lock timeout"
    assert bounded.select_waited_ms < 400
    with pg_database.connect(autocommit=True) as conn:  # both ALTERs were rolled back
        columns = [row[0] for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'queue_probe'").fetchall()]
    assert columns == ["id"]

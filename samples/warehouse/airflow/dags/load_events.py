"""Hourly move of clickstream events from the landing table into raw_events."""

from __future__ import annotations

import logging

import pendulum
from airflow.decorators import dag, task
from airflow.providers.postgres.hooks.postgres import PostgresHook

log = logging.getLogger(__name__)


@dag(
    schedule="@hourly",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["events"],
)
def load_events():
    @task
    def copy_staged_events() -> int:
        hook = PostgresHook(postgres_conn_id="warehouse")
        with hook.get_conn() as conn, conn.cursor() as cur:
            cur.execute("INSERT INTO raw_events SELECT * FROM staging_events")
            copied = cur.rowcount
        return copied

    @task
    def log_count(copied: int) -> None:
        log.info("copied %d staged events into raw_events", copied)

    log_count(copy_staged_events())


load_events()

"""Product catalogue and stock levels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import Connection

from shop.db import fetch_all


class InsufficientStock(Exception):
    """A product does not have enough units on hand for the order."""


@dataclass(frozen=True)
class CatalogEntry:
    sku: str
    name: str
    price_cents: int


@dataclass(frozen=True)
class StockedProduct:
    id: int
    sku: str
    price_cents: int
    stock_on_hand: int


def get_for_update(conn: Connection, product_ids: Sequence[int]) -> dict[int, StockedProduct]:
    """Lock the given products for the rest of the transaction and return them by id."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT id, sku, price_cents, stock_on_hand FROM products "
            "WHERE id = ANY(%s) FOR UPDATE",
            (list(product_ids),),
        )
        return {row[0]: StockedProduct(*row) for row in cur.fetchall()}


def reserve_stock(conn: Connection, product_id: int, quantity: int) -> None:
    """Take ``quantity`` units off the shelf, refusing to go below zero."""
    with conn.cursor() as cur:
        cur.execute(
            """
            UPDATE products
               SET stock_on_hand = stock_on_hand - %(quantity)s
             WHERE id = %(product_id)s
               AND stock_on_hand >= %(quantity)s
            """,
            {"product_id": product_id, "quantity": quantity},
        )
        if cur.rowcount != 1:
            raise InsufficientStock(product_id)


def upsert_catalog(conn: Connection, entries: Iterable[CatalogEntry]) -> None:
    """Apply the supplier feed: new SKUs are added, known ones get the new name and price."""
    with conn.cursor() as cur:
        cur.executemany(
            """
            INSERT INTO products (sku, name, price_cents)
            VALUES (%s, %s, %s)
            ON CONFLICT (sku) DO UPDATE
               SET name = EXCLUDED.name,
                   price_cents = EXCLUDED.price_cents
            """,
            [(e.sku, e.name, e.price_cents) for e in entries],
        )


def bulk_load(conn: Connection, entries: Iterable[CatalogEntry]) -> None:
    """Fast initial import of a new catalogue into an empty shop."""
    with conn.cursor() as cur:
        with cur.copy("COPY products (sku, name, price_cents) FROM STDIN") as copy:
            for e in entries:
                copy.write_row((e.sku, e.name, e.price_cents))


def low_stock(threshold: int = 5) -> list[dict[str, Any]]:
    """Products that need reordering, emptiest shelf first."""
    return fetch_all(
        "SELECT id, sku, name, stock_on_hand FROM products "
        "WHERE stock_on_hand < %s ORDER BY stock_on_hand, sku",
        (threshold,),
    )

"""Order endpoints of the async API (asyncpg pool)."""

from __future__ import annotations

import asyncpg


async def create_pool(dsn: str) -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn, min_size=2, max_size=20)


async def cancel_order(pool: asyncpg.Pool, order_id: int) -> dict:
    async with pool.acquire() as conn:
        async with conn.transaction():
            order = await conn.fetchrow("SELECT * FROM orders WHERE id = $1 FOR UPDATE", order_id)  # depmap-expect: select-star breaking
            await conn.execute("UPDATE orders SET status = 'cancelled' WHERE id = $1", order_id)
    return dict(order)


async def list_orders(pool: asyncpg.Pool, customer_id: int) -> list[dict]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM orders WHERE customer_id = $1", customer_id)  # depmap-expect: select-star warning
    return [dict(r) for r in rows]


async def order_ids(pool: asyncpg.Pool, customer_id: int) -> list[int]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT id FROM orders WHERE customer_id = $1", customer_id)
    return [r["id"] for r in rows]

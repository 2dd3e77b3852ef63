import psycopg2


def load(dsn, feed):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.copy_expert("COPY orders FROM STDIN WITH (FORMAT csv)", feed)


def export(dsn, out):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.copy_expert("COPY orders TO STDOUT WITH (FORMAT csv)", out)

import os
from contextlib import contextmanager

import pymysql


@contextmanager
def connection():
    conn = pymysql.connect(host=os.environ["DB_HOST"], user="app", database="shop")
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()

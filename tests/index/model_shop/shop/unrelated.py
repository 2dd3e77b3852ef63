def ping(connection):
    return connection.execute("SELECT 1").fetchall()

def redeem(cur, code):
    cur.execute("SELECT id, off_pct FROM coupons WHERE code = %s AND expires_at > now()", (code,))
    return cur.fetchone()

from sqlalchemy import text


def overdue(session):
    return session.execute(text("SELECT id, number FROM invoices WHERE due_date < current_date")).all()

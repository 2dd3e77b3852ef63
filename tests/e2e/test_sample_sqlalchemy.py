"""The SQLAlchemy sample through the console script: models, Core table, Alembic, repositories."""

from __future__ import annotations

from tests.e2e.conftest import REPO

SAMPLE = REPO / "samples" / "sqlalchemy_service"
PATH = ["--path", str(SAMPLE)]


def usages(document: dict) -> list[tuple]:
    return [(u["path"], u["line"], u["symbol"], u["detail"], u["confidence"], u["columns"]) for u in document["usages"]]


def test_alembic_replays_by_revision_chain_and_models_agree(depmap):
    run = depmap("tables", str(SAMPLE), "--format", "json")
    assert run.code == 0, run.err
    tables = {t["name"]: t for t in run.json()["tables"]}
    assert sorted(tables) == ["account_notes", "accounts", "billing.invoices", "invoice_lines", "payment_events"]
    assert [c["name"] for c in tables["billing.invoices"]["columns"]] == [
        "id", "account_id", "number", "status", "currency", "total_cents", "issued_at", "paid_at", "memo",
        "created_at", "updated_at", "due_date",
    ]  # fmt: skip
    total = next(c for c in tables["billing.invoices"]["columns"] if c["name"] == "total_cents")
    # Created INTEGER by the first revision, altered to BIGINT by the third (its file sorts first).
    assert total["type"] == "BigInteger"
    assert [d["path"] for d in total["defined_at"]] == [
        "migrations/versions/b71d0e3f9c2a_create_accounts.py",
        "migrations/versions/9e0b4c7d1a55_payment_events.py",
        "billing/models/invoice.py",
    ]
    terms = next(c for c in tables["accounts"]["columns"] if c["name"] == "payment_terms_days")
    assert (terms["nullable"], terms["default"]) == (False, "30")
    assert not any("drift" in t for t in tables.values())


def test_writers_through_sessions_statements_and_instances(depmap):
    run = depmap("who-writes", "billing.invoices.status", *PATH, "--format", "json")
    assert run.code == 0, run.err
    assert usages(run.json()) == [
        ("billing/repositories.py", 108, "billing.repositories.InvoiceRepository.issue", "orm_update", "medium", ["status"]),
        ("billing/repositories.py", 130, "billing.repositories.InvoiceRepository.mark_paid", "orm_update", "high", ["status", "paid_at"]),
        ("billing/repositories.py", 191, "billing.repositories.settle_invoice", "orm_update", "medium", ["status"]),
    ]


def test_column_name_overrides_and_core_tables(depmap):
    notes = depmap("who-writes", "account_notes.note_text", *PATH, "--format", "json").json()
    assert usages(notes) == [
        ("billing/repositories.py", 68, "billing.repositories.AccountRepository.add_note", "orm_create", "high", ["account_id", "note_text", "author"]),
        ("billing/repositories.py", 72, "billing.repositories.AccountRepository.import_notes", "orm_create", "high",
         ["id", "account_id", "note_text", "author", "created_on"]),
    ]
    events = depmap("who-writes", "payment_events", *PATH, "--format", "json").json()
    assert usages(events) == [
        ("billing/repositories.py", 155, "billing.repositories.PaymentEventRepository.record", "orm_create", "high",
         ["invoice_id", "provider", "provider_ref", "kind", "amount_cents", "payload"]),
    ]


EVERY_ACCOUNT_COLUMN = ["created_at", "updated_at", "id", "email", "name", "company", "currency", "status", "payment_terms_days"]


def test_readers_mix_orm_and_raw_sql(depmap):
    run = depmap("who-reads", "accounts.email", *PATH, "--format", "json")
    assert usages(run.json()) == [
        # `return f"<Account {self.email}>"`: the model's own row, read by attribute
        ("billing/models/account.py", 36, "billing.models.account.Account.__repr__", "orm_attribute", "high", ["email"]),
        # session.get(Account, ...) and select(Account)...: whole rows, email among their columns
        ("billing/repositories.py", 35, "billing.repositories.AccountRepository.get", "orm_load", "high", EVERY_ACCOUNT_COLUMN),
        ("billing/repositories.py", 38, "billing.repositories.AccountRepository.by_email", "orm_query", "high", ["email"]),
        # (its `order_by(Account.name)` names `name`: the load is the rest)
        ("billing/repositories.py", 59, "billing.repositories.AccountRepository.with_open_invoices", "orm_load", "high",
         [c for c in EVERY_ACCOUNT_COLUMN if c != "name"]),
        ("billing/repositories.py", 204, "billing.repositories.aging_report", "select", "high", ["email", "id"]),
    ]


def test_a_selectinload_reads_the_related_rows_whole(depmap):
    run = depmap("who-reads", "invoice_lines.tax_rate", *PATH, "--format", "json")
    assert [(u["path"], u["line"], u["symbol"], u["detail"]) for u in run.json()["usages"]] == [
        ("billing/repositories.py", 80, "billing.repositories.InvoiceRepository.get", "orm_query"),  # selectinload(Invoice.lines)
    ]

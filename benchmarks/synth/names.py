"""Vocabulary for identifiers, and a namer that never hands out the same name twice.

Every name comes from these lists through the seeded generator, so a different seed gives a
different application (other tables, apps, functions) while the same seed gives the same one.
"""

from __future__ import annotations

import random

DOMAINS: tuple[str, ...] = (
    "accounts", "approvals", "assets", "auditing", "billing", "bookings", "campaigns", "catalog",
    "claims", "compliance", "contracts", "crm", "deliveries", "documents", "dispatch", "enrollment",
    "expenses", "fleet", "forecasting", "fulfillment", "grants", "helpdesk", "hiring", "insurance",
    "inventory", "invoicing", "leasing", "ledger", "licensing", "logistics", "loyalty", "maintenance",
    "marketing", "memberships", "messaging", "notifications", "onboarding", "partners", "payments",
    "payroll", "pricing", "procurement", "projects", "promotions", "purchasing", "quotes", "referrals",
    "rentals", "returns", "reviews", "rewards", "routing", "sales", "scheduling", "settlements",
    "shipping", "sourcing", "staffing", "storefront", "subscriptions", "support", "surveys", "taxes",
    "ticketing", "timesheets", "training", "transfers", "travel", "treasury", "underwriting",
    "vendors", "wallets", "warranty", "workforce",
)

QUALIFIERS: tuple[str, ...] = (
    "core", "ops", "admin", "portal", "sync", "intake", "backoffice", "public", "partner", "field",
    "regional", "legacy", "next", "mobile", "batch",
)

NOUNS: tuple[str, ...] = (
    "account", "adjustment", "allocation", "applicant", "appointment", "approval", "asset", "attachment",
    "batch", "beneficiary", "booking", "budget", "campaign", "carrier", "category", "charge", "claim",
    "client", "comment", "commission", "contact", "contract", "coupon", "course", "credit", "customer",
    "delivery", "deposit", "device", "discount", "dispute", "document", "driver", "employee", "entitlement",
    "estimate", "expense", "facility", "fee", "grant", "household", "incident", "installment", "invoice",
    "item", "journal", "lead", "lease", "license", "listing", "location", "lot", "member", "merchant",
    "meter", "milestone", "mandate", "offer", "opportunity", "order", "package", "parcel", "partner",
    "patient", "payment", "payout", "permit", "plan", "pledge", "policy", "position", "premium", "price",
    "product", "project", "promotion", "provider", "quote", "rate", "receipt", "referral", "refund",
    "region", "reminder", "reservation", "resource", "review", "reward", "route", "schedule", "segment",
    "settlement", "shift", "shipment", "sku", "slot", "statement", "stock", "store", "subscription",
    "supplier", "survey", "task", "tenant", "ticket", "timesheet", "transfer", "trip", "unit", "vehicle",
    "vendor", "visit", "voucher", "wallet", "warehouse", "withdrawal", "workorder", "zone",
)

ROLE_PREFIXES: tuple[str, ...] = (
    "draft", "recurring", "pending", "archived", "external", "scheduled", "internal", "bulk", "manual",
    "partner", "seasonal", "primary", "backup", "regional", "trial",
)

STATUS_SETS: tuple[tuple[str, ...], ...] = (
    ("draft", "open", "paid", "void"),
    ("pending", "active", "suspended", "closed"),
    ("new", "in_progress", "resolved", "rejected"),
    ("requested", "approved", "declined", "cancelled"),
    ("queued", "running", "succeeded", "failed"),
    ("created", "shipped", "delivered", "returned"),
    ("proposed", "accepted", "expired"),
)

VERBS: tuple[str, ...] = (
    "apply", "build", "check", "collect", "compute", "convert", "count", "derive", "describe",
    "estimate", "extract", "filter", "find", "format", "group", "merge", "normalize", "parse", "plan",
    "prepare", "rank", "render", "resolve", "round", "score", "split", "summarize", "validate",
)

ABSTRACT_NOUNS: tuple[str, ...] = (
    "amount", "balance", "bucket", "budget", "calendar", "capacity", "checksum", "cohort", "config",
    "cutoff", "deadline", "digest", "duration", "entry", "estimate", "forecast", "header", "interval",
    "label", "limit", "margin", "metric", "offset", "payload", "period", "quota", "range", "ratio",
    "record", "retry", "rule", "sample", "score", "slug", "span", "summary", "threshold", "token",
    "total", "window",
)

COMPANIES: tuple[str, ...] = (
    "acme", "bluefin", "copperleaf", "driftwood", "emberline", "foxglove", "granite", "harbor",
    "ironbark", "juniper", "kestrel", "larkspur", "meridian", "northwind", "oakridge", "pinecrest",
)


def camel(snake: str) -> str:
    """`order_line` -> `OrderLine`."""
    return "".join(part.capitalize() for part in snake.split("_"))


def plural(noun: str) -> str:
    """English plural good enough for table and collection names."""
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


class Namer:
    """Hands out unique names for each namespace, varied by the seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[str, set[str]] = {}

    def unique(self, space: str, candidates: list[str]) -> str:
        """The first unused candidate, else the last one with a number appended."""
        taken = self.used.setdefault(space, set())
        for name in candidates:
            if name not in taken:
                taken.add(name)
                return name
        base, number = candidates[-1], 2
        while f"{base}{number}" in taken:
            number += 1
        taken.add(f"{base}{number}")
        return f"{base}{number}"

    def domain(self) -> str:
        """A Django app, service or package name."""
        first = self.rng.sample(DOMAINS, 3)
        mixed = [f"{self.rng.choice(DOMAINS)}_{self.rng.choice(QUALIFIERS)}" for _ in range(3)]
        return self.unique("domain", first + mixed)

    def entity(self) -> str:
        """A singular snake_case entity noun, unique across the whole repository."""
        options = self.rng.sample(NOUNS, 4)
        options += [f"{self.rng.choice(ROLE_PREFIXES)}_{self.rng.choice(NOUNS)}" for _ in range(6)]
        return self.unique("entity", options)

    def table(self, candidates: list[str]) -> str:
        return self.unique("table", candidates)

    def module(self, space: str, candidates: list[str]) -> str:
        return self.unique(space, candidates)

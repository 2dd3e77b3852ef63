"""Billing service: accounts, invoices and the payments that settle them."""

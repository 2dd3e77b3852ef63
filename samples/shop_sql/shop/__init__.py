"""Acme shop backend: repositories, services and reports over PostgreSQL."""

__version__ = "2.3.0"

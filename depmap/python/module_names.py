"""Dotted module names from file paths: shared by the Python scanner and the ORM linker, and
kept apart from the scanner so that linking cached facts never imports the scanners."""

from __future__ import annotations

import posixpath


def module_name_for(path: str) -> str:
    """The dotted module a file defines, from its path relative to the scanned root.

    >>> module_name_for("shop/repositories/orders.py")
    'shop.repositories.orders'
    >>> module_name_for("shop/__init__.py")
    'shop'
    >>> module_name_for("src/shop/models.py")  # the "src layout": src/ is not a package
    'shop.models'
    """
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    if not parts:
        return ""
    if len(parts) > 1 and parts[0] == "src":
        parts = parts[1:]
    stem, suffix = posixpath.splitext(parts[-1])  # `.py`, or a notebook's or a configured extension
    if suffix:
        parts[-1] = stem
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)

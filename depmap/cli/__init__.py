"""The command line: one module per group of commands, thin over the library.

`main` runs the `cli` group of `group`; `queries` (scan, tables, who-reads, who-writes,
downstream, graph) and `judge` (impact, report, check, explain) register their commands on it.
Command modules import `group` and the library, never each other; nothing in the library imports
from here.
"""

"""Unexplained mentions: every line that names a table and that no fact of the table explains.

depmap must never show less than a careful grep. After the analyses, the lines of the project's
files that name a table (its own name, its ORM model class and accessors, its dbt names, the
views over it) and that no usage, definition or schema operation of the table claims are listed
apart from the usages, each with the reason it was not classified where one is known: a
comment, a docstring, a string that never reaches a query, a name that could be another class, a
line inside another table's statement, a file not analysed. The list on a real repository is the
to-do list for recall.

It runs at query time, when the table is known: `names` derives the words to look for from the
index, `files` chooses and reads the files (the index's discovery rules, a size cap, never out of
the root), `words` finds the words, `lexical` tells comments, docstrings and strings apart,
`claims` says which lines a fact already explains, and `scan` puts them together.

May import the model, configuration, discovery, the tree boundary, `depmap.python` (module names
and imports), `depmap.orm` (the model registry and naming rules), the catalog and the graph;
never the frameworks, the index builder, impact, rendering or the command line.
"""

from __future__ import annotations

from depmap.mentions.mention import Mention, MentionSearch
from depmap.mentions.scan import find_mentions

__all__ = ["Mention", "MentionSearch", "find_mentions"]

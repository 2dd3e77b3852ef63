"""Renderers: one report object, several formats (terminal text, HTML, Markdown, SARIF, JSON), the
layout in jinja2 templates under `templates/`. Thin by design: no analysis happens here, and no
renderer branches on a rule id. May import the model, the graph's answers and the report types
of `depmap.impact` and `depmap.verify`; never the index builder, the families or the command line.
"""

SITES_SHOWN = 10  # a plan step lists this many sites in HTML and Markdown; a big project's thousands are folded or counted

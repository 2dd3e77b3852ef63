"""What every Python analysis shares: one `ast` parse per file and the tools to read it.

- `scanner`: the Python scanner (parse once, run each family's analyses that want the file);
  `analysis`: the `PythonAnalysis` shape a framework package hands it;
- `tree`: the tree walk with its scope stack, source segments, literal helpers, and the in-place
  rewrite of syntax newer than the running Python; `tree_strings` and `located_text`: string
  values with the file line of every character; `imports`: what a name refers to;
  `module_names`: dotted module names from paths; `prefilter`: cheap text tests that decide
  whether a file is parsed at all; `source`: libcst where a lossless parse earns its keep.

May import `depmap.model`, `depmap.scan_context` and `depmap.nesting`; never a framework, the SQL
engine, the index, impact, rendering or the command line. Framework packages build on it.
"""

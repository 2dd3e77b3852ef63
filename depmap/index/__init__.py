"""The index of a project: discover its files, scan each (in a process pool, from the scan cache
when unchanged), link every family's facts, settle unqualified columns against the catalog, and
build the graph; an unchanged project is loaded whole from the stored index.

`build.build_index` is the entry point. May import everything below it (model, config,
discover, catalog, graph, dialects, and `depmap.registry` for the families); never impact,
rendering or the command line.
"""

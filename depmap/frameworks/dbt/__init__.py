"""dbt: `dbt_project.yml`, properties YAML, model SQL rendered statically from its Jinja, and
seeds, read one file each (`symbols` are what a file can know alone); `link` turns them into
relations, table definitions and lineage once the whole project is seen. Registered in
`family.py`."""

"""`depmap schema`: the JSON contract, from the command line.

Lists the documents depmap prints with `--format json`, prints one document's JSON Schema
(self-contained, to save and hand to any validator), or says where the schema files are installed.
Like every command module, it only parses arguments, calls the library and prints.
"""

from __future__ import annotations

import click

from depmap.cli.group import UserError, cli


@cli.command()
@click.argument("document", required=False)
@click.option("--print", "print_schema", is_flag=True,
              help="Print the schema (of DOCUMENT, or of every document in one file when DOCUMENT is omitted).")
@click.option("--path", "show_path", is_flag=True, help="Print where the schema files are installed (DOCUMENT's file when given).")
def schema(document: str | None, print_schema: bool, show_path: bool) -> None:
    """The JSON Schema of each JSON document: lists them, prints DOCUMENT's, or --path to the files."""
    from depmap import schemas
    from depmap.render.json import dumps

    if print_schema and show_path:
        raise UserError("--print and --path exclude each other; pass one")
    if document is not None and document not in schemas.DOCUMENTS:
        import difflib

        close = difflib.get_close_matches(document, list(schemas.DOCUMENTS), n=3)
        hint = f"did you mean {', '.join(close)}?" if close else f"one of: {', '.join(schemas.DOCUMENTS)}"
        raise UserError(f"unknown document '{document}'; {hint} (`depmap schema` lists them)")
    if show_path:
        click.echo(str(schemas.path_of(document) if document else schemas.FOLDER))
    elif document is not None:
        click.echo(dumps(schemas.bundle(document)), nl=False)
    elif print_schema:
        click.echo(dumps(schemas.bundle_all()), nl=False)
    else:
        width = max(len(name) for name in schemas.DOCUMENTS)
        for name, entry in schemas.DOCUMENTS.items():
            click.echo(f"{name:<{width}}  {entry.commands}")
        click.echo(f"\nJSON Schema (draft 2020-12) files in {schemas.FOLDER}; `depmap schema NAME` prints one, self-contained.")

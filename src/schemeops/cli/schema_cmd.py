"""`schemeops schema`: print the data contract."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from schemeops.schema import TABLES
from schemeops.schema.render import constraint_text, render_markdown


def schema(
    markdown: Annotated[bool, typer.Option(help="Print docs/data.md's Markdown.")] = False,
) -> None:
    """Print the data contract: tables, columns, types, keys and references."""
    if markdown:
        typer.echo(render_markdown(), nl=False)
        return
    console = Console()
    for t in TABLES:
        rt = RichTable(title=f"{t.name}  key=({', '.join(t.key)})", title_justify="left")
        for head in ("column", "type", "constraints", "meaning"):
            rt.add_column(head)
        for c in t.columns:
            rt.add_row(c.name, str(c.dtype), constraint_text(c), c.doc)
        console.print(rt)

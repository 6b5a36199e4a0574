"""``iraqkg settings``: every named setting with its default, limits and meaning."""

from __future__ import annotations

import json
import textwrap

import click

from ..setting_values import describe, spelled
from ..settings import BuildSettings, EndpointSettings, LinkSettings

# Each settings class, and the commands that take its values with --setting (or their own
# options: link's are all options of its own).
GROUPS = {
    "build": (BuildSettings, "iraqkg build|validate --setting NAME=VALUE"),
    "endpoint": (EndpointSettings, "iraqkg serve|query --setting NAME=VALUE"),
    "link": (LinkSettings, "iraqkg link's options"),
}


@click.command(name="settings")
@click.argument("group", required=False, type=click.Choice(sorted(GROUPS)))
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
def settings_command(group: str | None, as_json: bool) -> None:
    """List the settings (of GROUP, else all): name, type, default, limits, meaning."""
    chosen = [group] if group else list(GROUPS)
    if as_json:
        found = {name: [d.as_dict() for d in describe(GROUPS[name][0])] for name in chosen}
        click.echo(json.dumps(found, indent=2))
        return
    for name in chosen:
        cls, how = GROUPS[name]
        click.echo(f"{name} settings ({how}):")
        for d in describe(cls):
            bounds = f"  {d.limits[0]}..{d.limits[1]}" if d.limits else ""
            choices = f"  one of {', '.join(d.choices)}" if d.choices else ""
            click.echo(f"  {d.name} ({d.kind}) = {spelled(d.default)}{bounds}{choices}")
            if d.doc:
                click.echo(textwrap.fill(d.doc, 96, initial_indent=" " * 6,
                                         subsequent_indent=" " * 6))  # fmt: skip
        click.echo()

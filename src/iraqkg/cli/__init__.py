"""The ``iraqkg`` command: a thin layer over the library, one module per concern.

Exit codes: 0 ok; 1 invalid data (the data breaks the contract); 2 usage or input
error (bad option, unreadable or unparsable file, bad query).

Every option can also be set as IRAQKG_<COMMAND>_<OPTION> in the environment, and every
named setting (``iraqkg settings``) with ``--setting NAME=VALUE``.
"""

from __future__ import annotations

import click

from .. import __version__
from .building import build, validate
from .explain import explain_command
from .export import export_command
from .link import link_command
from .names import names_command
from .querying import list_queries, query, stats
from .serving import serve
from .setting_list import settings_command


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "IRAQKG"}
)
@click.version_option(__version__, prog_name="iraqkg")
def main() -> None:
    """iraqkg: a sourced knowledge graph of Iraq's armed groups, parties and violence.

    Every option can also be set as IRAQKG_<COMMAND>_<OPTION> in the environment, and
    every named setting with --setting NAME=VALUE (`iraqkg settings` lists them).
    """


for command in (
    validate,
    build,
    query,
    list_queries,
    stats,
    serve,
    settings_command,
    explain_command,
    link_command,
    names_command,
    export_command,
):
    main.add_command(command)


if __name__ == "__main__":
    main()

"""``hookctl failover …``: a webhook hook's GCS failover, and the failed events in its bucket.

One module per verb; this noun registers them (in the order ``--help`` lists them).
"""

from __future__ import annotations

import typer

from hookctl.cli.failover.clear import clear
from hookctl.cli.failover.list import list_objects
from hookctl.cli.failover.object import object_command
from hookctl.cli.failover.replay import replay
from hookctl.cli.failover.set import set_failover
from hookctl.cli.failover.show import show
from hookctl.cli.failover.status import status
from hookctl.cli.failover.validate import validate

app = typer.Typer(
    help="GCS failover: where Stream writes events a webhook could not take.", no_args_is_help=True
)
app.command("validate")(validate)
app.command("set")(set_failover)
app.command("show")(show)
app.command("clear")(clear)
app.command("status")(status)
app.command("list")(list_objects)
app.command("object")(object_command)
app.command("replay")(replay)

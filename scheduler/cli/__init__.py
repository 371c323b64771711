"""The ``vuoro`` command line: thin wrappers that parse arguments, call the package
and render results. No modelling logic lives here."""

from __future__ import annotations

import logging

import typer

from scheduler.cli import (
    evaluating,
    exporting,
    forecasting,
    planning,
    plans,
    staffing,
    verifying,
    whatif,
)

app = typer.Typer(
    name="vuoro",
    help="Omnichannel contact-centre workforce scheduler.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
staffing.register(app)
planning.register(app)
forecasting.register(app)
evaluating.register(app)
exporting.register(app)
plans.register(app)
whatif.register(app)
verifying.register(app)


def main() -> None:
    """Entry point of the ``vuoro`` console script."""
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    app()

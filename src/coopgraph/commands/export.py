"""`coopgraph export iati` and `coopgraph export tables`: the graph for tools that never open a
triple store (IATI 2.03 XML for aid analysts, CSV + Frictionless Data Package for spreadsheets)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_common import UsageProblem, opened, store_option


@click.group(name="export")
def command() -> None:
    """Export the graph as IATI 2.03 activities or as tidy tables (CSV, Data Package, xlsx)."""


def _check_parent(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise UsageProblem(f"cannot write {path}: the folder {parent} does not exist")
    if not parent.is_dir():
        raise UsageProblem(f"cannot write {path}: {parent} is not a folder")


@command.command(name="iati")
@store_option
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("iati-activities.xml"),
    show_default=True,
    help="The XML file to write.",
)
@click.option(
    "--reporting-org-ref",
    default=None,
    metavar="REF",
    help="Your IATI organisation identifier (org-id.guide), e.g. FR-RCS-123456789. It prefixes every "
    "iati-identifier. Default: 'coopgraph' (not an IATI identifier: pass yours before publishing to "
    "the IATI Registry).",
)
@click.option("--reporting-org-name", default=None, metavar="NAME", help="Name of the reporting organisation.")
@click.option(
    "--reporting-org-type",
    default=None,
    metavar="CODE",
    help="IATI OrganisationType code of the reporting organisation (10 government, 11 local government, "
    "15 other public sector, 22 national NGO, 90 other; default 90).",
)
@click.option(
    "--primary-reporter",
    is_flag=True,
    help="The reporting organisation is responsible for these activities (default: it republishes the "
    'Atlas, secondary-reporter="1").',
)
@click.option(
    "--include-personal-data",
    is_flag=True,
    help="Also write the contacts (names, e-mail addresses) as contact-info. Off by default.",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check the file against the IATI 2.03 XML schema and codelists once written.",
)
def iati_command(
    store_path: Path | None,
    output: Path,
    reporting_org_ref: str | None,
    reporting_org_name: str | None,
    reporting_org_type: str | None,
    primary_reporter: bool,
    include_personal_data: bool,
    validate: bool,
) -> None:
    """Write one IATI 2.03 iati-activity per partnership (funders, partners, countries, DAC
    sectors, ODD tags, each funding row as an incoming-funds transaction in EUR).

    Exit code 1 when the file does not validate against the IATI schema or codelists."""
    from ..export import codelists
    from ..export.iati import (
        DEFAULT_NAME,
        DEFAULT_REF,
        DEFAULT_TYPE,
        IatiExportError,
        NoActivities,
        ReportingOrg,
        export_iati,
    )

    rep = ReportingOrg(
        reporting_org_ref or DEFAULT_REF,
        reporting_org_name or (DEFAULT_NAME if not reporting_org_ref else reporting_org_ref),
        reporting_org_type or DEFAULT_TYPE,
        secondary=not primary_reporter,
    )
    try:
        rep.check()
    except IatiExportError as e:
        raise UsageProblem(str(e)) from None
    _check_parent(output)
    with opened(store_path, read_only=True) as store:
        try:
            result = export_iati(store, output, reporting=rep, include_personal=include_personal_data)
        except NoActivities as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)
        except IatiExportError as e:
            raise UsageProblem(str(e)) from None
    for iri, why in result.skipped:
        click.echo(f"warning: {iri}: left out: {why}", err=True)
    click.echo(
        f"Wrote {output}: {result.activities} activities, {result.transactions} transactions, "
        f"{_eur(result.total)} EUR"
        + (f", {result.contacts} contact(s) — WITH PERSONAL DATA" if include_personal_data else "")
        + ".",
        err=True,
    )
    if validate and output.is_file():
        problems = codelists.schema_errors(output) + codelists.code_errors(output)
        if problems:
            for line in problems[:20]:
                click.echo(f"error: {output}: {line}", err=True)
            click.echo(f"{output} does not conform to IATI 2.03 ({len(problems)} problem(s) found).", err=True)
            sys.exit(1)
        click.echo(f"{output} is valid against the IATI 2.03 activities schema and codelists.", err=True)


@command.command(name="tables")
@store_option
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("tables"),
    show_default=True,
    help="The folder to write the CSV files and datapackage.json into.",
)
@click.option(
    "--xlsx",
    is_flag=True,
    help="Also write the same tables as one workbook, coopgraph-tables.xlsx "
    "(needs openpyxl: pip install 'coopgraph[xlsx]').",
)
def tables_command(store_path: Path | None, outdir: Path, xlsx: bool) -> None:
    """Write tidy CSV tables (partnerships, collectivites, partnership_collectivites, funders,
    fundings, partnership_themes, partnership_sdg_targets) and a Frictionless datapackage.json."""
    from ..export.tables import TablesExportError, export_tables

    if outdir.exists() and not outdir.is_dir():
        raise UsageProblem(f"{outdir} exists and is not a folder")
    with opened(store_path, read_only=True) as store:
        try:
            result = export_tables(store, outdir, xlsx=xlsx)
        except TablesExportError as e:
            raise UsageProblem(str(e)) from None
    for name, n in result.rows.items():
        click.echo(f"  {name + '.csv':<30} {n:>9,} rows", err=True)
    click.echo(f"Wrote {len(result.files)} files to {outdir} (datapackage.json describes them).", err=True)


def _eur(d) -> str:
    from ..export.iati import amount

    return amount(d)

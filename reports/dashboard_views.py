"""Dashboards for HR, L&D and managers, and rater calibration for HR.

Views are thin: parse the filters (reports/filters.py), ask the Report registry
(reports/dashboards.py) for the rows the user may have, and lay them out as
charts and tables. Nothing here queries the database by itself.
"""

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from skillbridge.authz import hr_required
from skillbridge.data_cache import SETTLE_FOR

from . import dashboard_selectors as selectors
from . import filter_choices
from .dashboard_cache import cached
from .dashboards import REPORTS, compute_rows, reports_for
from .filters import HR, LD, MANAGER, ORG, SCOPES, parse_filters

# On the page, a long list of managers shows the first and the last this many; the export has them all.
LEADERBOARD_ENDS = 25
HEAT_STEPS = (10, 25, 50, 75)  # % with a gap: the five shades of the heatmap
VIEWER_TITLES = {HR: "The organisation", LD: "The organisation, in aggregate", MANAGER: "My team"}


def _text(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}" if value != int(value) or abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return intcomma(value)
    return str(value)


def _cells(row) -> list[dict]:
    return [{"text": _text(v), "numeric": isinstance(v, int | float | Decimal) or v is None} for v in row]


def _links(report, filters) -> dict | None:
    """Download links for a report, or None while the export URL does not exist."""
    try:
        return {
            fmt: reverse("reports:report_export", kwargs={"key": report.key, "fmt": fmt}) + "?" + filters.querystring()
            for fmt in ("csv", "xlsx")
        }
    except NoReverseMatch:
        return None


def _total(label: str, rows, sum_columns: range, shares: dict[int, tuple[int, int, int]] | None = None) -> tuple:
    """A totals row: sums of the given columns; shares {column: (part column, whole column, minus column)}."""
    total = [label] + [None] * (len(rows[0]) - 1)
    for i in sum_columns:
        total[i] = sum(row[i] or 0 for row in rows)
    for i, (part, whole, minus) in (shares or {}).items():
        total[i] = selectors.share(total[part], total[whole] - (total[minus] if minus else 0))
    return tuple(total)


def _section(report, rows, filters, **extra) -> dict:
    table_rows = rows
    skipped = 0
    if report.key == "leaderboard" and len(rows) > 2 * LEADERBOARD_ENDS:
        skipped = len(rows) - 2 * LEADERBOARD_ENDS
        table_rows = rows[:LEADERBOARD_ENDS] + rows[-LEADERBOARD_ENDS:]
    total = extra.pop("total", None)
    cells = [_cells(row) for row in table_rows]
    numeric = [cell["numeric"] for cell in cells[0]] if cells else [False] * len(report.headers)
    return {
        "report": report,
        "headers": list(zip(report.headers, numeric, strict=True)),
        "rows": cells,
        "split_at": LEADERBOARD_ENDS if skipped else None,
        "skipped": skipped,
        "count": len(rows),
        "total": _cells(total) if total else None,
        "links": _links(report, filters),
        "chart_id": f"{report.key}-data",
        **extra,
    }


def _heatmap(rows) -> dict:
    """Skills (rows) × departments (columns) from the skill-gaps rows: each cell the share with a gap, in five shades.

    Skills down the side so that a manager's one or two departments fit a phone's width.
    """
    skills = list(dict.fromkeys(row[1] for row in rows))
    departments = sorted(dict.fromkeys(row[0] for row in rows), key=lambda d: (d == selectors.NO_DEPARTMENT, d))
    cells = {(row[0], row[1]): row for row in rows}
    matrix = []
    for skill in skills:
        line = []
        for department in departments:
            row = cells.get((department, skill))
            if row is None or row[4] is None:
                line.append({"text": "–", "step": None, "title": f"{skill}, {department}: nobody assessed"})
                continue
            line.append(
                {
                    "text": f"{row[4]:.0f} %",
                    "step": sum(row[4] >= limit for limit in HEAT_STEPS),
                    "title": f"{skill}, {department}: {row[3]} of {row[2]} assessed have a gap",
                }
            )
        matrix.append({"skill": skill, "cells": line})
    return {"departments": departments, "matrix": matrix}


# Colours that carry meaning (done green, under way blue, waiting grey, put off orange, dropped purple);
# every figure is also in the table beneath the chart, so colour is never the only carrier.
GREEN, BLUE, GREY, ORANGE, PURPLE = "#198754", "#0d6efd", "#adb5bd", "#fd7e14", "#6f42c1"
LEARNING_COLOURS = [GREEN, BLUE, GREY, ORANGE, PURPLE]
OUTCOME_COLOURS = [GREEN, BLUE, GREY]


def _bars(labels, series: list[tuple[str, list]], *, stacked=False, maximum=None, colours=None) -> dict:
    data = {"labels": labels, "datasets": [{"label": name, "values": values} for name, values in series]}
    for dataset, colour in zip(data["datasets"], colours or [], strict=False):
        dataset["colour"] = colour
    if stacked:
        data["stacked"] = True
    if maximum is not None:
        data["max"] = maximum
    return data


def _sections(rows_by_key: dict, reports, filters) -> list[dict]:
    sections = []
    for report in reports:
        rows = rows_by_key[report.key]
        extra = {}
        if rows and report.key == "skill-gaps":
            extra["heatmap"] = _heatmap(rows)
        elif rows and report.key == "coverage":
            extra["total"] = _total("All departments", rows, range(1, 3), {3: (2, 1, 0)})
            extra["chart"] = _bars([r[0] for r in rows], [("Coverage (%)", [r[3] for r in rows])], maximum=100)
        elif rows and report.key == "plan-funnel":
            total = _total("All departments", rows, range(1, 7))
            extra["total"] = total
            extra["chart"] = _bars(report.headers[2:], [("People", list(total[2:]))])
        elif rows and report.key == "learning":
            extra["total"] = _total("All departments", rows, range(1, 7), {7: (2, 1, 6)})
            extra["chart"] = _bars(
                [r[0] for r in rows],
                [(report.headers[i], [r[i] for r in rows]) for i in (2, 3, 4, 5, 6)],
                stacked=True,
                colours=LEARNING_COLOURS,
            )
        elif rows and report.key in ("outcomes-by-skill", "outcomes-by-course"):
            extra["chart"] = _bars(
                [r[0] for r in rows],
                [(report.headers[i], [r[i] for r in rows]) for i in (2, 3, 4)],
                stacked=True,
                colours=OUTCOME_COLOURS,
            )
        elif rows and report.key == "costs":
            currencies = {r[1] for r in rows if r[1]}
            labels = [r[0] if len(currencies) <= 1 else f"{r[0]} ({r[1]})" for r in rows]
            extra["chart"] = _bars(labels, [("Training cost", [float(r[3]) for r in rows])])
        sections.append(_section(report, rows, filters, **extra))
    return sections


def dashboard(request):
    """HR's and L&D's organisation dashboard, or a manager's dashboard of their own chain; 403 for anyone else."""
    filters, messages = parse_filters(request, request.user)
    viewer = filters.viewer(request.user)
    if viewer is None:
        raise PermissionDenied
    reports = reports_for(request.user, filters)
    computed = {}

    def page_parts():
        # Rendered without the request: nothing but the cache key's parts may go into what is shared.
        names = selectors.skill_names()
        computed["sections"] = _sections(compute_rows(request.user, filters, reports, names), reports, filters)
        context = {"sections": computed["sections"], "filters": filters, "heat_steps": HEAT_STEPS}
        return {
            "sections_html": render_to_string("reports/partials/dashboard_sections.html", context),
            "form": filter_choices.filter_form(request.user, filters, names),
        }

    parts, computed_at = cached(request.user, filters, reports, page_parts)
    window = filters.window()
    return render(
        request,
        "reports/dashboard.html",
        {
            "filters": filters,
            "viewer": viewer,
            "heading": VIEWER_TITLES[viewer],
            "ignored": messages,
            "form": parts["form"],
            "sections_html": mark_safe(parts["sections_html"]),  # noqa: S308 -- our template's output, escaped there
            "sections": computed.get("sections"),  # None when the page came from the cache
            "window": window,
            "computed_at": computed_at,
            "settle_seconds": SETTLE_FOR,
            "may_calibrate": REPORTS["calibration"].allows(request.user, filters),
        },
    )


@hr_required
def calibration(request):
    """HR: managers whose ratings differ markedly from the organisation's for comparable roles."""
    data = request.GET.copy()
    data["scope"] = ORG  # calibration is about the whole organisation, whatever else the user may see
    filters, messages = parse_filters(data, request.user)
    report = REPORTS["calibration"]
    if not report.allows(request.user, filters):
        raise PermissionDenied
    names = selectors.skill_names()
    rows = list(report.rows(request.user, filters, names=names))
    form = filter_choices.filter_form(request.user, filters, names)
    form["scopes"] = [(ORG, SCOPES[ORG])]
    marked = [r for r in rows if r[7] in (selectors.LENIENT, selectors.HARSH)]
    judged = [r for r in rows if r[7] != selectors.TOO_FEW]
    too_few = {r[0] for r in rows} - {r[0] for r in judged}
    return render(
        request,
        "reports/dashboard_calibration.html",
        {
            "filters": filters,
            "viewer": filters.viewer(request.user),
            "ignored": messages,
            "form": form,
            "section": _section(report, marked, filters),
            "marked_managers": len({r[0] for r in marked}),
            "judged_managers": len({r[0] for r in judged}),
            "too_few_managers": len(too_few),
            "lenient": selectors.LENIENT,
            "harsh": selectors.HARSH,
            "min_ratings": selectors.MIN_RATINGS,
            "marked_difference": selectors.MARKED_DIFFERENCE,
        },
    )

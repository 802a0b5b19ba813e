"""Reports for moderators: the queue exported as CSV (UTF-8 with BOM, `;`) or .xlsx with the
filter on screen, and the monthly summary per municipality, on a page and as both files."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..db import municipality_slugs
from ..i18n import gettext_for
from ..services.logins import User
from ..services.reports import EXPORT_COLUMNS, SUMMARY_COLUMNS, export_rows, monthly_summary
from ..spreadsheet import to_csv, to_xlsx
from .context import database
from .guards import Moderator, scope
from .local_time import local_month
from .queue_filter import queue_filter
from .templating import language, render

router = APIRouter()
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _queue_rows(request: Request, user: User) -> list[list]:
    return export_rows(database(request), queue_filter(request, user),
                       gettext_for(language(request), "[hidden by a moderator]"))


@router.get("/export.csv")
async def export_csv(request: Request, user: Moderator) -> Response:
    return download(to_csv(EXPORT_COLUMNS, _queue_rows(request, user)), CSV, "suggestions.csv")


@router.get("/export.xlsx")
async def export_xlsx(request: Request, user: Moderator) -> Response:
    return download(to_xlsx("suggestions", EXPORT_COLUMNS, _queue_rows(request, user)), XLSX, "suggestions.xlsx")


@router.get("/reports", response_class=HTMLResponse)
async def summary_page(request: Request, user: Moderator) -> HTMLResponse:
    db = database(request)
    return render(request, "moderation/reports.html", {
        "months": monthly_summary(db, scope(request, user), local_month), "names": municipality_slugs(db)})


def _summary_rows(request: Request, user: User) -> list[list]:
    return [m.row() for m in monthly_summary(database(request), scope(request, user), local_month)]


@router.get("/reports.csv")
async def summary_csv(request: Request, user: Moderator) -> Response:
    return download(to_csv(SUMMARY_COLUMNS, _summary_rows(request, user)), CSV, "monthly-summary.csv")


@router.get("/reports.xlsx")
async def summary_xlsx(request: Request, user: Moderator) -> Response:
    return download(to_xlsx("summary", SUMMARY_COLUMNS, _summary_rows(request, user)), XLSX, "monthly-summary.xlsx")

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
from .guards import Moderator, NOT_FOUND, scope
from .local_time import local_month
from .queue_filter import queue_filter
from .sessions import WebError
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


@router.get("/reports.{kind}")
async def summary_file(request: Request, kind: str, user: Moderator) -> Response:
    if kind not in ("csv", "xlsx"):
        raise WebError(404, NOT_FOUND)
    rows = [m.row() for m in monthly_summary(database(request), scope(request, user), local_month)]
    if kind == "xlsx":
        return download(to_xlsx("summary", SUMMARY_COLUMNS, rows), XLSX, "monthly-summary.xlsx")
    return download(to_csv(SUMMARY_COLUMNS, rows), CSV, "monthly-summary.csv")

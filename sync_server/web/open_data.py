"""The Network's open data: the monthly figures of every municipality (counts only; no text,
receipt, contact or bench of any person) as a page, JSON and CSV."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..db import municipality_slugs
from ..services.reports import SUMMARY_COLUMNS, monthly_summary
from ..spreadsheet import to_csv
from .context import database
from .local_time import local_month
from .templating import render

router = APIRouter(prefix="/open-data")


def _figures(request: Request) -> list:
    db = database(request)
    return monthly_summary(db, sorted(municipality_slugs(db)), local_month)


@router.get("", response_class=HTMLResponse)
async def open_data_page(request: Request) -> HTMLResponse:
    return render(request, "open_data.html", {"months": _figures(request), "names": municipality_slugs(database(request))})


@router.get(".json")
async def open_data_json(request: Request) -> JSONResponse:
    return JSONResponse({"columns": list(SUMMARY_COLUMNS),
                         "months": [dict(zip(SUMMARY_COLUMNS, m.row())) for m in _figures(request)]})


@router.get(".csv")
async def open_data_csv(request: Request) -> Response:
    return Response(to_csv(SUMMARY_COLUMNS, [m.row() for m in _figures(request)]), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="smart-bench-open-data.csv"'})

"""A small web service embedding stretchkit, with the embedded SQLite store.

    pip install 'stretchkit[examples]'
    uvicorn --factory web_service:create_app --app-dir examples

Routes (user ids are 1-128 characters of plain text):

- ``POST /users/{id}/events``: one event or a list of events as JSON (the events
  schema, ``schemas/events.schema.json``). Stored once by id: sending the same event
  again changes nothing. Answers ``{"received": n, "stored": new}``.
- ``GET /users/{id}/plan?context=lying&tz=Europe/Berlin``: what to do now, with every
  reason, as JSON.
- ``GET /users/{id}/report?days=28&tz=Europe/Berlin``: the progress report, one HTML page.

Bad input is a 4xx answer with a short ``{"error": "..."}`` message, never a 500:
JSON that does not parse or is too large, an event that breaks the schema, an id used
twice for different events, an unknown context or time zone.

The shell reads the clock (``clock``, for tests a fixed one) and passes ``now`` to the
library, which never reads it. Each request opens the store on its own connection, so
the blocking work runs in Starlette's thread pool without sharing a connection.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

import stretchkit as sk

CATALOG = Path(__file__).resolve().parent / "upper-back-relief.json"
PROGRAM = "upper-back-relief"
MAX_BODY = 1_000_000
"""Bytes: a year of heavy use is about 50,000 events; send them in batches."""
MAX_DAYS = 366


class BadRequest(Exception):
    """A 4xx answer: the status and a short message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message[:300]


def _user(request: Request) -> str:
    user: str = request.path_params["user"]
    # isprintable() is False for control and format characters (bidi controls among
    # them) and lone surrogates: the text no stretchkit id may hold.
    if not 1 <= len(user) <= 128 or not user.strip() or not user.isprintable():
        raise BadRequest(400, "user id: 1-128 characters of plain text")
    return user


def _zone(request: Request) -> ZoneInfo:
    name = request.query_params.get("tz", "UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BadRequest(400, f"tz: unknown time zone {name[:60]!r}") from None


def create_app(
    store_path: str | os.PathLike[str] | None = None,
    *,
    catalog_path: str | os.PathLike[str] = CATALOG,
    clock: Callable[[], datetime] | None = None,
) -> Starlette:
    """The service, storing in ``store_path`` (else ``$STRETCHKIT_STORE``, else ./stretchkit.db)."""
    path = Path(store_path or os.environ.get("STRETCHKIT_STORE", "stretchkit.db"))
    catalog = sk.load_catalog(catalog_path)
    program = catalog.program(PROGRAM)
    now_utc = clock or (lambda: datetime.now(UTC))

    def now_in(zone: ZoneInfo) -> datetime:
        return now_utc().astimezone(zone)

    def progress(user: str) -> sk.Progress:
        """Now: the store keeps a snapshot, so this is quick however long the history."""
        with sk.SQLiteStore(path) as store:
            return store.progress(user, program, catalog)

    def history(user: str) -> sk.Progress:
        """Every event, replayed: a report draws the days before the snapshot too."""
        with sk.SQLiteStore(path) as store:
            return sk.Progress.replay(program, store.events(user), catalog=catalog)

    async def post_events(request: Request) -> Response:
        user = _user(request)
        body = await request.body()
        if len(body) > MAX_BODY:
            raise BadRequest(413, f"body: at most {MAX_BODY} bytes, got {len(body)}")
        try:
            data = json.loads(body, parse_constant=_no_constant)
        except (ValueError, RecursionError) as error:
            raise BadRequest(400, f"body is not JSON: {str(error)[:120]}") from None
        items = data if isinstance(data, list) else [data]
        try:
            events = sk.events_from_dicts(items)
        except sk.StretchkitError as error:
            raise BadRequest(422, f"event {error}") from None

        def store_them() -> int:
            with sk.SQLiteStore(path) as store:
                return store.append(user, events)

        try:
            stored = await run_in_threadpool(store_them)
        except sk.DuplicateEventError as error:
            raise BadRequest(409, str(error)) from None
        return JSONResponse({"received": len(events), "stored": stored})

    async def get_plan(request: Request) -> Response:
        user = _user(request)
        zone = _zone(request)
        context = request.query_params.get("context", "lying")
        if context not in {c.value for c in sk.Context}:
            names = ", ".join(c.value for c in sk.Context)
            raise BadRequest(400, f"context: one of {names}, got {context[:40]!r}")
        user_progress = await run_in_threadpool(progress, user)
        return JSONResponse(plan_json(user_progress.plan(now_in(zone), context)))

    async def get_report(request: Request) -> Response:
        user = _user(request)
        zone = _zone(request)
        text = request.query_params.get("days", "28")
        if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
            raise BadRequest(400, f"days: a whole number from 1 to {MAX_DAYS}, got {text[:20]!r}")

        def make() -> str:
            return sk.report_html(
                history(user), now=now_in(zone), days=int(text), user=user, catalog=catalog
            )

        return HTMLResponse(await run_in_threadpool(make))

    async def bad_request(request: Request, error: Exception) -> Response:
        assert isinstance(error, BadRequest)
        return JSONResponse({"error": error.message}, status_code=error.status)

    async def library_refused(request: Request, error: Exception) -> Response:
        message = str(error).splitlines()[0][:300]
        if isinstance(error, sk.StoreError):  # the service's own database: not the caller's fault
            return JSONResponse({"error": message}, status_code=503)
        # anything else the library refuses is still the caller's input, never a 500
        return JSONResponse({"error": message}, status_code=422)

    return Starlette(
        routes=[
            Route("/users/{user}/events", post_events, methods=["POST"]),
            Route("/users/{user}/plan", get_plan, methods=["GET"]),
            Route("/users/{user}/report", get_report, methods=["GET"]),
        ],
        exception_handlers={BadRequest: bad_request, sk.StretchkitError: library_refused},
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _when(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def plan_json(plan: sk.Plan) -> dict[str, Any]:
    """The plan as JSON: what an app's screen needs, times in the zone of the request."""
    return {
        "now": plan.now.isoformat(),
        "phase": plan.phase.value,
        "context": plan.context.value,
        "routine_id": plan.routine_id,
        "steps": [
            {"stretch_id": s.stretch_id, "index": s.index, "reintroduced": s.reintroduced}
            for s in plan.steps
        ],
        "left_out": [
            {"stretch_id": lo.stretch_id, "state": lo.state.value, "until": _when(lo.until)}
            for lo in plan.left_out
        ],
        "sessions_today": plan.sessions_today,
        "min_sessions_per_day": plan.min_sessions_per_day,
        "max_sessions_per_day": plan.max_sessions_per_day,
        "due": plan.due,
        "allowed": plan.allowed,
        "next_allowed_at": _when(plan.next_allowed_at),
        "pain_free_since": _when(plan.pain_free_since),
        "maintenance_at": _when(plan.maintenance_at),
        "reasons": [
            {"code": r.code.value, "message": r.message, "stretch_id": r.stretch_id}
            for r in plan.reasons
        ],
    }


if __name__ == "__main__":
    import importlib

    uvicorn = importlib.import_module("uvicorn")  # the examples extra; not needed by the tests
    uvicorn.run(create_app(), host="127.0.0.1", port=8000)

"""examples/web_service.py through Starlette's test client, on a real SQLite file.

Good input is stored once and answered with the engine's own plan and report; bad
input of any shape is a 4xx with a short message, never a 500.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

import stretchkit as sk
from report_support import NOW, PAIN_POINTS, SESSIONS, known_events, parse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
import web_service  # the example, imported as a reader would run it

CATALOG = sk.load_catalog(web_service.CATALOG)
EVENTS = known_events(CATALOG)
BODY = [e.to_dict() for e in EVENTS]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = web_service.create_app(tmp_path / "service.db", clock=lambda: NOW)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def post(client: TestClient, user: str, body: object) -> tuple[int, dict[str, object]]:
    response = client.post(f"/users/{user}/events", content=json.dumps(body))
    return response.status_code, response.json()


def test_events_are_stored_once_and_planned_as_the_engine_plans(client: TestClient) -> None:
    assert post(client, "ana", BODY) == (200, {"received": len(BODY), "stored": len(BODY)})
    assert post(client, "ana", BODY) == (200, {"received": len(BODY), "stored": 0})
    assert post(client, "ana", BODY[0]) == (200, {"received": 1, "stored": 0})

    response = client.get("/users/ana/plan", params={"context": "sitting", "tz": "Europe/Berlin"})
    assert response.status_code == 200
    plan = response.json()
    progress = sk.Progress.replay(CATALOG.program("upper-back-relief"), EVENTS, catalog=CATALOG)
    expected = progress.plan(NOW, "sitting")
    assert plan == web_service.plan_json(expected)
    assert plan["phase"] == "maintenance"
    assert plan["now"] == NOW.isoformat()


def test_users_do_not_see_each_other(client: TestClient) -> None:
    post(client, "ana", BODY)
    plan = client.get("/users/bo/plan").json()
    assert plan["phase"] == "relief"
    assert plan["sessions_today"] == 0


def test_the_report_holds_the_stored_sessions_and_pain_levels(client: TestClient) -> None:
    post(client, "ana", BODY)
    response = client.get("/users/ana/report", params={"days": "14", "tz": "Europe/Berlin"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    ids = parse(response.text)
    assert sum(1 for i in ids.ids if re.fullmatch(r"session-\d+", i)) == SESSIONS
    assert ids.pain_markers == PAIN_POINTS
    assert "Progress report for <bdi>ana</bdi>" in response.text


def test_a_different_event_under_a_used_id_is_a_conflict(client: TestClient) -> None:
    post(client, "ana", BODY)
    changed = dict(BODY[0], level=9)
    status, answer = post(client, "ana", [BODY[1], changed])
    assert status == 409
    assert BODY[0]["id"] in str(answer["error"])
    assert post(client, "ana", BODY) == (200, {"received": len(BODY), "stored": 0})


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "words"),
    [
        ("post", "/users/ana/events", b"{not json", 400, "not JSON"),
        ("post", "/users/ana/events", b"[NaN]", 400, "not JSON"),
        ("post", "/users/ana/events", b"[" * 100_000, 400, "not JSON"),
        ("post", "/users/ana/events", b" " * 1_000_001, 413, "at most"),
        ("post", "/users/ana/events", b'{"type": "pain_reported"}', 422, "event"),
        ("post", "/users/ana/events", b'[{"type": "nope", "id": "x"}]', 422, "/0"),
        ("post", "/users/ana/events", b"42", 422, "event"),
        ("post", "/users/%E2%80%AEana/events", b"[]", 400, "user id"),
        ("post", "/users/%E2%81%A6ana/events", b"[]", 400, "user id"),
        ("post", "/users/an%09a/events", b"[]", 400, "user id"),
        ("post", "/users/an%C2%85a/events", b"[]", 400, "user id"),
        ("post", "/users/%20/events", b"[]", 400, "user id"),
        ("post", "/users/" + "u" * 200 + "/events", b"[]", 400, "user id"),
        ("get", "/users/ana/plan?context=upside-down", None, 400, "context"),
        ("get", "/users/ana/plan?tz=Mars/Base", None, 400, "time zone"),
        ("get", "/users/ana/plan?tz=../../etc/passwd", None, 400, "time zone"),
        ("get", "/users/ana/report?days=0", None, 400, "days"),
        ("get", "/users/ana/report?days=-1", None, 400, "days"),
        ("get", "/users/ana/report?days=99999999999999999999", None, 400, "days"),
    ],
)
def test_bad_input_is_a_short_4xx(
    client: TestClient, method: str, url: str, body: bytes | None, status: int, words: str
) -> None:
    response = client.request(method.upper(), url, content=body)
    assert response.status_code == status, response.text[:300]
    message = response.json()["error"]
    assert words in message
    assert len(message) <= 300
    assert "\n" not in message


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = ["type", "id", "at", "level", "session", "stretch_id"]
EVENTISH = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["pain_reported", "session_logged", "stretch_reenabled"]) | JSON,
        "id": st.text(max_size=10) | JSON,
        "at": st.sampled_from(["2026-03-02T09:00:00+01:00", "2026-03-02T09:00:00", "x"]) | JSON,
        "level": st.integers(-3, 13) | JSON,
        "stretch_id": st.sampled_from(["bridge", "Bridge", ""]) | JSON,
    },
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EVENTISH, max_size=3) | JSON)
def test_no_body_is_ever_a_server_error(client: TestClient, body: object) -> None:
    response = client.post("/users/fuzz/events", content=json.dumps(body))
    assert response.status_code < 500, response.text[:300]
    assert response.status_code in (200, 400, 409, 413, 422)


def test_the_plan_uses_the_zone_it_is_asked_for(client: TestClient) -> None:
    tokyo = client.get("/users/ana/plan", params={"tz": "Asia/Tokyo"}).json()
    assert tokyo["now"] == NOW.astimezone(ZoneInfo("Asia/Tokyo")).isoformat()
    assert datetime.fromisoformat(tokyo["now"]) == NOW

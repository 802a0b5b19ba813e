"""Malformed requests against the real server: each gets a 4xx problem+json and changes nothing."""
from __future__ import annotations

import gzip
import json
import socket
from urllib.parse import urlparse

import pytest
import requests

from .helpers import assert_problem, suggestion

TEN_MB = 10 * 1024 * 1024


def _post(live_server, path, headers, data, **extra_headers):
    return requests.post(f"{live_server.url}{path}", data=data,
                         headers={"Content-Type": "application/json", **headers, **extra_headers})


REFUSALS = {
    "not JSON": (b"{items: [", {}, 400, "malformed-json"),
    "truncated JSON": (b'{"items": [{"id": ', {}, 400, "malformed-json"),
    "NaN": (b'{"items": [NaN]}', {}, 400, "malformed-json"),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, {}, 400, "malformed-json"),
    "top level is a list": (b"[]", {}, 422, "invalid-request"),
    "items is a string": (b'{"items": "many"}', {}, 422, "invalid-request"),
    "an item is a number": (json.dumps({"items": [suggestion(), 5]}).encode(), {}, 422, "invalid-request"),
    "no items key": (b'{"suggestions": []}', {}, 422, "invalid-request"),
    "501 items": (json.dumps({"items": [suggestion() for _ in range(501)]}).encode(), {}, 413, "batch-too-long"),
    "100 000-character text": (json.dumps({"items": [suggestion(), suggestion(text="a" * 100_000)]}).encode(),
                               {}, 422, "text-too-large"),
    "invalid UTF-8": (b'{"items": [{"id": "1", "text": "\xc3\x28"}]}', {}, 400, "invalid-utf8"),
    "Latin-1 text": ('{"items": [{"text": "Žepče"}]}'.encode("cp1250"), {}, 400, "invalid-utf8"),
    "bad gzip": (b"\x1f\x8b\x08\x00garbage", {"Content-Encoding": "gzip"}, 400, "bad-gzip"),
    "truncated gzip": (gzip.compress(json.dumps({"items": [suggestion()]}).encode())[:-12],
                       {"Content-Encoding": "gzip"}, 400, "bad-gzip"),
    "gzip bomb": (gzip.compress(b" " * (50 * 1024 * 1024)), {"Content-Encoding": "gzip"}, 413, "body-too-large"),
    "brotli": (b"{}", {"Content-Encoding": "br"}, 415, "unsupported-encoding"),
    "form content type": (b"items=1", {"Content-Type": "application/x-www-form-urlencoded"},
                          415, "unsupported-media-type"),
    "10 MB body": (b'{"items": [' + b" " * TEN_MB + b"]}", {}, 413, "body-too-large"),
}


UPLOADS = [(path, case) for path in ("/api/v1/suggestions", "/api/v1/supports") for case in REFUSALS
           if not (path.endswith("supports") and case == "100 000-character text")]  # supports have no text


@pytest.mark.parametrize(("path", "case"), UPLOADS)
def test_malformed_upload_is_refused_with_a_problem_and_changes_nothing(live_server, bench, path, case):
    body, extra, status, code = REFUSALS[case]
    _, headers = bench
    before = live_server.snapshot()
    assert_problem(_post(live_server, path, headers, body, **extra), status, code)
    assert live_server.snapshot() == before


@pytest.mark.parametrize("case", ["not JSON", "invalid UTF-8", "10 MB body", "gzip bomb", "top level is a list"])
def test_malformed_telemetry_is_refused_and_changes_nothing(live_server, bench, case):
    body, extra, status, code = REFUSALS[case]
    _, headers = bench
    before = live_server.snapshot()
    assert_problem(_post(live_server, "/api/v1/telemetry", headers, body, **extra), status, code)
    assert live_server.snapshot() == before


def test_a_10_mb_chunked_body_is_refused_while_streaming(live_server, bench):
    _, headers = bench

    def chunks():
        yield b'{"items": ['
        for _ in range(160):
            yield b" " * 65536

    before = live_server.snapshot()
    response = requests.post(f"{live_server.url}/api/v1/suggestions", data=chunks(),
                             headers={**headers, "Content-Type": "application/json"})
    assert_problem(response, 413, "body-too-large")
    assert live_server.snapshot() == before


def test_an_oversized_content_length_is_refused_before_the_body_is_sent(live_server, bench):
    """The answer comes from the headers alone: the server does not wait for 10 MB."""
    _, headers = bench
    parsed = urlparse(live_server.url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=5) as sock:
        sock.sendall(
            f"POST /api/v1/suggestions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Authorization: {headers['Authorization']}\r\nContent-Length: {TEN_MB}\r\n\r\n".encode()
        )
        answer = sock.recv(65536).decode()
    assert answer.startswith("HTTP/1.1 413")
    assert "application/problem+json" in answer


def test_a_gzip_body_within_the_limit_is_accepted(live_server, bench):
    bench_id, headers = bench
    items = [suggestion(text="Ideja " + "x" * 1900) for _ in range(400)]  # ~800 kB inflated
    body = gzip.compress(json.dumps({"items": items}).encode())
    response = _post(live_server, "/api/v1/suggestions", headers, body, **{"Content-Encoding": "gzip"})
    assert response.status_code == 200
    assert len(response.json()["accepted"]) == 400


def test_a_body_without_content_type_is_read_as_json(live_server, bench):
    _, headers = bench
    item = suggestion()
    response = requests.post(f"{live_server.url}/api/v1/suggestions", data=json.dumps({"items": [item]}),
                             headers=headers)
    assert "content-type" not in response.request.headers
    assert response.json() == {"accepted": [item["id"]], "rejected": []}


def test_text_between_the_item_and_hard_limits_rejects_only_that_item(live_server, bench):
    bench_id, headers = bench
    good, long = suggestion(), suggestion(text="a" * 2001)
    response = requests.post(f"{live_server.url}/api/v1/suggestions", json={"items": [good, long]}, headers=headers)
    assert response.json() == {"accepted": [good["id"]], "rejected": [{"id": long["id"], "reason": "text_too_long"}]}


def test_unknown_routes_and_methods_answer_problems(live_server, bench):
    _, headers = bench
    assert_problem(requests.get(f"{live_server.url}/api/v1/nothing"), 404, "not-found")
    assert_problem(requests.get(f"{live_server.url}/api/v1/suggestions", headers=headers), 405)
    assert_problem(requests.get(f"{live_server.url}/api/v1/initiatives", params={"since": "!!"}, headers=headers),
                   400, "invalid-cursor")

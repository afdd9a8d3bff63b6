"""The shared stand-in base (scripts/local/cloud/http.py) on its own: routing, Google error bodies, faults."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from scripts.local.cloud.http import ApiError, StandIn


def call(url: str, method: str = "GET", body: dict | None = None) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.fixture
def standin():
    server = StandIn("base-test")

    @server.route("POST", r"/v1/(?P<name>items/[^/:]+):touch")
    def touch(request):
        server.touched = getattr(server, "touched", 0) + 1
        if request.json().get("bad"):
            raise ApiError(400, "bad is not allowed", details=[{"field": "bad"}])
        return {"name": request.params["name"], "touched": server.touched}

    @server.route("GET", r"/v1/broken")
    def broken(request):
        raise KeyError("oops")

    with server:
        yield server


def test_binds_loopback_only_on_a_free_port(standin):
    assert standin.url.startswith("http://127.0.0.1:") and standin.port > 0
    with pytest.raises(ValueError, match="loopback"):
        StandIn(host="0.0.0.0")


def test_routes_and_googles_error_bodies(standin):
    assert call(f"{standin.url}/v1/items/a:touch", "POST", {}) == (200, {"name": "items/a", "touched": 1})
    status, body = call(f"{standin.url}/v1/items/a:touch", "POST", {"bad": True})
    assert status == 400
    assert body == {
        "error": {
            "code": 400,
            "message": "bad is not allowed",
            "status": "INVALID_ARGUMENT",
            "details": [{"field": "bad"}],
        }
    }
    assert call(f"{standin.url}/v1/items/a:touch")[1]["error"]["code"] == 405
    assert call(f"{standin.url}/v1/nothing")[1]["error"]["status"] == "NOT_FOUND"
    status, body = call(f"{standin.url}/v1/broken")
    assert (status, body["error"]["status"]) == (500, "INTERNAL") and "KeyError" in body["error"]["message"]
    status, body = call(f"{standin.url}/v1/items/a:touch", "POST", None)
    assert status == 200  # an empty body is {}
    assert [r["status"] for r in standin.requests] == [200, 400, 405, 404, 500, 200]


def test_faults_by_path_count_and_after(standin):
    standin.add_fault(r":touch$", status=429, times=2)
    statuses = [call(f"{standin.url}/v1/items/a:touch", "POST", {})[0] for _ in range(3)]
    assert statuses == [429, 429, 200] and standin.touched == 1

    standin.add_fault(r":touch$", status=503, after=True, times=1)
    status, body = call(f"{standin.url}/v1/items/a:touch", "POST", {})
    assert (status, body["error"]["status"]) == (503, "UNAVAILABLE") and standin.touched == 2  # side effect kept

    with pytest.raises(ValueError):
        standin.add_fault(".*")
    with pytest.raises(ValueError):
        standin.add_fault(".*", latency=1, after=True)

"""Composer's front of the Airflow REST API, locally: a Google bearer token in, an Airflow token out.

On Composer a client (the composer_status_report sample) calls the Airflow REST API with its Google access token
and Composer's front end turns the caller's Google identity into an Airflow user. Local Airflow's simple auth
manager knows only its own JWTs, so the sample's Google token is refused (403). `make local` sets
GENOPS_AIRFLOW_API_URL to this front instead, which does what Composer's does and no more:

- read-only: GET under /api/ (anything else is 405), forwarded to Airflow with the query string;
- a request without `Authorization: Bearer <token>` is 401; with `tokens` (emulated cloud: the local
  credentials' `issued`), a token it did not issue is 401 too;
- Airflow is called with a JWT from its own /auth/token (the local admin login), fetched when first needed and
  again when Airflow answers 401; with no login (all-admins mode) no token is sent. Airflow's answer is passed on.

Serves on 127.0.0.1 only, like every stand-in (scripts.local.cloud.http).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from scripts.local.cloud.http import ApiError, Request, Response, StandIn

TIMEOUT_SECONDS = 30


class AirflowFront(StandIn):
    iam_service = "airflow"

    def __init__(
        self,
        airflow_url: str,
        login: tuple[str, str] | None,
        *,
        tokens: Callable[[str], bool] | None = None,
        port: int = 0,
        iam=None,
        environment: str = "projects/local/locations/local/environments/local",
    ):
        super().__init__("airflow-front", port=port, iam=iam)
        self.environment = environment
        self.airflow_url = airflow_url.rstrip("/")
        self.login = login
        self.tokens = tokens
        self._jwt: str | None = None
        self._jwt_lock = threading.Lock()

        @self.route("GET", r"/api/.+")
        def forward(request: Request) -> Response:
            return self.forward(request)

    def dispatch(self, request: Request) -> Response:
        if not request.path.startswith("/_admin/"):
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token:
                return Response(401, ApiError(401, "Request is missing a Google bearer token.").body())
            if self.tokens is not None and not self.tokens(token):
                return Response(401, ApiError(401, "Request had invalid authentication credentials.").body())
        return super().dispatch(request)

    def iam_context(self, request: Request) -> dict[str, str]:
        return {"environment": self.environment}

    def airflow_token(self, *, renew: bool = False) -> str | None:
        """A JWT from Airflow's /auth/token for the local login (None in all-admins mode)."""
        if self.login is None:
            return None
        with self._jwt_lock:
            if self._jwt is None or renew:
                body = json.dumps({"username": self.login[0], "password": self.login[1]}).encode()
                call = urllib.request.Request(
                    f"{self.airflow_url}/auth/token", data=body, headers={"Content-Type": "application/json"}
                )
                try:
                    with urllib.request.urlopen(call, timeout=TIMEOUT_SECONDS) as answer:
                        self._jwt = json.load(answer)["access_token"]
                except (OSError, ValueError, KeyError) as error:
                    raise ApiError(503, f"Airflow at {self.airflow_url} gave no token: {error}") from None
            return self._jwt

    def forward(self, request: Request) -> Response:
        query = urllib.parse.urlencode(request.query, doseq=True)
        url = f"{self.airflow_url}{urllib.parse.quote(request.path)}{'?' + query if query else ''}"
        for renew in (False, True):
            token = self.airflow_token(renew=renew)
            call = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
            try:
                with urllib.request.urlopen(call, timeout=TIMEOUT_SECONDS) as answer:
                    return Response(answer.status, answer.read(), answer.headers.get("Content-Type", ""))
            except urllib.error.HTTPError as error:
                if error.code == 401 and not renew and token:
                    continue  # the JWT expired: get a new one, once
                return Response(error.code, error.read(), error.headers.get("Content-Type", ""))
            except OSError as error:
                raise ApiError(503, f"Airflow at {self.airflow_url} is not answering: {error}") from None
        raise AssertionError("unreachable")

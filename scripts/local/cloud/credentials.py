"""Local Application Default Credentials for the emulated cloud: a real ADC file that needs no account and no network.

`make local` and the tests point GOOGLE_APPLICATION_CREDENTIALS at an `authorized_user` file (what
`gcloud auth application-default login` writes) that carries an access token issued here and its expiry.
`google.auth.default()` loads it as it loads a developer's own, the provider's hooks get credentials, and every
client sends `Authorization: Bearer <token>`, which the stand-ins can check with `issued(token)`.

Why not a local token endpoint: google-auth (2.56) sends every `authorized_user` refresh to Google's own token
endpoint whatever `token_uri` the file names, and a service-account key makes google-auth look up the account's
regional access boundary at iamcredentials.googleapis.com; both would leave the machine. A token valid for
TOKEN_LIFETIME is never refreshed, so nothing does. gcloud (the staging script) reads a token from a file
(CLOUDSDK_AUTH_ACCESS_TOKEN_FILE), so it needs no account either.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

TOKEN_LIFETIME = timedelta(days=30)  # longer than any local session: the token is never refreshed


# Who a token speaks for: the blueprint's three accounts (terraform/modules/service_accounts), whose grants the
# permission-checking front (iam_front.py) enforces, and the operator who runs Terraform and stages data.
IDENTITIES = ("composer", "deploy", "test", "operator")


class LocalCredentials:
    """Access tokens for the emulated cloud, one identity each, and the files that hand them to google-auth and
    gcloud. The ADC file speaks for the Composer environment's account (DAG tasks run as it)."""

    def __init__(self, project: str):
        self.project = project
        self._issued: dict[str, str] = {}

    def issue(self, identity: str = "composer") -> str:
        if identity not in IDENTITIES:
            raise ValueError(f"unknown identity {identity!r}: one of {', '.join(IDENTITIES)}")
        token = f"ya29.local-{identity}-" + secrets.token_urlsafe(32)
        self._issued[token] = identity
        return token

    def issued(self, token: str) -> bool:
        """Whether `token` is one this issued (stand-ins answer 401 to any other)."""
        return token in self._issued

    def identity(self, token: str) -> str | None:
        """The identity `token` was issued to (None for a token this did not issue)."""
        return self._issued.get(token)

    def write_adc(self, path: Path, identity: str = "composer") -> Path:
        """Write the authorized_user ADC file (mode 600) with a fresh token valid for TOKEN_LIFETIME."""
        expiry = datetime.now(UTC) + TOKEN_LIFETIME
        info = {
            "type": "authorized_user",
            "client_id": "genops-local.apps.googleusercontent.com",
            "client_secret": "local-" + secrets.token_urlsafe(12),
            "refresh_token": "local-never-refreshed",
            "token": self.issue(identity),
            "expiry": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "quota_project_id": self.project,
        }
        return _private(path, json.dumps(info, indent=2))

    def write_gcloud_token(self, path: Path, identity: str = "operator") -> Path:
        """An access token in a file, for CLOUDSDK_AUTH_ACCESS_TOKEN_FILE (gcloud with no account)."""
        return _private(path, self.issue(identity) + "\n")


def _private(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    os.chmod(path, 0o600)
    path.write_text(text)
    return path


def real_credentials_file(environ: dict[str, str]) -> str | None:
    """The file real Application Default Credentials would come from, or None; never asks a metadata server."""
    explicit = environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    config = Path(environ.get("CLOUDSDK_CONFIG") or Path.home() / ".config" / "gcloud")
    adc = config / "application_default_credentials.json"
    return str(adc) if adc.is_file() else None

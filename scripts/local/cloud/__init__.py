"""Local Google Cloud stand-ins for `make local` and the wire tests, all bound to 127.0.0.1.

`http` is the shared server base (routing, Google error bodies, fault injection); `vertex` serves the Vertex AI
REST surface the DAGs use. Run a stand-in as a module (`python -m scripts.local.cloud.vertex`), never as a file
path: a file path would put this folder first on sys.path, where `http.py` would shadow the standard library.
"""

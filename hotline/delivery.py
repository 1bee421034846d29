"""How responses leave: compressed, and static files cached for a year.

Compression (Flask-Compress: brotli, gzip) is skipped for a response that
carries a CSRF token: compressing a secret beside text the request chose
leaks it a byte at a time (BREACH). Public pages carry none and are compressed.

Static files are served under content-hashed URLs:
`url_for("static", filename=...)` adds `?v=<hash of the file's bytes>`, so a
changed file gets a new URL and browsers (and nginx) may keep the old one for
good. A request whose `v` is the current hash is served with a one-year,
immutable lifetime; any other one (no `v`, or an old one) revalidates.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, g, request
from werkzeug.security import safe_join

from .extensions import compress

YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    # Flask-Compress's own hook is off (COMPRESS_REGISTER=False); this one decides.
    compress.init_app(app)

    @app.after_request
    def compress_unless_secret(response):
        if app.config["WTF_CSRF_FIELD_NAME"] in g:  # a token was put in this page
            return response
        return compress.after_request(response)

    hashes: dict[str, tuple[int, str]] = {}  # filename -> (mtime, hash)

    def digest(filename: str) -> str | None:
        # safe_join: the filename of a request is untrusted.
        path = safe_join(app.static_folder, filename)
        if path is None or not os.path.isfile(path):
            return None
        mtime = os.stat(path).st_mtime_ns
        known = hashes.get(filename)
        if known and known[0] == mtime:
            return known[1]
        with open(path, "rb") as f:
            value = hashlib.sha256(f.read()).hexdigest()[:12]
        hashes[filename] = (mtime, value)
        return value

    @app.url_defaults
    def hashed_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and (filename := values.get("filename")):
            if value := digest(filename):
                values["v"] = value

    @app.after_request
    def cache_static(response):
        if request.endpoint == "static" and response.status_code == 200:
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") and request.args.get("v") == digest(filename):
                response.cache_control.max_age = YEAR
                response.cache_control.public = True
                response.cache_control.immutable = True
                response.expires = None
        return response

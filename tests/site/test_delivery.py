"""Responses are compressed unless they carry a CSRF token (BREACH), and
static files are served under content-hashed URLs with a year's lifetime."""

from __future__ import annotations

import gzip
import re

GZIP = {"Accept-Encoding": "gzip"}


def test_public_pages_are_compressed(client):
    response = client.get("/", headers=GZIP)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "承诺公示" in gzip.decompress(response.data).decode()


def test_brotli_is_preferred_when_offered(client):
    response = client.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"


def test_pages_carrying_a_csrf_token_are_not_compressed(moderator):
    response = moderator.get("/desk/", headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert 'name="csrf-token"' in response.get_data(as_text=True)


def test_static_urls_carry_the_file_hash_and_are_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    url = re.search(r'src="(/static/live\.js\?v=[0-9a-f]{12})"', html).group(1)
    response = client.get(url)
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable
    assert response.cache_control.public


def test_static_without_the_current_hash_revalidates(client):
    for url in ("/static/live.js", "/static/live.js?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cache_control.max_age
        assert not response.cache_control.immutable
        assert response.headers.get("ETag")


def test_static_hashes_never_read_outside_the_folder(client):
    assert client.get("/static/../hotline/config.py?v=1").status_code == 404

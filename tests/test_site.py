"""Health, security headers, the OpenAPI schema and the production configuration check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_reports_each_component(client, db, store):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "storage": "ok"}


def test_healthz_answers_503_when_the_broker_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"].startswith("down")
    assert response.json()["database"] == "ok"


def test_healthz_answers_503_when_storage_is_not_writable(client, db, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker

    assert client.get("/healthz").status_code == 503


def test_pages_carry_security_headers_and_a_content_security_policy(client, db):
    response = client.get("/login/")

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_openapi_schema_and_docs_are_served_without_third_party_assets(client, db):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/cases/{case_id}/evidence/" in schema.content
    assert docs.status_code == 200
    assert b"cdn." not in docs.content and b"jsdelivr" not in docs.content


def test_the_schema_validates():
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", os.devnull],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
    )
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        # Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, which a deployment must never set.
        **{name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": "k" * 20 + "-a-real-looking-secret-key-of-sufficient-length-and-variety-93f2",
        "ALLOWED_HOSTS": "evidence.example.org",
        "DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("value", ["maybe", "2x"])
def test_a_malformed_setting_stops_the_start_with_its_name(tmp_path, value):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": value, "UPLOAD_MAX_BYTES": value, "DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, env=env)

    assert result.returncode != 0
    assert "DEBUG" in result.stderr or "UPLOAD_MAX_BYTES" in result.stderr


def test_the_phone_app_at_the_root_carries_the_security_headers(client, db):
    """`/` is the borrowers' phone app (frontend/public/, served by WhiteNoise before any middleware)."""
    index = client.get("/")
    worker = client.get("/sw.js")
    manifest = client.get("/manifest.webmanifest")

    assert index.status_code == worker.status_code == manifest.status_code == 200
    assert b'<script type="module" src="/app.js">' in b"".join(index.streaming_content)
    for response in (index, worker, manifest):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy and "worker-src 'self'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cache-Control"] == "no-cache"  # the service worker decides what is cached
    assert worker["Service-Worker-Allowed"] == "/"


def test_the_phone_app_has_no_inline_script_or_style():
    """The CSP (script-src 'self', style-src 'self') would block them on a phone."""
    import re

    for page in (ROOT / "frontend" / "public").glob("*.html"):
        html = page.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page.name
        assert "<style" not in html and " style=" not in html and " on" + "click=" not in html, page.name

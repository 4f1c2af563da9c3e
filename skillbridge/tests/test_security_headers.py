"""Security headers on every page, and markup that a strict Content-Security-Policy lets run.

Every GET page of the authorization matrix is opened as a role that may see it: the response must
carry the CSP and the other headers, and an HTML page must hold no inline script, inline event
handler or style attribute (the policy would block them, so a feature using one would break).
"""

import base64
import hashlib
import re

import pytest
from django.conf import settings
from django.urls import reverse

from skillbridge.tests.test_authz_matrix import MATRIX, ROLES, world  # noqa: F401 -- world is a fixture

GET_PAGES = sorted(name for name, (method, _, _) in MATRIX.items() if method == "get")

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)


def _policy(response):
    header = response.headers.get("Content-Security-Policy", "")
    parts = (part.strip().partition(" ") for part in header.split(";") if part.strip())
    return {name: value for name, _, value in parts}


def _assert_security_headers(response, where):
    policy = _policy(response)
    assert policy, f"{where}: no Content-Security-Policy"
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'", f"{where}: scripts must come from this site only"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'self'"
    if not where.startswith("/static/"):  # WhiteNoise answers before XFrameOptionsMiddleware sets it
        assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize("name", GET_PAGES)
def test_every_page_carries_the_csp_and_has_no_inline_code(client, world, name):  # noqa: F811
    _, kwargs_for, expected = MATRIX[name]
    role = next((r for r in ROLES if expected[r] == 200), "employee")
    if getattr(world, role) is not None:
        client.force_login(getattr(world, role))
    response = client.get(reverse(name, kwargs=kwargs_for(world) if kwargs_for else None))
    assert response.status_code == expected[role]
    _assert_security_headers(response, name)
    if response.headers.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"{name}: inline <script> (move it to static/js/)"
        assert not EVENT_HANDLER.search(html), f"{name}: inline event handler (use static/js/)"
        assert not STYLE_ATTRIBUTE.search(html), f"{name}: style attribute (use static/css/skillbridge.css)"


@pytest.mark.parametrize("role", ["anonymous", "employee"])
def test_redirects_not_found_and_static_files_carry_the_csp_too(client, org, role):
    if getattr(org, role) is not None:
        client.force_login(getattr(org, role))
    for url in ("/", "/no-such-page/", "/catalog/0/", "/static/css/skillbridge.css"):
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        _assert_security_headers(response, url)


def test_the_500_pages_inline_style_is_allowed_by_its_hash_and_nothing_else():
    """templates/500.html must not depend on static files, so its one <style> is allowed by hash."""
    template = (settings.BASE_DIR / "templates" / "500.html").read_text()
    styles = re.findall(r"<style>(.*?)</style>", template, re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    expected = f"'sha256-{digest}'"
    assert expected == settings.ERROR_PAGE_STYLE_HASH, "500.html's style changed: update the hash"
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"] == ["'self'", settings.ERROR_PAGE_STYLE_HASH]


def test_templates_have_no_inline_script_handler_or_style_attribute():
    """The source of every template too, for pages a test does not open in every state."""
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text()
        assert not INLINE_SCRIPT.search(text), f"{path}: inline <script>"
        assert not EVENT_HANDLER.search(text), f"{path}: inline event handler"
        assert not STYLE_ATTRIBUTE.search(text), f"{path}: style attribute"

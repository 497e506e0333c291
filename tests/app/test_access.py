"""Who may open what: every staff page needs a login and a role that needs it."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from app import create_app
from app.extensions import db
from app.models import StaffRole
from support import PASSWORD, csrf_token, make_person

# The liaison pages need no login: a signed invitation link opens them (tests/liaison).
PUBLIC_BLUEPRINTS = {"register", "liaison", "static"}
PUBLIC_ENDPOINTS = {"auth.login", "auth.logout", "home", "static", "favicon"}


def staff_routes():
    """(endpoint, url, method, roles) for every route that needs a staff role."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    routes = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0] if "." in rule.endpoint else ""
        if rule.endpoint in PUBLIC_ENDPOINTS or blueprint in PUBLIC_BLUEPRINTS:
            continue
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        if blueprint == "api":
            roles = (StaffRole.DOOR, StaffRole.SECURITY)  # enforced for the whole blueprint
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append(pytest.param(rule.endpoint, url, method, roles,
                                       id=f"{method} {rule.rule}"))
    return routes


STAFF_ROUTES = staff_routes()


def open_with_token(client, url, method):
    """Request as a browser would, with a valid CSRF token, so the role check is what answers."""
    if method == "GET":
        return client.get(url)
    token = csrf_token(client, "/login")
    return client.open(url, method=method, data={"csrf_token": token},
                       headers={"X-CSRFToken": token})


def test_every_non_public_route_declares_its_roles():
    undeclared = [p.values[0] for p in STAFF_ROUTES if p.values[3] is None]
    assert undeclared == []


@pytest.mark.parametrize("endpoint,url,method,roles", STAFF_ROUTES)
def test_anonymous_visitors_are_sent_to_login_or_refused(client, endpoint, url, method, roles):
    response = open_with_token(client, url, method)
    if endpoint.startswith("api."):
        assert response.status_code == 401
        assert response.get_json()["error"] == "not_logged_in"
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("endpoint,url,method,roles", STAFF_ROUTES)
def test_staff_without_the_role_are_refused(client, login, endpoint, url, method, roles):
    wrong = next(role for role in ("door", "desk", "accreditation")
                 if StaffRole(role) not in roles)
    login(wrong)
    response = open_with_token(client, url, method)
    assert response.status_code == 403


def test_photos_are_never_served_without_a_login(client, event):
    person = make_person(event)
    url = f"/vetting/people/{person.id}/photo"
    assert client.get(url).status_code == 302
    # Stored outside every folder the app serves as static files.
    photos = Path(client.application.config["LANYARD_PHOTO_DIR"]).resolve()
    static = Path(client.application.static_folder).resolve()
    assert (photos / person.photo_file).exists() and not photos.is_relative_to(static)


def test_a_form_post_without_csrf_token_is_refused(client, event, login):
    from app.models import DelegateStatus
    person = make_person(event)
    login("accreditation")
    response = client.post(f"/vetting/people/{person.id}/approve", data={})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert person.status is DelegateStatus.SUBMITTED


def test_the_scan_api_refuses_a_post_without_csrf_header(client, event, login):
    login("door")
    response = client.post("/api/v1/scans", json={"code": "A" * 32, "checkpoint": "MAIN"})
    assert response.status_code == 400


def test_login_with_a_wrong_password_is_refused(client, staff):
    user = staff("desk")
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                           "email": user.email, "password": "wrong password!"})
    assert response.status_code == 200
    assert "E-mail or password is not right." in response.get_data(as_text=True)
    assert client.get("/desk/").status_code == 302


def test_passwords_are_stored_as_argon2id_hashes(staff, production_passwords):
    user = staff("admin")
    # RFC 9106's second recommended option: 64 MiB, three passes, four lanes.
    assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in user.password_hash


def test_a_hash_made_with_weaker_parameters_is_made_again_at_the_next_login(
        client, staff, production_passwords):
    user = staff("desk")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    db.session.commit()
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                           "email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_session_cookie_is_http_only_and_secure_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("LANYARD_SECURE_COOKIES", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.app_config(LANYARD_PROXY_HOPS=1)
def test_behind_a_proxy_the_audit_trail_records_the_client_address(client, staff):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AuditEvent
    user = staff("desk")
    client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "email": user.email,
                                "password": PASSWORD},
                headers={"X-Forwarded-For": "203.0.113.9"})
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.logged_in"))
    assert entry.ip == "203.0.113.9"


class _FormsWithFields(HTMLParser):
    """Each form's methods (its own, and any button's formmethod) and its field names."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[set[str], set[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(({(attrs.get("method") or "get").lower()}, set()))
        elif self.forms and tag in ("input", "button", "select", "textarea"):
            if attrs.get("formmethod"):
                self.forms[-1][0].add(attrs["formmethod"].lower())
            if attrs.get("name"):
                self.forms[-1][1].add(attrs["name"])


def test_no_page_sends_a_csrf_token_in_a_url(client, event, login, photo_jpeg):
    """A GET form carrying the token would put it in the address bar, history and access logs."""
    person = make_person(event, photo=photo_jpeg, stage="badged")
    login("admin")  # an administrator sees every staff page
    app = client.application
    urls = {f"/desk/people/{person.id}", f"/vetting/people/{person.id}",
            f"/admin/events/{event.id}", f"/admin/events/{event.id}/badges",
            "/desk/?q=Dewi", "/events/amim22/register"}
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/api"):
            urls.add(rule.rule)
    checked = 0
    for url in sorted(urls):
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        parser = _FormsWithFields()
        parser.feed(response.get_data(as_text=True))
        for methods, fields in parser.forms:
            assert not ("get" in methods and "csrf_token" in fields), url
            checked += 1
    assert checked > 20

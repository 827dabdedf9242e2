"""Getting in: failed logins lock the account and the address for a while, passwords follow Django's rules,
and a session ends after its idle time (issue 10 §4)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.test import Client

from junheng.web.demo import DEMO_PASSWORD
from junheng.web.security import LOGIN_COOLOFF_MINUTES, LOGIN_FAILURE_LIMIT
from junheng.web.settings import build_settings

RIGHT = "right-horse-battery"
LOCKED = (
    f"登录失败次数过多（连续 {LOGIN_FAILURE_LIMIT} 次）：该账号或本机地址已被暂停登录，"
    f"请 {LOGIN_COOLOFF_MINUTES} 分钟后再试。"
)


@dataclass(frozen=True)
class Attempt:
    status: int
    text: str
    logged_in: bool


def _attempt(username: str, password: str, address: str = "10.0.0.1", forwarded_for: str | None = None) -> Attempt:
    client = Client(headers={"X-Forwarded-For": forwarded_for} if forwarded_for else {}, REMOTE_ADDR=address)
    response = client.post("/login/", {"username": username, "password": password})
    return Attempt(response.status_code, response.content.decode(), "_auth_user_id" in client.session)


@pytest.fixture
def county(db: None) -> User:
    return User.objects.create_user("county", password=RIGHT)


def test_the_limits_are_ten_failures_and_fifteen_minutes() -> None:
    assert (LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES) == (10, 15)


def test_nine_wrong_passwords_then_the_right_one_logs_in(county: User) -> None:
    for _ in range(LOGIN_FAILURE_LIMIT - 1):
        wrong = _attempt("county", "guess")
        assert wrong.status == 200
        assert "用户名或密码不正确" in wrong.text
    assert _attempt("county", RIGHT).logged_in


def test_ten_wrong_passwords_lock_the_account_even_against_the_right_password_from_anywhere(county: User) -> None:
    for _ in range(LOGIN_FAILURE_LIMIT - 1):
        _attempt("county", "guess")
    tenth = _attempt("county", "guess")
    assert tenth.status == 429
    assert LOCKED in tenth.text
    right = _attempt("county", RIGHT)
    assert right.status == 429 and not right.logged_in
    elsewhere = _attempt("county", RIGHT, address="10.0.0.99")
    assert elsewhere.status == 429 and not elsewhere.logged_in


def test_ten_failures_from_one_address_lock_it_for_every_account_but_not_other_addresses(county: User) -> None:
    for i in range(LOGIN_FAILURE_LIMIT):
        _attempt(f"guess-{i}", "guess", address="10.0.0.1")
    assert _attempt("county", RIGHT, address="10.0.0.1").status == 429
    assert _attempt("county", RIGHT, address="10.0.0.2").logged_in


def test_a_forged_forwarded_for_does_not_escape_the_address_lock(county: User) -> None:
    for i in range(LOGIN_FAILURE_LIMIT):
        _attempt(f"guess-{i}", "guess", address="10.0.0.1", forwarded_for=f"192.0.2.{i}")
    assert _attempt("county", RIGHT, address="10.0.0.1", forwarded_for="192.0.2.200").status == 429


def test_behind_the_proxy_each_client_is_counted_by_the_address_the_proxy_appended(county: User, settings: Any) -> None:
    settings.JUNHENG_BEHIND_PROXY = True
    proxy = "10.0.0.254"
    for i in range(LOGIN_FAILURE_LIMIT):  # the guesser forges a first entry; the proxy appends the real one
        _attempt(f"guess-{i}", "guess", address=proxy, forwarded_for=f"192.0.2.{i}, 203.0.113.7")
    assert _attempt("county", RIGHT, address=proxy, forwarded_for="203.0.113.7").status == 429
    assert _attempt("county", RIGHT, address=proxy, forwarded_for="203.0.113.8").logged_in


def test_the_account_opens_again_after_the_cool_off(county: User, settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    for _ in range(LOGIN_FAILURE_LIMIT):
        _attempt("county", "guess")
    assert _attempt("county", RIGHT).status == 429
    time.sleep(1.2)
    assert _attempt("county", RIGHT).logged_in


def test_the_admin_login_is_throttled_too(db: None) -> None:
    User.objects.create_superuser("admin", password=RIGHT)
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(LOGIN_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "admin", "password": "1", "next": "/admin/"})
    response = client.post("/admin/login/", {"username": "admin", "password": RIGHT, "next": "/admin/"})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_a_weak_password_is_refused_with_the_reasons_in_chinese(db: None) -> None:
    user = User.objects.create_user("zhangsan", password=RIGHT)
    form = SetPasswordForm(user, {"new_password1": "1", "new_password2": "1"})
    assert not form.is_valid()
    assert form.errors["new_password2"] == ["密码太短：至少需要 10 个字符。", "这个密码太常见了。", "密码只包含数字。"]
    similar = SetPasswordForm(user, {"new_password1": "zhangsan2025", "new_password2": "zhangsan2025"})
    assert not similar.is_valid()


def test_the_admin_refuses_to_give_a_user_the_password_1(db: None) -> None:
    admin = User.objects.create_superuser("admin", password=RIGHT)
    client = Client()
    client.force_login(admin)
    form = {"username": "clerk2", "password1": "1", "password2": "1", "usable_password": "true"}
    response = client.post("/admin/auth/user/add/", form)
    assert response.status_code == 200
    assert "密码太短：至少需要 10 个字符。" in response.content.decode()
    assert not User.objects.filter(username="clerk2").exists()


def test_the_demo_password_meets_the_rules() -> None:
    validate_password(DEMO_PASSWORD)


def test_the_idle_time_is_a_setting_in_minutes() -> None:
    assert build_settings({})["SESSION_COOKIE_AGE"] == 60 * 60
    assert build_settings({"JUNHENG_SESSION_IDLE_MINUTES": "30"})["SESSION_COOKIE_AGE"] == 30 * 60


def test_a_session_ends_after_its_idle_time_but_not_while_in_use(county: User, settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 2
    client = Client()
    client.force_login(county)
    for _ in range(3):  # 3 s of use, longer than the idle time
        time.sleep(1)
        assert client.get("/").status_code == 200
    time.sleep(2.5)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_page_soon_after_the_last_renewal_does_not_write_the_session(county: User) -> None:
    client = Client()
    client.force_login(county)
    key = client.session.session_key
    before = Session.objects.get(pk=key).expire_date
    assert client.get("/").status_code == 200
    assert Session.objects.get(pk=key).expire_date == before

"""Django settings for the junheng platform, built from the environment by `build_settings`.

Production (`junheng serve`) reads JUNHENG_DATABASE_URL (sqlite:/// or postgresql://),
JUNHENG_SECRET_KEY and JUNHENG_ALLOWED_HOSTS; the demo and the tests fall back to an SQLite
database under JUNHENG_DATA_DIR and a development key. Who may get in and what the browser is told
(login throttling, password rules, idle timeout, Content-Security-Policy, HTTPS cookies, logging) comes
from `security.security_settings` (docs/deployment.md, 安全与反向代理).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext

from junheng.web.caches import cache_settings
from junheng.web.security import security_settings

WEB_DIR = Path(__file__).resolve().parent
DEVELOPMENT_SECRET = "junheng-development-only-not-secret"


def build_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every Django setting, from environment variables (no other import-time state)."""
    data_dir = Path(environ.get("JUNHENG_DATA_DIR", "junheng-demo"))
    database_url = environ.get("JUNHENG_DATABASE_URL") or f"sqlite:///{(data_dir / 'junheng.sqlite3').resolve()}"
    database = dj_database_url.parse(database_url, conn_max_age=60)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
        database["CONN_MAX_AGE"] = 0
    debug = environ.get("JUNHENG_DEBUG", "") == "1"
    return {
        **security_settings(environ),
        "BASE_DIR": WEB_DIR,
        "SECRET_KEY": environ.get("JUNHENG_SECRET_KEY", DEVELOPMENT_SECRET),
        "DEBUG": debug,
        "ALLOWED_HOSTS": [
            h for h in environ.get("JUNHENG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
        ],
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "ninja",  # the API docs' Swagger UI from its own static files, not from a CDN
            "axes",  # login throttling: failed attempts per account and per address
            "csp",  # the Content-Security-Policy header
            "django_tasks",  # background tasks (the backport of Django 6's django.tasks)
            "django_tasks_db",  # their queue in the platform's own database, run by `db_worker`
            "junheng.web.orgs",
            "junheng.web.collection",
            "junheng.web.dashboards",
            "junheng.web.api",
            "junheng.web.survey",
            "junheng.web.assessment",
            "junheng.web.planning",
            "junheng.web.classes",
            "junheng.web.groups",
            "junheng.web.places",
            "junheng.web.home",
            "junheng.web.jobs",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.locale.LocaleMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "junheng.web.idle.IdleSessionMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "csp.middleware.CSPMiddleware",
            "axes.middleware.AxesMiddleware",  # last, as django-axes requires
        ],
        "ROOT_URLCONF": "junheng.web.urls",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [WEB_DIR / "templates"],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        "WSGI_APPLICATION": "junheng.web.wsgi.application",
        "DATABASES": {"default": database},
        # Long work (the report, a plan) is queued in the database and run by the worker that `junheng
        # demo` and `junheng serve` start beside the web server (web/jobs, docs/deployment.md).
        "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "LANGUAGE_CODE": "zh-hans",
        # The only language: LocaleMiddleware must not switch an English browser to Django's English.
        "LANGUAGES": [("zh-hans", "简体中文")],
        "LOCALE_PATHS": [WEB_DIR / "locale"],  # our words over Django's: 年度： rather than 年度:
        "TIME_ZONE": "Asia/Shanghai",
        "USE_I18N": True,
        "USE_TZ": True,
        "STATIC_URL": "/static/",
        "STATIC_ROOT": None,
        "STATICFILES_DIRS": [WEB_DIR / "static"],  # site.css, the dashboards' scripts, vendor/echarts.min.js
        # Static files (ECharts among them) are served by the application itself from the installed
        # package: no CDN, no collectstatic step for a county server.
        "WHITENOISE_USE_FINDERS": True,
        # Uploaded evidence (佐证材料). No URL serves MEDIA_URL: files go out only through views that
        # check the user's scope.
        "MEDIA_ROOT": (data_dir / "media").resolve(),
        "MEDIA_URL": "/media/",
        "LOGIN_URL": "login",
        "LOGIN_REDIRECT_URL": "home",
        "LOGOUT_REDIRECT_URL": "login",
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": False,
        "X_FRAME_OPTIONS": "DENY",
        # A figure that changed by more than this share since last year is flagged for the reviewer.
        "JUNHENG_CHANGE_RATIO": float(environ.get("JUNHENG_CHANGE_RATIO", "0.5")),
        # Storage for the evidence files (佐证材料) of one county, in MB, over every app (web/evidence.py).
        "JUNHENG_EVIDENCE_QUOTA_MB": float(environ.get("JUNHENG_EVIDENCE_QUOTA_MB", "2048")),
        # Kept evaluations, shared by every process and server: Redis at JUNHENG_CACHE_URL, else the database.
        "CACHES": cache_settings(environ),
    }


django_stubs_ext.monkeypatch()  # generic classes such as ModelAdmin[Organisation] at run time
globals().update(build_settings(os.environ))

"""Who may get in and how the browser is told to protect the pages: the security settings, from the environment.

`security_settings` is merged into `settings.build_settings` (so this module imports no Django machinery);
the lockout page and the client address for django-axes are in `junheng.web.lockout`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from csp.constants import NONE, SELF, UNSAFE_INLINE

# Login throttling (django-axes): after this many failed logins for one account, or from one address, further
# logins (even with the right password) are refused for the cool-off time; every further failure restarts it.
LOGIN_FAILURE_LIMIT = 10
LOGIN_COOLOFF_MINUTES = 15
PASSWORD_MIN_LENGTH = 10
DEFAULT_SESSION_IDLE_MINUTES = 60
# One year, the usual HSTS lifetime; a bureau testing HTTPS first may lower it with JUNHENG_HSTS_SECONDS.
DEFAULT_HSTS_SECONDS = 365 * 24 * 3600

# Scripts and styles only from the site's own static files: no inline <script>, no event-handler attributes,
# no eval (ECharts and Leaflet need none). Style *attributes* stay allowed: ECharts writes its tooltip markers
# as `<span style=…>`, and an attribute can neither run script nor select other elements to leak them.
CONTENT_SECURITY_POLICY_DIRECTIVES: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "style-src-attr": [UNSAFE_INLINE],
    "img-src": [SELF, "data:"],  # Leaflet's and Swagger UI's icons are data: URLs
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}


def security_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Login throttling, password rules, idle timeout, CSP, HTTPS cookies and headers, logging.

    `junheng serve` sets JUNHENG_PRODUCTION=1: cookies are then sent over HTTPS only and HSTS is on, unless
    JUNHENG_PLAIN_HTTP=1 says the site is reached over plain HTTP on a closed network. JUNHENG_BEHIND_PROXY=1
    trusts the reverse proxy's X-Forwarded-Proto and X-Forwarded-For (and nothing else should reach the port).
    """
    production = environ.get("JUNHENG_PRODUCTION", "") == "1"
    https = production and environ.get("JUNHENG_PLAIN_HTTP", "") != "1"
    behind_proxy = environ.get("JUNHENG_BEHIND_PROXY", "") == "1"
    idle_minutes = int(environ.get("JUNHENG_SESSION_IDLE_MINUTES", str(DEFAULT_SESSION_IDLE_MINUTES)))
    return {
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",  # refuses a locked account or address before any hashing
            "django.contrib.auth.backends.ModelBackend",
        ],
        "AXES_FAILURE_LIMIT": LOGIN_FAILURE_LIMIT,
        "AXES_COOLOFF_TIME": timedelta(minutes=LOGIN_COOLOFF_MINUTES),
        "AXES_LOCKOUT_PARAMETERS": [["username"], ["ip_address"]],
        "AXES_LOCKOUT_CALLABLE": "junheng.web.lockout.lockout_response",
        "AXES_CLIENT_IP_CALLABLE": "junheng.web.lockout.client_address",
        "AXES_VERBOSE": False,
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {
                "NAME": "junheng.web.passwords.ChineseMinimumLengthValidator",
                "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
            },
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        # Idle timeout: activity pushes the session's expiry on by the idle time (junheng.web.idle).
        "SESSION_COOKIE_AGE": idle_minutes * 60,
        "CONTENT_SECURITY_POLICY": {"DIRECTIVES": CONTENT_SECURITY_POLICY_DIRECTIVES},
        "SESSION_COOKIE_SECURE": https,
        "CSRF_COOKIE_SECURE": https,
        "SECURE_HSTS_SECONDS": int(environ.get("JUNHENG_HSTS_SECONDS", str(DEFAULT_HSTS_SECONDS))) if https else 0,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if behind_proxy else None,
        "JUNHENG_BEHIND_PROXY": behind_proxy,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "LOGGING": LOGGING,
    }


# Every 500 leaves its traceback on stderr, which gunicorn (and so `junheng serve`) writes to its log.
# Django's own default sends request errors only to e-mail when DEBUG is off.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}

"""Starting the platform: Django set up from the environment, migrations, and a real HTTP server (gunicorn)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEFAULT_WORKERS = 2


class ConfigurationError(Exception):
    """A setting that makes starting unsafe or impossible; the message is for the operator, in Chinese."""


def setup(*, demo_dir: Path | None = None, production: bool = False) -> None:
    """Configure Django for this process (before any model import).

    The demo passes its folder and always gets the SQLite database in it, whatever the environment says.
    `serve` passes `production`: HTTPS-only cookies and HSTS (settings.security_settings).
    """
    if production:
        os.environ["JUNHENG_PRODUCTION"] = "1"
    if demo_dir is not None:
        demo_dir.mkdir(parents=True, exist_ok=True)
        os.environ["JUNHENG_DATA_DIR"] = str(demo_dir)
        os.environ["JUNHENG_DATABASE_URL"] = f"sqlite:///{(demo_dir / 'junheng.sqlite3').resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "junheng.web.settings")
    import django

    django.setup()


def check_production() -> None:
    """Refuse to serve with a missing or development secret key, without allowed hosts (contracts.md §4), or
    without its data folder."""
    from django.conf import settings

    from junheng.web.settings import DEVELOPMENT_SECRET

    if not os.environ.get("JUNHENG_SECRET_KEY") or settings.SECRET_KEY == DEVELOPMENT_SECRET:
        raise ConfigurationError(
            "请设置环境变量 JUNHENG_SECRET_KEY（一个足够长的随机字符串）后再启动；不能使用默认密钥"
        )
    if len(settings.SECRET_KEY) < 32:
        raise ConfigurationError("JUNHENG_SECRET_KEY 太短：至少需要 32 个字符")
    if not os.environ.get("JUNHENG_ALLOWED_HOSTS"):
        raise ConfigurationError("请设置环境变量 JUNHENG_ALLOWED_HOSTS（逗号分隔的域名或 IP），例如 jy.example.gov.cn")
    data_dir = Path(settings.MEDIA_ROOT).parent  # the SQLite file (by default) and the evidence files live here
    if not data_dir.is_dir():
        raise ConfigurationError(
            f"数据文件夹 {data_dir} 不存在：请先创建它（mkdir -p {data_dir}），"
            "或把环境变量 JUNHENG_DATA_DIR 设为已有的数据文件夹"
        )


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # the kept evaluations' table when no Redis is named


def check_port(host: str, port: int) -> None:
    """Refuse early, in Chinese, when the address is taken (gunicorn would retry, then fail in English)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigurationError(
                f"端口 {port} 已被占用（{host}）；请用 --port 换一个端口，或先停止占用它的程序"
            ) from exc


# The task worker (django-tasks-db's `db_worker`): it runs the queued jobs (the report, plans) one at a
# time, asking the database for the next every second when idle.
WORKER_COMMAND = ("-m", "django", "db_worker", "--no-reload", "--interval", "1", "--verbosity", "1")
WORKER_STOP_SECONDS = 30


@contextmanager
def task_worker() -> Iterator[subprocess.Popen[bytes]]:
    """The task worker as a child process for as long as the web server runs, on the same settings (the
    environment `setup` prepared); stopped with the server, letting a job under way finish first."""
    worker = subprocess.Popen([sys.executable, *WORKER_COMMAND], env=os.environ.copy())
    try:
        yield worker
    finally:
        worker.terminate()  # the worker finishes the job under way, then exits
        try:
            worker.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def serve(*, host: str, port: int, workers: int = DEFAULT_WORKERS) -> None:
    """Serve the platform with gunicorn (threads per worker) until interrupted."""
    from gunicorn.app.base import BaseApplication

    from junheng.web.wsgi import application

    class _Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type information
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": 4,
                "accesslog": "-",
                "errorlog": "-",
                "timeout": 120,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    _Server().run()

#!/usr/bin/env bash
# Everything the whole test suite needs, installed, then the suite: linters, every test on SQLite,
# the platform's tests again on PostgreSQL, and the browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages (Debian): PostgreSQL, Chromium for the browser tests, Noto CJK fonts and Pango for Chinese PDFs.
missing=()
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)  # the cache shared by several servers
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
# WeasyPrint (the report's PDF) loads Pango through cffi: check for the libraries themselves.
ldconfig -p | grep -q 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$(id -u)" = 0 ]; then bash scripts/postgres.sh; else sudo bash scripts/postgres.sh; fi
bash scripts/redis.sh

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'
echo "== ruff"
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/ruff format --check src tests benchmarks scripts
echo "== mypy"
.venv/bin/mypy
echo "== migrations match the models"
JUNHENG_DATA_DIR="$(mktemp -d)" DJANGO_SETTINGS_MODULE=junheng.web.settings \
  .venv/bin/python -m django makemigrations --check --dry-run >/dev/null
echo "== pytest on SQLite (every test)"
.venv/bin/python -m pytest "$@"
echo "== pytest on PostgreSQL (the platform's tests)"
JUNHENG_DATABASE_URL=postgresql://junheng:junheng@127.0.0.1:5432/junheng \
  .venv/bin/python -m pytest tests/web -q "$@"
echo "== the kept evaluations' tests, two junheng serve and the province benchmark's smoke run on PostgreSQL and Redis"
JUNHENG_DATABASE_URL=postgresql://junheng:junheng@127.0.0.1:5432/junheng JUNHENG_CACHE_URL=redis://127.0.0.1:6379/0 \
  .venv/bin/python -m pytest tests/web/test_kept.py tests/web/test_home_kept.py tests/web/test_refresh.py tests/web/test_tracker_kept.py \
  tests/web/test_servers.py tests/web/test_province_benchmark.py \
  -q "$@"
echo "== the engine's, the standards' and the reader's tests on the lowest Polars pyproject.toml allows"
# The suite above runs on the newest Polars; this checks the floor still holds. A light venv: Polars at
# the floor and what these tests import (the CLI's planner among them), from pip's cache after the first run.
lowest="$(sed -n 's/^ *"polars>=\([0-9.]*\)".*/\1/p' pyproject.toml)"
python3 -m venv .venv-polars-lowest
.venv-polars-lowest/bin/pip install --quiet "polars==$lowest" numpy highspy python-calamine xlsxwriter openpyxl pydantic \
  pytest hypothesis
PYTHONPATH=src .venv-polars-lowest/bin/python -m pytest tests/engine tests/standards tests/io tests/assessment -q -p no:cacheprovider

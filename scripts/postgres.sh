#!/usr/bin/env bash
# Start Debian's PostgreSQL on 127.0.0.1:5432 and make the role and database the tests use:
#   postgresql://junheng:junheng@127.0.0.1:5432/junheng   (the role may create the test database)
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
  pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
  sleep 1
done
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'junheng') THEN
    CREATE ROLE junheng LOGIN PASSWORD 'junheng' CREATEDB;
  END IF;
END $$;
SQL
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'junheng'\"" | grep -q 1 ||
  su postgres -c "createdb -O junheng junheng"
echo "PostgreSQL $version ready: postgresql://junheng:junheng@127.0.0.1:5432/junheng"

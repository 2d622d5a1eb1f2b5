#!/usr/bin/env bash
# Legacy migration throughput (issue 5): a fresh PostgreSQL database and a fresh
# legacy MariaDB database seeded with BENCH_ORDERS historic orders, then
# `till legacy backfill` (first run, then a rerun that finds every order
# present), and `till legacy reconcile`; both databases dropped at the end.
#
#   bench/run_legacy_migration.sh              # 10,000 orders
#   BENCH_ORDERS=100000 bench/run_legacy_migration.sh
#
# Tunables (env): BENCH_ORDERS (10000), BENCH_BATCH (500), BENCH_CONCURRENCY (8),
# TILL (.venv/bin/till). Needs php (legacy/README.md) and the local MariaDB.
set -euo pipefail

cd "$(dirname "$0")/.."
orders=${BENCH_ORDERS:-10000}
db="till_bench_legacy_$$"
legacy_db="legacy_bench_$$"
psql_admin=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -q)
till=${TILL:-.venv/bin/till}

export DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/$db"
export LEGACY_DB_NAME=$legacy_db LEGACY_DB_USER=root
export LEGACY_DATABASE_URL="mysql://root@127.0.0.1:3306/$legacy_db"
TILL_DATA_KEYS=$(.venv/bin/python -c \
  "from till.platform.data_keys import new_key_setting; print(new_key_setting('bench'))")
export TILL_DATA_KEYS

cleanup() {
  php legacy/database/migrate.php --drop >/dev/null 2>&1 || true
  "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
}
trap cleanup EXIT

"${psql_admin[@]}" -c "CREATE DATABASE \"$db\""
"$till" migrate >/dev/null
php legacy/database/migrate.php --fresh >/dev/null
echo "seed: $(php legacy/database/seed.php --orders="$orders" | tail -1)"
echo "git: $(git rev-parse --short HEAD), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
flags=(--batch-size "${BENCH_BATCH:-500}" --concurrency "${BENCH_CONCURRENCY:-8}")
"$till" legacy backfill "${flags[@]}" | tail -2
"$till" legacy backfill --restart "${flags[@]}" | tail -2  # a rerun: all present
"$till" legacy reconcile | tail -3

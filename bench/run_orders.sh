#!/usr/bin/env bash
# Order creation, till against the legacy PHP app, in one run (issue 5): a
# fresh PostgreSQL database and a fresh legacy MariaDB database seeded with
# BENCH_SEED historic orders; `till legacy backfill` and `till legacy reconcile`
# over them (their orders/s, same run); then `till serve` (the orders service
# alone: no LEGACY_BASE_URL, so no strangler router in front, no dual-write) and
# `php -S` serving legacy/ side by side, and for each repeat, alternating
# till then legacy:
#   1. POST create, open loop at ORDER_RATE (200/s): p95 against the target;
#   2. POST create, closed loop (BENCH_CONCURRENCY in flight): max orders/s;
# then a table with medians and the till/legacy ratios; both servers stopped
# and both databases dropped (also on failure or Ctrl-C).
#
#   bench/run_orders.sh                                  # 20 s runs, 3 repeats
#   BENCH_DURATION=5 BENCH_REPEATS=1 bench/run_orders.sh # quick check
#
# Fairness: till runs BENCH_WORKERS processes (default 2, one per CPU) and the
# PHP server as many workers (PHP_CLI_SERVER_WORKERS = BENCH_PHP_WORKERS,
# default BENCH_WORKERS). Every run prints the CPU split (server, postgres,
# MariaDB, client, other); MariaDB is the whole server, shared with anyone's
# tests, and a large "other" means a neighbour was busy.
#
# BENCH_SRC=head (default) runs till from a snapshot of the committed HEAD,
# BENCH_SRC=<commit> from that commit, BENCH_SRC=worktree as it is (see
# bench/run_payments.sh). Tunables (env): BENCH_REPEATS (3), BENCH_PORT (8770;
# legacy on +1), BENCH_DURATION (20), BENCH_WARMUP (3), BENCH_USERS (20),
# BENCH_CONCURRENCY (64), ORDER_RATE (200), BENCH_SEED (10000; 0 = no history,
# no backfill), BENCH_QUIET (wait for the machine to be below this % busy
# before each run, at most BENCH_QUIET_MAX_WAIT s, default 300), BENCH_ONLY
# (comma list of migration,open,closed), BENCH_RESULTS (JSON lines file; default a kept temp file), TILL.
set -euo pipefail

cd "$(dirname "$0")/.."
port=${BENCH_PORT:-8770}
legacy_port=$((port + 1))
duration=${BENCH_DURATION:-20}
warmup=${BENCH_WARMUP:-3}
repeats=${BENCH_REPEATS:-3}
workers=${BENCH_WORKERS:-2}
php_workers=${BENCH_PHP_WORKERS:-$workers}
seed=${BENCH_SEED:-10000}
base_url="http://127.0.0.1:$port"
legacy_url="http://127.0.0.1:$legacy_port"
stamp="$(date +%Y%m%d%H%M%S)_$$"
db="till_bench_orders_$stamp"
psql_admin=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -q)
server_log=$(mktemp -t till-bench-server.XXXXXX)
legacy_log=$(mktemp -t till-bench-legacy.XXXXXX)
results=${BENCH_RESULTS:-$(mktemp -t till-orders-results.XXXXXX)}
till=${TILL:-.venv/bin/till}
python=.venv/bin/python

export DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/$db"
export REDIS_URL="redis://127.0.0.1:6379/15"
export TILL_AUTH_RATE_LIMIT_PER_MINUTE=${TILL_AUTH_RATE_LIMIT_PER_MINUTE:-1000000}
export FRAUD_ALLOWLIST_IPS=${FRAUD_ALLOWLIST_IPS:-127.0.0.1,::1}
export TILL_DATA_KEYS=${TILL_DATA_KEYS:-bench:$(head -c 32 /dev/urandom | base64)}
# The legacy side: its own database, a token of its own.
export LEGACY_DB_NAME="legacy_bench_orders_$stamp" LEGACY_DB_USER=root
export LEGACY_API_TOKEN="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export LEGACY_DATABASE_URL="mysql://root@127.0.0.1:3306/$LEGACY_DB_NAME"
unset LEGACY_BASE_URL TILL_MIGRATION_DUAL_WRITE

snapshot=""
if [ "${BENCH_SRC:-head}" = worktree ]; then
    source_note="working tree on $(git rev-parse --short HEAD)"
    git diff --quiet HEAD -- src || source_note+=" WITH uncommitted src changes"
else
    ref=${BENCH_SRC:-HEAD}; [ "$ref" = head ] && ref=HEAD
    rev=$(git rev-parse --verify "$ref^{commit}")
    snapshot=$(mktemp -d -t till-bench-src.XXXXXX)
    git archive "$rev" src migrations alembic.ini legacy | tar -x -C "$snapshot"
    export PYTHONPATH="$snapshot/src${PYTHONPATH:+:$PYTHONPATH}"
    source_note="commit $(git rev-parse --short "$rev") (snapshot in $snapshot)"
fi
legacy_dir=${snapshot:-.}/legacy

server_pid=""
legacy_pid=""
stop() {
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid"
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
}
stop_orphan() {  # not our child: no `wait`
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in $(seq 1 25); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.2
    done
    kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
    local status=$?
    # php -S leaves its workers running when the parent gets SIGTERM.
    local php_children=""
    [ -n "$legacy_pid" ] && php_children=$(pgrep -P "$legacy_pid" || true)
    stop "$legacy_pid"
    for child in $php_children; do stop_orphan "$child"; done
    stop "$server_pid"
    "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
    php "$legacy_dir/database/migrate.php" --drop >/dev/null 2>&1 || true
    [ -n "$snapshot" ] && rm -rf "$snapshot"
    if [ "$status" -ne 0 ]; then
        echo "--- till log ($server_log) ---" >&2
        tail -n 40 "$server_log" >&2 || true
        echo "--- legacy log ($legacy_log) ---" >&2
        tail -n 20 "$legacy_log" >&2 || true
    else
        rm -f "$server_log" "$legacy_log"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_healthy() {
    local url=$1 pid=$2
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "server $pid exited before becoming healthy" >&2
            return 1
        fi
        sleep 0.25
    done
    curl -fsS -o /dev/null "$url"
}

only=",${BENCH_ONLY:-migration,open,closed},"
wanted() { [[ "$only" == *",$1,"* ]]; }

echo "databases $db (PostgreSQL), $LEGACY_DB_NAME (MariaDB)"
echo "till from $source_note: $("$python" -c 'import till; print(till.__file__)')"
echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(php -r 'echo "PHP ", PHP_VERSION;')"
"${psql_admin[@]}" -c "CREATE DATABASE \"$db\""
"$till" migrate >/dev/null
php "$legacy_dir/database/migrate.php" --fresh >/dev/null
if [ "$seed" -gt 0 ]; then
    echo "seed: $(php "$legacy_dir/database/seed.php" --orders="$seed" | tail -1)"
    if wanted migration; then
        flags=(--batch-size "${BENCH_BATCH:-500}" --concurrency "${BENCH_BATCH_CONCURRENCY:-8}")
        echo "# till legacy backfill ${flags[*]}"
        "$till" legacy backfill "${flags[@]}" | tail -2
        echo "# till legacy reconcile"
        "$till" legacy reconcile | tail -3 || true  # exit 1 = differences, shown
    fi
fi

"$till" serve --host 127.0.0.1 --port "$port" --workers "$workers" \
    >"$server_log" 2>&1 &
server_pid=$!
# -q: no access log line per request (php -S writes one to stderr otherwise).
PHP_CLI_SERVER_WORKERS=$php_workers php -q -S "127.0.0.1:$legacy_port" \
    "$legacy_dir/public/index.php" >"$legacy_log" 2>&1 &
legacy_pid=$!
wait_healthy "$base_url/healthz" "$server_pid"
wait_healthy "$legacy_url/up" "$legacy_pid"
echo "till pid $server_pid ($workers processes) on $base_url;" \
    "php -S pid $legacy_pid ($php_workers workers) on $legacy_url"
echo "results (JSON lines) -> $results"

common=(--duration "$duration" --warmup "$warmup" --users "${BENCH_USERS:-20}"
    --database "$db" --json)
on_till=(--base-url "$base_url" --server-pid "$server_pid" --target till)
on_legacy=(--base-url "$legacy_url" --server-pid "$legacy_pid" --target legacy)
closed=(--scenario create-closed --concurrency "${BENCH_CONCURRENCY:-64}")
open=(--scenario create --rate "${ORDER_RATE:-200}")
guard=$((duration + warmup + 240))
bench() {
    if [ -n "${BENCH_QUIET:-}" ]; then
        "$python" bench/payments_cpu.py --wait-quiet "$BENCH_QUIET" \
            --max-wait "${BENCH_QUIET_MAX_WAIT:-300}"
    fi
    timeout "$guard" "$python" bench/orders.py "${common[@]}" "$@" >>"$results"
}

for run in $(seq 1 "$repeats"); do
    if wanted open; then
        echo
        echo "# create at ${ORDER_RATE:-200}/s, run $run: till, then legacy"
        bench "${on_till[@]}" "${open[@]}"
        bench "${on_legacy[@]}" "${open[@]}"
    fi
    if wanted closed; then
        echo
        echo "# create closed loop, run $run: till, then legacy"
        bench "${on_till[@]}" "${closed[@]}"
        bench "${on_legacy[@]}" "${closed[@]}"
    fi
done

echo
echo "# summary ($results)"
"$python" bench/orders.py summarize "$results"

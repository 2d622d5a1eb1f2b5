#!/usr/bin/env bash
# Reproducible identity benchmark: a fresh database, a fresh server, both scenarios,
# then the server stopped and the database dropped (also on failure or Ctrl-C).
#
# With BENCH_PIN=1 (and 2+ CPUs) the server is pinned to CPU 0 and the load generator
# to CPU 1. BENCH_WORKERS sets the number of API processes (default 1).
#
#   bench/run_identity.sh                 # login 50/s, me 1000/s, 20 s each
#   BENCH_FLUSH_REDIS=1 bench/run_identity.sh   # also empty Redis db 15 first
#
# Tunables (env): BENCH_REPEATS (3), BENCH_PORT (8765), BENCH_DURATION (20), BENCH_WARMUP (3),
# BENCH_USERS (50), LOGIN_RATE (50), ME_RATE (1000), TILL (.venv/bin/till).
set -euo pipefail

cd "$(dirname "$0")/.."
port=${BENCH_PORT:-8765}
duration=${BENCH_DURATION:-20}
warmup=${BENCH_WARMUP:-3}
users=${BENCH_USERS:-50}
base_url="http://127.0.0.1:$port"
db="till_bench_$(date +%Y%m%d%H%M%S)_$$"
psql_admin=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -q)
server_log=$(mktemp -t till-bench-server.XXXXXX)
till=${TILL:-.venv/bin/till}

export DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/$db"
export REDIS_URL="redis://127.0.0.1:6379/15"
# One client IP plays every user here; keep the per-IP limiter running but out of the way.
export TILL_AUTH_RATE_LIMIT_PER_MINUTE=${TILL_AUTH_RATE_LIMIT_PER_MINUTE:-1000000}
# A data key for this run's throwaway database (an external DATABASE_URL needs one).
export TILL_DATA_KEYS=${TILL_DATA_KEYS:-bench:$(head -c 32 /dev/urandom | base64)}

pin_server=()
pin_client=()
# Pinning leaves the server one core, too few for argon2 at 50 logins/s; opt in.
if [ "${BENCH_PIN:-0}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    pin_server=(taskset -c 0)
    pin_client=(--cpu 1)
fi

server_pid=""
cleanup() {
    local status=$?
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        for _ in $(seq 1 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
    if [ "$status" -ne 0 ] && [ -n "$server_pid" ]; then
        echo "--- server log ($server_log) ---" >&2
        tail -n 40 "$server_log" >&2 || true
    else
        rm -f "$server_log"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "database $db"
"${psql_admin[@]}" -c "CREATE DATABASE \"$db\""
if [ "${BENCH_FLUSH_REDIS:-0}" = 1 ]; then
    redis-cli -h 127.0.0.1 -p 6379 -n 15 FLUSHDB >/dev/null
fi
"$till" migrate

"${pin_server[@]}" "$till" serve --host 127.0.0.1 --port "$port" \
    --workers "${BENCH_WORKERS:-1}" \
    >"$server_log" 2>&1 &
server_pid=$!
echo "server pid $server_pid on $base_url"

for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$base_url/healthz" 2>/dev/null && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "server exited before becoming healthy" >&2
        exit 1
    fi
    sleep 0.25
done
curl -fsS -o /dev/null "$base_url/healthz"

common=(
    --base-url "$base_url" --server-pid "$server_pid" --users "$users"
    --duration "$duration" --warmup "$warmup" "${pin_client[@]}"
)
# `timeout` is a second fence: the generator already stops by itself.
guard=$((duration + warmup + 240))
# This VM's neighbours make single runs noisy (stalls hit the idle load generator
# too: see its "send lag"), so each scenario runs BENCH_REPEATS times; report the
# median run and the worst.
for run in $(seq 1 "${BENCH_REPEATS:-3}"); do
    echo
    echo "# login run $run"
    timeout "$guard" .venv/bin/python bench/identity.py "${common[@]}" \
        --scenario login --rate "${LOGIN_RATE:-50}"
done
for run in $(seq 1 "${BENCH_REPEATS:-3}"); do
    echo
    echo "# me run $run"
    timeout "$guard" .venv/bin/python bench/identity.py "${common[@]}" \
        --scenario me --rate "${ME_RATE:-1000}"
done

#!/usr/bin/env bash
# Reproducible payments benchmark: a fresh database, till serve and the bare
# reference app (bench/reference_app.py) on the same database, then
#   1. create + confirm, closed loop (capacity): till and reference, alternating;
#   2. create + confirm, open loop at CREATE_RATE: till and reference, alternating;
#   3. optionally a stepped open loop on till (CREATE_STEPS="500,750,1000");
#   4. GET /v1/payments/{id}, open loop at GET_RATE (till only), optionally
#      stepped first (GET_STEPS="500,1000,1500");
#   5. optionally one more till closed-loop run under py-spy (BENCH_PROFILE=path);
# then both servers stopped and the database dropped (also on failure or Ctrl-C).
# Every run prints the CPU split (server, postgres, redis, client, other): a large
# "other" means a neighbour was busy and the run should be repeated.
#
#   bench/run_payments.sh                            # 20 s runs, 3 repeats
#   BENCH_DURATION=5 BENCH_REPEATS=1 bench/run_payments.sh         # quick check
#   BENCH_PROFILE=/tmp/payments.folded bench/run_payments.sh       # + py-spy
#
# With BENCH_PIN=1 (and 2+ CPUs) both servers are pinned to CPU 0 and the load
# generator to CPU 1 (PostgreSQL is not pinned). BENCH_WORKERS sets the number of
# till API processes (default 1); the reference always has one.
#
# BENCH_SRC=head (default) runs till from a snapshot of the committed HEAD
# (`git archive` into a temp dir, put first on PYTHONPATH), so a colleague's
# uncommitted edits do not leak into the figures; BENCH_SRC=<commit> snapshots
# that commit instead (e.g. an earlier one, to compare); BENCH_SRC=worktree runs
# the working tree as it is.
#
# Tunables (env): BENCH_REPEATS (3), BENCH_PORT (8765; the reference uses +1),
# BENCH_DURATION (20), BENCH_WARMUP (3), BENCH_USERS (20), BENCH_CONCURRENCY (64,
# closed loop), CREATE_RATE (500), CREATE_STEPS (none), GET_RATE (2000),
# GET_STEPS (none), GET_PAYMENTS (1000), BENCH_RESULTS (JSON lines file; default a
# temp file, kept), BENCH_PROFILE (none), BENCH_QUIET (before each run, wait up to
# 300 s for the machine to be below this % busy, e.g. 15; default: don't wait),
# BENCH_ONLY (comma list of closed,open,get to run a subset; default all),
# TILL (.venv/bin/till). Till's own settings pass through, e.g.
# TILL_DB_POOL_SIZE=20 TILL_DB_MAX_OVERFLOW=0 bench/run_payments.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
port=${BENCH_PORT:-8765}
ref_port=$((port + 1))
duration=${BENCH_DURATION:-20}
warmup=${BENCH_WARMUP:-3}
repeats=${BENCH_REPEATS:-3}
base_url="http://127.0.0.1:$port"
ref_url="http://127.0.0.1:$ref_port"
db="till_bench_$(date +%Y%m%d%H%M%S)_$$"
psql_admin=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -q)
server_log=$(mktemp -t till-bench-server.XXXXXX)
ref_log=$(mktemp -t till-bench-reference.XXXXXX)
results=${BENCH_RESULTS:-$(mktemp -t till-payments-results.XXXXXX)}
till=${TILL:-.venv/bin/till}
python=.venv/bin/python

export DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/$db"
export REDIS_URL="redis://127.0.0.1:6379/15"
# Each scenario registers and logs in its users from one client IP.
export TILL_AUTH_RATE_LIMIT_PER_MINUTE=${TILL_AUTH_RATE_LIMIT_PER_MINUTE:-1000000}
# The bench measures the payment path, not the limiter's refusals.
export TILL_PAYMENTS_RATE_LIMIT_PER_CALLER_PER_MINUTE=0
export TILL_PAYMENTS_RATE_LIMIT_PER_IP_PER_MINUTE=0
# The sandbox processor answers at once (zero latency, no injected faults).
export TILL_PAYMENTS_GATEWAY=sandbox
# The load is the operator's own test traffic: a few users paying hundreds of
# times a second with one card would (rightly) be held by the fraud velocity
# rules. Allow-listed traffic is still scored (one Redis call per confirm).
export FRAUD_ALLOWLIST_IPS=${FRAUD_ALLOWLIST_IPS:-127.0.0.1,::1}
export TILL_PAYMENTS_SANDBOX_LATENCY_SECONDS=0
export TILL_DATA_KEYS=${TILL_DATA_KEYS:-bench:$(head -c 32 /dev/urandom | base64)}

pin_server=()
pin_client=()
if [ "${BENCH_PIN:-0}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    pin_server=(taskset -c 0)
    pin_client=(--cpu 1)
fi

snapshot=""
if [ "${BENCH_SRC:-head}" = worktree ]; then
    source_note="working tree on $(git rev-parse --short HEAD)"
    git diff --quiet HEAD -- src || source_note+=" WITH uncommitted src changes"
else
    ref=${BENCH_SRC:-HEAD}; [ "$ref" = head ] && ref=HEAD
    rev=$(git rev-parse --verify "$ref^{commit}")
    snapshot=$(mktemp -d -t till-bench-src.XXXXXX)
    git archive "$rev" src migrations alembic.ini | tar -x -C "$snapshot"
    export PYTHONPATH="$snapshot/src${PYTHONPATH:+:$PYTHONPATH}"
    source_note="commit $(git rev-parse --short "$rev") (snapshot in $snapshot)"
fi

server_pid=""
ref_pid=""
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
cleanup() {
    local status=$?
    stop "$ref_pid"
    stop "$server_pid"
    "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
    [ -n "$snapshot" ] && rm -rf "$snapshot"
    if [ "$status" -ne 0 ]; then
        echo "--- till log ($server_log) ---" >&2
        tail -n 40 "$server_log" >&2 || true
        echo "--- reference log ($ref_log) ---" >&2
        tail -n 20 "$ref_log" >&2 || true
    else
        rm -f "$server_log" "$ref_log"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_healthy() {
    local url=$1 pid=$2
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null "$url/healthz" 2>/dev/null && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "server $pid exited before becoming healthy" >&2
            return 1
        fi
        sleep 0.25
    done
    curl -fsS -o /dev/null "$url/healthz"
}

echo "database $db"
echo "till from $source_note: $("$python" -c 'import till; print(till.__file__)')"
"${psql_admin[@]}" -c "CREATE DATABASE \"$db\""
"$till" migrate

"${pin_server[@]}" "$till" serve --host 127.0.0.1 --port "$port" \
    --workers "${BENCH_WORKERS:-1}" >"$server_log" 2>&1 &
server_pid=$!
"${pin_server[@]}" "$python" bench/reference_app.py --port "$ref_port" \
    --dsn "postgresql://postgres@127.0.0.1:5432/$db" >"$ref_log" 2>&1 &
ref_pid=$!
wait_healthy "$base_url" "$server_pid"
wait_healthy "$ref_url" "$ref_pid"
echo "till pid $server_pid on $base_url, reference pid $ref_pid on $ref_url"
echo "results (JSON lines) -> $results"

common=(--duration "$duration" --warmup "$warmup" --users "${BENCH_USERS:-20}"
    --database "$db" --json "${pin_client[@]}")
on_till=(--base-url "$base_url" --server-pid "$server_pid" --target till)
on_ref=(--base-url "$ref_url" --server-pid "$ref_pid" --target reference)
closed=(--scenario create-closed --concurrency "${BENCH_CONCURRENCY:-64}")
# `timeout` is a second fence: the generators already stop by themselves.
guard=$((duration + warmup + 240))
bench() {
    if [ -n "${BENCH_QUIET:-}" ]; then
        "$python" bench/payments_cpu.py --wait-quiet "$BENCH_QUIET" --max-wait 300
    fi
    timeout "$guard" "$python" bench/payments.py "${common[@]}" "$@" >>"$results"
}

only=",${BENCH_ONLY:-closed,open,get},"
wanted() { [[ "$only" == *",$1,"* ]]; }

wanted closed && for run in $(seq 1 "$repeats"); do
    echo
    echo "# create+confirm closed loop, run $run: till, then reference"
    bench "${on_till[@]}" "${closed[@]}"
    bench "${on_ref[@]}" "${closed[@]}"
done
wanted open && for run in $(seq 1 "$repeats"); do
    echo
    echo "# create+confirm at ${CREATE_RATE:-500}/s, run $run: till, then reference"
    bench "${on_till[@]}" --scenario create --rate "${CREATE_RATE:-500}"
    bench "${on_ref[@]}" --scenario create --rate "${CREATE_RATE:-500}"
done
if wanted open && [ -n "${CREATE_STEPS:-}" ]; then
    echo
    echo "# create+confirm stepped open loop on till: $CREATE_STEPS /s"
    bench "${on_till[@]}" --scenario create --steps "$CREATE_STEPS"
fi
if wanted get && [ -n "${GET_STEPS:-}" ]; then
    echo
    echo "# GET /v1/payments/{id} stepped open loop: $GET_STEPS /s"
    bench "${on_till[@]}" --scenario get --steps "$GET_STEPS" \
        --payments "${GET_PAYMENTS:-1000}"
fi
wanted get && for run in $(seq 1 "$repeats"); do
    echo
    echo "# GET /v1/payments/{id} at ${GET_RATE:-2000}/s, run $run"
    bench "${on_till[@]}" --scenario get --rate "${GET_RATE:-2000}" \
        --payments "${GET_PAYMENTS:-1000}"
done
if [ -n "${BENCH_PROFILE:-}" ]; then
    echo
    echo "# create+confirm closed loop under py-spy -> $BENCH_PROFILE (not in the table)"
    bench "${on_till[@]}" "${closed[@]}" --profile "$BENCH_PROFILE"
    if [[ "$BENCH_PROFILE" != *.svg && "$BENCH_PROFILE" != *.json ]]; then
        "$python" bench/payments_profile.py "$BENCH_PROFILE" --top 20
    fi
fi

echo
echo "# summary ($results)"
"$python" bench/payments.py summarize "$results"

#!/usr/bin/env bash
# End-to-end webhook latency (issue 4): payment command sent -> its
# `payment.completed` webhook received, signature verified, by a local receiver
# (bench/webhook_latency.py), open loop at each of WEBHOOK_RATES, on each path:
#   inprocess  `till serve` alone: outbox relay -> in-process bus -> webhook
#              fan-out -> webhook sender, all in the API process (embedded
#              default);
#   rabbitmq   `till serve` (relay -> RabbitMQ, publisher confirms) with
#              TILL_WORKER_IN_PROCESS=false, and `till worker` (quorum queue
#              consumer -> fan-out -> webhook sender; it runs a relay too, as
#              the production defaults do).
# Each path gets a fresh database, a fresh admin (`till user create --admin`,
# then TOTP step-up over HTTP), its own exchange `till.bench.<pid>` (deleted
# after), and is torn down also on failure or Ctrl-C.
#
#   bench/run_webhooks.sh                                    # both paths, 100 and 200/s
#   WEBHOOK_PATHS=inprocess WEBHOOK_RATES=50 BENCH_REPEATS=1 BENCH_DURATION=10 \
#       bench/run_webhooks.sh                                # quick check
#
# Tunables (env): WEBHOOK_PATHS (inprocess,rabbitmq), WEBHOOK_RATES (100,200),
# BENCH_DURATION (30), BENCH_REPEATS (3), BENCH_WARMUP (3), BENCH_USERS (20),
# BENCH_PORT (8775), BENCH_RESULTS (JSON lines; default a kept temp file),
# BENCH_DRAIN_MAX (300 s to wait for webhooks after the load), BENCH_PROFILE
# (folded py-spy output prefix: each path's till processes are profiled for
# the whole run), BENCH_SENDER_EVERY / BENCH_SENDER_BATCH (what-if, NOT the
# production configuration: the webhook sender's poll interval and batch, via
# bench/till_whatif.py; results labelled so), BENCH_SRC (head|worktree|<commit>, as run_payments.sh),
# RABBITMQ_URL (default: the local broker on 5672, guest). Till's own settings pass
# through.
set -euo pipefail

cd "$(dirname "$0")/.."
port=${BENCH_PORT:-8775}
base_url="http://127.0.0.1:$port"
results=${BENCH_RESULTS:-$(mktemp -t till-webhooks-results.XXXXXX)}
python=.venv/bin/python
till=("${TILL:-.venv/bin/till}")
label_suffix=""
if [ -n "${BENCH_SENDER_EVERY:-}" ]; then  # what-if, not production: see the script
    till=("$python" bench/till_whatif.py)
    label_suffix="+sender-every-${BENCH_SENDER_EVERY}s-batch-${BENCH_SENDER_BATCH:-50}"
fi
psql_admin=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -q)
rabbit_url=${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672/}  # pragma: allowlist secret
unset RABBITMQ_URL
exchange="till.bench.$$"

export REDIS_URL="redis://127.0.0.1:6379/15"
export TILL_AUTH_RATE_LIMIT_PER_MINUTE=${TILL_AUTH_RATE_LIMIT_PER_MINUTE:-1000000}
export TILL_PAYMENTS_RATE_LIMIT_PER_CALLER_PER_MINUTE=0
export TILL_PAYMENTS_RATE_LIMIT_PER_IP_PER_MINUTE=0
export TILL_PAYMENTS_GATEWAY=sandbox
export TILL_PAYMENTS_SANDBOX_LATENCY_SECONDS=0
# The load is the operator's own test traffic (see run_payments.sh).
export FRAUD_ALLOWLIST_IPS=${FRAUD_ALLOWLIST_IPS:-127.0.0.1,::1}
export TILL_DATA_KEYS=${TILL_DATA_KEYS:-bench:$(head -c 32 /dev/urandom | base64)}
export WEBHOOK_ALLOW_PRIVATE_URLS=true  # the receiver is on 127.0.0.1

snapshot=""
if [ "${BENCH_SRC:-head}" = worktree ]; then
    source_note="working tree on $(git rev-parse --short HEAD)"
else
    rev=$(git rev-parse --verify "${BENCH_SRC:-HEAD}^{commit}")
    snapshot=$(mktemp -d -t till-bench-src.XXXXXX)
    git archive "$rev" src migrations alembic.ini | tar -x -C "$snapshot"
    export PYTHONPATH="$snapshot/src${PYTHONPATH:+:$PYTHONPATH}"
    source_note="commit $(git rev-parse --short "$rev")"
fi

pids=()
spies=()
db=""
logs=()
stop() {
    local pid=$1
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid"
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
}
teardown() {
    for pid in "${spies[@]}"; do wait "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do stop "$pid"; done
    pids=()
    spies=()
    if [ -n "$db" ]; then
        "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
    fi
    db=""
    RABBITMQ_URL=$rabbit_url "$python" bench/rabbit_bench.py cleanup "$exchange" ||
        true
}
cleanup() {
    local status=$?
    trap - EXIT
    for pid in "${spies[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
    teardown
    [ -n "$snapshot" ] && rm -rf "$snapshot"
    if [ "$status" -ne 0 ]; then
        for log in "${logs[@]}"; do
            echo "--- $log ---" >&2
            tail -n 30 "$log" >&2 || true
        done
    else
        rm -f "${logs[@]}"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_healthy() {
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null "$base_url/healthz" 2>/dev/null && return 0
        kill -0 "${pids[0]}" 2>/dev/null || return 1
        sleep 0.25
    done
    curl -fsS -o /dev/null "$base_url/healthz"
}

start() {  # start NAME COMMAND...: in the background, logged, remembered
    local log
    log=$(mktemp -t "till-webhooks-$1.XXXXXX")
    logs+=("$log")
    shift
    "$@" >"$log" 2>&1 &
    pids+=($!)
}

run_path() {
    local path=$1
    db="till_bench_wh_$(date +%Y%m%d%H%M%S)_$$"
    export DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/$db"
    "${psql_admin[@]}" -c "CREATE DATABASE \"$db\""
    "${till[@]}" migrate >/dev/null
    if [ "$path" = rabbitmq ]; then
        RABBITMQ_URL=$rabbit_url TILL_EVENTS_EXCHANGE=$exchange \
            TILL_WORKER_IN_PROCESS=false start serve \
            "${till[@]}" serve --host 127.0.0.1 --port "$port"
        RABBITMQ_URL=$rabbit_url TILL_EVENTS_EXCHANGE=$exchange \
            start worker "${till[@]}" worker
    else
        start serve "${till[@]}" serve --host 127.0.0.1 --port "$port"
    fi
    wait_healthy
    local admin_email="bench-admin-$$-$path@example.com"
    local admin_password
    admin_password="Bench-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    printf '%s\n' "$admin_password" |
        "${till[@]}" user create --email "$admin_email" --admin >/dev/null
    local pid_args=()
    for pid in "${pids[@]}"; do pid_args+=(--server-pid "$pid"); done
    if [ -n "${BENCH_PROFILE:-}" ]; then
        for pid in "${pids[@]}"; do
            .venv/bin/py-spy record --pid "$pid" --rate 50 --format raw \
                --output "$BENCH_PROFILE.$path.$pid.folded" >/dev/null 2>&1 &
            spies+=($!)
        done
    fi
    echo
    echo "# $path: till pids ${pids[*]}, database $db, rates ${WEBHOOK_RATES:-100,200}/s"
    BENCH_ADMIN_EMAIL=$admin_email BENCH_ADMIN_PASSWORD=$admin_password \
        timeout 3600 "$python" bench/webhook_latency.py --base-url "$base_url" \
        --bus "$path$label_suffix" --rates "${WEBHOOK_RATES:-100,200}" \
        --duration "${BENCH_DURATION:-30}" --repeats "${BENCH_REPEATS:-3}" \
        --warmup "${BENCH_WARMUP:-3}" --users "${BENCH_USERS:-20}" \
        --drain-max "${BENCH_DRAIN_MAX:-300}" --database "$db" \
        "${pid_args[@]}" >>"$results"
    for pid in "${spies[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
    teardown
}

echo "till from $source_note; results (JSON lines) -> $results"
IFS=, read -r -a paths <<<"${WEBHOOK_PATHS:-inprocess,rabbitmq}"
for path in "${paths[@]}"; do
    run_path "$path"
done
echo
echo "# summary ($results)"
"$python" bench/webhook_latency.py summarize "$results"

#!/usr/bin/env bash
# Outbox relay drain rate (issue 4): a fresh database, then bench/outbox_drain.py
# fills the outbox with OUTBOX_EVENTS rows and drains it with till's relay, per
# publisher (OUTBOX_MODES: rabbitmq, bus, bus-webhooks) and batch size
# (OUTBOX_BATCHES), BENCH_REPEATS times each; the database is dropped after.
#
#   bench/run_outbox.sh                                       # 20,000 events, 3 repeats
#   OUTBOX_EVENTS=2000 BENCH_REPEATS=1 OUTBOX_BATCHES=200 bench/run_outbox.sh  # quick
#
# RabbitMQ: BENCH_RABBITMQ_URL (default: the local broker, guest), exchange and
# queue `till.bench.outbox.<pid>*`, deleted after. BENCH_SRC as run_payments.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
python=.venv/bin/python
psql_admin=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -q)
db="till_bench_outbox_$(date +%Y%m%d%H%M%S)_$$"
export DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/$db"
export REDIS_URL="redis://127.0.0.1:6379/15"
export TILL_DATA_KEYS=${TILL_DATA_KEYS:-bench:$(head -c 32 /dev/urandom | base64)}
unset RABBITMQ_URL  # the app in the bench uses the bus; RabbitMQ is driven directly

snapshot=""
if [ "${BENCH_SRC:-head}" != worktree ]; then
    rev=$(git rev-parse --verify "${BENCH_SRC:-HEAD}^{commit}")
    snapshot=$(mktemp -d -t till-bench-src.XXXXXX)
    git archive "$rev" src migrations alembic.ini | tar -x -C "$snapshot"
    export PYTHONPATH="$snapshot/src${PYTHONPATH:+:$PYTHONPATH}"
fi
cleanup() {
    local status=$?
    "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
    [ -n "$snapshot" ] && rm -rf "$snapshot"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${psql_admin[@]}" -c "CREATE DATABASE \"$db\""
.venv/bin/till migrate >/dev/null
echo "till from $("$python" -c 'import till; print(till.__file__)'), database $db"
timeout 3600 "$python" bench/outbox_drain.py --database "$db" \
    --events "${OUTBOX_EVENTS:-20000}" --batches "${OUTBOX_BATCHES:-50,200,500,1000}" \
    --modes "${OUTBOX_MODES:-rabbitmq,bus,bus-webhooks}" \
    --repeats "${BENCH_REPEATS:-3}"

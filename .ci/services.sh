#!/usr/bin/env bash
# Start each local service the tests need if it is down (install it if absent).
# The commands are this machine kind's own (see the env notes).
set -u

up() { timeout 5 bash -c "$1" >/dev/null 2>&1; }
wait_for() { for _ in $(seq 1 60); do up "$1" && return 0; sleep 1; done; return 1; }
need_apt_updated=1
apt_update_once() {
  if [ "$need_apt_updated" = 1 ]; then apt-get update -qq; need_apt_updated=0; fi
}
install() {
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

PG_UP="pg_isready -h 127.0.0.1 -p 5432"
if ! up "$PG_UP"; then
  command -v pg_ctlcluster >/dev/null || install postgresql
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  wait_for "$PG_UP" || { echo "PostgreSQL did not start"; exit 1; }
fi

# The read-replica test (tests/integration/test_read_replica.py) streams a
# standby from this server with pg_basebackup: replication connections from
# 127.0.0.1 must be allowed (trust, like the others here).
HBA="$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW hba_file')"
if [ -n "$HBA" ] && ! grep -Eq '^host[[:space:]]+replication[[:space:]]' "$HBA"; then
  echo "host replication all 127.0.0.1/32 trust" >>"$HBA"
  psql -h 127.0.0.1 -U postgres -Atc 'SELECT pg_reload_conf()' >/dev/null
  echo "PostgreSQL: replication from 127.0.0.1 allowed"
fi
# The PgBouncer test (transaction pooling) starts its own pgbouncer.
command -v pgbouncer >/dev/null || install pgbouncer

REDIS_UP="redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG"
if ! up "$REDIS_UP"; then
  command -v redis-server >/dev/null || install redis-server
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for "$REDIS_UP" || { echo "Redis did not start"; exit 1; }
fi

RABBIT_UP="(exec 3<>/dev/tcp/127.0.0.1/5672)"
if ! up "$RABBIT_UP"; then
  command -v rabbitmq-server >/dev/null || install rabbitmq-server
  echo "starting RabbitMQ"
  rabbitmq-server -detached
  wait_for "$RABBIT_UP" || { echo "RabbitMQ did not start"; exit 1; }
fi

MARIA_UP="(exec 3<>/dev/tcp/127.0.0.1/3306)"
if ! up "$MARIA_UP"; then
  command -v mariadbd >/dev/null || install mariadb-server
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for "$MARIA_UP" || { echo "MariaDB did not start"; exit 1; }
fi
# The legacy stand-in (legacy/, issue 5) is a PHP app served by `php -S`.
command -v php >/dev/null || install php-cli php-mysql
php -m | grep -qi '^pdo_mysql$' || install php-mysql
# promtool checks and unit-tests the Prometheus rules (deploy/observability,
# issue 6): only the binary, taken from Debian's prometheus package without
# installing the package (no server, no service, no web UI dependencies).
if ! command -v promtool >/dev/null; then
  apt_update_once
  promtool_dir=$(mktemp -d)
  chown _apt "$promtool_dir" 2>/dev/null || true  # apt downloads as _apt
  (cd "$promtool_dir" && apt-get download -qq prometheus) &&
    dpkg-deb -x "$promtool_dir"/prometheus_*.deb "$promtool_dir/x" &&
    command install -m 0755 "$promtool_dir/x/usr/bin/promtool" /usr/local/bin/promtool
  rm -rf "$promtool_dir"
fi
echo "services: postgres redis rabbitmq mariadb up; $(pgbouncer --version | head -n1);" \
  "php $(php -r 'echo PHP_VERSION;'); $(promtool --version 2>&1 | head -n1)"

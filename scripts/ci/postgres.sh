#!/usr/bin/env bash
# Install (when missing) and start a throw-away PostgreSQL server for the tests.
#   source scripts/ci/postgres.sh start   -> exports CRM_PG_HOST, CRM_PG_PORT, CRM_PG_USER, CRM_PG_DATABASE
#   scripts/ci/postgres.sh stop
# The cluster lives in a temporary folder owned by the postgres user, listens on
# 127.0.0.1 only, on a free port, with trust authentication (no secret needed).
set -euo pipefail

pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    return 1
}

install_postgres() {
    if ! pg_bin >/dev/null 2>&1; then
        echo "postgres: installing from Debian packages" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq postgresql >/dev/null
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_postgres() {
    install_postgres
    local bin port data
    bin=$(pg_bin)
    port=$(free_port)
    data=$(mktemp -d /tmp/crm-pg.XXXXXX)
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$data"
        runas=(runuser -u postgres --)
    else
        runas=()
    fi
    "${runas[@]}" "$bin/initdb" -D "$data/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    "${runas[@]}" "$bin/pg_ctl" -D "$data/data" -l "$data/server.log" -w \
        -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres crm_warehouse
    echo "$data" > /tmp/crm-pg.current
    export CRM_PG_HOST=127.0.0.1 CRM_PG_PORT=$port CRM_PG_USER=postgres CRM_PG_DATABASE=crm_warehouse
    echo "postgres: server on 127.0.0.1:$port (data in $data)" >&2
}

stop_postgres() {
    local data bin
    [ -f /tmp/crm-pg.current ] || return 0
    data=$(cat /tmp/crm-pg.current)
    bin=$(pg_bin)
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$bin/pg_ctl" -D "$data/data" -m fast stop >/dev/null || true
    else
        "$bin/pg_ctl" -D "$data/data" -m fast stop >/dev/null || true
    fi
    rm -rf "$data" /tmp/crm-pg.current
}

case "${1:-start}" in
    start) start_postgres ;;
    stop) stop_postgres ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

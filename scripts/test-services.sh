#!/usr/bin/env bash
# Brings up the database servers pdscan's connector and inventory tests use, on a Debian machine, as root:
#   PostgreSQL on 127.0.0.1:5432, superuser `postgres` without a password on loopback (trust for that user only),
#   MariaDB    on 127.0.0.1:3306, `root` without a password on loopback;
# and installs the document tools the document tests use: tesseract (with Finnish) for --ocr, antiword for .doc.
# Idempotent: packages are installed only where missing (one `apt-get update` then), servers started only where they
# do not answer, and the access set-up is skipped where it is already in place. A second run takes about a second.
#
#   sudo bash scripts/test-services.sh          # install where missing, start, wait until both answer
#   bash scripts/test-services.sh --check       # only say whether both answer (exit 0) or not (exit 1)
#
# These are throw-away test servers: do not run this on a machine whose PostgreSQL or MariaDB holds real data,
# since it lets the local superusers in over loopback without a password.
set -euo pipefail

PG_HOST=127.0.0.1 PG_PORT=5432 MARIA_PORT=3306
WAIT_SECONDS=${PDSCAN_SERVICES_WAIT:-60}
HBA_MARK="# pdscan test servers: the superuser on loopback without a password"

say() { printf 'test-services: %s\n' "$*" >&2; }
pg_ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -U postgres; }
pg_login() { psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -w -tAc 'select 1' >/dev/null 2>&1; }
# `mariadb-admin ping` succeeds even when the login is refused ("server is alive"): run a query to know we get in.
maria_login() {
  command -v mariadb >/dev/null 2>&1 &&
    mariadb --protocol=tcp -h "$PG_HOST" -P "$MARIA_PORT" -u root --connect-timeout=2 -e 'select 1' >/dev/null 2>&1
}

if [ "${1:-}" = "--check" ]; then
  ok=0
  pg_login && say "PostgreSQL answers on $PG_HOST:$PG_PORT" || { say "PostgreSQL does not answer"; ok=1; }
  maria_login && say "MariaDB answers on $PG_HOST:$MARIA_PORT" || { say "MariaDB does not answer"; ok=1; }
  exit $ok
fi

doc_tools() { command -v antiword >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx fin; }

if pg_login && maria_login && doc_tools; then
  say "PostgreSQL and MariaDB already answer on $PG_HOST; tesseract and antiword are installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  say "must run as root to install and start the servers (sudo bash $0)"
  exit 1
fi

# --- install where missing -----------------------------------------------------------------------------------------
missing=()
command -v pg_ctlcluster >/dev/null 2>&1 && [ -n "$(ls /etc/postgresql 2>/dev/null)" ] || missing+=(postgresql)
[ -x /usr/sbin/mariadbd ] && command -v mariadb >/dev/null 2>&1 || missing+=(mariadb-server)
doc_tools || missing+=(tesseract-ocr tesseract-ocr-fin antiword)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  # Without systemd the packages' own start attempts fail or hang; we start the servers below, the Debian way.
  policy_rc_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_rc_added=1
  fi
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  [ "$policy_rc_added" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi

# --- PostgreSQL ----------------------------------------------------------------------------------------------------
pg_version=$(ls /etc/postgresql | sort -V | tail -n 1)
hba=/etc/postgresql/$pg_version/main/pg_hba.conf
if ! grep -qF "$HBA_MARK" "$hba"; then
  # pg_hba.conf is read top-down, first match wins: these lines go first. Other users keep password authentication,
  # so the tests of wrong passwords and of the read-only scanning role still mean something.
  tmp=$(mktemp)
  {
    echo "$HBA_MARK"
    echo "host    all    postgres    127.0.0.1/32    trust"
    echo "host    all    postgres    ::1/128         trust"
    cat "$hba"
  } >"$tmp"
  cat "$tmp" >"$hba" && rm -f "$tmp"
  pg_reload=1
fi
if pg_ready; then
  [ "${pg_reload:-0}" = 1 ] && pg_ctlcluster --skip-systemctl-redirect "$pg_version" main reload
else
  say "starting PostgreSQL $pg_version"
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
fi

# --- MariaDB -------------------------------------------------------------------------------------------------------
if ! mariadb-admin ping >/dev/null 2>&1; then
  say "starting MariaDB"
  install -d -o mysql -g mysql /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 "$WAIT_SECONDS"); do mariadb-admin ping >/dev/null 2>&1 && break; sleep 1; done
fi
if ! maria_login; then
  # Debian's root@localhost logs in by unix socket only; the tests connect over TCP as root without a password.
  mariadb -u root <<'SQL'
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
fi

# --- wait until both answer ----------------------------------------------------------------------------------------
for _ in $(seq 1 "$WAIT_SECONDS"); do
  pg_login && maria_login && { say "PostgreSQL and MariaDB answer on $PG_HOST"; exit 0; }
  sleep 1
done
pg_login || say "PostgreSQL on $PG_HOST:$PG_PORT does not answer after ${WAIT_SECONDS}s (see /var/log/postgresql/)"
maria_login || say "MariaDB on $PG_HOST:$MARIA_PORT does not answer after ${WAIT_SECONDS}s"
exit 1

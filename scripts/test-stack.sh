#!/usr/bin/env bash
# Local test peers for machines without Docker (see DESIGN.md, "Tests against real peers").
#
#   scripts/test-stack.sh up      start (or reuse) the stack; prints `export VAR=value` lines on stdout
#   scripts/test-stack.sh down    stop what `up` started (by pid file), idempotent
#   scripts/test-stack.sh status  show what is running; exit 0 when the whole stack is healthy, 3 otherwise
#   scripts/test-stack.sh env     print the env lines of the running stack
#   scripts/test-stack.sh install install MariaDB, BIND, Chromium, Prometheus and iptables (apt-get, when absent) and fetch the S3Mock jar
#
# Everything listens on 127.0.0.1 and lives in the state dir
# ${CUTOVER_TEST_STACK_DIR:-<repo>/.test-stack}:
#   - MariaDB source (server_id 1) + replica (server_id 2), real GTID replication
#     (MASTER_USE_GTID=slave_pos), binlog ROW, log_slave_updates, gtid_strict_mode.
#     User cutover/cutover has ALL PRIVILEGES WITH GRANT OPTION; database cutover_test.
#     The replica runs with read_only=ON, like a real replica (admins such as cutover still write).
#   - S3Mock (com.adobe.testing:s3mock exec jar) as a child JVM, plain HTTP.
#   - BIND 9 (Debian `bind9`) authoritative for the zone cutover.test., UDP and TCP, no recursion;
#     RFC 2136 dynamic updates allowed with a TSIG key (hmac-sha256) made fresh on every `up`.
# Progress goes to stderr, env lines to stdout and to <state dir>/env.
# Ports: 13306 (source), 13307 (replica), 19090 (S3), 15353 (DNS) when free, otherwise random free ports.
# Each fresh `up` starts from empty datadirs; `down` keeps logs and data for post-mortems.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
STATE_DIR="${CUTOVER_TEST_STACK_DIR:-$REPO_DIR/.test-stack}"
mkdir -p "$STATE_DIR"
# -P: the physical path. Processes are recognised as this stack's by the state dir in their command
# line; through a symlinked state dir (a worktree's .test-stack -> the main one) a logical path did not
# match, and `up` "restarted" a healthy stack by deleting its files under the running peers.
STATE_DIR="$(cd "$STATE_DIR" && pwd -P)"

S3MOCK_VERSION=5.2.0
S3MOCK_JAR="$STATE_DIR/lib/s3mock-$S3MOCK_VERSION-exec.jar"
DB_NAME=cutover_test
DB_USER=cutover
DB_PASSWORD=cutover
REPL_USER=replicator
REPL_PASSWORD=replicator
PREFERRED_SOURCE_PORT=13306
PREFERRED_REPLICA_PORT=13307
PREFERRED_S3_PORT=19090
PREFERRED_DNS_PORT=15353
DNS_ZONE=cutover.test.
DNS_TSIG_NAME=cutover-test-key.
DNS_TSIG_ALGORITHM=hmac-sha256
START_TIMEOUT=${CUTOVER_TEST_STACK_TIMEOUT:-60}

PID_DIR="$STATE_DIR/pids"
LOG_DIR="$STATE_DIR/logs"
ENV_FILE="$STATE_DIR/env"
PORTS_FILE="$STATE_DIR/ports"

export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
USER_OPT=()
if [ "$(id -u)" -eq 0 ]; then USER_OPT=(--user=root); fi

T0=$(date +%s%3N)
log() { printf '[test-stack +%5sms] %s\n' "$(( $(date +%s%3N) - T0 ))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# --- installation ---------------------------------------------------------------------------

mariadbd_bin() { command -v mariadbd 2>/dev/null || command -v mysqld 2>/dev/null || true; }

# Installs Debian packages without letting their postinst start a system service (we run our own
# servers): apt_install_no_start LOG PACKAGE...; dies with the log's tail when apt-get fails.
apt_install_no_start() {
  local log_file=$1; shift
  local created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  local rc=0
  {
    as_root apt-get update -q &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
  } >"$log_file" 2>&1 || rc=$?
  if [ "$created_policy" -eq 1 ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
  if [ "$rc" -ne 0 ]; then
    tail -n 30 "$log_file" >&2 || true
    die "apt-get install $* failed (log: $log_file)"
  fi
}

ensure_mariadb() {
  if [ -n "$(mariadbd_bin)" ] && command -v mariadb-install-db >/dev/null 2>&1 \
      && command -v mariadb >/dev/null 2>&1; then
    return
  fi
  log "MariaDB not installed: installing mariadb-server and mariadb-client with apt-get"
  apt_install_no_start "$STATE_DIR/apt-install.log" mariadb-server mariadb-client
  [ -n "$(mariadbd_bin)" ] || die "mariadbd still not found after apt-get install"
}

named_bin() { command -v named 2>/dev/null || true; }

ensure_bind() {
  if [ -n "$(named_bin)" ] && command -v dig >/dev/null 2>&1; then
    return
  fi
  log "BIND not installed: installing bind9 and bind9-dnsutils with apt-get"
  apt_install_no_start "$STATE_DIR/apt-install-bind.log" bind9 bind9-dnsutils
  [ -n "$(named_bin)" ] || die "named still not found after apt-get install"
}

# Debian's chromium for the dashboard's browser tests (Playwright drives it as its executable;
# Playwright never downloads a browser here).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then
    return
  fi
  log "Chromium not installed: installing chromium with apt-get (for the dashboard's browser tests)"
  apt_install_no_start "$STATE_DIR/apt-install-chromium.log" chromium
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium still not found after apt-get install"
}

# Debian's prometheus (with promtool) for the metric-gate tests: each test starts its own server on
# loopback with a config it writes; the package's system service is never started.
ensure_prometheus() {
  if [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; then
    return
  fi
  log "Prometheus not installed: installing prometheus with apt-get (for the metric-gate tests)"
  apt_install_no_start "$STATE_DIR/apt-install-prometheus.log" prometheus
  [ -x /usr/bin/prometheus ] || die "/usr/bin/prometheus still not found after apt-get install"
}

# iptables and iproute2 (ip, tc) for the network fault tests (testsupport/net/FaultyLink): rules live
# inside namespaces those tests create, never in the host's own tables.
ensure_netfault_tools() {
  if command -v iptables >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1; then
    return
  fi
  log "iptables/iproute2 not installed: installing them with apt-get (for the network fault tests)"
  apt_install_no_start "$STATE_DIR/apt-install-netfaults.log" iptables iproute2
  command -v iptables >/dev/null 2>&1 || die "iptables still not found after apt-get install"
}

java_bin() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then command -v java
  else die "java not found (S3Mock needs Java 17+)"
  fi
}

ensure_s3mock_jar() {
  [ -s "$S3MOCK_JAR" ] && return
  mkdir -p "$STATE_DIR/lib"
  local cached="$HOME/.m2/repository/com/adobe/testing/s3mock/$S3MOCK_VERSION/s3mock-$S3MOCK_VERSION-exec.jar"
  if [ -s "$cached" ]; then
    cp "$cached" "$S3MOCK_JAR"
    return
  fi
  log "fetching com.adobe.testing:s3mock:$S3MOCK_VERSION:jar:exec with the Maven wrapper"
  (cd "$REPO_DIR" && ./mvnw -q -B dependency:copy \
      "-Dartifact=com.adobe.testing:s3mock:$S3MOCK_VERSION:jar:exec" \
      "-DoutputDirectory=$STATE_DIR/lib" </dev/null >"$STATE_DIR/s3mock-fetch.log" 2>&1) || {
    tail -n 30 "$STATE_DIR/s3mock-fetch.log" >&2 || true
    die "could not fetch the S3Mock exec jar (log: $STATE_DIR/s3mock-fetch.log)"
  }
  [ -s "$S3MOCK_JAR" ] || die "S3Mock jar missing after fetch: $S3MOCK_JAR"
}

# --- ports ----------------------------------------------------------------------------------

# Sets SOURCE_PORT, REPLICA_PORT, S3_PORT, DNS_PORT: the preferred ports when free (TCP and UDP),
# else free random ones.
pick_ports() {
  local ports
  if command -v python3 >/dev/null 2>&1; then
    ports=$(python3 - "$PREFERRED_SOURCE_PORT" "$PREFERRED_REPLICA_PORT" "$PREFERRED_S3_PORT" \
        "$PREFERRED_DNS_PORT" <<'EOF'
import socket, sys
held, chosen = [], []
for preferred in sys.argv[1:]:
    for candidate in (int(preferred), 0):
        s = socket.socket()
        # Like the servers themselves: connections in TIME_WAIT do not make a port busy.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", candidate))
            s.listen(1)  # a listening socket also blocks a second pick of the same port
        except OSError:
            s.close()
            continue
        port = s.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # DNS listens on UDP as well
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            s.close()
            u.close()
            continue
        held += [s, u]  # keep them bound so the next pick cannot return the same port
        chosen.append(str(port))
        break
print(" ".join(chosen))
EOF
)
  else
    # No python3: a port is taken when something accepts connections on it.
    local preferred port taken=" " i
    ports=""
    for preferred in "$PREFERRED_SOURCE_PORT" "$PREFERRED_REPLICA_PORT" "$PREFERRED_S3_PORT" "$PREFERRED_DNS_PORT"; do
      port=$preferred
      for i in $(seq 1 200); do
        if [[ "$taken" != *" $port "* ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
        port=$(( 20000 + RANDOM % 40000 ))
      done
      taken="$taken$port "
      ports="$ports $port"
    done
  fi
  read -r SOURCE_PORT REPLICA_PORT S3_PORT DNS_PORT <<<"$ports"
  [ -n "$DNS_PORT" ] || die "could not find free ports"
}

# --- processes ------------------------------------------------------------------------------

read_pid() { [ -s "$PID_DIR/$1.pid" ] && cat "$PID_DIR/$1.pid" || true; }

# Alive (not a zombie) and still ours: its command line names our state dir (guards against pid reuse).
pid_alive() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ -r "/proc/$pid/stat" ] || return 0
  [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" != Z ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$STATE_DIR"
}

stop_one() {
  local name=$1 pid i
  pid=$(read_pid "$name")
  if [ -z "$pid" ]; then return; fi
  if pid_alive "$pid"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 $(( ${STOP_WAIT:-20} * 5 ))); do
      pid_alive "$pid" || break
      sleep 0.2
    done
    if pid_alive "$pid"; then
      log "$name (pid $pid) did not stop within ${STOP_WAIT:-20}s of TERM, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$PID_DIR/$name.pid"
}

# --- MariaDB --------------------------------------------------------------------------------

# Unix socket paths are limited to ~107 bytes: fall back to a short dir under /tmp.
socket_dir() {
  local dir="$STATE_DIR/run"
  if [ ${#dir} -gt 80 ]; then
    dir="/tmp/cutover-test-stack-$(printf '%s' "$STATE_DIR" | cksum | cut -d' ' -f1)"
  fi
  echo "$dir"
}

sql_root() { # instance, sql...
  local inst=$1; shift
  mariadb --no-defaults --socket="$(socket_dir)/$inst.sock" -uroot -N -B -e "$*"
}

sql_tcp() { # port, sql...
  local port=$1; shift
  mariadb --no-defaults --protocol=TCP -h127.0.0.1 -P"$port" -u"$DB_USER" -p"$DB_PASSWORD" \
      --connect-timeout=3 -N -B -e "$*"
}

write_cnf() { # instance server_id port
  local inst=$1 server_id=$2 port=$3 extra=""
  if [ "$inst" = replica ]; then extra="read_only              = ON"; fi
  cat >"$STATE_DIR/$inst/my.cnf" <<EOF
# Generated by scripts/test-stack.sh: MariaDB $inst for tests, loopback only.
[mysqld]
datadir                = $STATE_DIR/$inst/data
tmpdir                 = $STATE_DIR/$inst/tmp
socket                 = $(socket_dir)/$inst.sock
pid-file               = $STATE_DIR/$inst/mariadbd.pid
log_error              = $LOG_DIR/mariadb-$inst.err
port                   = $port
bind_address           = 127.0.0.1
skip_name_resolve
server_id              = $server_id
log_bin                = $inst-bin
relay_log              = $inst-relay-bin
binlog_format          = ROW
log_slave_updates      = ON
gtid_strict_mode       = ON
gtid_domain_id         = 0
$extra
character_set_server   = utf8mb4
collation_server       = utf8mb4_unicode_ci
innodb_buffer_pool_size = 64M
innodb_log_file_size   = 8M
innodb_flush_log_at_trx_commit = 2
sync_binlog            = 0
performance_schema     = OFF
max_connections        = 300
skip_slave_start
EOF
}

install_mariadb() { # instance server_id port
  local inst=$1 server_id=$2 port=$3
  rm -rf "${STATE_DIR:?}/$inst"
  mkdir -p "$STATE_DIR/$inst/tmp" "$(socket_dir)"
  write_cnf "$inst" "$server_id" "$port"
  mariadb-install-db --defaults-file="$STATE_DIR/$inst/my.cnf" "${USER_OPT[@]}" \
      --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
      >"$LOG_DIR/mariadb-$inst-install.log" 2>&1 \
    || { tail -n 30 "$LOG_DIR/mariadb-$inst-install.log" >&2; die "mariadb-install-db failed for $inst"; }
}

start_mariadb() { # instance
  local inst=$1
  setsid nohup "$(mariadbd_bin)" --defaults-file="$STATE_DIR/$inst/my.cnf" "${USER_OPT[@]}" \
      </dev/null >>"$LOG_DIR/mariadb-$inst.out" 2>&1 9>&- &
  echo $! >"$PID_DIR/mariadb-$inst.pid"
  disown $!
}

wait_mariadb() { # instance
  local inst=$1 pid deadline
  pid=$(read_pid "mariadb-$inst")
  deadline=$(( $(date +%s) + START_TIMEOUT ))
  until sql_root "$inst" "SELECT 1" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG_DIR/mariadb-$inst.err" >&2 || true
      die "MariaDB $inst exited during startup (log: $LOG_DIR/mariadb-$inst.err)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || die "MariaDB $inst not up after ${START_TIMEOUT}s"
    sleep 0.1
  done
}

replica_threads() { # port -> "Yes Yes" when both replication threads run
  mariadb --no-defaults --protocol=TCP -h127.0.0.1 -P"$1" -u"$DB_USER" -p"$DB_PASSWORD" \
      --connect-timeout=3 -B -E -e "SHOW SLAVE STATUS" 2>/dev/null | awk '
    /Slave_IO_Running:/ {io=$2} /Slave_SQL_Running:/ {sq=$2} END {print io, sq}'
}

setup_replication() { # source_port replica_port
  local source_port=$1 replica_port=$2 deadline pos
  sql_root source "
    CREATE USER '$REPL_USER'@'%' IDENTIFIED BY '$REPL_PASSWORD';
    GRANT REPLICATION SLAVE, SLAVE MONITOR, BINLOG MONITOR ON *.* TO '$REPL_USER'@'%';
    CREATE USER '$DB_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
    CREATE USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
    CREATE USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
    GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%' WITH GRANT OPTION;
    GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;
    GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1' WITH GRANT OPTION;
    CREATE DATABASE $DB_NAME;"
  # Fresh replica, empty gtid_slave_pos: it replays the source's whole binlog, users included.
  sql_root replica "
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$source_port,
      MASTER_USER='$REPL_USER', MASTER_PASSWORD='$REPL_PASSWORD',
      MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1;
    START SLAVE;"
  pos=$(sql_root source "SELECT @@gtid_binlog_pos")
  [ "$(sql_root replica "SELECT MASTER_GTID_WAIT('$pos', $START_TIMEOUT)")" = 0 ] \
    || die "replica did not catch up to source GTID $pos (see SHOW SLAVE STATUS on port $replica_port)"
  deadline=$(( $(date +%s) + START_TIMEOUT ))
  until [ "$(replica_threads "$replica_port")" = "Yes Yes" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die "replica threads not running: $(replica_threads "$replica_port")"
    sleep 0.1
  done
  log "replication running: source 127.0.0.1:$source_port -> replica 127.0.0.1:$replica_port at GTID $pos"
}

# --- S3Mock ---------------------------------------------------------------------------------

http_status() { # port path -> HTTP status code of a GET, or nothing
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n" "$2" "$1" >&3
    read -r _ code _ <&3 && echo "$code"' _ "$1" "$2" 2>/dev/null || true
}

start_s3mock() { # port
  local port=$1
  rm -rf "$STATE_DIR/s3mock"
  mkdir -p "$STATE_DIR/s3mock/root"
  # The main connector serves plain HTTP on 127.0.0.1 (SSL off). S3Mock always adds a second
  # HTTP connector (com.adobe.testing.s3mock.httpPort); port 0 lets it pick any free port.
  setsid nohup "$(java_bin)" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -Djava.io.tmpdir="$STATE_DIR/s3mock" \
      -jar "$S3MOCK_JAR" \
      --server.ssl.enabled=false \
      --server.address=127.0.0.1 \
      --server.port="$port" \
      --com.adobe.testing.s3mock.httpPort=0 \
      --com.adobe.testing.s3mock.store.root="$STATE_DIR/s3mock/root" \
      --com.adobe.testing.s3mock.store.retainFilesOnExit=false \
      </dev/null >"$LOG_DIR/s3mock.log" 2>&1 9>&- &
  echo $! >"$PID_DIR/s3mock.pid"
  disown $!
}

wait_s3mock() { # port
  local port=$1 pid deadline
  pid=$(read_pid s3mock)
  deadline=$(( $(date +%s) + START_TIMEOUT ))
  until [ "$(http_status "$port" /)" = 200 ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG_DIR/s3mock.log" >&2 || true
      die "S3Mock exited during startup (log: $LOG_DIR/s3mock.log)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || die "S3Mock not answering on port $port after ${START_TIMEOUT}s"
    sleep 0.2
  done
}

# --- BIND (RFC 2136 dynamic updates) ------------------------------------------------------

# The zone as the tests find it after `up`; dynamic updates change it (journal in the state dir).
write_zone() { # file
  cat >"$1" <<EOF
\$ORIGIN $DNS_ZONE
\$TTL 3600
@        IN SOA  ns.$DNS_ZONE hostmaster.$DNS_ZONE ( 1 3600 600 86400 60 )
@        IN NS   ns.$DNS_ZONE
ns       IN A    127.0.0.1
www      IN A    192.0.2.10
api      IN A    192.0.2.20
api      IN A    192.0.2.21
app  300 IN CNAME app-lb.gcp.example.
info     IN TXT  "cutover test zone"
shop     IN A    192.0.2.30
EOF
}

start_named() { # port
  local port=$1 dir="$STATE_DIR/dns" secret
  rm -rf "$dir"
  mkdir -p "$dir"
  secret=$(head -c 32 /dev/urandom | base64)
  printf '%s\n' "$secret" >"$dir/tsig.secret"
  write_zone "$dir/zone.db"
  cat >"$dir/named.conf" <<EOF
// Generated by scripts/test-stack.sh: authoritative-only BIND for tests, loopback only.
options {
    directory "$dir";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 { none; };
    pid-file none;
    session-keyfile "$dir/session.key";
    managed-keys-directory "$dir";
    recursion no;
    dnssec-validation no;
    notify no;
    allow-query { 127.0.0.1; };
    allow-transfer { none; };
};
controls { };
key "$DNS_TSIG_NAME" { algorithm $DNS_TSIG_ALGORITHM; secret "$secret"; };
logging {
    channel to_file { file "$LOG_DIR/named.log"; severity info; print-time yes; print-category yes; };
    category default { to_file; };
    category update { to_file; };
};
zone "$DNS_ZONE" {
    type primary;
    file "$dir/zone.db";
    journal "$dir/zone.db.jnl";
    allow-update { key "$DNS_TSIG_NAME"; };
};
EOF
  # -f: foreground, so the pid we record is named's own. As root named stays root (no -u).
  setsid nohup "$(named_bin)" -f -4 -c "$dir/named.conf" -n 1 \
      </dev/null >>"$LOG_DIR/named.out" 2>&1 9>&- &
  echo $! >"$PID_DIR/named.pid"
  disown $!
}

dns_soa() { # port -> the zone's SOA serial as the server answers it, or nothing
  dig @127.0.0.1 -p "$1" +time=1 +tries=1 +short SOA "$DNS_ZONE" 2>/dev/null | awk '{print $3}'
}

wait_named() { # port
  local port=$1 pid deadline
  pid=$(read_pid named)
  deadline=$(( $(date +%s) + START_TIMEOUT ))
  until [ -n "$(dns_soa "$port")" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG_DIR/named.out" "$LOG_DIR/named.log" >&2 || true
      die "named exited during startup (logs: $LOG_DIR/named.out, $LOG_DIR/named.log)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || die "named not answering on port $port after ${START_TIMEOUT}s"
    sleep 0.1
  done
}

# --- commands -------------------------------------------------------------------------------

load_ports() {
  SOURCE_PORT="" REPLICA_PORT="" S3_PORT="" DNS_PORT=""
  # shellcheck disable=SC1090
  [ -s "$PORTS_FILE" ] && . "$PORTS_FILE"
  return 0
}

env_lines() {
  cat <<EOF
export CUTOVER_TEST_MYSQL_SOURCE_URL=jdbc:mysql://127.0.0.1:$SOURCE_PORT/$DB_NAME
export CUTOVER_TEST_MYSQL_REPLICA_URL=jdbc:mysql://127.0.0.1:$REPLICA_PORT/$DB_NAME
export CUTOVER_TEST_MYSQL_USER=$DB_USER
export CUTOVER_TEST_MYSQL_PASSWORD=$DB_PASSWORD
export CUTOVER_TEST_MYSQL_SOURCE_PORT=$SOURCE_PORT
export CUTOVER_TEST_MYSQL_REPLICA_PORT=$REPLICA_PORT
export CUTOVER_TEST_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export CUTOVER_TEST_DNS_SERVER=127.0.0.1
export CUTOVER_TEST_DNS_PORT=$DNS_PORT
export CUTOVER_TEST_DNS_ZONE=$DNS_ZONE
export CUTOVER_TEST_DNS_TSIG_NAME=$DNS_TSIG_NAME
export CUTOVER_TEST_DNS_TSIG_ALGORITHM=$DNS_TSIG_ALGORITHM
export CUTOVER_TEST_DNS_TSIG_SECRET=$(cat "$STATE_DIR/dns/tsig.secret")
EOF
}

# Prints one line per component; returns 0 only when everything is up and healthy.
check_stack() {
  local healthy=0 name pid state
  load_ports
  for name in mariadb-source mariadb-replica s3mock named; do
    pid=$(read_pid "$name")
    if [ -n "$pid" ] && pid_alive "$pid"; then state="running (pid $pid)"
    elif [ -n "$pid" ]; then state="dead (stale pid $pid)"; healthy=1
    else state="stopped"; healthy=1
    fi
    case "$name" in
      mariadb-source)  printf '%-16s %-28s 127.0.0.1:%s' "$name" "$state" "${SOURCE_PORT:-?}" ;;
      mariadb-replica) printf '%-16s %-28s 127.0.0.1:%s' "$name" "$state" "${REPLICA_PORT:-?}" ;;
      s3mock)          printf '%-16s %-28s http://127.0.0.1:%s' "$name" "$state" "${S3_PORT:-?}" ;;
      named)           printf '%-16s %-28s 127.0.0.1:%s (udp+tcp)' "$name" "$state" "${DNS_PORT:-?}" ;;
    esac
    if [ "${state%% *}" = running ]; then
      case "$name" in
        mariadb-source)
          if sql_tcp "$SOURCE_PORT" "SELECT 1" >/dev/null 2>&1; then
            printf '  gtid_binlog_pos=%s' "$(sql_tcp "$SOURCE_PORT" "SELECT @@gtid_binlog_pos")"
          else printf '  NOT ANSWERING'; healthy=1; fi ;;
        mariadb-replica)
          local threads
          threads=$(replica_threads "$REPLICA_PORT")
          printf '  io/sql threads: %s' "${threads:-unknown}"
          [ "$threads" = "Yes Yes" ] || healthy=1 ;;
        s3mock)
          local code
          code=$(http_status "$S3_PORT" /)
          printf '  GET / -> %s' "${code:-no answer}"
          [ "$code" = 200 ] || healthy=1 ;;
        named)
          local serial
          serial=$(dns_soa "$DNS_PORT")
          printf '  SOA %s serial %s' "$DNS_ZONE" "${serial:-NOT ANSWERING}"
          [ -n "$serial" ] || healthy=1 ;;
      esac
    fi
    printf '\n'
  done
  [ -s "$ENV_FILE" ] || healthy=1
  return $healthy
}

cmd_down() {
  stop_one named
  stop_one s3mock
  stop_one mariadb-replica
  stop_one mariadb-source
  rm -f "$ENV_FILE"
  log "stopped (state dir $STATE_DIR)"
}

cmd_up() {
  local report
  if report=$(check_stack 2>/dev/null); then
    log "already running and healthy (state dir $STATE_DIR)"
    cat "$ENV_FILE"
    return
  fi
  if grep -q running <<<"$report"; then
    log "stack partly running or unhealthy, restarting it:"
    printf '%s\n' "$report" >&2
  fi
  cmd_down 2>/dev/null
  # A failed `up` stops whatever it had started (logs stay in the state dir).
  trap 'log "up failed: stopping what was started; logs in $LOG_DIR"; STOP_WAIT=5 cmd_down' EXIT
  ensure_mariadb
  ensure_bind
  ensure_s3mock_jar
  mkdir -p "$PID_DIR"
  rm -rf "$LOG_DIR.prev"
  [ -d "$LOG_DIR" ] && mv "$LOG_DIR" "$LOG_DIR.prev"
  mkdir -p "$LOG_DIR"

  pick_ports
  printf 'SOURCE_PORT=%s\nREPLICA_PORT=%s\nS3_PORT=%s\nDNS_PORT=%s\n' "$SOURCE_PORT" "$REPLICA_PORT" "$S3_PORT" \
      "$DNS_PORT" >"$PORTS_FILE"

  log "starting S3Mock $S3MOCK_VERSION on 127.0.0.1:$S3_PORT"
  start_s3mock "$S3_PORT"
  log "starting named (BIND, zone $DNS_ZONE, TSIG key $DNS_TSIG_NAME) on 127.0.0.1:$DNS_PORT"
  start_named "$DNS_PORT"
  log "starting MariaDB source on 127.0.0.1:$SOURCE_PORT and replica on 127.0.0.1:$REPLICA_PORT"
  install_mariadb source 1 "$SOURCE_PORT" & local install_source=$!
  install_mariadb replica 2 "$REPLICA_PORT" & local install_replica=$!
  wait "$install_source" || die "MariaDB source datadir setup failed"
  wait "$install_replica" || die "MariaDB replica datadir setup failed"
  start_mariadb source
  start_mariadb replica
  wait_mariadb source
  wait_mariadb replica
  log "MariaDB source and replica answering"
  setup_replication "$SOURCE_PORT" "$REPLICA_PORT"
  wait_named "$DNS_PORT"
  log "named answering on 127.0.0.1:$DNS_PORT"
  wait_s3mock "$S3_PORT"
  log "S3Mock answering on http://127.0.0.1:$S3_PORT"

  env_lines >"$ENV_FILE.tmp" && mv "$ENV_FILE.tmp" "$ENV_FILE"
  trap - EXIT
  log "up in $(( $(date +%s%3N) - T0 )) ms; env written to $ENV_FILE; stop with: $0 down"
  cat "$ENV_FILE"
}

cmd_status() {
  if check_stack; then
    echo "stack healthy; env: $ENV_FILE"
  else
    echo "stack not (fully) running"
    return 3
  fi
}

cmd_env() {
  if check_stack >/dev/null 2>&1; then cat "$ENV_FILE"
  else die "stack not running: run $0 up"
  fi
}

main() {
  local cmd=${1:-}
  case "$cmd" in
    up|down)
      # One `up`/`down` at a time per state dir (parallel test JVMs may call `up` together).
      # fd 9 is closed for the servers we start, so they never hold this lock.
      exec 9>"$STATE_DIR/.lock"
      flock -w 300 9 || die "could not lock $STATE_DIR/.lock"
      "cmd_$cmd" ;;
    install)
      exec 9>"$STATE_DIR/.lock"
      flock -w 300 9 || die "could not lock $STATE_DIR/.lock"
      ensure_mariadb
      ensure_bind
      ensure_chromium
      ensure_prometheus
      ensure_netfault_tools
      ensure_s3mock_jar
      log "installed: $("$(mariadbd_bin)" --version | tr -s " "); $("$(named_bin)" -v);" \
          "$(/usr/bin/chromium --version 2>/dev/null || echo chromium);" \
          "$(/usr/bin/prometheus --version 2>/dev/null | head -n 1 || echo prometheus);" \
          "S3Mock $S3MOCK_VERSION jar in $STATE_DIR/lib" ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) echo "usage: $0 up|down|status|env|install" >&2; exit 2 ;;
  esac
}

main "$@"

#!/usr/bin/env bash
# Starts, checks and stops Keras Playground's replicated deployment on one
# machine, on loopback: a PostgreSQL server (the shared run store), a Ray
# head (the shared training cluster), two app replicas (`streamlit run`)
# and HAProxy in front of them, with sticky sessions and WebSockets.
#
#   scripts/cluster.sh start    start everything, print the addresses
#   scripts/cluster.sh status   say what runs, and whether it answers
#   scripts/cluster.sh stop     stop everything it started (its pid files)
#
# docs/deploy.md explains each part and what changes on several machines.
# Every setting is an environment variable, read by `start` and kept in the
# state folder for `status` and `stop`:
#
#   CLUSTER_DIR            state folder: pid files, logs, the database's
#                          files, the proxy's config (default: .cluster/)
#   CLUSTER_PROXY_PORT     the proxy, the address users open (8500)
#   CLUSTER_REPLICA_PORTS  one port per app replica (8501 8502)
#   CLUSTER_PG_PORT        PostgreSQL (5433, beside a system server's 5432)
#   CLUSTER_RAY_PORT       the Ray head's GCS, the cluster's address (6379)
#   CLUSTER_RAY_CLIENT_PORT, CLUSTER_RAY_DASHBOARD_PORT,
#   CLUSTER_RAY_AGENT_PORT other ports the Ray head opens (10001, 8265, 52365)
#   CLUSTER_RAY_CPUS       CPUs the Ray head offers to training (all cores)
#   CLUSTER_WORKERS        runs each replica trains at once (CPUs / replicas)
#   PYTHON                 the Python with the app, Ray and psycopg
#                          (default: .venv/bin/python)
#   CLUSTER_HAPROXY        the haproxy binary (default: haproxy on PATH)
#   CLUSTER_PG_BIN         PostgreSQL's bin folder (default: the newest
#                          /usr/lib/postgresql/*/bin)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROG="scripts/cluster.sh"
STATE="${CLUSTER_DIR:-$ROOT/.cluster}"
[[ "$STATE" == /* ]] || STATE="$PWD/$STATE"  # relative to where it was called
cd "$ROOT"
LOGS="$STATE/logs"
SETTINGS="$STATE/cluster.env"
BIND=127.0.0.1

say() { printf '%s\n' "$*"; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

# --- settings ---------------------------------------------------------------

# `start` takes the settings from the environment and writes them down;
# `status` and `stop` read them back, so they find what `start` started
# whatever the environment says now.
read_settings_from_environment() {
  PROXY_PORT="${CLUSTER_PROXY_PORT:-8500}"
  REPLICA_PORTS="$(tr ',' ' ' <<<"${CLUSTER_REPLICA_PORTS:-8501 8502}" | xargs)"
  PG_PORT="${CLUSTER_PG_PORT:-5433}"
  RAY_PORT="${CLUSTER_RAY_PORT:-6379}"
  RAY_CLIENT_PORT="${CLUSTER_RAY_CLIENT_PORT:-10001}"
  RAY_DASHBOARD_PORT="${CLUSTER_RAY_DASHBOARD_PORT:-8265}"
  RAY_AGENT_PORT="${CLUSTER_RAY_AGENT_PORT:-52365}"
  RAY_CPUS="${CLUSTER_RAY_CPUS:-$(nproc)}"
  local port count
  count=$(wc -w <<<"$REPLICA_PORTS")
  [ "$count" -ge 1 ] || die "CLUSTER_REPLICA_PORTS names no port; give one per replica, e.g. '8501 8502'."
  for port in $REPLICA_PORTS; do check_number CLUSTER_REPLICA_PORTS "$port" 65535; done
  check_number CLUSTER_PROXY_PORT "$PROXY_PORT" 65535
  check_number CLUSTER_PG_PORT "$PG_PORT" 65535
  check_number CLUSTER_RAY_PORT "$RAY_PORT" 65535
  check_number CLUSTER_RAY_CLIENT_PORT "$RAY_CLIENT_PORT" 65535
  check_number CLUSTER_RAY_DASHBOARD_PORT "$RAY_DASHBOARD_PORT" 65535
  check_number CLUSTER_RAY_AGENT_PORT "$RAY_AGENT_PORT" 65535
  check_number CLUSTER_RAY_CPUS "$RAY_CPUS" 4096
  WORKERS="${CLUSTER_WORKERS:-$(( RAY_CPUS / count > 0 ? RAY_CPUS / count : 1 ))}"
  check_number CLUSTER_WORKERS "$WORKERS" 4096
  PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
  HAPROXY="${CLUSTER_HAPROXY:-$(command -v haproxy || true)}"
  PG_BIN="${CLUSTER_PG_BIN:-$(find_pg_bin)}"
}

check_number() {  # variable, value, largest
  [[ "$2" =~ ^[0-9]{1,6}$ ]] && [ "$2" -ge 1 ] && [ "$2" -le "$3" ] \
    || die "$1 must be a whole number from 1 to $3; received '$2'."
}

find_pg_bin() {
  local found
  found="$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1 || true)"
  [ -n "$found" ] && dirname "$found"
  return 0
}

save_settings() {
  {
    local name
    for name in PROXY_PORT REPLICA_PORTS PG_PORT RAY_PORT RAY_CLIENT_PORT \
                RAY_DASHBOARD_PORT RAY_AGENT_PORT RAY_CPUS WORKERS PYTHON HAPROXY PG_BIN; do
      printf '%s=%q\n' "$name" "${!name}"
    done
  } >"$SETTINGS"
}

load_settings() {
  if [ -f "$SETTINGS" ]; then
    # shellcheck disable=SC1090
    source "$SETTINGS"
  else
    read_settings_from_environment
  fi
}

store_url() { printf 'postgresql+psycopg://postgres@%s:%s/playground' "$BIND" "$PG_PORT"; }
replica_names() { local i=0 p; for p in $REPLICA_PORTS; do printf '%s ' "$(letter $i)"; i=$((i + 1)); done; }
letter() { printf "\\$(printf '%03o' $((97 + $1)))"; }

# --- what must be installed -------------------------------------------------

# Every missing piece is listed at once, each with how to install it, so
# that one read of the message is enough to fix them all.
check_requirements() {
  local missing=() modules
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/psql" ]; then
    missing+=("PostgreSQL's server: no initdb and psql in /usr/lib/postgresql/*/bin (or in\
 CLUSTER_PG_BIN='$PG_BIN'). Install it with \`apt-get install postgresql\`, or set\
 CLUSTER_PG_BIN to the folder that holds initdb.")
  elif [ "$(id -u)" = 0 ] && { ! id postgres >/dev/null 2>&1 || ! command -v runuser >/dev/null; }; then
    missing+=("a \`postgres\` user and \`runuser\` to run PostgreSQL as: it refuses to run\
 as root. Debian's postgresql package creates the user; runuser is in util-linux.")
  fi
  if [ -z "$HAPROXY" ] || [ ! -x "$HAPROXY" ]; then
    missing+=("HAProxy, the proxy in front of the replicas: no haproxy on PATH (or in\
 CLUSTER_HAPROXY='$HAPROXY'). Install it with \`apt-get install haproxy\`.")
  fi
  if [ ! -x "$PYTHON" ]; then
    missing+=("the project's Python: $PYTHON does not exist. Create .venv with\
 \`scripts/setup.sh ray,postgres\`, or set PYTHON to a Python that has the app installed.")
  else
    modules="$("$PYTHON" -c 'import importlib.util as u; print(" ".join(m for m in
("streamlit", "ray", "psycopg") if u.find_spec(m) is None))' 2>/dev/null \
      || echo "streamlit ray psycopg")"
    if [ -n "$modules" ]; then
      missing+=("Python packages in $PYTHON: $modules (ray trains the runs, psycopg reaches\
 PostgreSQL). Install them with \`scripts/setup.sh ray,postgres\`.")
    fi
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    printf '%s: cannot start the cluster; missing:\n' "$PROG" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
  fi
}

# --- processes ----------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/$BIND/$1") 2>/dev/null; }

# True when the pid in pid file $1 runs and its command line holds $2 (a pid
# reused by another program after a reboot is not ours to stop).
alive() {
  local pid
  [ -f "$STATE/$1.pid" ] || return 1
  pid="$(cat "$STATE/$1.pid")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] \
    && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2"
}

# Runs a command in the background in a session of its own, its pid in the
# state folder: `stop` ends it and every process it started (its family).
launch() {  # name, command...
  local name="$1"; shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/$name.pid"
}

# The process of pid $1, every process below it and every process of its
# session: some of them leave its process group (Ray's workers do), and
# PostgreSQL's and Ray's helpers may outlive a parent killed hard.
family() {
  ps -eo pid=,ppid=,sid= | awk -v root="$1" '
    { parent[$1] = $2; session[$1] = $3 }
    END {
      keep[root] = 1
      do {
        grew = 0
        for (p in parent)
          if (!(p in keep) && (parent[p] in keep || session[p] == root)) { keep[p] = 1; grew = 1 }
      } while (grew)
      for (p in keep) print p
    }'
}

running() {  # pid: alive and not a zombie (the state after the name's ")")
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" && [[ "${stat##*) }" != Z* ]]
}

# The processes left in the session of pid $1 once it has ended (Linux
# gives no new process that pid while its session has members).
session_of() { ps -eo pid=,sid= | awk -v root="$1" '$2 == root && $1 != root { print $1 }'; }

# Its family while the process of pid file $1 (command line holding $2)
# runs, else what is left of its session.
members_of() {  # name, command-line word, pid
  if alive "$1" "$2"; then family "$3"; else session_of "$3"; fi
}

# Stops what pid file $1 names: SIGTERM to its process (each part shuts its
# own children down), then, after $3 s, SIGKILL to whatever of its family is
# left. $2 is a word its command line must hold.
stop_group() {  # name, command-line word, seconds
  local pid members=() left=() member i
  [ -f "$STATE/$1.pid" ] || return 0
  pid="$(cat "$STATE/$1.pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] || { rm -f "$STATE/$1.pid"; return 0; }
  mapfile -t members < <(members_of "$1" "$2" "$pid")
  if alive "$1" "$2"; then
    kill -TERM "$pid" 2>/dev/null || true
  elif [ "${#members[@]}" -gt 0 ]; then
    kill -TERM "${members[@]}" 2>/dev/null || true
  fi
  for ((i = 0; i <= $3 * 4; i++)); do
    # Those seen at first (some leave the family when their parent ends),
    # and those of its family now (one may have started meanwhile).
    mapfile -t members < <({ printf '%s\n' "${members[@]}"; members_of "$1" "$2" "$pid"; } \
                           | grep . | sort -u)
    left=()
    for member in "${members[@]}"; do
      running "$member" && left+=("$member")
    done
    [ "${#left[@]}" -eq 0 ] && break
    sleep 0.25
  done
  if [ "${#left[@]}" -gt 0 ]; then
    say "  $1 did not stop within $3 s: killing the ${#left[@]} process(es) it left"
    kill -KILL "${left[@]}" 2>/dev/null || true
  fi
  rm -f "$STATE/$1.pid"
}

# Waits up to $2 seconds for `$3...` to succeed while pid file $1 lives.
wait_until() {  # name, seconds, command...
  local name="$1" seconds="$2" i; shift 2
  for ((i = 0; i < seconds * 4; i++)); do
    "$@" && return 0
    if [ -f "$STATE/$name.pid" ] && ! kill -0 "$(cat "$STATE/$name.pid")" 2>/dev/null; then
      fail "$name exited while starting."
    fi
    sleep 0.25
  done
  fail "$name did not become ready within $seconds s."
}

# A failed start says which part failed, shows the end of its log and stops
# what it had started, so that the next `start` begins from scratch.
FAILED_PART=""
fail() {
  trap - ERR
  set +o errtrace
  local log="$LOGS/${FAILED_PART:-none}.log"
  {
    say "$PROG: error: $*"
    if [ -s "$log" ]; then say "The end of $log:"; tail -n 25 "$log" | sed 's/^/  | /'; fi
    say "Stopping what was started."
  } >&2
  stop_all >&2
  exit 1
}

# True when the server on port $1 answers Streamlit's health check with "ok"
# (in bash alone: curl is not everywhere).
healthy() {
  local reply
  reply="$(
    { exec 3<>"/dev/tcp/$BIND/$1"; } 2>/dev/null || exit 1
    printf 'GET /_stcore/health HTTP/1.0\r\nHost: %s\r\n\r\n' "$BIND" >&3
    timeout 2 cat <&3
  )" || return 1
  [[ "$reply" == HTTP/1.?" 200"* && "$reply" == *$'\r\n\r\nok' ]]
}

# --- the parts ------------------------------------------------------------------

# PostgreSQL: a data folder in the state folder (kept across stop and start,
# so the runs stay), listening on loopback only, trusting local connections.
# As root it runs as the `postgres` user, which must own its folder.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_postgres() {
  FAILED_PART=postgres
  local folder="$STATE/postgres"
  mkdir -p "$folder"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$folder"
    runuser -u postgres -- test -w "$folder" \
      || fail "the postgres user cannot write $folder (a folder above it is closed" \
              "to it); set CLUSTER_DIR to a folder that user can reach, e.g. /tmp/playground-cluster."
  fi
  if [ ! -f "$folder/data/PG_VERSION" ]; then
    as_pg "$PG_BIN/initdb" -D "$folder/data" -A trust -U postgres -E UTF8 \
      >"$LOGS/postgres-initdb.log" 2>&1 || { FAILED_PART=postgres-initdb; fail "initdb failed."; }
  fi
  # pg_ctl -w waits until the server accepts connections; the server starts
  # in a session of its own, and its pid is the first line of postmaster.pid.
  as_pg "$PG_BIN/pg_ctl" -D "$folder/data" -w -t 60 -l "$folder/server.log" \
    -o "-p $PG_PORT -k $folder -c listen_addresses=$BIND" start >"$LOGS/postgres.log" 2>&1 \
    || { cat "$folder/server.log" >>"$LOGS/postgres.log" 2>/dev/null; fail "PostgreSQL did not start."; }
  head -n 1 "$folder/data/postmaster.pid" >"$STATE/postgres.pid"
  if ! as_pg "$PG_BIN/psql" -h "$BIND" -p "$PG_PORT" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'playground'" | grep -q 1; then
    as_pg "$PG_BIN/createdb" -h "$BIND" -p "$PG_PORT" -U postgres playground \
      >>"$LOGS/postgres.log" 2>&1 || fail "could not create the database 'playground'."
  fi
}

stop_postgres() {
  local data="$STATE/postgres/data"
  if alive postgres postgres; then
    as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  stop_group postgres postgres 10
}

# Ray's sockets live under its temporary folder, and a Unix socket's path
# may not pass 107 bytes: a deep state folder gets a short one in /tmp.
ray_temp_dir() {
  if [ -f "$STATE/ray.tmpdir" ]; then cat "$STATE/ray.tmpdir"; return; fi
  local dir="$STATE/ray"
  if [ "${#dir}" -gt 40 ]; then dir="$(mktemp -d /tmp/playground-ray-XXXXXX)"; fi
  mkdir -p "$dir"
  echo "$dir" >"$STATE/ray.tmpdir"
  echo "$dir"
}

# The Ray head, kept in the foreground (`--block`) in a session of its own:
# ending that process ends Ray's processes, and `stop` ends any it left.
# (`ray stop` would end every Ray cluster on the machine, not only this
# one.) Its token (Ray's token authentication) is this cluster's own, in the
# state folder: whatever joins the cluster or trains on it needs it.
start_ray() {
  FAILED_PART=ray
  if [ ! -s "$STATE/ray_auth_token" ]; then
    (umask 077 && "$PYTHON" -c 'import secrets; print(secrets.token_hex(32))' >"$STATE/ray_auth_token")
  fi
  local ray=("$(dirname "$PYTHON")/ray")
  [ -x "${ray[0]}" ] || ray=("$PYTHON" -m ray.scripts.scripts)
  launch ray env RAY_AUTH_MODE=token RAY_AUTH_TOKEN_PATH="$STATE/ray_auth_token" \
    RAY_USAGE_STATS_ENABLED=0 "${ray[@]}" start --head --block --port "$RAY_PORT" \
    --num-cpus "$RAY_CPUS" --include-dashboard=false --disable-usage-stats \
    --ray-client-server-port "$RAY_CLIENT_PORT" --dashboard-port "$RAY_DASHBOARD_PORT" \
    --dashboard-agent-listen-port "$RAY_AGENT_PORT" --temp-dir "$(ray_temp_dir)"
}

# Waits for the Ray head. Ray gives its node 30 s to register, which a busy
# machine can miss: that one failure is tried once more.
wait_for_ray() {
  FAILED_PART=ray
  local i
  for ((i = 0; i < 90 * 4; i++)); do
    grep -q "Ray runtime started" "$LOGS/ray.log" && return 0
    running "$(cat "$STATE/ray.pid")" || break
    sleep 0.25
  done
  if [ "${1:-}" != again ] && grep -q "timed out during startup" "$LOGS/ray.log"; then
    say "The Ray head timed out while starting (a busy machine?); trying once more..."
    stop_group ray ray 30
    start_ray
    wait_for_ray again
    return
  fi
  fail "the Ray head did not start."
}

# An app replica: `streamlit run app.py` on its port, with the shared store
# and the Ray cluster. Each one trains at most $WORKERS runs at once.
start_replica() {  # name, port
  FAILED_PART="replica-$1"
  launch "replica-$1" env PLAYGROUND_STORE="$(store_url)" PLAYGROUND_EXECUTOR=ray \
    RAY_ADDRESS="$BIND:$RAY_PORT" RAY_AUTH_MODE=token \
    RAY_AUTH_TOKEN_PATH="$STATE/ray_auth_token" RAY_USAGE_STATS_ENABLED=0 \
    PLAYGROUND_WORKERS="$WORKERS" TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}" \
    "$PYTHON" -m streamlit run app.py --server.port "$2" --server.address "$BIND" \
    --server.headless true --browser.gatherUsageStats false --server.fileWatcherType none
}

# HAProxy's configuration. The lines that matter (docs/deploy.md):
# - `cookie SERVERID insert indirect nocache`: the first answer to a browser
#   sets a cookie naming its replica, and the proxy sends every later request
#   with that cookie to the same replica. A Streamlit session lives in one
#   server's memory: its WebSocket, file uploads and media must all reach it.
# - `timeout tunnel 1h`: once the WebSocket (/_stcore/stream) is upgraded,
#   the connection may stay quiet that long; `timeout client`/`server`
#   would end it after a minute.
# - `http-response set-header X-Playground-Replica`: says which replica
#   answered (for checks; harmless to drop).
write_haproxy_config() {
  local name port servers="" i=0
  for port in $REPLICA_PORTS; do
    name="$(letter $i)"; i=$((i + 1))
    servers+="    server $name $BIND:$port check cookie $name"$'\n'
  done
  cat >"$STATE/haproxy.cfg" <<EOF
# Written by $PROG start; edited copies are overwritten by the next start.
global
    maxconn 4096
    log stderr format short local0 notice

defaults
    mode http
    log global
    option httplog
    option dontlognull
    option forwardfor
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    timeout http-request 30s

frontend playground
    bind $BIND:$PROXY_PORT
    default_backend replicas

backend replicas
    balance roundrobin
    cookie SERVERID insert indirect nocache httponly
    option httpchk
    http-check send meth GET uri /_stcore/health
    http-check expect string ok
    http-response set-header X-Playground-Replica %[srv_name]
    default-server inter 2s fall 3 rise 1
$servers
EOF
}

start_proxy() {
  FAILED_PART=haproxy
  write_haproxy_config
  "$HAPROXY" -c -q -f "$STATE/haproxy.cfg" >"$LOGS/haproxy.log" 2>&1 \
    || fail "HAProxy refused its configuration $STATE/haproxy.cfg."
  launch haproxy "$HAPROXY" -db -f "$STATE/haproxy.cfg"
  wait_until haproxy 30 healthy "$PROXY_PORT"
}

stop_all() {
  local name
  stop_group haproxy haproxy 10
  for name in $(replica_names); do stop_group "replica-$name" streamlit 20; done
  stop_group ray "ray" 30
  stop_postgres
  if [ -f "$STATE/ray.tmpdir" ]; then
    rm -rf "$(cat "$STATE/ray.tmpdir")"
    rm -f "$STATE/ray.tmpdir"
  fi
}

# --- commands -------------------------------------------------------------------

print_addresses() {
  local name port i=0
  say "  proxy       http://$BIND:$PROXY_PORT   (open this one)"
  for port in $REPLICA_PORTS; do
    name="$(letter $i)"; i=$((i + 1))
    say "  replica $name   http://$BIND:$port"
  done
  say "  store       $(store_url)"
  say "  Ray         $BIND:$RAY_PORT ($RAY_CPUS CPUs; token in $STATE/ray_auth_token)"
}

cmd_start() {
  read_settings_from_environment
  check_requirements
  if [ -f "$SETTINGS" ] && (load_settings && any_running); then
    die "the cluster in $STATE is already running; \`$PROG status\` shows it," \
        "\`$PROG stop\` stops it."
  fi
  local port
  for port in "$PROXY_PORT" $REPLICA_PORTS "$PG_PORT" "$RAY_PORT" "$RAY_CLIENT_PORT" \
              "$RAY_DASHBOARD_PORT" "$RAY_AGENT_PORT"; do
    if port_in_use "$port"; then
      die "port $port on $BIND is already in use; stop what listens there, or choose" \
          "other ports (CLUSTER_PROXY_PORT, CLUSTER_REPLICA_PORTS, CLUSTER_PG_PORT," \
          "CLUSTER_RAY_PORT, CLUSTER_RAY_CLIENT_PORT, CLUSTER_RAY_DASHBOARD_PORT," \
          "CLUSTER_RAY_AGENT_PORT)."
    fi
  done
  mkdir -p "$STATE" "$LOGS"
  save_settings
  set -o errtrace
  trap 'fail "unexpected failure of: $BASH_COMMAND"' ERR
  # The parts start side by side; each is waited for before the proxy opens.
  # A replica reaches the store and Ray only once a page asks for them.
  say "Starting the Ray head on port $RAY_PORT..."
  start_ray
  say "Starting PostgreSQL on $BIND:$PG_PORT..."
  start_postgres
  local name i=0
  for port in $REPLICA_PORTS; do
    name="$(letter $i)"; i=$((i + 1))
    say "Starting replica $name on $BIND:$port..."
    start_replica "$name" "$port"
  done
  wait_for_ray
  i=0
  for port in $REPLICA_PORTS; do
    name="$(letter $i)"; i=$((i + 1))
    FAILED_PART="replica-$name"
    wait_until "replica-$name" 90 healthy "$port"
  done
  say "Starting HAProxy on $BIND:$PROXY_PORT..."
  start_proxy
  trap - ERR
  say "Keras Playground runs replicated (state, logs: $STATE):"
  print_addresses
  say "Stop it with: $PROG stop"
}

any_running() {
  local name
  alive haproxy haproxy || alive ray ray || alive postgres postgres && return 0
  for name in $(replica_names); do alive "replica-$name" streamlit && return 0; done
  return 1
}

cmd_stop() {
  if [ ! -f "$SETTINGS" ]; then
    say "Nothing to stop: no cluster was started in $STATE."
    return 0
  fi
  load_settings
  say "Stopping the cluster in $STATE..."
  stop_all
  say "Stopped. The database stays in $STATE/postgres (delete the folder to start afresh)."
}

cmd_status() {
  if [ ! -f "$SETTINGS" ]; then
    say "No cluster was started in $STATE."
    return 3
  fi
  load_settings
  local down=0 name port i=0
  line() {  # part, pid file, command-line word, address, extra check...
    local part="$1" file="$2" word="$3" address="$4"; shift 4
    if ! alive "$file" "$word"; then
      say "  $part: stopped"; down=1
    elif [ $# -gt 0 ] && ! "$@"; then
      say "  $part: running (pid $(cat "$STATE/$file.pid")) but not answering at $address"; down=1
    else
      say "  $part: running (pid $(cat "$STATE/$file.pid")) at $address"
    fi
  }
  say "Cluster in $STATE:"
  line "proxy      " haproxy haproxy "http://$BIND:$PROXY_PORT" healthy "$PROXY_PORT"
  for port in $REPLICA_PORTS; do
    name="$(letter $i)"; i=$((i + 1))
    line "replica $name  " "replica-$name" streamlit "http://$BIND:$port" healthy "$port"
  done
  line "PostgreSQL " postgres postgres "$(store_url)" port_in_use "$PG_PORT"
  line "Ray head   " ray ray "$BIND:$RAY_PORT" port_in_use "$RAY_PORT"
  return $((down ? 3 : 0))
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    printf 'Usage: %s start|stop|status\n' "$PROG" >&2
    printf 'Starts Keras Playground replicated on this machine; see docs/deploy.md.\n' >&2
    exit 2 ;;
esac

#!/usr/bin/env bash
# A tcp:// engine without TLS: every command, and the hijacked streams of
# exec and run (stdin in, output and exit status out), go over tcp. A relay
# on loopback forwards tcp to the engine's unix socket. With TLS asked for
# against it, the error names the engine and nothing changes.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

cat >relay.py <<'PY'
import socket, sys, threading
upstream = sys.argv[1]
srv = socket.socket(socket.AF_INET)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(32)
print(srv.getsockname()[1], flush=True)

def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    try:
        b.shutdown(socket.SHUT_WR)
    except OSError:
        pass

def serve(c):
    u = socket.socket(socket.AF_UNIX)
    u.connect(upstream)
    t = threading.Thread(target=pump, args=(u, c), daemon=True)
    t.start()
    pump(c, u)
    t.join()
    c.close()
    u.close()

while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
sock=/var/run/docker.sock
case ${DOCKER_HOST:-} in unix://*) sock=${DOCKER_HOST#unix://} ;; esac
python3 relay.py "$sock" >port.txt 2>relay.err &
relay=$!
trap 'kill $relay 2>/dev/null; _cleanup' EXIT
for _ in $(seq 1 50); do [ -s port.txt ] && break; sleep 0.1; done
port=$(head -n 1 port.txt)
check "the relay listens" test -n "$port"

cat >compose.yaml <<YAML
services:
  box:
    image: $TEST_IMAGE
    command: ["sleep", "300"]
YAML

tcp() { DOCKER_HOST=tcp://127.0.0.1:$port berth -p "$P" "$@"; }
expect "up -d over tcp" tcp up -d
check_eq "the container runs" \
	"$(docker inspect -f '{{.State.Status}}' "$P-box-1")" running
expect "exec over tcp" tcp exec -T box sh -c 'echo from-exec'
check_eq "exec's output came back" "$OUT" from-exec
tcp exec -T box sh -c 'exit 6' >/dev/null 2>&1
check_eq "exec's exit status came back" "$?" 6
check_eq "stdin went in" \
	"$(printf 'line one\nline two\n' | tcp exec -T box sh -c 'wc -l')" 2
expect "run --rm over tcp" tcp run --rm -T box sh -c 'echo from-run'
check_contains "run's output came back" "$OUT" from-run
tcp run --rm -T box sh -c 'exit 4' >/dev/null 2>&1
check_eq "run's exit status came back" "$?" 4

# TLS asked for (this relay speaks none): a clear error, nothing changes.
before=$(docker ps -aq --filter "label=com.docker.compose.project=$P" | wc -l)
OUT=$(DOCKER_HOST=tcp://127.0.0.1:$port DOCKER_TLS=1 \
	berth -p "$P" exec -T box true 2>&1)
check "exec with TLS fails" test $? -ne 0
check_contains "it names the engine" "$OUT" "tcp://127.0.0.1:$port"
check_eq "nothing was created" \
	"$(docker ps -aq --filter "label=com.docker.compose.project=$P" | wc -l)" "$before"

expect "down over tcp" tcp down -t 0
test_done

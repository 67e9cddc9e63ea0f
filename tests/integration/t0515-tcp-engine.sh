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
start_relay relay.py
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
check_streams tcp "over tcp"

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

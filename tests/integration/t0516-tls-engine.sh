#!/usr/bin/env bash
# A tcp:// engine with TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH): every
# command, and the hijacked streams of exec and run, go through TLS with
# the client certificate, the engine's certificate checked against ca.pem.
# stdin's end reaches the process as TLS's close_notify while its output
# goes on. A relay on loopback speaks TLS (requiring a client certificate)
# and forwards to the engine's unix socket. A CA that did not sign the
# engine's certificate is refused, naming the engine, and nothing changes.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

# A CA, the engine's certificate for 127.0.0.1, a client certificate.
mkdir certs other
(
	cd certs || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem \
		-out ca.pem -days 2 -subj "/CN=berth test CA"
	openssl req -newkey rsa:2048 -nodes -keyout server-key.pem \
		-out server.csr -subj "/CN=localhost"
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem \
		-CAcreateserial -out server.pem -days 2 -extfile server.ext
	openssl req -newkey rsa:2048 -nodes -keyout key.pem -out client.csr \
		-subj "/CN=client"
	printf 'extendedKeyUsage=clientAuth\n' >client.ext
	openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem \
		-CAcreateserial -out cert.pem -days 2 -extfile client.ext
	cd ../other || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem \
		-out ca.pem -days 2 -subj "/CN=another CA"
	cp ../certs/cert.pem ../certs/key.pem .
) >openssl.log 2>&1
check "test certificates made" test -s certs/cert.pem -a -s other/ca.pem

cat >relay.py <<'PY'
import socket, ssl, sys, threading
upstream, certs = sys.argv[1], sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(certs + "/server.pem", certs + "/server-key.pem")
ctx.load_verify_locations(certs + "/ca.pem")
ctx.verify_mode = ssl.CERT_REQUIRED
srv = socket.socket(socket.AF_INET)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(32)
print(srv.getsockname()[1], flush=True)

def pump(a, b, half_close):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except (OSError, ssl.SSLError):
        pass
    if half_close:
        try:
            b.shutdown(socket.SHUT_WR)
        except OSError:
            pass

def serve(raw):
    try:
        c = ctx.wrap_socket(raw, server_side=True)
    except (OSError, ssl.SSLError):
        raw.close()
        return
    u = socket.socket(socket.AF_UNIX)
    u.connect(upstream)
    t = threading.Thread(target=pump, args=(u, c, False), daemon=True)
    t.start()
    # The client's close_notify ends recv: the engine sees stdin's end.
    pump(c, u, True)
    t.join()
    for s in (c, u):
        try:
            s.close()
        except OSError:
            pass

while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
start_relay relay.py "$T/certs"
check "the TLS relay listens" test -n "$port"

cat >compose.yaml <<YAML
services:
  box:
    image: $TEST_IMAGE
    command: ["sleep", "300"]
YAML

tls() {
	DOCKER_HOST=tcp://127.0.0.1:$port DOCKER_TLS_VERIFY=1 \
		DOCKER_CERT_PATH="$T/certs" berth -p "$P" "$@"
}
expect "up -d over TLS" tls up -d
check_eq "the container runs" \
	"$(docker inspect -f '{{.State.Status}}' "$P-box-1")" running
check_streams tls "over TLS"

# A CA that did not sign the engine's certificate: refused, nothing made.
before=$(docker ps -aq --filter "label=com.docker.compose.project=$P" | wc -l)
OUT=$(DOCKER_HOST=tcp://127.0.0.1:$port DOCKER_TLS_VERIFY=1 \
	DOCKER_CERT_PATH="$T/other" berth -p "$P" run --rm -T box true 2>&1)
check "an engine certificate from another CA fails" test $? -ne 0
check_contains "it names the engine" "$OUT" "tcp://127.0.0.1:$port"
check_eq "nothing was created" \
	"$(docker ps -aq --filter "label=com.docker.compose.project=$P" | wc -l)" "$before"

expect "down over TLS" tls down -t 0
test_done

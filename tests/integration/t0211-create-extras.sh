#!/usr/bin/env bash
# platform, blkio_config and GPU device requests reach the engine as docker
# compose sends them: the platform as the platform parameter of container
# create, /build and the pull; blkio_config in HostConfig (the engine's
# own warning when this kernel discards a part); gpus and
# deploy.resources.reservations.devices as HostConfig.DeviceRequests (the
# engine's own error when no GPU driver is there). A recording proxy in
# front of the engine shows the requests themselves.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

case $(uname -m) in
x86_64) ARCH=amd64 ;;
aarch64 | arm64) ARCH=arm64 ;;
*) ARCH=$(uname -m) ;;
esac
WRONG=linux/s390x
[ "$ARCH" = s390x ] && WRONG=linux/ppc64le
# A block device of this machine for a throttle (the engine wants one).
DEV=$(lsblk -dno NAME,TYPE 2>/dev/null | awk '$2 == "disk" { print "/dev/" $1; exit }')

# The proxy: every request line it relays goes to $T/requests.
cat >proxy.py <<'EOF'
import os, re, socket, sys, threading
path, upstream, log = sys.argv[1:4]
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(32)
out = open(log, "a", buffering=1)
lock = threading.Lock()
line = re.compile(rb"(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP/1\.[01]\r\n")

def pump(a, b, record):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            m = line.match(d) if record else None
            if m:
                with lock:
                    out.write(m.group(1).decode() + " " + m.group(2).decode() + "\n")
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
    t = threading.Thread(target=pump, args=(u, c, False), daemon=True)
    t.start()
    pump(c, u, True)
    t.join()
    c.close()
    u.close()

while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
python3 proxy.py "$T/engine.sock" "${DOCKER_SOCK:-/var/run/docker.sock}" "$T/requests" &
PROXY=$!
cleanup_all() {
	local rc=$?
	kill "$PROXY" 2>/dev/null
	wait "$PROXY" 2>/dev/null
	docker images -q --filter "label=com.docker.compose.project=$P" |
		sort -u | xargs -r docker rmi -f >/dev/null 2>&1
	(exit "$rc")
	_cleanup
}
trap cleanup_all EXIT
for _ in $(seq 1 50); do
	[ -S "$T/engine.sock" ] && break
	sleep 0.1
done
via() { env DOCKER_HOST="unix://$T/engine.sock" "$BERTH" "$@"; }
# requests PATTERN: the recorded request lines matching an extended regexp.
requests() { grep -E "$1" "$T/requests"; }

write_compose() { # write_compose PLATFORM WEIGHT
	cat >compose.yaml <<EOF
services:
  plat:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    platform: $1
    blkio_config:
      weight: $2
EOF
	[ -n "$DEV" ] && cat >>compose.yaml <<EOF
      device_read_bps:
        - path: $DEV
          rate: 12mb
EOF
	cat >>compose.yaml <<EOF
  built:
    build:
      context: ./ctx
      dockerfile_inline: |
        FROM $TEST_IMAGE
    platform: linux/$ARCH
    command: ["sleep", "1000"]
    init: true
EOF
}

# ---- platform and blkio_config ----
mkdir ctx
write_compose "linux/$ARCH" 300
expect "up -d with platform and blkio_config" via -p "$P" up -d
UP_OUT=$OUT
check "create carries the platform" \
	requests "^POST /v[0-9.]+/containers/create\?name=$P-plat-1&platform=linux%2F$ARCH\$"
check "the build carries the service's platform" \
	requests "^POST /v[0-9.]+/build\?.*&platform=linux%2F$ARCH(&|\$)"
check "so does the create of the built service" \
	requests "^POST /v[0-9.]+/containers/create\?name=$P-built-1&platform=linux%2F$ARCH\$"
check_eq "the container is for linux" \
	"$(docker inspect -f '{{.Platform}}' "$P-plat-1")" linux
check_eq "from an image of the platform's architecture" \
	"$(docker image inspect -f '{{.Os}}/{{.Architecture}}' \
		"$(docker inspect -f '{{.Image}}' "$P-plat-1")")" "linux/$ARCH"
weight=$(docker inspect -f '{{.HostConfig.BlkioWeight}}' "$P-plat-1")
if [ "$weight" = 300 ]; then
	check_eq "blkio_config.weight is applied" "$weight" 300
else
	# This kernel has no blkio weight (cgroup v1 without CFQ/BFQ): the
	# engine discards it with a warning, which up shows in its words.
	check_contains "the engine's refusal of the weight is shown" "$UP_OUT" \
		"warning: $P-plat-1: Your kernel does not support Block I/O weight"
fi
if [ -n "$DEV" ]; then
	check_eq "device_read_bps is applied, 12mb in bytes" \
		"$(docker inspect -f '{{json .HostConfig.BlkioDeviceReadBps}}' "$P-plat-1")" \
		"[{\"Path\":\"$DEV\",\"Rate\":12582912}]"
fi

expect "plan after up says nothing" berth -p "$P" plan
write_compose "linux/$ARCH" 400
"$BERTH" -p "$P" plan >plan.out 2>&1
check_eq "plan exits 2 when blkio_config changes" "$?" 2
check "and names the change" grep -Eq \
	"^recreate +$P-plat-1 +blkio_config\.weight changed \(300 -> 400\)\$" plan.out
write_compose "$WRONG" 300
"$BERTH" -p "$P" plan >plan.out 2>&1
check_eq "plan exits 2 when platform changes" "$?" 2
check "and names the change" grep -Eq \
	"^recreate +$P-plat-1 +platform changed \(linux/$ARCH -> $WRONG\)\$" plan.out
old=$(docker inspect -f '{{.Id}}' "$P-plat-1")
expect_fail "recreating for a platform the image is not for fails" \
	berth -p "$P" up -d plat
check_contains "with the engine's message" "$OUT" \
	"does not match the specified platform: wanted $WRONG"
check_eq "the old container is left as it was" \
	"$(docker inspect -f '{{.Id}} {{.State.Running}}' "$P-plat-1")" "$old true"
check_eq "and no other container of plat is left" \
	"$(docker ps -aq --filter "label=com.docker.compose.project=$P" \
		--filter "label=com.docker.compose.service=plat" | wc -l)" 1

cat >wrong.yaml <<EOF
services:
  wrong:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    platform: $WRONG
EOF
expect_fail "a new container for a wrong platform fails" \
	berth -p "$P" -f wrong.yaml up -d
check_contains "with the engine's message" "$OUT" \
	"image with reference $TEST_IMAGE was found but does not match the specified platform: wanted $WRONG"
check_eq "and leaves no container" \
	"$(docker ps -aq --filter "label=com.docker.compose.project=$P" \
		--filter "label=com.docker.compose.service=wrong")" ""
expect "down" berth -p "$P" down

# ---- the pull ----
cat >pull.yaml <<EOF
services:
  remote:
    image: $P-absent/img:1
    platform: linux/$ARCH
EOF
expect_fail "pull of an image no registry has fails" via -p "$P" -f pull.yaml pull
check "berth pull asks for the platform" \
	requests "^POST /v[0-9.]+/images/create\?fromImage=$P-absent%2Fimg&tag=1&platform=linux%2F$ARCH\$"
: >"$T/requests"
expect_fail "up, which pulls the missing image, fails" via -p "$P" -f pull.yaml up -d
check "up's pull asks for the platform" \
	requests "^POST /v[0-9.]+/images/create\?fromImage=$P-absent%2Fimg&tag=1&platform=linux%2F$ARCH\$"

# ---- GPUs and device reservations ----
cat >gpu.yaml <<EOF
services:
  gpu:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    gpus: all
  rsv:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    deploy:
      resources:
        reservations:
          devices:
            - capabilities: [gpu, utility]
              driver: nvidia
              device_ids: ["0", "3"]
              options:
                a: b
            - capabilities: [gpu]
              count: all
EOF
expect "create (no start) takes device requests" berth -p "$P" -f gpu.yaml create
check_eq "gpus: all is every GPU with capability gpu" \
	"$(docker inspect -f '{{json .HostConfig.DeviceRequests}}' "$P-gpu-1")" \
	'[{"Driver":"","Count":-1,"DeviceIDs":null,"Capabilities":[["gpu"]],"Options":null}]'
check_eq "reservations are passed as given, count all is -1" \
	"$(docker inspect -f '{{json .HostConfig.DeviceRequests}}' "$P-rsv-1")" \
	'[{"Driver":"nvidia","Count":0,"DeviceIDs":["0","3"],"Capabilities":[["gpu","utility"]],"Options":{"a":"b"}},{"Driver":"","Count":-1,"DeviceIDs":null,"Capabilities":[["gpu"]],"Options":null}]'
expect_fail "starting a GPU container without a GPU runtime fails" \
	berth -p "$P" -f gpu.yaml up -d gpu
check_contains "with the engine's message" "$OUT" \
	'could not select device driver "" with capabilities: [[gpu]]'

test_done

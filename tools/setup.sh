#!/usr/bin/env bash
# setup.sh - make a fresh Debian 12 machine ready for berth, idempotently:
# install the build and test packages that are missing, start dockerd in the
# background when no engine answers, build the test base image, and build
# berth into ./build. A second run changes nothing and takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
	build-essential meson ninja-build pkg-config
	libyaml-dev libcurl4-openssl-dev libjansson-dev libev-dev
	libarchive-dev libssl-dev
	docker.io busybox-static curl python3 man-db openssl
	docker-compose python3-yaml time
	clang libclang-rt-14-dev clang-format docker-registry apache2-utils
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if ((${#missing[@]})); then
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

sock=/var/run/docker.sock
ping() { curl -sf --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; }
if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST#unix://}" != "$DOCKER_HOST" ]; then
	sock=${DOCKER_HOST#unix://}
fi
if ! ping; then
	echo "setup: starting dockerd (log: /var/log/berth-dockerd.log)"
	nohup dockerd >/var/log/berth-dockerd.log 2>&1 &
	for _ in $(seq 1 60); do
		ping && break
		sleep 0.5
	done
	if ! ping; then
		echo "setup: dockerd did not come up; its log ends with:" >&2
		tail -n 20 /var/log/berth-dockerd.log >&2
		exit 1
	fi
fi

docker image inspect berth-test/busybox:latest >/dev/null 2>&1 ||
	tools/build-test-image.sh

if [ ! -f build/build.ninja ]; then
	meson setup build >/dev/null
fi
ninja -C build >/dev/null
echo "setup: ready (berth in build/berth, engine at $sock)"

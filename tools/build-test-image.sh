#!/bin/sh
# Build berth-test/busybox:latest without a registry: FROM scratch plus
# Debian's busybox-static. Tests and examples build FROM this image.
set -eu
image=${1:-berth-test/busybox:latest}
busybox=$(command -v busybox || echo /bin/busybox)
if ! "$busybox" --help 2>&1 | head -n1 | grep -q BusyBox; then
	echo "build-test-image: busybox-static is not installed" >&2
	exit 1
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$busybox" "$dir/busybox"
cat >"$dir/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
CMD ["sh"]
DOCKERFILE
DOCKER_BUILDKIT=0 docker build -q -t "$image" "$dir" >/dev/null
echo "built $image"

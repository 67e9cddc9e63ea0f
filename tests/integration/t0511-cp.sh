#!/usr/bin/env bash
# berth cp: host to container (new name, into a directory, a directory and
# its contents), container to host (file, directory, SRC/.), "-" as tar on
# stdout and stdin, every replica by default, --index, -a, -L, --dry-run,
# a large file streamed both ways, and the errors (missing path, no such
# service, no container, a directory onto a file).
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

cat >compose.yaml <<EOF
name: $P
services:
  web:
    image: $TEST_IMAGE
    command: ["sh", "-c", "mkdir -p /tmp; trap 'exit 0' TERM; sleep 300 & wait"]
    scale: 2
  idle:
    image: $TEST_IMAGE
    command: ["true"]
    scale: 0
EOF
expect "up -d" berth up -d
for i in 1 2; do
	for _ in $(seq 1 50); do
		docker exec "$P-web-$i" test -d /tmp 2>/dev/null && break
		sleep 0.1
	done
done
c1=$P-web-1
c2=$P-web-2
# absent CONTAINER PATH: nothing is at PATH in CONTAINER.
absent() { ! docker exec "$1" test -e "$2"; }

echo hello >f.txt
mkdir -p d/sub
echo a >d/a
echo b >d/sub/b
ln -s a d/link

# Host to container.
expect "a file to a new name" berth cp f.txt web:/tmp/new.txt
check_eq "lands in replica 1" "$(docker exec "$c1" cat /tmp/new.txt)" hello
check_eq "and in replica 2" "$(docker exec "$c2" cat /tmp/new.txt)" hello
expect "a file into an existing directory" berth cp f.txt web:/tmp
check_eq "keeps its name" "$(docker exec "$c1" cat /tmp/f.txt)" hello
expect "a directory into a directory" berth cp d web:/tmp/
check_eq "is copied whole" \
	"$(docker exec "$c1" sh -c 'cat /tmp/d/a /tmp/d/sub/b; readlink /tmp/d/link')" \
	"$(printf 'a\nb\na')"
expect "a directory's contents (SRC/.) to a new name" berth cp d/. web:/tmp/dd
check_eq "fill the new directory" \
	"$(docker exec "$c2" sh -c 'cat /tmp/dd/a /tmp/dd/sub/b')" "$(printf 'a\nb')"
expect "SRC/. into an existing directory" berth cp d/. web:/tmp
check_eq "puts the contents there" "$(docker exec "$c1" cat /tmp/a)" a
expect_fail "a file to DIR/ that does not exist" berth cp f.txt web:/tmp/nodir/
check_contains "says so" "$OUT" "no such directory"
expect_fail "a directory onto a file" berth cp d web:/tmp/new.txt
check_contains "is refused" "$OUT" "cannot copy directory"

# Container to host.
expect "a file to the host" berth cp web:/tmp/new.txt back.txt
check_eq "is copied" "$(cat back.txt)" hello
mkdir into
expect "a file into a host directory" berth cp web:/tmp/new.txt into
check_eq "keeps its name" "$(cat into/new.txt)" hello
expect "a directory to the host" berth cp web:/tmp/d dback
check_eq "is copied whole" "$(cat dback/a dback/sub/b; readlink dback/link)" \
	"$(printf 'a\nb\na')"
expect "a directory's contents into an existing directory" \
	berth cp web:/tmp/d/. into
check_eq "are copied there" "$(cat into/a into/sub/b)" "$(printf 'a\nb')"
check "not the directory itself" test ! -e into/d
expect_fail "to a host directory that does not exist" \
	berth cp web:/tmp/new.txt nowhere/x
check_contains "says so" "$OUT" "does not exist"

# "-": a tar on stdout, a tar from stdin.
berth cp web:/tmp/d - >d.tar 2>/dev/null
check_eq "- writes a tar" "$(tar -tf d.tar | sort | tr '\n' ' ')" \
	"d/ d/a d/link d/sub/ d/sub/b "
docker exec "$c1" mkdir -p /tmp/in
docker exec "$c2" mkdir -p /tmp/in
tar -cf - -C d . | berth cp - web:/tmp/in >/dev/null 2>&1
check_eq "- reads a tar into every replica" \
	"$(docker exec "$c2" cat /tmp/in/sub/b)" b
expect_fail "- needs a directory" sh -c "tar -cf - f.txt | '$BERTH' cp - web:/tmp/new.txt"
check_contains "says so" "$OUT" "must be a directory"

# --index.
echo two >two.txt
expect "--index 2" berth cp --index 2 two.txt web:/tmp/two.txt
check_eq "copies to replica 2" "$(docker exec "$c2" cat /tmp/two.txt)" two
check "and not to replica 1" absent "$c1" /tmp/two.txt
docker exec "$c2" sh -c 'echo from2 >/tmp/which'
docker exec "$c1" sh -c 'echo from1 >/tmp/which'
expect "--index 2 from the service" berth cp --index 2 web:/tmp/which w2
check_eq "reads replica 2" "$(cat w2)" from2
expect "without --index from the service" berth cp web:/tmp/which w1
check_eq "reads replica 1" "$(cat w1)" from1
expect_fail "--index 3" berth cp --index 3 f.txt web:/tmp
check_contains "names the missing replica" "$OUT" "container #3"

# -a keeps the owner (the engine's copyUIDGID too); without it, root
# owns the copy, as docker cp documents.
echo owned >owned.txt
chown 4321:8765 owned.txt
expect "-a" berth cp -a owned.txt web:/tmp/owned-a
check_eq "keeps uid and gid" "$(docker exec "$c1" stat -c %u:%g /tmp/owned-a)" \
	"4321:8765"
expect "without -a" berth cp owned.txt web:/tmp/owned-root
check_eq "root owns it" "$(docker exec "$c1" stat -c %u:%g /tmp/owned-root)" \
	"0:0"

# -L follows a symbolic link in SRC_PATH.
expect "a link is copied as a link" berth cp d/link web:/tmp/l1
check_eq "without -L" "$(docker exec "$c1" readlink /tmp/l1)" a
expect "-L" berth cp -L d/link web:/tmp/l2
check_eq "copies what it points to" "$(docker exec "$c1" cat /tmp/l2)" a
docker exec "$c1" ln -s /tmp/new.txt /tmp/lnk
expect "-L from the service" berth cp -L web:/tmp/lnk lnk.txt
check_eq "copies the target under the link's name" "$(cat lnk.txt)" hello

# --dry-run copies nothing.
expect "--dry-run" berth --dry-run cp f.txt web:/tmp/dry.txt
check_contains "says what it would copy" "$OUT" "f.txt to $c1:/tmp/dry.txt"
check "and copies nothing" absent "$c1" /tmp/dry.txt
expect "--dry-run from the service" berth --dry-run cp web:/tmp/new.txt dry.txt
check "writes nothing" test ! -e dry.txt

# A large file streams both ways.
head -c 30000000 /dev/urandom >big.bin
expect "a 30 MB file in" berth cp --index 1 big.bin web:/tmp/big.bin
expect "and out" berth cp web:/tmp/big.bin big.back
check_eq "comes back the same" "$(md5sum <big.back)" "$(md5sum <big.bin)"

# Errors.
expect_fail "a missing source path" berth cp web:/nope x
check_contains "gives the engine's message" "$OUT" "Could not find the file /nope"
check "and writes nothing" test ! -e x
expect_fail "a missing local source" berth cp nope.txt web:/tmp
check_contains "names it" "$OUT" "nope.txt: No such file or directory"
expect_fail "no such service" berth cp f.txt nosuch:/tmp
check_contains "says so" "$OUT" "no such service: nosuch"
expect_fail "a service without containers" berth cp f.txt idle:/tmp
check_contains "says so" "$OUT" "no container found for service \"idle\""
expect_fail "between two services" berth cp web:/a web:/b
check_contains "is refused" "$OUT" "copying between services is not supported"
expect_fail "two local paths" berth cp a b
check_contains "is refused" "$OUT" "unknown copy direction"

# --all adds one-off containers (berth run).
expect "a one-off container" berth run -d web sh -c 'mkdir -p /tmp; sleep 300'
oneoff=$(docker ps -q --filter "label=com.docker.compose.project=$P" \
	--filter label=com.docker.compose.oneoff=True)
for _ in $(seq 1 50); do
	docker exec "$oneoff" test -d /tmp 2>/dev/null && break
	sleep 0.1
done
expect "without --all" berth cp f.txt web:/tmp/all1.txt
check "skips the one-off" absent "$oneoff" /tmp/all1.txt
expect "--all" berth cp --all f.txt web:/tmp/all2.txt
check_eq "reaches the one-off" "$(docker exec "$oneoff" cat /tmp/all2.txt)" hello
check_eq "and both replicas" "$(docker exec "$c2" cat /tmp/all2.txt)" hello

test_done

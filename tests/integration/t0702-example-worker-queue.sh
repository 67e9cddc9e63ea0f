#!/usr/bin/env bash
# t0702-example-worker-queue.sh - examples/worker-queue: a one-shot
# migration (service_completed_successfully), a queue with a health check
# (service_healthy) and two worker replicas. up --wait accepts the
# migration's exit 0; the workers then process the producer's jobs; down
# leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/examples.sh"
test_project
example worker-queue

expect "up -d --wait starts the stack in order" ex up -d --wait --wait-timeout 120
check_service "migrate ran once and exited 0" migrate "exited - 0"
check_eq "one migrate container" "$(count_service migrate)" 1
check_service "queue is running and healthy" queue "running healthy"
check_service "producer is running" producer "running"
check_service "worker is running" worker "running"
check_eq "two workers (deploy.replicas: 2)" "$(count_service worker)" 2
check "the migration finished before the queue started" bash -c '
	m=$(docker inspect -f "{{.State.FinishedAt}}" "$1-migrate-1")
	q=$(docker inspect -f "{{.State.StartedAt}}" "$1-queue-1")
	[[ $m < $q ]]' _ "$P"
# The workers process what the producer queues.
workers_did() { ex logs worker | grep -q "done .*-job-"; }
check "the workers process jobs" wait_for 30 workers_did
expect "scale the workers to 3" ex up -d --wait --scale worker=3
check_eq "three workers" "$(count_service worker)" 3
check_service "migrate was not run again" migrate "exited - 0"

example_down
test_done

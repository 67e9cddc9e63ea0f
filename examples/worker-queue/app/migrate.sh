#!/bin/sh
# Prepare the queue's storage: the directories jobs move through, and a
# version stamp. Safe to run again.
set -e
mkdir -p /jobs/new /jobs/taken /jobs/done
echo 1 >/jobs/version
echo "migrate: queue storage ready (version $(cat /jobs/version))"

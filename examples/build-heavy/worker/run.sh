#!/bin/sh
# Print the configuration baked in at build time, then idle.
. /app/config
echo "worker: log level $LOG_LEVEL, batches of $BATCH"
exec sleep 2147483647

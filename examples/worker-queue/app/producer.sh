#!/bin/sh
# Add a job to the queue every second.
n=0
while :; do
	n=$((n + 1))
	if id=$(wget -q -O - "$QUEUE_URL/cgi-bin/q?push=job-$n"); then
		echo "producer: queued job-$n as $id"
	else
		echo "producer: the queue did not answer"
	fi
	sleep 1
done

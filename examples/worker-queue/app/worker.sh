#!/bin/sh
# Take jobs off the queue and "process" them, forever.
while :; do
	job=$(wget -q -O - "$QUEUE_URL/cgi-bin/q?pop") || job=
	if [ -n "$job" ]; then
		echo "worker $(hostname): done $job"
		wget -q -O /dev/null "$QUEUE_URL/cgi-bin/q?done=$job"
	else
		sleep 0.5
	fi
done

#!/bin/sh
echo "hello world"
echo "running in the ${environment:-unknown} environment"

#!/usr/bin/env bash
# `make bench`: every figure beside its floor, measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 Benchmarks/bench.py "${1:-.build/release/memento}"

#!/usr/bin/env bash
# The project's test command: pytest (unit, integration, oracle tests), then the lit FileCheck suite
# through the CMake target check-shloq, as MLIR-style users run it. pytest runs on
# SHLOQ_TEST_WORKERS processes (default 2, the CI machine's cores; 1 runs in this process).
set -uo pipefail
cd "$(dirname "$0")/.."
workers="${SHLOQ_TEST_WORKERS:-2}"
if [ "$workers" -gt 1 ]; then
  python -m pytest -q --durations=15 -n "$workers" "$@"
else
  python -m pytest -q --durations=15 "$@"
fi
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating as failure" >&2
  exit 1
fi
[ "$status" -eq 0 ] || exit "$status"
cmake -S . -B build -DPython3_EXECUTABLE="$(command -v python)" > /dev/null || exit 1
cmake --build build --target check-shloq

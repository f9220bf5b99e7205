#!/usr/bin/env bash
# The project's test command: pytest (unit, integration, oracle tests) and lit (pass FileCheck tests).
set -uo pipefail
cd "$(dirname "$0")/.."
python -m pytest -q "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating as failure" >&2
  exit 1
fi
[ "$status" -eq 0 ] || exit "$status"
lit -sv mlir_tests

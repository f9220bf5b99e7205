#!/usr/bin/env bash
# The project's test command: pytest (unit, integration, oracle tests), then the lit FileCheck suite
# through the CMake target check-shloq, as MLIR-style users run it.
set -uo pipefail
cd "$(dirname "$0")/.."
python -m pytest -q "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating as failure" >&2
  exit 1
fi
[ "$status" -eq 0 ] || exit "$status"
cmake -S . -B build -DPython3_EXECUTABLE="$(command -v python)" > /dev/null || exit 1
cmake --build build --target check-shloq

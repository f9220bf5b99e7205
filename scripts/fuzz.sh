#!/usr/bin/env bash
# The long fuzz profile: random models from the op catalogue, each exported, calibrated, converted
# in strict mode and compared with emulate (see tests/fuzz_models.py). Examples run in worker
# subprocesses in batches, so a segfault or a hang is counted as an internal error with its seed
# instead of ending the run. Prints the counts of examples, conversions, documented refusals (by
# error class) and internal errors (with seeds to reproduce); exits 1 if any example is a bug.
#
#   bash scripts/fuzz.sh                         # 300 examples, seeds 0..299, 2 workers
#   SHLOQ_FUZZ_EXAMPLES=1000 SHLOQ_FUZZ_START=5000 SHLOQ_FUZZ_JOBS=4 bash scripts/fuzz.sh
#   bash scripts/fuzz.sh --report /tmp/fuzz.json # also write every outcome as JSON
#   python tests/fuzz_models.py check SEED       # rerun one example in process
#   python tests/fuzz_models.py script SEED      # print it as a standalone script
#
# The in-process hypothesis profile is the pytest test, which CI runs with 30 derandomized examples:
# SHLOQ_FUZZ_EXAMPLES=300 python -m pytest -p no:cacheprovider tests/test_fuzz.py runs more.
set -uo pipefail
cd "$(dirname "$0")/.."
export JAX_PLATFORMS="${JAX_PLATFORMS:-cpu}"
exec python tests/fuzz_models.py run \
  --examples "${SHLOQ_FUZZ_EXAMPLES:-300}" \
  --start "${SHLOQ_FUZZ_START:-0}" \
  --jobs "${SHLOQ_FUZZ_JOBS:-2}" \
  --timeout "${SHLOQ_FUZZ_TIMEOUT:-180}" \
  "$@"

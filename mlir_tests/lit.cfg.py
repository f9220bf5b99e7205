# lit configuration for shloq's pass tests: `lit mlir_tests` (or the CMake target check-shloq).
import os
import shutil
import sys

import lit.formats

config.name = "shloq"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
root = os.path.dirname(config.test_source_root)

# The checkout's own tools/shloq-opt, run by the Python running lit, so the tests exercise this tree.
shloq_opt = f"{sys.executable} {os.path.join(root, 'tools', 'shloq-opt')}"
bindir = os.path.dirname(sys.executable)
filecheck = shutil.which("filecheck", path=bindir) or shutil.which("filecheck") or shutil.which("FileCheck")
if filecheck is None:
    lit_config.fatal("FileCheck not found: install the test extra (pip install -e '.[test]')")
config.substitutions.append(("shloq-opt", shloq_opt))
config.substitutions.append(("FileCheck", filecheck))
config.substitutions.append(("%python", sys.executable))
config.environment["PYTHONPATH"] = root + os.pathsep + os.environ.get("PYTHONPATH", "")

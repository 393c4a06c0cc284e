"""Regression test for PySide6 6.12.0 on CPython 3.11 dropping a reference to None per void call.

That build aborts with "Fatal Python error: none_dealloc" after about 5,000 calls such as
QLabel.setText; pyproject.toml pins PySide6 below 6.12 on Python < 3.12. A crash takes the
process with it, so the calls run in a child process.
"""

from __future__ import annotations

import os
import subprocess
import sys

CALLS = 20_000

CHILD = f"""
import sys
from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication([])
label = QLabel()
item = QStandardItem()
before = sys.getrefcount(None)
for n in range({CALLS}):
    label.setText(str(n))       # void C++ call returning None
    item.setData(n)             # another one, on a different wrapper type
after = sys.getrefcount(None)
print("calls", {CALLS} * 2, "none refcount", before, after)
# On 3.11 None is mortal: a leak of one reference per call shows long before the crash.
if sys.version_info < (3, 12) and after < before - 1000:
    sys.exit("None lost %d references" % (before - after))
"""


def test_twenty_thousand_void_calls_do_not_crash_the_interpreter():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr[-2000:])
    assert "none_dealloc" not in done.stderr
    assert f"calls {CALLS * 2}" in done.stdout

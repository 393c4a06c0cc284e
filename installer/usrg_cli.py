"""Entry script of the frozen `usrg` command (PyInstaller needs a file, not an entry point)."""

import sys

from usrg_desktop.cli import main

sys.exit(main())

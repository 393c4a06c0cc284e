"""Entry script of the frozen `usrg-desktop` (PyInstaller runs a file, not a package)."""

import sys

from usrg_desktop.app import main

sys.exit(main())

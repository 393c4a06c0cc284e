"""`python -m usrg_desktop.cli` runs the `usrg` command."""

import sys

from . import main

sys.exit(main())

"""``python -m stretchkit``: the command line, for when the script is not on PATH."""

import sys

from stretchkit.cli import main

sys.exit(main())

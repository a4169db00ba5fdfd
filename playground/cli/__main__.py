"""`python -m playground.cli`: the `playground` command."""

import sys

from playground.cli import main

sys.exit(main())

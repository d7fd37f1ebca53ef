"""``python -m sync.server`` = ``motcua-server``."""

import sys

from sync.server.cli import main

sys.exit(main())

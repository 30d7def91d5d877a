"""``python -m wtguidance`` runs the command line."""

import sys

from wtguidance.cli.main import main

sys.exit(main())

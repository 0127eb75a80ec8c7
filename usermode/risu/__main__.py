"""``python -m usermode.risu``: see usermode/risu/cli.py."""
import sys

from .cli import main

sys.exit(main())

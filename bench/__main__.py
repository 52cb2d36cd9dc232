"""``python -m bench``: see ``bench.runner`` and ``bench/README.md``."""

import sys

from bench.runner import main

sys.exit(main())

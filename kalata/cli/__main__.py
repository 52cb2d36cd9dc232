import sys

from kalata.cli import main

sys.exit(main())

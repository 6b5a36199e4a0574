"""``python -m iraqkg.cli``: the same command as ``iraqkg``."""

from iraqkg.cli import main

main()

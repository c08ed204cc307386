"""`python -m lmis` runs the lmis command."""

from lmis.cli import main

main()

"""`python -m wipestation.cli`: the same as the `wipestation` command."""

from wipestation.cli import main

main()

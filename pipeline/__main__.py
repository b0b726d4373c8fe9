"""`python -m pipeline` runs the papercast command."""

from .cli import main

main()

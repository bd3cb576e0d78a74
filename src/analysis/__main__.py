"""Command line: ``python -m analysis reproduce [--force] [--only STEP] …`` and ``verify``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m analysis reproduce [--force] [--only STEP] [--params FILE] [--out DIR]\n"
              "       python -m analysis verify [--built DIR] [--params FILE]\n"
              "       python -m analysis validate make|score [FILES] [--simulate] [--out DIR]")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "reproduce":
        from .reproduce import main as reproduce_main

        return reproduce_main(rest)
    if command == "verify":
        from .verify import main as verify_main

        return verify_main(rest)
    if command == "validate":
        from .validation.cli import main as validate_main

        return validate_main(rest)
    print(f"unknown command {command!r}; try: python -m analysis reproduce", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

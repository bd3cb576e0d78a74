"""Command line: ``python -m analysis reproduce [--force] [--only STEP] …``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m analysis reproduce [--force] [--only STEP] [--params FILE] [--out DIR]")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "reproduce":
        from .reproduce import main as reproduce_main

        return reproduce_main(rest)
    print(f"unknown command {command!r}; try: python -m analysis reproduce", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

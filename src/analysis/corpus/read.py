"""Reading bytes into lines: text files in UTF-8, UTF-16 or GB18030, and ``.docx``."""

from __future__ import annotations

from pathlib import Path

from .model import CorpusFormatError

__all__ = ["decode_bytes", "read_docx_lines", "read_lines", "read_text_file"]


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode a text file: UTF-8 (BOM optional), UTF-16 with BOM, or GB18030.

    Raises
    ------
    CorpusFormatError
        Empty, binary or undecodable input; the message gives the line of the
        first bad byte.
    """
    if not data.strip():
        raise CorpusFormatError(f"{path}: the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CorpusFormatError(f"{path}: invalid UTF-16 at byte {exc.start}") from exc
    if b"\x00" in data[:8192] or data.startswith(b"PK\x03\x04"):
        nul = max(data.find(b"\x00"), 0)
        raise CorpusFormatError(
            f"{path}: looks like a binary file (line {_line_of(data, nul)}); "
            "expected UTF-8 or GB18030 text, or a .docx"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_err:
        return _decode_gb18030(data, path, utf8_err)


def _decode_gb18030(data: bytes, path: Path, utf8_err: UnicodeDecodeError) -> str:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise CorpusFormatError(
            f"{path}: line {_line_of(data, utf8_err.start)}: not valid UTF-8 "
            f"(byte {data[utf8_err.start]:#04x} at offset {utf8_err.start}) "
            f"and not valid GB18030 (line {_line_of(data, exc.start)})"
        ) from exc
    # GB18030 accepts many byte strings; insist the result reads as Chinese.
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    letters = sum(1 for ch in text if ch.isalpha())
    if letters and han / letters < 0.5:
        raise CorpusFormatError(
            f"{path}: line {_line_of(data, utf8_err.start)}: not valid UTF-8, and "
            "decoding as GB18030 does not give Chinese text; unknown encoding"
        )
    return text


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_text_file(path: str | Path) -> str:
    """Read a text file with :func:`decode_bytes`, normalising line endings."""
    path = Path(path)
    return "\n".join(_split_lines(decode_bytes(path.read_bytes(), path)))


def read_docx_lines(path: Path) -> list[str]:
    """The paragraphs of a ``.docx`` as lines (error messages count paragraphs)."""
    import docx  # python-docx; imported lazily, most users read .txt
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise CorpusFormatError(f"{path}: not a readable .docx file ({exc})") from exc
    lines = [para.text.replace("\n", " ") for para in document.paragraphs]
    if not any(line.strip() for line in lines):
        raise CorpusFormatError(f"{path}: the document is empty")
    return lines


def read_lines(path: Path, data: bytes) -> list[str]:
    """Lines of a compilation file whose raw bytes are ``data`` (``.docx`` or text)."""
    if path.suffix.lower() == ".docx":
        if not data:
            raise CorpusFormatError(f"{path}: the file is empty")
        return read_docx_lines(path)
    return _split_lines(decode_bytes(data, path))

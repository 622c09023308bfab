"""Open an input workbook safely, or explain in Chinese why it cannot be read.

HR files come from mail attachments and HR systems: renamed CSVs, legacy .xls,
password-protected workbooks, half-downloaded files.  Each is recognised from
its bytes before openpyxl sees it, so the user is told what to do instead of
getting a traceback.  The zip directory is checked against size limits (zip
bombs) and XML is parsed by defusedxml (entity bombs, external entities).
Python's zipfile never returns more than an entry's declared size, so checking
the declared sizes bounds the memory used.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import defusedxml
import openpyxl
import openpyxl.xml

from reporter.errors import InputFileError, ReporterError

MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_RATIO = 200
_RATIO_MIN_SIZE = 1024 * 1024  # small entries may compress very well; ignore them

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTION = "EncryptionInfo".encode("utf-16-le")
_SNIFF_BYTES = 64 * 1024

_DAMAGED = "文件已损坏或不完整（可能下载或复制时中断）：请重新下载，或在 Excel 中打开后另存为新的 .xlsx 再试"
_NOT_EXCEL = "不是 Excel 工作簿（.xlsx）：请确认选择了正确的文件，并在 Excel 中另存为 .xlsx"


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _contains(path: Path, needle: bytes) -> bool:
    """Search the whole file in chunks (OLE2 directory entries may sit anywhere)."""
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def _decode_text(head: bytes) -> str | None:
    """The head as text if it looks like UTF-8 or GBK text, else None."""
    if b"\x00" in head:
        return None
    for encoding in ("utf-8-sig", "gbk"):
        for cut in range(4):  # the sniffed head may end inside a multi-byte character
            try:
                return head[: len(head) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
    return None


def _sniff_non_zip(path: Path, head: bytes) -> str:
    """Name what a non-zip file is, for the refusal message."""
    if head.startswith(_OLE2_MAGIC):
        if _contains(path, _ENCRYPTION):
            return "文件已加密：请在 Excel 中取消密码（文件 › 信息 › 保护工作簿 › 用密码进行加密，清空密码）后另存为 .xlsx"
        return "这是旧版 Excel 97-2003 文件（.xls）：请在 Excel 中另存为 .xlsx（Excel 工作簿）后再试"
    text = _decode_text(head)
    if text is not None:
        stripped = text.lstrip().lower()
        if stripped.startswith("<") and ("<html" in stripped or "<table" in stripped or "spreadsheet" in stripped):
            return "这是网页/XML 格式的文件，只是扩展名像 Excel：请用 Excel 打开后另存为 .xlsx（Excel 工作簿）"
        if "," in text or "\t" in text:
            return "这是 CSV/文本文件，只是改了扩展名：请用 Excel 打开后另存为 .xlsx（Excel 工作簿）"
    return _NOT_EXCEL


def _not_xlsx_zip(names: set[str], zf: zipfile.ZipFile) -> str:
    if "word/document.xml" in names:
        return "这是 Word 文档（.docx），不是 Excel 工作簿：请选择正确的 .xlsx 文件"
    if "ppt/presentation.xml" in names:
        return "这是 PowerPoint 文件（.pptx），不是 Excel 工作簿：请选择正确的 .xlsx 文件"
    if "mimetype" in names:
        try:
            mimetype = zf.read("mimetype")[:100]
        except Exception:  # only used to word the message
            mimetype = b""
        if b"opendocument" in mimetype:
            return "这是 OpenDocument 文件（如 WPS/LibreOffice 的 .ods），不是 .xlsx：请在原软件中另存为 .xlsx（Excel 工作簿）"
    return "压缩包中没有 Excel 工作簿内容（缺少 xl/workbook.xml），不是 .xlsx 文件：请在 Excel 中另存为 .xlsx 后再试"


def check_workbook_file(path: Path, *, max_uncompressed: int = MAX_UNCOMPRESSED,
                        max_entries: int = MAX_ENTRIES, max_ratio: float = MAX_RATIO) -> None:
    """Raise InputFileError unless ``path`` is a plausible, safe .xlsx (nothing is parsed yet)."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise InputFileError(name, "找不到文件：请检查文件路径和文件名是否正确")
    if not path.is_file():
        raise InputFileError(name, "这是一个文件夹，不是文件：请选择要读取的 .xlsx 文件")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError:
        raise InputFileError(name, "无法读取文件（可能没有权限或正被其他程序占用）：请关闭 Excel 等程序后重试") from None
    if size == 0:
        raise InputFileError(name, "文件是空的（0 字节）：请重新保存或重新下载该文件")
    if not head.startswith(b"PK"):
        try:
            message = _sniff_non_zip(path, head)
        except OSError:
            message = _NOT_EXCEL
        raise InputFileError(name, message)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {info.filename for info in infos}
            if len(infos) > max_entries:
                raise InputFileError(name, (
                    f"压缩包内有 {len(infos)} 个条目，超过上限 {max_entries}，疑似恶意文件（压缩炸弹），已拒绝读取："
                    "请确认文件来源，或在 Excel 中打开后另存为新的 .xlsx"))
            total = sum(info.file_size for info in infos)
            if total > max_uncompressed:
                raise InputFileError(name, (
                    f"文件解压后共 {_mb(total)}，超过上限 {_mb(max_uncompressed)}，疑似恶意文件（压缩炸弹），已拒绝读取："
                    "请确认文件来源；如确为正常报表，请删除多余的空行、空列和图片后重新保存"))
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > _RATIO_MIN_SIZE and ratio > max_ratio:
                    raise InputFileError(name, (
                        f"{info.filename} 解压后 {_mb(info.file_size)}，压缩后仅 {info.compress_size} 字节"
                        f"（压缩比 {ratio:.0f} 倍，上限 {max_ratio:g} 倍），疑似恶意文件（压缩炸弹），已拒绝读取："
                        "请确认文件来源；如确为正常报表，请删除多余的空行和空列后重新保存"))
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise InputFileError(name, _not_xlsx_zip(names, zf))
    except InputFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, OSError, ValueError,
            NotImplementedError):
        raise InputFileError(name, _DAMAGED) from None


def open_workbook(path: Path, *, data_only: bool = False):
    """Check the file, then load it with openpyxl; every failure becomes InputFileError."""
    path = Path(path)
    check_workbook_file(path)
    if not getattr(openpyxl.xml, "DEFUSEDXML", False):
        raise ReporterError(
            "openpyxl 未启用 defusedxml，出于安全原因拒绝读取 Excel 文件：请运行 pip install defusedxml 后重试")
    name = str(path)
    try:
        # A file object, not the path: openpyxl would otherwise refuse a valid
        # workbook only because its extension is .xls or missing.
        with path.open("rb") as fh:
            return openpyxl.load_workbook(fh, data_only=data_only, read_only=False, keep_links=False)
    except MemoryError:
        raise InputFileError(name, "文件太大，内存不足以读取：请删除多余的工作表、空行和图片后重新保存") from None
    except Exception as exc:  # never show a traceback to HR
        if _caused_by(exc, defusedxml.DefusedXmlException):
            raise InputFileError(name, (
                "文件包含不安全的 XML 实体声明，已拒绝读取（该文件可能被篡改）："
                "请确认文件来源，或在 Excel 中打开后另存为新的 .xlsx")) from exc
        raise InputFileError(name, f"{_DAMAGED}（错误类型：{type(exc).__name__}）") from exc


def _caused_by(exc: BaseException, kind: type) -> bool:
    """openpyxl re-raises parse errors as ValueError; look down the chain."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False

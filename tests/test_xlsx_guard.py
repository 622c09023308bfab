"""Opening input workbooks: real files that are not what they claim, or are hostile."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from reporter.errors import InputFileError
from reporter.input.guard import check_workbook_file, open_workbook

OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")


def make_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "员工"
    ws.append(["工号", "姓名"])
    ws.append(["HZ0001", "张伟"])
    wb.save(path)
    return path


def rewrite_member(src: Path, dst: Path, member: str, transform) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == member:
                data = transform(data)
            zout.writestr(info.filename, data)
    return dst


@pytest.fixture
def good(tmp_path):
    return make_xlsx(tmp_path / "good.xlsx")


def test_good_workbook_opens(good):
    check_workbook_file(good)
    wb = open_workbook(good)
    assert wb["员工"]["B2"].value == "张伟"
    assert open_workbook(good, data_only=True)["员工"]["A2"].value == "HZ0001"


def test_xlsx_with_wrong_extension_still_opens(good, tmp_path):
    renamed = tmp_path / "导出.xls"
    renamed.write_bytes(good.read_bytes())
    assert open_workbook(renamed)["员工"]["A1"].value == "工号"


def _entity_bomb(data: bytes) -> bytes:
    text = data.decode("utf-8")
    doctype = '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
    if text.startswith("<?xml"):
        end = text.index("?>") + 2
        text = text[:end] + doctype + text[end:]
    else:
        text = doctype + text
    text = text.replace('name="员工"', 'name="&b;"', 1).replace("<t>张伟</t>", "<t>&b;</t>", 1)
    assert "&b;</t>" in text or 'name="&b;"' in text
    return text.encode("utf-8")


def _file_cases(tmp_path: Path, good: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """name -> (file, keywords the message must contain)."""
    cases = {}

    def add(name, filename, content, *keywords):
        path = tmp_path / filename
        if isinstance(content, Path):
            path = content
        else:
            path.write_bytes(content)
        cases[name] = (path, keywords)

    add("missing", "nope.xlsx", b"", "找不到文件", "请检查")
    (tmp_path / "nope.xlsx").unlink()
    add("empty", "empty.xlsx", b"", "空的", "重新")
    add("csv", "data.xlsx", "工号,姓名\nHZ0001,张伟\n".encode(), "CSV", "另存为 .xlsx")
    add("csv_gbk", "gbk.xlsx", "工号\t姓名\nHZ0001\t张伟\n".encode("gbk"), "CSV", "另存为 .xlsx")
    add("html", "export.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>",
        "网页", "另存为 .xlsx")
    add("xls", "old.xls", OLE2 + b"\x00" * 4088, ".xls", "另存为 .xlsx")
    add("encrypted", "secret.xlsx",
        OLE2 + b"\x00" * 2000 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 2000,
        "文件已加密", "取消密码", "另存为 .xlsx")
    add("binary", "random.xlsx", bytes(range(256)) * 8, "不是 Excel 工作簿", "另存为 .xlsx")
    data = good.read_bytes()
    add("truncated", "half.xlsx", data[: len(data) // 2], "文件已损坏或不完整", "重新下载")
    add("truncated_tail", "tail.xlsx", data[:-30], "文件已损坏或不完整")
    add("entity_bomb", "bomb.xlsx",
        rewrite_member(good, tmp_path / "entity.xlsx", "xl/workbook.xml", _entity_bomb),
        "XML 实体", "已拒绝读取", "请确认文件来源")
    add("sheet_entity_bomb", "bomb2.xlsx",
        rewrite_member(good, tmp_path / "entity2.xlsx", "xl/worksheets/sheet1.xml", _entity_bomb),
        "XML 实体", "已拒绝读取")

    docx = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    add("docx", "", docx, "Word", "请选择正确的 .xlsx")

    ods = tmp_path / "sheet.xlsx"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office/>")
    add("ods", "", ods, "OpenDocument", "另存为 .xlsx")

    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(bare, "w") as zf:
        zf.writestr("readme.txt", "hello")
    add("other_zip", "", bare, "xl/workbook.xml", "另存为 .xlsx")

    bomb = tmp_path / "zipbomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    add("ratio_bomb", "", bomb, "压缩炸弹", "压缩比", "MB", "请确认文件来源")
    return cases


CASES = ["missing", "empty", "csv", "csv_gbk", "html", "xls", "encrypted", "binary", "truncated",
         "truncated_tail", "entity_bomb", "sheet_entity_bomb", "docx", "ods", "other_zip", "ratio_bomb"]


@pytest.mark.parametrize("case", CASES)
def test_refused_files(case, tmp_path, good):
    path, keywords = _file_cases(tmp_path, good)[case]
    with pytest.raises(InputFileError) as info:
        open_workbook(path)
    assert type(info.value) is InputFileError
    message = info.value.problem.message
    for keyword in keywords:
        assert keyword in message, message
    assert "：请" in message
    assert info.value.problem.file == str(path)


def test_check_alone_refuses_before_xml_is_parsed(tmp_path, good):
    """The entity bomb passes the byte-level check; only the defused parse refuses it."""
    path = rewrite_member(good, tmp_path / "entity.xlsx", "xl/workbook.xml", _entity_bomb)
    check_workbook_file(path)
    with pytest.raises(InputFileError, match="XML 实体"):
        open_workbook(path)


def test_directory_is_refused(tmp_path):
    with pytest.raises(InputFileError, match="文件夹"):
        check_workbook_file(tmp_path)


@pytest.mark.parametrize(("limits", "keywords"), [
    ({"max_uncompressed": 1000}, ("解压后共", "超过上限", "压缩炸弹", "请确认文件来源")),
    ({"max_entries": 3}, ("个条目", "超过上限 3", "压缩炸弹", "请确认文件来源")),
    ({"max_ratio": 1.5}, ()),  # real entries are far below 1 MiB: ratio rule ignores them
])
def test_limits_are_parameters(good, limits, keywords):
    if not keywords:
        check_workbook_file(good, **limits)
        return
    with pytest.raises(InputFileError) as info:
        check_workbook_file(good, **limits)
    for keyword in keywords:
        assert keyword in info.value.problem.message


def test_damaged_xml_inside_a_zip_is_input_file_error(tmp_path, good):
    path = rewrite_member(good, tmp_path / "broken.xlsx", "xl/workbook.xml", lambda data: data[:40])
    with pytest.raises(InputFileError) as info:
        open_workbook(path)
    assert "文件已损坏或不完整" in info.value.problem.message

"""A small writer of .xlsx workbooks: sheets of text and numbers in a fixed set of styles, each
row written once as XML text.

openpyxl (normal or write-only mode) builds a cell object per value and serialises it element
by element: about 30 µs a cell, 7.7 times the demo year's time at 500 budget lines. The year's
workbook needs none of what that buys (reading, formulas, charts), only rows, a few styles,
column widths and frozen panes, so it is written here as the Office Open XML that openpyxl
itself would write; `tests/budget/test_export.py` reads the result back with openpyxl.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Style:
    """One cell format: a bold or coloured font, a solid fill, a number format, wrapped text."""

    bold: bool = False
    size: int = 11
    color: str = ""
    fill: str = ""
    number_format: str = ""
    wrap_top: bool = False


@dataclass
class Sheet:
    title: str
    widths: list[int]
    # The first cell that scrolls ("C5": rows 1-4 and columns A-B stay in view), or "".
    freeze: str = ""
    rows: list[str] = field(default_factory=list)

    def add(self, values: list, styles: list[int] | int = 0) -> None:
        """A row of text, numbers or None; `styles` are `Workbook.style` numbers, one for the
        whole row or one per cell. Text is always text, never a formula."""
        number = len(self.rows) + 1
        if isinstance(styles, int):
            styles = [styles] * len(values)
        cells = []
        for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
            ref = f"{get_column_letter(column)}{number}"
            styled = f' s="{style}"' if style else ""
            if value is None or value == "":
                if style:
                    cells.append(f'<c r="{ref}"{styled}/>')
            elif isinstance(value, str):
                cells.append(
                    f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">'
                    f"{escape(value)}</t></is></c>"
                )
            elif isinstance(value, bool):
                raise TypeError("a workbook cell here is text or a number")
            elif isinstance(value, int | float | Decimal):
                shown = format(value, "f") if isinstance(value, Decimal) else repr(value)
                cells.append(f'<c r="{ref}"{styled}><v>{shown}</v></c>')
            else:
                raise TypeError(f"a workbook cell here is text or a number, not {type(value)}")
        self.rows.append(f'<row r="{number}">{"".join(cells)}</row>')

    def xml(self) -> str:
        views = '<sheetView workbookViewId="0"/>'
        if self.freeze:
            column, row = _split(self.freeze)
            views = (
                f'<sheetView workbookViewId="0"><pane xSplit="{column - 1}" ySplit="{row - 1}" '
                f'topLeftCell="{self.freeze}" activePane="bottomRight" state="frozen"/>'
                f'<selection pane="bottomRight" activeCell="{self.freeze}" '
                f'sqref="{self.freeze}"/></sheetView>'
            )
        columns = "".join(
            f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
            for n, width in enumerate(self.widths, start=1)
        )
        return (
            f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            f"<sheetViews>{views}</sheetViews>"
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{columns}</cols>'
            f"<sheetData>{''.join(self.rows)}</sheetData></worksheet>"
        )


def _split(reference: str) -> tuple[int, int]:
    letters = reference.rstrip("0123456789")
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter.upper()) - 64
    return column, int(reference[len(letters) :])


class Workbook:
    def __init__(self) -> None:
        self.sheets: list[Sheet] = []
        self.styles: list[Style] = [Style()]

    def style(self, **style) -> int:
        """The number cells of this style are written with (the same style, the same number)."""
        wanted = Style(**style)
        if wanted not in self.styles:
            self.styles.append(wanted)
        return self.styles.index(wanted)

    def sheet(self, title: str, *, widths: list[int], freeze: str = "") -> Sheet:
        sheet = Sheet(title=title, widths=widths, freeze=freeze)
        self.sheets.append(sheet)
        return sheet

    def save(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", self._content_types())
            archive.writestr(
                "_rels/.rels",
                f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship '
                f'Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
                "</Relationships>",
            )
            archive.writestr("xl/workbook.xml", self._workbook())
            archive.writestr("xl/_rels/workbook.xml.rels", self._workbook_relationships())
            archive.writestr("xl/styles.xml", self._styles())
            for number, sheet in enumerate(self.sheets, start=1):
                archive.writestr(f"xl/worksheets/sheet{number}.xml", sheet.xml())
        return buffer.getvalue()

    def _content_types(self) -> str:
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{kind}.worksheet+xml"/>'
            for n in range(1, len(self.sheets) + 1)
        )
        return (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{kind}.styles+xml"/>'
            f"{sheets}</Types>"
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name={quoteattr(sheet.title)} sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in enumerate(self.sheets, start=1)
        )
        return (
            f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            f"<sheets>{sheets}</sheets></workbook>"
        )

    def _workbook_relationships(self) -> str:
        sheets = "".join(
            f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(self.sheets) + 1)
        )
        styles = len(self.sheets) + 1
        return (
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{sheets}'
            f'<Relationship Id="rId{styles}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        )

    def _styles(self) -> str:
        fonts = [(False, 11, "")]
        fills = ["none", "gray125"]  # the two fills every workbook starts with
        formats: list[str] = []
        cells = []
        for style in self.styles:
            font = (style.bold, style.size, style.color)
            if font not in fonts:
                fonts.append(font)
            fill = style.fill or "none"
            if fill not in fills:
                fills.append(fill)
            number_format = 0
            if style.number_format:
                if style.number_format not in formats:
                    formats.append(style.number_format)
                number_format = 164 + formats.index(style.number_format)
            applied = "".join(
                f' apply{name}="1"'
                for name, applies in (
                    ("NumberFormat", number_format),
                    ("Font", fonts.index(font)),
                    ("Fill", fills.index(fill) > 1),
                    ("Alignment", style.wrap_top),
                )
                if applies
            )
            body = '<alignment vertical="top" wrapText="1"/>' if style.wrap_top else ""
            cells.append(
                f'<xf numFmtId="{number_format}" fontId="{fonts.index(font)}" '
                f'fillId="{fills.index(fill)}" borderId="0" xfId="0"{applied}>{body}</xf>'
            )
        number_formats = "".join(
            f"<numFmt numFmtId={quoteattr(str(164 + n))} formatCode={quoteattr(code)}/>"
            for n, code in enumerate(formats)
        )
        font_xml = "".join(
            "<font>"
            + ("<b/>" if bold else "")
            + f'<sz val="{size}"/>'
            + (f'<color rgb="00{color}"/>' if color else "")
            + '<name val="Calibri"/><family val="2"/></font>'
            for bold, size, color in fonts
        )
        fill_xml = "".join(
            f'<fill><patternFill patternType="{fill}"/></fill>'
            if fill in ("none", "gray125")
            else f'<fill><patternFill patternType="solid"><fgColor rgb="00{fill}"/>'
            f'<bgColor indexed="64"/></patternFill></fill>'
            for fill in fills
        )
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(formats)}">{number_formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(fonts)}">{font_xml}</fonts>'
            f'<fills count="{len(fills)}">{fill_xml}</fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            f'<cellXfs count="{len(cells)}">{"".join(cells)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        )

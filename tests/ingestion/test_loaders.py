"""Loaders on real files made by the tests: PDF (fpdf2, pypdf), DOCX, Markdown, text."""

from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from langchain_core.documents import Document
from pypdf import PdfReader, PdfWriter

from assistant.errors import DocumentError
from ingestion.blocks import Block
from ingestion.chunking import chunk_blocks
from ingestion.loaders import load


def make_pdf(path: Path, pages: list[list[str]], header: str = "Gemeente Oss - Beleid") -> Path:
    """Write a text PDF with a repeated header and a page-number footer."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.cell(0, 8, header, new_x="LMARGIN", new_y="NEXT")
        for line in lines:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-15)
        pdf.cell(0, 8, f"Pagina {number}")
    pdf.output(str(path))
    return path


def test_pdf_keeps_pages_and_drops_headers_and_hyphenation(tmp_path: Path) -> None:
    pages = [
        ["Meldcode stappen", "", "In stap 1 brengt de professional de signa-", "len in kaart."],
        ["Overleg", "", "In stap 2 overlegt de professional met een collega."],
        ["Gesprek", "", "In stap 3 volgt het gesprek met de betrokkene."],
    ]
    doc = load(make_pdf(tmp_path / "m.pdf", pages))
    texts = [b.text for b in doc.blocks]
    assert any("signalen in kaart" in t for t in texts)
    assert not any("Gemeente Oss - Beleid" in t or "Pagina" in t for t in texts)
    gesprek = next(b for b in doc.blocks if "stap 3" in b.text)
    assert gesprek.page == 3


def test_encrypted_pdf_with_empty_password_loads(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "p.pdf", [["Veilig Thuis is bereikbaar via 0800-2000."]] * 1)
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="", owner_password="eigenaar")
    writer.write(tmp_path / "e.pdf")
    doc = load(tmp_path / "e.pdf")
    assert any("0800-2000" in b.text for b in doc.blocks)


def test_password_protected_pdf_is_reported(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "p.pdf", [["Geheime tekst."]])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="geheim")
    writer.write(tmp_path / "locked.pdf")
    with pytest.raises(DocumentError, match="versleuteld"):
        load(tmp_path / "locked.pdf")


def test_scanned_pdf_without_text_layer_is_reported(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(DocumentError, match="geen tekstlaag"):
        load(tmp_path / "scan.pdf")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("kapot.pdf", b"%PDF-1.4\n1 0 obj <<>> garbage", "beschadigd"),
        ("leeg.md", b"", "leeg"),
        ("leeg.pdf", b"", "leeg"),
        ("latin.txt", "Caf\xe9 re\xe7u".encode("latin-1"), "UTF-8"),
        ("tabel.xlsx", b"PK\x03\x04", "niet ondersteund"),
        ("kapot.docx", b"not a zip", "beschadigd"),
    ],
)
def test_bad_input_gives_a_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason):
        load(path)


def test_docx_headings_lists_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Werkinstructie ViA", level=1)
    document.add_heading("Stappen", level=2)
    document.add_paragraph("Signalen in kaart brengen", style="List Number")
    document.add_paragraph("Overleggen met een collega", style="List Number")
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Rol", "Taak"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "Aandachtsfunctionaris", "Advies"
    document.save(str(tmp_path / "w.docx"))
    doc = load(tmp_path / "w.docx")
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert doc.title == "Werkinstructie ViA"
    assert ("heading", "Stappen") in kinds
    assert ("list_item", "- Overleggen met een collega") in kinds
    assert ("table_row", "Rol: Aandachtsfunctionaris; Taak: Advies") in kinds


def test_markdown_heading_path_lists_and_table_rows(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "# Titel\n\n## Deel\n\nInleiding:\n\n1. een\n2. twee\n\n"
        "| Nr | Naam |\n|---|---|\n| 1 | AVE |\n",
        encoding="utf-8",
    )
    doc = load(tmp_path / "a.md")
    assert doc.title == "Titel"
    assert [b.kind for b in doc.blocks] == [
        "heading",
        "heading",
        "paragraph",
        "list_item",
        "list_item",
        "table_row",
    ]
    assert doc.blocks[-1].text == "Nr: 1; Naam: AVE"


def _markdown(tmp_path: Path, text: str) -> tuple[list[Block], list[Document]]:
    """The blocks of a Markdown file with text, and its chunks (words as tokens)."""
    path = tmp_path / "kb.md"
    path.write_text(text, encoding="utf-8")
    blocks = load(path).blocks
    return blocks, chunk_blocks(blocks, {"title": "Kennisbank"}, lambda t: len(t.split()), 100, 0)


def test_section_references_leave_the_text_for_metadata(tmp_path: Path) -> None:
    blocks, chunks = _markdown(
        tmp_path,
        "# Kennisbank\n\n## Duur\n\nEen huisverbod duurt tien dagen.\n\n"
        "Bronnen: https://example.org/a, https://example.org/b\n",
    )
    assert [b.kind for b in blocks] == ["heading", "heading", "paragraph", "references"]
    assert len(chunks) == 1 and "example.org" not in chunks[0].page_content
    assert chunks[0].metadata["references"] == "https://example.org/a https://example.org/b"


def test_a_summarys_note_about_itself_is_no_passage(tmp_path: Path) -> None:
    blocks, chunks = _markdown(
        tmp_path,
        "# Wet tijdelijk huisverbod\n\nDit document is een samenvatting in eigen woorden en geen "
        "officiële tekst. De belangrijkste bron is de wet zelf.\n\n## Duur\n\n"
        "Een huisverbod duurt tien dagen.\n",
    )
    assert [b.kind for b in blocks] == ["heading", "note", "heading", "paragraph"]
    assert [c.metadata["section"] for c in chunks] == ["Duur"]
    assert not any("samenvatting" in c.page_content for c in chunks)


SAVED_PAGE = """Skip to content
Menu
Zoeken

Signalen ouderproblematiek
Kinderen van ouders met psychische problemen lopen meer risico. Let op deze signalen:
✔ het kind zorgt voor de ouder
✔ het kind komt vaak te laat
▪ de ouder is onbereikbaar
a) de school maakt zich zorgen

Copyright 2026 Voorbeeldorganisatie
"""


def test_a_saved_web_page_keeps_its_structure_and_loses_its_furniture(tmp_path: Path) -> None:
    path = tmp_path / "pagina.txt"
    path.write_text(SAVED_PAGE, encoding="utf-8")
    blocks = load(path).blocks
    assert blocks[0] == Block("heading", "Signalen ouderproblematiek", 2, None)
    assert [b.kind for b in blocks[1:]] == ["paragraph"] + ["list_item"] * 4
    texts = " ".join(b.text for b in blocks)
    assert "Skip to content" not in texts and "Copyright" not in texts and "Menu" not in texts

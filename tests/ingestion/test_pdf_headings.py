"""PDF headings recovered from type size and weight, on real PDFs written by the tests."""

from pathlib import Path

from fpdf import FPDF
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from ingestion.blocks import Block
from ingestion.loaders import load

# (size in pt, style, text) per line; fpdf2 core fonts with cp1252 can set "•".
Line = tuple[int, str, str]

REPORT: list[list[Line]] = [
    [
        (18, "", "Jaarverslag Veilig Thuis 2025"),
        (14, "", "Inleiding"),
        (11, "", "Veilig Thuis is het advies- en meldpunt voor huiselijk geweld en kinder-"),
        (11, "", "mishandeling in de regio. In 2025 kwamen er meer meldingen binnen dan in"),
        (11, "", "het jaar daarvoor, vooral uit het onderwijs."),
        (14, "", "Werkwijze bij een melding"),
        (11, "", "Na een melding beoordeelt een medewerker binnen vijf werkdagen of er direct"),
        (11, "", "gevaar is en welke stappen nodig zijn. Daarbij kijkt de medewerker naar de"),
    ],
    [
        (11, "", "veiligheid van alle betrokkenen en naar de hulp die er al is rondom het"),
        (11, "", "gezin, zodat niemand opnieuw zijn verhaal hoeft te doen."),
        (11, "B", "2.1 Signalen bij kinderen"),
        (11, "", "Professionals letten onder meer op de volgende signalen bij kinderen thuis:"),
        (11, "", "• het kind zorgt voor de ouder"),
        (11, "", "• het kind komt vaak te laat op school en lijkt"),
        (11, "", "moe en teruggetrokken"),
        (14, "", "Stappen van de meldcode"),
        (11, "", "1. Signalen in kaart brengen"),
        (11, "", "2. Overleggen met een collega"),
        (11, "", "Bronnen: https://www.vooreenveiligthuis.nl"),
    ],
]


def write_pdf(path: Path, pages: list[list[Line]], footer: str | None = None) -> Path:
    """Write a text PDF line by line, with a small footer when given ({n}: page number)."""
    pdf = FPDF()
    pdf.core_fonts_encoding = "cp1252"
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        for size, style, text in lines:
            pdf.set_font("helvetica", style=style, size=size)
            pdf.cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")
        if footer:
            pdf.set_font("helvetica", size=9)
            pdf.set_y(-15)
            pdf.cell(0, 8, footer.format(n=number, total=len(pages)))
    pdf.output(str(path))
    return path


def report_blocks(tmp_path: Path) -> list[Block]:
    """The blocks of the two-page report with its 'Pagina N van 2' footer."""
    path = write_pdf(tmp_path / "jaarverslag.pdf", REPORT, footer="Pagina {n} van {total}")
    return load(path).blocks


def test_report_headings_get_levels_from_their_type_size(tmp_path: Path) -> None:
    headings = [(b.text, b.level, b.page) for b in report_blocks(tmp_path) if b.kind == "heading"]
    assert headings == [
        ("Jaarverslag Veilig Thuis 2025", 1, 1),
        ("Inleiding", 2, 1),
        ("Werkwijze bij een melding", 2, 1),
        ("2.1 Signalen bij kinderen", 3, 2),
        ("Stappen van de meldcode", 2, 2),
    ]


def test_report_paragraphs_stay_whole_across_lines_and_the_page_break(tmp_path: Path) -> None:
    paragraphs = [(b.text, b.page) for b in report_blocks(tmp_path) if b.kind == "paragraph"]
    assert paragraphs == [
        (
            "Veilig Thuis is het advies- en meldpunt voor huiselijk geweld en kindermishandeling "
            "in de regio. In 2025 kwamen er meer meldingen binnen dan in het jaar daarvoor, "
            "vooral uit het onderwijs.",
            1,
        ),
        (
            "Na een melding beoordeelt een medewerker binnen vijf werkdagen of er direct gevaar "
            "is en welke stappen nodig zijn. Daarbij kijkt de medewerker naar de veiligheid van "
            "alle betrokkenen en naar de hulp die er al is rondom het gezin, zodat niemand "
            "opnieuw zijn verhaal hoeft te doen.",
            1,
        ),
        ("Professionals letten onder meer op de volgende signalen bij kinderen thuis:", 2),
    ]


def test_report_list_items_stay_whole_and_the_footer_is_gone(tmp_path: Path) -> None:
    blocks = report_blocks(tmp_path)
    items = [(b.text, b.page) for b in blocks if b.kind == "list_item"]
    assert items == [
        ("• het kind zorgt voor de ouder", 2),
        ("• het kind komt vaak te laat op school en lijkt moe en teruggetrokken", 2),
        ("1. Signalen in kaart brengen", 2),
        ("2. Overleggen met een collega", 2),
    ]
    assert not any("Pagina" in b.text for b in blocks)
    assert blocks[-1] == Block("references", "https://www.vooreenveiligthuis.nl", 0, 2)


def test_report_blocks_come_in_reading_order(tmp_path: Path) -> None:
    kinds = [b.kind for b in report_blocks(tmp_path)]
    assert kinds == [
        "heading",
        "heading",
        "paragraph",
        "heading",
        "paragraph",
        "heading",
        "paragraph",
        "list_item",
        "list_item",
        "heading",
        "list_item",
        "list_item",
        "references",
    ]


def test_one_size_pdf_keeps_guessing_headings_from_the_text_shape(tmp_path: Path) -> None:
    pages: list[list[Line]] = [
        [
            (11, "", "Meldcode stappen"),
            (
                11,
                "",
                "In stap 1 brengt de professional de signalen in kaart en legt die vast in het",
            ),
            (11, "", "dossier van de cliënt."),
        ],
        [(11, "", "Overleg"), (11, "", "In stap 2 overlegt de professional met een collega.")],
    ]
    doc = load(write_pdf(tmp_path / "plat.pdf", pages, footer="Pagina {n} van {total}"))
    assert doc.blocks == [
        Block("heading", "Meldcode stappen", 2, 1),
        Block(
            "paragraph",
            "In stap 1 brengt de professional de signalen in kaart en legt die vast in het "
            "dossier van de cliënt.",
            0,
            1,
        ),
        Block("heading", "Overleg", 2, 2),
        Block("paragraph", "In stap 2 overlegt de professional met een collega.", 0, 2),
    ]
    assert doc.title == "Meldcode stappen"


def test_font_size_scaled_by_the_text_and_current_matrix_counts(tmp_path: Path) -> None:
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    fonts = DictionaryObject()
    for name, base in (("/F1", "/Helvetica"), ("/F2", "/Arial,Bold")):
        font = DictionaryObject()
        font[NameObject("/Type")] = NameObject("/Font")
        font[NameObject("/Subtype")] = NameObject("/Type1")
        font[NameObject("/BaseFont")] = NameObject(base)
        fonts[NameObject(name)] = font
    resources = DictionaryObject()
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
    body = "De professional bespreekt de zorgen met de betrokkene en legt het gesprek vast."
    content = DecodedStreamObject()
    content.set_data(
        (
            # 1 pt scaled by the text matrix: 18 pt; 11 pt scaled by the current matrix: 14.3 pt.
            "BT /F1 1 Tf 18 0 0 18 72 780 Tm (Stappenplan) Tj ET\n"
            "q 1.3 0 0 1.3 0 0 cm BT /F1 11 Tf 55 580 Td (Het gesprek) Tj ET Q\n"
            f"BT /F1 11 Tf 72 730 Td ({body}) Tj ET\n"
            "BT /F2 11 Tf 72 705 Td (2.1 Verslaglegging) Tj ET\n"
            f"BT /F1 11 Tf 72 690 Td ({body}) Tj ET\n"
        ).encode("latin-1")
    )
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.write(tmp_path / "matrix.pdf")
    blocks = load(tmp_path / "matrix.pdf").blocks
    assert blocks == [
        Block("heading", "Stappenplan", 1, 1),
        Block("heading", "Het gesprek", 2, 1),
        Block("paragraph", body, 0, 1),
        Block("heading", "2.1 Verslaglegging", 3, 1),
        Block("paragraph", body, 0, 1),
    ]


def test_an_unstyled_heading_in_a_styled_pdf_is_not_glued_into_the_text(tmp_path: Path) -> None:
    pages: list[list[Line]] = [
        [
            (18, "", "Meldcode huiselijk geweld"),
            (
                11,
                "",
                "In stap 1 brengt de professional de signalen in kaart en legt die vast in het",
            ),
            (11, "", "dossier van de cliënt, samen met de gesprekken die erover zijn gevoerd."),
            (11, "", "Overleg met een collega"),
            (11, "", "In stap 2 overlegt de professional met een collega of met Veilig Thuis."),
        ]
    ]
    blocks = load(write_pdf(tmp_path / "titel.pdf", pages)).blocks
    assert [(b.kind, b.text, b.level) for b in blocks] == [
        ("heading", "Meldcode huiselijk geweld", 1),
        (
            "paragraph",
            "In stap 1 brengt de professional de signalen in kaart en legt die vast in het "
            "dossier van de cliënt, samen met de gesprekken die erover zijn gevoerd.",
            0,
        ),
        ("heading", "Overleg met een collega", 2),
        ("paragraph", "In stap 2 overlegt de professional met een collega of met Veilig Thuis.", 0),
    ]


def test_a_pdf_without_a_title_keeps_its_largest_headings_as_sections(tmp_path: Path) -> None:
    pages: list[list[Line]] = [
        [
            (14, "", "Signalen"),
            (11, "", "Let op blauwe plekken en op een kind dat schrikt van aanraking."),
            (14, "", "Overleg"),
            (11, "", "Bespreek je zorgen met de aandachtsfunctionaris van je organisatie."),
        ]
    ]
    blocks = load(write_pdf(tmp_path / "zonder-titel.pdf", pages)).blocks
    headings = [(b.text, b.level) for b in blocks if b.kind == "heading"]
    assert headings == [("Signalen", 2), ("Overleg", 2)]

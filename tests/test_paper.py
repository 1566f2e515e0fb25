"""magcheck paper: the printed PDF as a facilitator and a keyer meet it (pages, numbers, QR codes,
accents, paper sizes, nothing clipped) and bad requests refused before any form is numbered."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp

from magcheck.core.forms import parse_payload
from magcheck.store import Store

from .export_support import dump, fill_store, run

BUNDLED = Path(__file__).resolve().parents[1] / "questionnaires"
MM = 72 / 25.4  # PDF points in a millimetre
LONG_PT = (
    "Quando é preciso fazer alguma coisa pelo grupo, como conduzir um encontro, organizar uma "
    "atividade fora da sede, acolher uma pessoa recém-chegada ou procurar informações sobre "
    "serviços de saúde mental na região, quem participa costuma deixar essa responsabilidade "
    "para mim ou para poucas pessoas, em vez de dividir as tarefas entre todos."
)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    fill_store(directory, groups=1, sessions=1, members=3, names=["Grupo Río"])
    return directory


def paper(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run("paper", *args, data_dir=data_dir, check=check)


def texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(pdf).pages]


def printed(data_dir: Path) -> list:
    with Store.open(data_dir) as store:
        return store.paper_forms()


def test_pdf_is_a_cover_sheet_then_each_form_with_its_number_on_every_page(store_dir, tmp_path):
    out = tmp_path / "forms.pdf"
    result = paper(store_dir, "--questionnaire", "member", "--lang", "es", "--copies", "4",
                   "--group", "Grupo Río", "--out", str(out))  # fmt: skip
    forms = printed(store_dir)
    assert [f.position for f in forms] == [1, 2, 3, 4]
    assert f"{forms[0].number} to {forms[-1].number}" in result.stdout
    assert out.stat().st_mode & 0o777 == 0o600
    pages = texts(out)
    per_form = (len(pages) - 1) // 4
    assert per_form >= 2 and len(pages) == 1 + 4 * per_form
    cover = pages[0]
    assert "Formularios en papel: notas para quien facilita" in cover
    assert "Grupo Río" in cover and f"del {forms[0].number} al {forms[-1].number}" in cover
    assert "boca abajo" in cover and "sobre" in cover  # collect face down, into an envelope
    assert "magcheck config set crisis-text" in cover  # no crisis text set: says how
    assert not re.search(r"\d{4}-\d\b", cover.replace(forms[0].number, "").replace(
        forms[-1].number, ""))  # fmt: skip
    for i, form in enumerate(forms):
        for k in range(per_form):
            text = pages[1 + i * per_form + k]
            assert form.number in text and f"Página {k + 1} de {per_form}" in text
            assert all(other.number not in text for other in forms if other != form)
    first = pages[1]
    assert "Código de participante" in first and "No escriba su nombre" in first
    assert "Nombre" not in first  # no name field


def test_every_qr_code_decodes_to_its_form_identity(store_dir, tmp_path):
    for questionnaire, size in (("member", "a4"), ("facilitator", "letter")):
        out = tmp_path / f"{questionnaire}.pdf"
        paper(store_dir, "--questionnaire", questionnaire, "--lang", "pt", "--copies", "3",
              "--group", "Grupo Río", "--size", size, "--out", str(out))  # fmt: skip
    with Store.open(store_dir) as store:
        expected = {f.serial: store.paper_form(f.serial).identity() for f in store.paper_forms()}
    decoded: dict[int, set[str]] = {}
    for questionnaire in ("member", "facilitator"):
        doc = pypdfium2.PdfDocument(tmp_path / f"{questionnaire}.pdf")
        for index in range(1, len(doc)):  # the cover sheet has no code
            image = doc[index].render(scale=3).to_pil()
            codes = zxingcpp.read_barcodes(image)
            assert len(codes) == 1, f"{questionnaire} page {index + 1}"
            identity = parse_payload(codes[0].text)
            assert identity == expected[identity.serial]
            decoded.setdefault(identity.serial, set()).add(codes[0].text)
        doc.close()
    assert set(decoded) == set(expected)
    assert all(texts == {expected[s].payload()} for s, texts in decoded.items())


def test_spanish_and_portuguese_accents_print_as_written(store_dir, tmp_path):
    with Store.open(store_dir) as store:
        store.set_crisis_text("Línea 106, día y noche: ¿necesita ayuda? ¡Llame ya!", "es")
    es, pt = tmp_path / "es.pdf", tmp_path / "pt.pdf"
    paper(store_dir, "--questionnaire", "member", "--lang", "es", "--copies", "1",
          "--group", "Grupo Río", "--out", str(es))  # fmt: skip
    paper(store_dir, "--questionnaire", "facilitator", "--lang", "pt", "--copies", "1",
          "--group", "Grupo Río", "--out", str(pt))  # fmt: skip
    es_text, pt_text = (re.sub(r"\s+", " ", " ".join(texts(f))) for f in (es, pt))
    for phrase in ("Línea 106, día y noche: ¿necesita ayuda? ¡Llame ya!", "Lo que este grupo "
                   "significa para mí", "Código de participante", "Casi nunca",
                   "Prefiero no decirlo", "los momentos difíciles"):  # fmt: skip
        assert phrase in es_text
    for phrase in ("Autoavaliação de quem facilita o grupo", "Às vezes", "Não sei",
                   "Formulários em papel", "Obrigado", "Página 1 de"):  # fmt: skip
        assert phrase in pt_text


def test_letter_and_a4_are_the_sizes_asked_for(store_dir, tmp_path):
    sizes = {}
    for size in ("a4", "letter"):
        out = tmp_path / f"{size}.pdf"
        paper(store_dir, "--questionnaire", "member", "--copies", "1", "--group", "Grupo Río",
              "--size", size, "--out", str(out))  # fmt: skip
        boxes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
                 for p in pypdf.PdfReader(out).pages}  # fmt: skip
        assert len(boxes) == 1
        sizes[size] = boxes.pop()
    assert sizes == {"a4": (595, 842), "letter": (612, 792)}


def _long_questionnaire(data_dir: Path) -> None:
    """A user questionnaire of 24 items, one with a very long Portuguese text, and the
    longest scale label the bundled ones have made longer still."""
    text = (BUNDLED / "facilitator.yaml").read_text(encoding="utf-8")
    text = text.replace("id: facilitator", "id: longpt", 1)
    text = re.sub(r'(pt: ")Quando é preciso fazer algo pelo grupo[^"]*"', rf'\g<1>{LONG_PT}"', text)
    text = text.replace('"Frequentemente"', '"Frequentemente, quase sempre"')
    folder = data_dir / "questionnaires"
    folder.mkdir(exist_ok=True)
    (folder / "longpt.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_nothing_is_clipped_and_no_item_parts_from_its_boxes(store_dir, tmp_path, size):
    _long_questionnaire(store_dir)
    out = tmp_path / "long.pdf"
    with Store.open(store_dir) as store:
        store.set_crisis_text("Ligue 188 (CVV), a qualquer hora. " * 11, "pt")  # 385 characters
    result = paper(store_dir, "--questionnaire", "longpt", "--lang", "pt", "--copies", "2",
                   "--group", "Grupo Río", "--size", size, "--out", str(out))  # fmt: skip
    assert "warning" not in result.stderr
    pages = texts(out)
    per_form = (len(pages) - 1) // 2
    assert per_form >= 3
    assert (
        re.sub(r"\s+", " ", pages[0]).count("Ligue 188 (CVV)") == 11
    )  # the whole crisis text, on one cover page
    assert printed(store_dir)[0].number in pages[1]  # and the first form starts on page 2
    joined = re.sub(r"\s+", " ", " ".join(pages[1 : 1 + per_form]))
    assert re.sub(r"\s+", " ", LONG_PT) in joined  # wrapped, not cut
    items_seen = []
    for text in pages[1 : 1 + per_form]:
        numbers = [int(n) for n in re.findall(r"(?m)^(\d{1,2})\. ", text)]
        assert text.count("Nunca") == len(numbers)  # each item's boxes are on its page
        items_seen += numbers
    assert items_seen == list(range(1, 25))
    doc = pypdfium2.PdfDocument(out)
    for index in range(len(doc)):
        page = doc[index]
        width, height = page.get_size()
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(i)
            if right <= left:  # spaces and line ends have no ink
                continue
            assert left >= 15 * MM - 1 and right <= width - 15 * MM + 1, (index, i)
            assert bottom >= 15 * MM - 1 and top <= height - 15 * MM + 1, (index, i)
    doc.close()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--questionnaire", "nope"], "no questionnaire 'nope'"),
        (["--questionnaire", "member", "--lang", "fr"], "has no 'fr' text"),
        (["--copies", "0"], "--copies 0: give a number from 1 to 500"),
        (["--copies", "10000"], "--copies 10000"),
        (["--group", "Nobody"], "no group 'Nobody'"),
        (["--out", "{tmp}"], "it is a folder"),
        (["--out", "{data}/magcheck.db"], "the store's own file"),
        (["--date", "2026-02-30"], "is not a date"),
        (["--check", "abcdef12"], "no check 'abcdef12'"),
        (["--size", "a3"], "--size 'a3': choose a4 or letter"),
    ],
)
def test_bad_requests_are_refused_in_one_line_and_number_nothing(
    store_dir, tmp_path, args, message
):
    before = dump(store_dir)
    base = {"--questionnaire": "member", "--copies": "3", "--group": "Grupo Río",
            "--out": str(tmp_path / "forms.pdf")}  # fmt: skip
    given = dict(zip(args[::2], args[1::2], strict=True))
    given = {k: v.format(tmp=tmp_path, data=store_dir) for k, v in given.items()}
    argv = [x for k, v in {**base, **given}.items() for x in (k, v)]
    result = paper(store_dir, *argv, check=False)
    assert result.returncode == 1 and result.stderr.startswith("magcheck: error: ")
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert dump(store_dir) == before and printed(store_dir) == []
    assert not (tmp_path / "forms.pdf").exists()


def test_without_the_paper_extra_the_command_says_what_to_install(store_dir, tmp_path):
    code = (
        "import sys\n"
        "sys.modules['fpdf'] = None  # as if fpdf2 were not installed\n"
        "from magcheck.cli.parser import main\n"
        f"sys.exit(main(['--data-dir', {str(store_dir)!r}, 'paper', '--questionnaire', "
        f"'member', '--copies', '2', '--group', 'Grupo Río', '--out', "
        f"{str(tmp_path / 'f.pdf')!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "magcheck: error: paper forms need the 'fpdf2' package: pip install \"magcheck[paper]\""
    )
    assert printed(store_dir) == []


def test_paper_list_shows_each_form_and_how_far_it_has_come(store_dir, tmp_path):
    empty = paper(store_dir, "list")
    assert "No paper forms printed" in empty.stdout
    paper(store_dir, "--questionnaire", "member", "--lang", "pt", "--copies", "3",
          "--group", "Grupo Río", "--date", "2026-04-07", "--out", str(tmp_path / "a.pdf"))  # fmt: skip
    first = printed(store_dir)
    check_id = first[0].check_id
    paper(store_dir, "--questionnaire", "facilitator", "--copies", "1", "--check", check_id[:8],
          "--out", str(tmp_path / "b.pdf"))  # fmt: skip
    db = sqlite3.connect(store_dir / "magcheck.db")  # as keyed entry will fill it
    with db:
        db.execute(
            "INSERT INTO paper_entries(serial, pass, entered_by, started_at, completed_at)"
            " VALUES (?, 1, 'K1', '2026-04-08T10:00:00', '2026-04-08T10:02:00')",
            (first[0].serial,),
        )
    db.close()
    listing = paper(store_dir, "list", "--check", check_id[:8]).stdout
    rows = [line for line in listing.splitlines() if re.match(r"\s*\d{4}-\d ", line)]
    assert len(rows) == 4
    assert first[0].number in rows[0] and "entered once" in rows[0] and "1/3" in rows[0]
    assert "2026-04-07" in rows[1] and "member v2" in rows[1] and "pt" in rows[1]
    assert "printed" in rows[2] and "facilitator v2" in rows[3] and "1/1" in rows[3]
    with Store.open(store_dir) as store:
        assert {f.check_id for f in store.paper_forms()} == {check_id}


def test_each_box_shows_the_key_a_keyer_types_for_it(store_dir, tmp_path):
    """The small code beside each box is the key `magcheck enter` takes for it (1-5 on the
    scale, 0 prefer not to say, 9 doesn't apply), so a keyer reads keys off the form."""
    from magcheck.core.keying import keymap
    from magcheck.core.questionnaires import load_all

    out = tmp_path / "codes.pdf"
    paper(store_dir, "--questionnaire", "member", "--lang", "es", "--copies", "1",
          "--group", "Grupo Río", "--out", str(out))  # fmt: skip
    page = texts(out)[1]
    row = "1 Nunca 2 Casi nunca 3 A veces 4 Casi siempre 5 Siempre 0 Prefiero no decirlo 9 No se"
    assert re.sub(r"\s+", " ", page).count(row) >= 4  # every item on the page
    keys = keymap(load_all()[0]["member"].scale)
    assert (keys["0"], keys["9"]) == ("prefer_not_to_say", "not_applicable")

"""gettext .po/.pot: golden files byte for byte, edits, target plural forms, msgfmt --check, bad input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from camb_notebook.catalogs import CatalogError, read, write
from camb_notebook.catalogs._model import mark_pristine
from camb_notebook.catalogs._po import PO

GOLDEN = Path(__file__).parent / "golden" / "po"
FILES = sorted(GOLDEN.iterdir())
MSGFMT = shutil.which("msgfmt")


def msgfmt_check(path: Path) -> None:
    """`msgfmt --check` passes on the file (gettext must be installed: the Makefile's env installs it)."""
    assert MSGFMT, "msgfmt missing: `make env` installs gettext"
    done = subprocess.run(
        [MSGFMT, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True, errors="replace"
    )
    assert done.returncode == 0, done.stderr


def test_golden_set_covers_plurals_contexts_crlf_and_encodings() -> None:
    datas = [f.read_bytes() for f in FILES]
    assert len(datas) >= 3
    assert any(b"\r\n" in d for d in datas)
    assert all(b"msgid_plural" in d for d in datas)
    assert sum(b"msgctxt" in d for d in datas) >= 3
    assert any(b"#~ " in d for d in datas) and any(b"#| " in d for d in datas)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_untouched_file_is_byte_identical(path: Path, tmp_path: Path) -> None:
    """write(read(f)) gives f's bytes."""
    out = write(read(path), tmp_path / path.name)
    assert out.read_bytes() == path.read_bytes()


def test_units_columns_states_and_plurals() -> None:
    frame = read(GOLDEN / "messages_pl.po")
    rows = {(r.key, r.context, r.plural): r for r in frame.itertuples()}
    assert rows[("Welcome", None, None)].target == "Witaj"
    assert rows[("Welcome", None, None)].note == "Shown on the home page."
    assert rows[("Welcome", None, None)].locations == ("app/views.py:10", "app/templates/home.html:4")
    assert rows[("May", "verb", None)].state == "new" and rows[("May", "verb", None)].target is None
    assert rows[("May", "month name", None)].target == "Maj"
    deleted = [r for r in frame.itertuples() if r.key == "%(count)d file was deleted."]
    assert [r.plural for r in deleted] == ["one", "few", "many"]
    assert [r.source for r in deleted] == ["%(count)d file was deleted."] + [
        "%(count)d files were deleted."
    ] * 2
    assert deleted[0].flags == ("python-format",)
    assert rows[("Save the file", None, None)].state == "fuzzy"
    assert rows[("Old greeting", None, None)].state == "obsolete"
    assert rows[("Quit", "button", None)].state == "obsolete"
    help_text = next(r for r in frame.itertuples() if r.key.startswith("Line one"))
    assert '"quote", a tab\there and a backslash \\.\n' in help_text.key
    assert list(frame.columns) == [
        "key", "context", "source", "target", "plural", "note", "locations", "flags", "state", "max_length",
    ]  # fmt: skip


def test_edited_entries_render_and_others_keep_their_bytes(tmp_path: Path) -> None:
    """Only the edited entries change; the result passes msgfmt --check and reads back with the edits."""
    source = GOLDEN / "messages_pl.po"
    frame = read(source)
    verb = (frame.key == "May") & (frame.context == "verb")
    frame.loc[verb, "target"] = 'Móc "być"\n'.rstrip("\n")
    frame.loc[verb, "state"] = "translated"
    comments = frame.key == "One comment"
    frame.loc[comments, "target"] = ["Jeden komentarz", "%d komentarze", "%d komentarzy"]
    fuzzy = frame.key == "Save the file"
    frame.loc[fuzzy, "flags"] = [()]
    frame.loc[fuzzy, "state"] = "translated"
    out = write(frame, tmp_path / "pl.po")
    msgfmt_check(out)
    again = read(out)
    assert again.loc[(again.key == "May") & (again.context == "verb"), "target"].item() == 'Móc "być"'
    assert again.loc[again.key == "One comment", "target"].tolist() == [
        "Jeden komentarz",
        "%d komentarze",
        "%d komentarzy",
    ]
    assert again.loc[again.key == "Save the file", "state"].item() == "translated"
    text, old = out.read_text(), source.read_text()
    for block in old.split("\n\n"):
        if "Save the file" not in block and "One comment" not in block and 'msgctxt "verb"' not in block:
            assert block in text


def test_pot_to_polish_gets_three_forms_and_header(tmp_path: Path) -> None:
    """A template rendered for pl: Language and CLDR Plural-Forms in the header, 3 forms, msgfmt clean."""
    data = (GOLDEN / "app_crlf.pot").read_bytes()
    parsed = PO.parse(data, "app_crlf.pot")
    mark_pristine(parsed.units)
    assert [u.plural for u in parsed.units if u.key == "%d apple"] == ["one", "other"]
    assert PO.plural_categories("pl-pl", parsed.meta) == ("one", "few", "many")
    assert PO.plural_categories("ja-jp", parsed.meta) == ("other",)
    out = tmp_path / "pl.po"
    out.write_bytes(PO.render(parsed.units, parsed.meta, "pl-pl"))
    text = out.read_bytes()
    assert b'"Language: pl_PL\\n"\r\n' in text and b"nplurals=3;" in text and b"charset=UTF-8" in text
    assert b'msgstr[2] ""\r\n' in text and b'#, fuzzy\r\nmsgid ""' not in text
    msgfmt_check(out)


def test_new_units_are_appended(tmp_path: Path) -> None:
    frame = read(GOLDEN / "legacy_latin1.po")
    frame.loc[len(frame)] = [
        "Brand new",
        "ctx",
        "Brand new",
        "Tout neuf",
        None,
        "A note",
        ("x.py:1",),
        (),
        "translated",
        None,
    ]
    out = write(frame, tmp_path / "fr.po")
    msgfmt_check(out)
    assert out.read_bytes().startswith((GOLDEN / "legacy_latin1.po").read_bytes())
    again = read(out)
    assert again.iloc[-1].target == "Tout neuf" and again.iloc[-1].context == "ctx"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('msgid "a"\nmsgstr "b\n', "bad.po:2:1: expected a comment"),
        ('msgid "a"\nmsgid_plural "b"\nmsgstr "c"\n', "bad.po:1:1: expected msgstr[N]"),
        ('msgid "a"\n\nmsgid "b"\nmsgstr ""\n', "bad.po:2:1: expected msgstr for the msgid on line 1"),
        ('msgid "a\\q"\nmsgstr ""\n', "bad.po:1:7: valid escapes"),
    ],
)
def test_malformed_file_is_one_line_with_position(tmp_path: Path, text: str, where: str) -> None:
    bad = tmp_path / "bad.po"
    bad.write_text(text)
    with pytest.raises(CatalogError) as caught:
        read(bad)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(tmp_path)) and where in message

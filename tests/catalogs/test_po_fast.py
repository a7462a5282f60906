"""The .po fast path (one regex pass) builds exactly what the line parser builds, or declines."""

from __future__ import annotations

from pathlib import Path

import django
import pytest

from camb_notebook.catalogs import CatalogError
from camb_notebook.catalogs._po import _decode, _parse_entries
from camb_notebook.catalogs._po_fast import parse_fast

GOLDEN = sorted((Path(__file__).parent / "golden" / "po").iterdir())
DJANGO = sorted(Path(django.__file__).parent.glob("conf/locale/*/LC_MESSAGES/django.po"))[::12]

CASES = {
    "simple": 'msgid ""\nmsgstr "Language: fr\\n"\n\n#. n\n#: a.py:1\n#, fuzzy\nmsgid "a"\nmsgstr "b"\n',
    "continuations": 'msgid ""\n"x\\ty"\nmsgstr ""\n"\\"q\\""\n\n\n  \nmsgid "z"\nmsgstr ""\n\n',
    "plural": 'msgctxt "c"\nmsgid "f"\nmsgid_plural "fs"\nmsgstr[0] "x"\nmsgstr[1] "y"\n'
    '#| msgid "o"\nmsgid "g"\nmsgstr ""\n',
    "obsolete": 'msgid "a"\nmsgstr "b"\n\n#~ msgid "c"\n#~ msgstr "d"\n',
    "crlf": 'msgid "a"\r\nmsgstr "b"\r\n',
    "no final newline": 'msgid "a"\nmsgstr "b"',
    "comment-only block": '# just a comment\n\nmsgid "a"\nmsgstr "b"\n',
    "forms out of order": 'msgid "f"\nmsgid_plural "fs"\nmsgstr[1] "y"\nmsgstr[0] "x"\n',
    "bad escape": 'msgid "a\\q"\nmsgstr "b"\n',
    "msgstr without msgid": 'msgstr "b"\n',
}


def _both(text: str) -> tuple[object, object]:
    try:
        slow: object = _parse_entries(text, "x.po")
    except CatalogError as exc:
        slow = exc
    return parse_fast(text), slow


@pytest.mark.parametrize("path", GOLDEN + DJANGO, ids=lambda p: p.parent.parent.name + "/" + p.name)
def test_fast_path_equals_line_parser_on_real_files(path: Path) -> None:
    text = _decode(path.read_bytes(), str(path))[0]
    fast, slow = _both(text)
    assert fast is None or fast == slow
    if "\r" not in text and "#~" not in text:
        assert fast is not None, "an LF-only file without obsolete entries takes the fast path"


@pytest.mark.parametrize("name", list(CASES))
def test_fast_path_equals_line_parser_or_declines(name: str) -> None:
    fast, slow = _both(CASES[name])
    if name in ("simple", "continuations", "plural"):
        assert fast is not None and fast == slow
    else:
        assert fast is None, "unusual shapes and errors are left to the line parser"

"""Real catalogs: Django's shipped admin translations (several languages, 4 and 6 plural forms)."""

from __future__ import annotations

from pathlib import Path

import django
import polib
import pytest
from test_po import msgfmt_check

from camb_notebook.catalogs import read, write
from camb_notebook.sessions import Camb

DJANGO_ADMIN = Path(django.__file__).parent / "contrib" / "admin" / "locale"


def _blank_a_third(path: Path, out: Path) -> set[tuple[str | None, str]]:
    """Blank every third entry of a catalog (all its forms); returns the blanked (context, msgid)."""
    frame = read(path)
    live = frame[frame.state != "obsolete"]
    keys = list(dict.fromkeys(zip(live.context, live.key, strict=True)))[::3]
    blanked = set(keys)
    mask = [(c, k) in blanked for c, k in zip(frame.context, frame.key, strict=True)]
    frame.loc[mask, "target"] = None
    frame.loc[mask, "state"] = "new"
    frame.loc[mask, "flags"] = frame.loc[mask, "flags"].map(lambda f: tuple(x for x in f if x != "fuzzy"))
    write(frame, out)
    return blanked


def _entries(path: Path) -> dict[tuple[str | None, str], polib.POEntry]:
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path)) if not e.obsolete}


@pytest.mark.parametrize("lang", ["pl", "ru", "ar", "ja", "de"])
def test_django_catalog_blank_a_third_translate_missing(camb: Camb, tmp_path: Path, lang: str) -> None:
    """Django's admin catalog: blank a third, translate only='missing', write; msgfmt --check, polib agrees,
    every entry not blanked is unchanged (same polib values and the same bytes)."""
    original = DJANGO_ADMIN / lang / "LC_MESSAGES" / "django.po"
    msgfmt_check(original)  # the shipped file is consistent (es, fr, it, pt_BR are not: 3 forms, nplurals=2)
    blank = tmp_path / "blank.po"
    blanked = _blank_a_third(original, blank)
    assert len(blanked) > 50
    out = str(tmp_path / "{lang}" / "django.po")
    camb.translate_catalog(blank, to=lang, out=out).result(timeout=120)
    written = tmp_path / lang / "django.po"
    msgfmt_check(written)
    before, after = _entries(original), _entries(written)
    assert before.keys() == after.keys()
    for key, old in before.items():
        new = after[key]
        assert len(new.msgstr_plural) == len(old.msgstr_plural)
        if key in blanked or not old.translated():  # blanked here, or already missing in Django's file
            assert new.translated() and "[sandbox" in (new.msgstr or new.msgstr_plural[0])
        else:
            assert (new.msgstr, new.msgstr_plural, new.flags, new.occurrences, new.comment, new.tcomment) == (
                old.msgstr,
                old.msgstr_plural,
                old.flags,
                old.occurrences,
                old.comment,
                old.tcomment,
            )
    text = written.read_text("utf-8")
    kept = [b for b in original.read_text("utf-8").split("\n\n") if b.strip() and not _changed(b, blanked)]
    assert all(block in text for block in kept)


def _changed(block: str, blanked: set[tuple[str | None, str]]) -> bool:
    """Whether an entry's block was to be translated (blanked, or untranslated in the shipped file)."""
    found = [e for e in polib.pofile(block + "\n") if not e.obsolete]
    if not found:
        return False
    return (found[0].msgctxt, found[0].msgid) in blanked or not found[0].translated()

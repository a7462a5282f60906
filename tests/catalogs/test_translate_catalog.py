"""translate_catalog against the sandbox: .pot -> fr/pl/ja, only= rules, plural forms, bad arguments."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from suite_helpers import protected_translation
from test_po import GOLDEN

from camb_notebook.api import UsageError
from camb_notebook.catalogs import read
from camb_notebook.sandbox import Sandbox
from camb_notebook.sessions import Camb


def test_pot_to_three_languages_with_their_plural_forms(camb: Camb, tmp_path: Path) -> None:
    """A template becomes fr/pl/ja files: CLDR plural counts (3/3/1), header language, all translated."""
    pattern = str(tmp_path / "locale" / "{lang}" / "LC_MESSAGES" / "app.po")
    batch = camb.translate_catalog(GOLDEN / "app_crlf.pot", to=["fr-fr", "pl-pl", "ja-jp"], out=pattern)
    frames = batch.result(timeout=60)
    assert sorted(frames) == ["fr-fr", "ja-jp", "pl-pl"]
    counts = {"fr": 3, "pl": 3, "ja": 1}
    for lang, forms in counts.items():
        path = tmp_path / "locale" / lang / "LC_MESSAGES" / "app.po"
        entries = polib.pofile(str(path))
        plural = next(e for e in entries if e.msgid_plural)
        assert len(plural.msgstr_plural) == forms
        assert entries.metadata["Language"].startswith(lang)
        assert all(e.translated() for e in entries)
        hello = entries.find("Hello, %s!\n")
        assert hello is not None and hello.msgstr.endswith("]\n")  # the msgid's final newline is kept
    pl = frames["pl-pl"]
    apples = pl[pl.key == "%d apple"]
    assert apples.plural.tolist() == ["one", "few", "many"]
    assert apples.target.tolist() == [
        protected_translation("%d apple", "pl-pl"),  # %d is protected
        protected_translation("%d apples", "pl-pl"),
        protected_translation("%d apples", "pl-pl"),
    ]
    assert (pl.state == "translated").all()


def test_only_missing_fuzzy_all(camb: Camb, camb_sandbox: Sandbox) -> None:
    """missing: new units only; fuzzy: new and fuzzy (flag cleared); all: every unit but obsolete ones."""
    source = GOLDEN / "messages_pl.po"
    original = read(source)
    for only, expected in (
        ("missing", {"new"}),
        ("fuzzy", {"new", "fuzzy"}),
        ("all", {"new", "fuzzy", "translated"}),
    ):
        frame = camb.translate_catalog(source, to="pl-pl", only=only).result(timeout=60)["pl-pl"]
        for before, after in zip(original.itertuples(), frame.itertuples(), strict=True):
            if before.state in expected:
                assert after.target == _expected(before.source, "pl-pl") and after.state == "translated"
                assert "fuzzy" not in after.flags
            else:
                assert (after.target, after.state, after.flags) == (before.target, before.state, before.flags)


def test_failed_units_keep_their_fuzzy_flag(camb: Camb, camb_sandbox: Sandbox) -> None:
    camb_sandbox.configure(credits={camb_sandbox.api_key: 0})
    frame = camb.translate_catalog(GOLDEN / "messages_pl.po", to="pl-pl", only="fuzzy").result(timeout=60)[
        "pl-pl"
    ]
    fuzzy = frame[frame.key == "Save the file"].iloc[0]
    assert fuzzy["state"] == "fuzzy" and "fuzzy" in fuzzy["flags"]


def test_bad_arguments_are_one_line(camb: Camb, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="only= must be one of"):
        camb.translate_catalog(GOLDEN / "app_crlf.pot", to="fr-fr", only="some")
    with pytest.raises(UsageError, match="names one file for 2 targets"):
        camb.translate_catalog(GOLDEN / "app_crlf.pot", to=["fr-fr", "de-de"], out=str(tmp_path / "x.po"))


def _expected(source: str, target: str) -> str:
    """The sandbox's translation of the source's text, its leading/trailing whitespace kept around it."""
    core = source.strip()
    start = source.index(core[0]) if core else 0
    return source[:start] + protected_translation(core, target) + source[start + len(core) :]


def test_xcstrings_update_adds_targets_and_keeps_other_languages(camb: Camb, tmp_path: Path) -> None:
    """One String Catalog, three targets written in turn: fr/pl added, ja's existing strings kept, de kept."""
    golden = Path(__file__).parent / "golden" / "apple" / "Localizable.xcstrings"
    path = tmp_path / "Localizable.xcstrings"
    path.write_bytes(golden.read_bytes())
    before = json.loads(golden.read_text("utf-8"))["strings"]
    frames = camb.translate_catalog(path, to=["fr", "pl", "ja"], out=str(path)).result(timeout=60)
    after = json.loads(path.read_text("utf-8"))["strings"]
    assert before.keys() == after.keys()
    for key, entry in before.items():
        for lang, value in (entry.get("localizations") or {}).items():
            if lang == "de" or value.get("stringUnit", {}).get("state") == "translated":
                assert after[key]["localizations"][lang] == value
    assert {"fr", "pl"} <= {lang for e in after.values() for lang in e.get("localizations", {})}
    assert (frames["fr"].state.isin(["translated", "obsolete"])).all()
    assert frames["ja"].state.value_counts().get("translated", 0) >= 1


def test_placeholders_are_protected_unless_asked_not_to(camb: Camb) -> None:
    """Default: `%d`/`%s` come back intact (masked for the engine); protect=False sends them as they are."""
    kept = camb.translate_catalog(GOLDEN / "app_crlf.pot", to="pl-pl").result(timeout=60)["pl-pl"]
    assert all("%d" in t for t in kept[kept.key == "%d apple"].target)
    raw = camb.translate_catalog(GOLDEN / "app_crlf.pot", to="pl-pl", protect=False).result(timeout=60)[
        "pl-pl"
    ]
    assert not any("%d" in t for t in raw[raw.key == "%d apple"].target)  # the sandbox accents the d

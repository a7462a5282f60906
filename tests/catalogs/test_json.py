"""JSON catalogs (flat, nested, i18next v4, ARB): golden round trips, edits, plural reshaping, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from camb_notebook.catalogs import CatalogError, read, write
from camb_notebook.catalogs._registry import CatalogState, frame_of, state_of, units_of

GOLDEN = Path(__file__).parent / "golden" / "json"
FILES = sorted(GOLDEN.iterdir())


def test_golden_set_covers_flavours_crlf_and_non_ascii() -> None:
    datas = {f.name: f.read_bytes() for f in FILES}
    assert len(datas) >= 3 and any(n.endswith(".arb") for n in datas)
    assert any(b"\r\n" in d for d in datas.values()) and any(max(d) > 127 for d in datas.values())
    assert any(b"_one" in d for d in datas.values())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_untouched_file_is_byte_identical(path: Path, tmp_path: Path) -> None:
    out = write(read(path), tmp_path / path.name)
    assert out.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_string_edited_reads_back(path: Path, tmp_path: Path) -> None:
    """Targets with quotes, backslashes and non-ASCII land in place; the JSON stays valid."""
    frame = read(path)
    frame["target"] = [f'«{s}» "x"\\ ✓' for s in frame["source"]]
    out = write(frame, tmp_path / path.name)
    json.loads(out.read_bytes().decode("utf-8"))
    again = read(out)
    assert again["source"].tolist() == frame["target"].tolist()
    assert again["key"].tolist() == frame["key"].tolist()


def test_keys_plurals_and_notes() -> None:
    nested = read(GOLDEN / "nested_crlf.json")
    assert nested["key"].tolist() == [
        "nav.home",
        "nav.settings.title",
        "nav.settings.items.0",
        "nav.settings.items.1",
        "footer",
    ]
    inbox = read(GOLDEN / "i18next.json")
    rows = [(r.key, r.plural) for r in inbox.itertuples()]
    assert ("inbox.message", "one") in rows and ("inbox.unread", "zero") in rows
    assert ("friend_male", None) in rows and ("place_ordinal_one", None) in rows
    arb = read(GOLDEN / "app_en.arb")
    assert arb.attrs["camb_catalog"].source_lang == "en"
    assert arb.set_index("key").loc["helloWorld", "note"] == "The conventional newborn programmer greeting"
    assert "@helloWorld" not in arb["key"].tolist()
    assert (arb["state"] == "new").all() and arb["target"].isna().all()


def test_i18next_plurals_take_the_target_forms(tmp_path: Path) -> None:
    """English one/other becomes Polish one/few/many/other (CLDR), Japanese other only, in CLDR order."""
    frame = read(GOLDEN / "i18next.json")
    state = state_of(frame)
    assert state is not None
    for lang, cats in (("pl-pl", ["one", "few", "many", "other"]), ("ja-jp", ["other"])):
        units = []
        for unit in units_of(frame):
            if unit.key == "inbox.message":
                if unit.plural != "other":
                    continue
                units.extend(unit.replace(plural=c, target=f"{lang} {c}") for c in cats)
            else:
                units.append(unit)
        target = frame_of(units, CatalogState(state.format, state.path, state.meta, [], None, lang))
        out = write(target, tmp_path / f"{lang}.json")
        data = json.loads(out.read_text("utf-8"))
        assert [k for k in data["inbox"] if k.startswith("message_")] == [f"message_{c}" for c in cats]
        assert data["inbox"]["unread_zero"] == "No unread messages"
        text = out.read_text("utf-8")
        assert '    "unread_zero": "No unread messages",\n' in text


def test_arb_locale_follows_the_target(tmp_path: Path) -> None:
    frame = read(GOLDEN / "app_en.arb")
    state = state_of(frame)
    assert state is not None
    frame.attrs["camb_catalog"] = CatalogState(
        state.format, state.path, state.meta, state.extras, "en", "fr-fr"
    )
    out = write(frame, tmp_path / "app_fr.arb")
    assert json.loads(out.read_text("utf-8"))["@@locale"] == "fr"


def test_new_units_are_appended(tmp_path: Path) -> None:
    frame = read(GOLDEN / "flat.json")
    frame.loc[len(frame)] = ["added", None, "Added", "Ajouté", None, None, (), (), "translated", None]
    out = write(frame, tmp_path / "flat.json")
    data = json.loads(out.read_text("utf-8"))
    assert data["added"] == "Ajouté" and data["count"] == 3
    assert out.read_text("utf-8").startswith((GOLDEN / "flat.json").read_text("utf-8")[:-3])


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{\n  "a": "b",\n  "c" "d"\n}\n', "bad.json:3:7: expected ':' after the key"),
        ('{\n  "a": "b\\q"\n}\n', "bad.json:2:10: expected a valid JSON string"),
        ('{"a": [1, 2}\n', "bad.json:1:12: expected ',' or ']'"),
        ("[1, 2]\n", "bad.json:1:1: expected a JSON object"),
    ],
)
def test_malformed_file_is_one_line_with_position(tmp_path: Path, text: str, where: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    with pytest.raises(CatalogError) as caught:
        read(bad)
    assert "\n" not in str(caught.value) and where in str(caught.value)

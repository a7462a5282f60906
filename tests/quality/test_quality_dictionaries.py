"""Glossaries end to end on the sandbox: create from CSV/TBX/frame, list, translate with one, adherence QA."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import camb_notebook.frames  # noqa: F401 (registers df.camb)
from camb_notebook.api import UsageError
from camb_notebook.sessions import Camb

TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><text><body>
  <termEntry id="t1">
    <langSet xml:lang="en-us"><tig><term>dubbing</term></tig></langSet>
    <langSet xml:lang="fr-fr"><tig><term>doublage</term></tig></langSet>
  </termEntry>
</body></text></martif>
"""


def test_create_from_csv_list_translate_terms_appear_and_a_violation_is_flagged(
    camb: Camb, tmp_path: Path
) -> None:
    """The acceptance path: CSV → dictionary → listed → translate with it → terms in the output; without it,
    the glossary check flags the term the output should have used."""
    csv = tmp_path / "terms.csv"
    csv.write_text("en-us,fr-fr\nvoice,voix\nCAMB.AI,CAMB.AI\n", encoding="utf-8")
    dictionary_id = camb.create_dictionary(csv, name="Product terms", description="demo")
    listed = camb.dictionaries()
    assert listed.loc[listed["id"] == dictionary_id, "name"].item() == "Product terms"
    assert listed.loc[listed["id"] == dictionary_id, "terms"].item() == 2
    frame = pd.DataFrame({"text": ["The voice of CAMB.AI.", "A clear voice"]})
    out = frame.camb.translate("text", to=["fr-fr"], dictionaries=["Product terms"], session=camb).result(
        timeout=30
    )
    assert all("voix" in text and "vöîçé" not in text for text in out["text_fr-fr"])
    assert "CAMB.AI" in out.loc[0, "text_fr-fr"]
    assert not any(code.startswith("glossary") for codes in out["qa_issues_fr-fr"] for code in codes)
    plain = frame.camb.translate("text", to=["fr-fr"], session=camb).result(timeout=30)
    checked = plain.camb.qa(source="text", target="text_fr-fr", lang="fr-fr", glossary=[("voice", "voix")])
    assert all("glossary:voice→voix" in codes for codes in checked["qa_issues"])


def test_one_target_translate_with_a_dictionary_id(camb: Camb) -> None:
    """camb.translate(..., dictionaries=[id]) sends chosen_dictionaries and checks adherence per text."""
    dictionary_id = camb.create_dictionary(pd.DataFrame({"en": ["voice"], "fr-fr": ["voix"]}), name="Voices")
    result = camb.translate("My voice", to="fr-fr", dictionaries=[dictionary_id]).result(timeout=30)
    assert "voix" in result.texts[0]
    assert result.qa[0] is not None and result.qa[0].status == "ok"


def test_tbx_terms_edit_and_delete(camb: Camb, tmp_path: Path) -> None:
    """TBX import; add, update, delete a term; delete the dictionary."""
    path = tmp_path / "terms.tbx"
    path.write_text(TBX, encoding="utf-8")
    dictionary_id = camb.create_dictionary(path, name="Studio")
    terms = camb.dictionary(dictionary_id)
    assert terms[["en-us", "fr-fr"]].values.tolist() == [["dubbing", "doublage"]]
    camb.add_term("Studio", {"en-us": "voice", "fr-fr": "voix"})
    term_id = int(camb.dictionary(dictionary_id).query("`en-us` == 'voice'")["term_id"].item())
    camb.update_term(dictionary_id, term_id, {"fr-fr": "la voix"})
    assert "la voix" in camb.dictionary(dictionary_id)["fr-fr"].tolist()
    camb.delete_term(dictionary_id, term_id)
    assert len(camb.dictionary(dictionary_id)) == 1
    camb.delete_dictionary(dictionary_id)
    assert dictionary_id not in camb.dictionaries()["id"].tolist()


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        (pd.DataFrame({"en-us": ["a"]}), "at least two language columns"),
        (pd.DataFrame({"xx": ["a"], "yy": ["b"]}), "columns must be languages"),
    ],
)
def test_bad_term_tables_are_one_line(camb: Camb, terms: pd.DataFrame, message: str) -> None:
    """A term table without two language columns fails before anything is sent."""
    with pytest.raises(UsageError, match=message):
        camb.create_dictionary(terms, name="Bad")


def test_unknown_dictionary_name_is_one_line(camb: Camb) -> None:
    """translate(dictionaries=["nope"]) names the missing dictionary."""
    with pytest.raises(UsageError, match="no dictionary named 'nope'"):
        camb.translate(["Hi"], to=["fr-fr"], dictionaries=["nope"])

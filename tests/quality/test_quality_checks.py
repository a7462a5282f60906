"""QA checks and masking as pure functions: each planted error found with the right code, masks round-trip."""

from __future__ import annotations

import pandas as pd
import pytest

import camb_notebook.frames  # noqa: F401 (registers df.camb)
from camb_notebook.quality import Protector, RestoreError, check, plural_categories, severity

# (source, planted translation, target language, check options, the code that must be reported)
PLANTED: list[tuple[str, str, str, dict[str, object], str]] = [
    ("Hello {name}.", "Bonjour.", "fr-fr", {}, "placeholder_missing:{name}"),
    ("Hello {name}.", "Bonjour {name} {name}.", "fr-fr", {}, "placeholder_extra:{name}"),
    ("Hello {name}.", "Bonjour {nom}.", "fr-fr", {}, "placeholder_missing:{name}"),
    ("Hello {name}.", "Bonjour {nom}.", "fr-fr", {}, "placeholder_extra:{nom}"),
    ("%1$s of %2$s", "% 1 $ s de %2$s", "fr-fr", {}, "placeholder_missing:%1$s"),  # poedit#118
    ("Your file %s is ready", "فایل ٪ s آماده است", "ar-sa", {}, "placeholder_missing:%s"),  # %s → ٪ s
    ("%(count)d files", "%(compte)d fichiers", "fr-fr", {}, "placeholder_missing:%(count)d"),
    ("{{count}} new", "{{ compte }} nouveaux", "fr-fr", {}, "placeholder_missing:{{count}}"),
    ("See $t(help.link)", "Voir $t(aide.lien)", "fr-fr", {}, "placeholder_missing:$t(help.link)"),
    ("Value {value!r:>10}", "Valeur {value}", "fr-fr", {}, "placeholder_missing:{value!r:>10}"),
    ("Welcome <b>%s</b>", "Bienvenue <b>%s", "fr-fr", {}, "tag_missing:</b>"),
    ("Welcome <b>%s</b>", "Bienvenue <b>%s</b></b>", "fr-fr", {}, "tag_extra:</b>"),
    (
        "<b>Bold <i>and</i></b>",
        "<b>Gras <i>et</b></i>",
        "fr-fr",
        {},
        "tag_unbalanced:</b>",
    ),  # deepl-python#93
    ("<strong>Warning:</strong> careful", "Attention <strong></strong>", "fr-fr", {}, "tag_emptied:<strong>"),
    ("Fish &amp; chips", "Poisson & frites", "fr-fr", {}, "entity_missing:&amp;"),
    ("Line one\\nLine two", "Ligne un Ligne deux", "fr-fr", {}, "escape_missing:\\n"),
    ("Line one\nLine two", "Ligne un Ligne deux", "fr-fr", {}, "newline_count:1>0"),
    (
        "Visit https://camb.ai/docs now",
        "Visitez https://camb.ia/docs",
        "fr-fr",
        {},
        "url_missing:https://camb.ai/docs",
    ),
    ("Mail support@camb.ai", "Écrivez à support@camb.fr", "fr-fr", {}, "email_missing:support@camb.ai"),
    ("Only 3 left", "Il en reste 4", "fr-fr", {}, "number_missing:3"),
    ("Save", "Enregistrer les modifications", "fr-fr", {"max_length": 10}, "too_long:29>10"),
    ("Save", "   ", "fr-fr", {}, "empty"),
    ("Save changes", "Save changes", "fr-fr", {}, "unchanged"),
    (
        "The voice is clear",
        "La vöîçé est claire",
        "fr-fr",
        {"glossary": [("voice", "voix")]},
        "glossary:voice→voix",
    ),
    ("Welcome to Firn", "Bienvenue chez Firm", "fr-fr", {"dnt": ["Firn"]}, "dnt_missing:Firn"),  # zechub#2182
    ("Hello.", " Bonjour.", "fr-fr", {}, "whitespace_leading"),
    ("Hello ", "Bonjour", "fr-fr", {}, "whitespace_trailing"),
    ("Hello!", "Bonjour", "fr-fr", {}, "end_punctuation:!"),
    ("Hello world", "Bonjour  monde", "fr-fr", {}, "double_space"),
    # ICU: keywords translated (js-lingui#2216), structure broken, categories wrong for the language.
    (
        "{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}",
        "{n, selectordinal, eins {#.} zwei {#.} wenige {#.} andere {#.}}",
        "de-de",
        {},
        "icu_keyword:eins",
    ),
    (
        "{n, plural, one {# item} other {# items}}",
        "{n, pluriel, one {# article} other {# articles}}",
        "fr-fr",
        {},
        "icu_structure:{n, plural}",
    ),
    (
        "{n, plural, one {# item} other {# items}}",
        "{n, plural, one {# article} other {# articles}",
        "fr-fr",
        {},
        "icu_syntax:{n, plural}",
    ),
    (
        "{n, plural, one {# item} other {# items}}",
        "{n, plural, one {# plik} other {# plików}}",
        "pl-pl",
        {},
        "icu_plural_forms:few,many",
    ),
    (
        "{n, plural, one {# item} other {# items}}",
        "{n, plural, one {# 個} other {# 個}}",
        "ja-jp",
        {},
        "icu_plural_unused:one",
    ),
    (
        "{g, select, male {He} other {They}}",
        "{g, select, homme {Il} other {Ils}}",
        "fr-fr",
        {},
        "icu_keyword:homme",
    ),
]


@pytest.mark.parametrize(("source", "target", "lang", "options", "code"), PLANTED)
def test_each_planted_error_is_found_with_its_code(
    source: str, target: str, lang: str, options: dict[str, object], code: str
) -> None:
    """The planted defect is reported under the code the issue names, and errors make the status `error`."""
    result = check(source, target, lang=lang, **options)  # type: ignore[arg-type]
    assert any(
        issue == code or issue.startswith(code + ":") or issue.startswith(code) for issue in result.issues
    ), result.issues
    expected = "error" if severity(code) == "error" else {"warning", "error"}
    assert result.status == expected or result.status in expected


def test_a_good_translation_is_ok() -> None:
    """Same placeholders, tags, URL, number and punctuation: no issue at all."""
    result = check(
        "Hi {name}, <b>3</b> new at https://camb.ai.",
        "Salut {name}, <b>3</b> nouveaux sur https://camb.ai.",
        lang="fr-fr",
    )
    assert (result.status, result.issues) == ("ok", ())


def test_cldr_plural_categories_come_from_babel() -> None:
    """Polish one/few/many/other, Japanese other, Arabic all six, ordinals for English."""
    assert plural_categories("pl-pl") == {"one", "few", "many", "other"}
    assert plural_categories("ja-jp") == {"other"}
    assert plural_categories("ar-sa") == {"zero", "one", "two", "few", "many", "other"}
    assert plural_categories("en-us", ordinal=True) == {"one", "two", "few", "other"}


def test_masks_round_trip_and_a_lost_or_duplicated_mask_raises() -> None:
    """Restoring puts every span back; a lost or duplicated mask raises instead of half-restoring."""
    masked = Protector().prepare("Hi {name}, <b>%d</b> new")
    assert masked.texts == ('Hi <x id="1"/>, <x id="2"/><x id="3"/><x id="4"/> new',)
    moved = ['<x id="2"/><x id="3"/><x id="4"/> nouveaux, salut <X ID = "1" />']
    assert masked.restore(moved) == "<b>%d</b> nouveaux, salut {name}"
    with pytest.raises(RestoreError, match=r"mask_lost:\{name\}"):
        masked.restore(['Salut, <x id="2"/><x id="3"/><x id="4"/> nouveaux'])
    with pytest.raises(RestoreError, match="mask_duplicated:<b>"):
        masked.restore(['<x id="1"/> <x id="2"/><x id="2"/><x id="3"/><x id="4"/>'])


def test_icu_branches_are_sent_apart_and_strict_mode_sends_no_mask() -> None:
    """ICU: only branch texts travel (with `#` masked); strict: only the words between the masks."""
    masked = Protector().prepare("You have {n, plural, one {# item} other {# items}}.")
    assert masked.texts == ('You have <x id="1"/>.', '<x id="1"/> item', '<x id="1"/> items')
    assert masked.restore(['Vous avez <x id="1"/>.', '<x id="1"/> article', '<x id="1"/> articles']) == (
        "Vous avez {n, plural, one {# article} other {# articles}}."
    )
    strict = Protector().prepare("Hi {name}, <b>%d</b> new", strict=True)
    assert strict.texts == ("Hi", "new")
    assert strict.restore(["Salut", "nouveaux"]) == "Salut {name}, <b>%d</b> nouveaux"


def test_frame_qa_checks_translations_from_anywhere() -> None:
    """df.camb.qa: statuses and issues per row, `max_length` from its column, a glossary frame."""
    frame = pd.DataFrame(
        {
            "text": ["Hello {name}.", "Save", "The voice", None],
            "text_fr": ["Bonjour {nom}.", "Enregistrer tout", "La voix", None],
            "max_length": [None, 8, None, None],
        }
    )
    glossary = pd.DataFrame({"en-us": ["voice"], "fr-fr": ["voix"]})
    out = frame.camb.qa(source="text", target="text_fr", lang="fr", glossary=glossary)
    assert list(out["qa_status"][:3]) == ["error", "error", "ok"]
    assert out.loc[0, "qa_issues"] == ("placeholder_missing:{name}", "placeholder_extra:{nom}")
    assert out.loc[1, "qa_issues"] == ("too_long:16>8",)
    summary = out.camb.qa_summary()
    assert summary.loc[summary["check"] == "placeholder_missing", "rows"].item() == 1


def test_qa_view_shows_a_table_and_escaped_bars() -> None:
    """The widget: the counts frame in an Output, one bar per flagged check, labels escaped."""
    import ipywidgets as w

    from camb_notebook.widgets import QaView, qa_view

    frame = pd.DataFrame(
        {"text": ["Hi {name}", "<b>Same text</b>"], "text_fr": ["Salut", "<b>Same text</b>"]}
    )
    view = qa_view(frame.camb.qa(source="text", target="text_fr", lang="fr-fr"))
    assert isinstance(view, QaView) and isinstance(view.children[1], w.Output)
    assert view.summary[["check", "rows"]].values.tolist() == [
        ["rows checked", 2],
        ["placeholder_missing", 1],
        ["unchanged", 1],
    ]
    chart = view.children[2].value
    assert chart.count("title='error'") == 1 and "placeholder_missing" in chart and "<script" not in chart

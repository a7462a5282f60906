"""Parsing of `%camb` lines and `%%camb_translate` cells: quoting, `$var`, `NAME <<`, one-line errors."""

from __future__ import annotations

import pytest

from camb_notebook.api import UsageError
from camb_notebook.magics._parsing import VAR, split_texts, tokenize
from camb_notebook.magics._registry import COMMANDS, help_text, parse_line
from camb_notebook.magics._translate import parse_cell_line


def test_quotes_escapes_and_braces_are_kept_as_typed() -> None:
    """Quoted text keeps its spaces, `{...}` and `$5`; unquoted backslashes only escape specials."""
    tokens = tokenize(r"""translate "Hello {name}, it's $5" 'a "b"' C:\data\x.wav a\ b "say \"hi\"" """)
    assert tokens == ["translate", "Hello {name}, it's $5", 'a "b"', r"C:\data\x.wav", "a b", 'say "hi"']


def test_only_unquoted_dollar_names_are_variable_references() -> None:
    """`$texts` unquoted is a reference; quoted or escaped it is plain text."""
    assert tokenize("$texts '$texts' \\$texts $5") == [VAR + "texts", "$texts", "$texts", "$5"]


def test_variable_reference_is_text_outside_data_fields() -> None:
    """`$x` in a tts text or a flag value stays the literal `$x`."""
    command = parse_line("tts costs $price --voice 3 --lang $lang")
    assert command.args.text == ["costs", "$price"]
    assert command.args.lang == "$lang"


def test_translate_text_keeps_the_variable_reference() -> None:
    """The translate text is where a list/Series/DataFrame may come from."""
    command = parse_line("translate $texts --to fr-fr,de-de --from en-us --formality formal --wait")
    assert command.name == "translate"
    assert command.args.text == [VAR + "texts"]
    args = command.args
    assert (args.target, args.source, args.formality) == ("fr-fr,de-de", "en-us", "formal")
    assert command.args.wait is True


def test_out_prefix_and_flag() -> None:
    """`NAME << ...` and `-o NAME` both name the result variable; agreeing twice is fine."""
    assert parse_line("fr << translate hi --to fr-fr").out == "fr"
    assert parse_line("translate hi --to fr-fr --out fr").out == "fr"
    assert parse_line("fr << translate hi --to fr-fr -o fr").out == "fr"
    assert parse_line("translate 'a << b' --to fr-fr").out is None


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("nope", "Unknown subcommand %camb nope"),
        ("translate hi --bogus", "unrecognized arguments: --bogus"),
        ("tts hi", "required: --voice"),
        ("tts hi --voice x", "invalid int value"),
        ("sandbox reboot", "invalid choice"),
        ("translate 'hi --to fr-fr", "Unterminated ' quote"),
        ("x << key", "%camb key has no result to store"),
        ("a << translate hi --to fr-fr -o b", "Two result names"),
        ("translate hi --to fr-fr -o 2x", "not a valid variable name"),
        ("translate hi --to fr-fr -o class", "not a valid variable name"),
    ],
)
def test_bad_lines_raise_one_line_usage_errors(line: str, words: str) -> None:
    """Every bad line is a UsageError whose rendering is a single line that names the problem."""
    with pytest.raises(UsageError) as info:
        parse_line(line)
    rendered = info.value._render_traceback_()
    assert len(rendered) == 1 and "\n" not in rendered[0]
    assert words in rendered[0]


def test_help_flag_and_empty_line_show_help() -> None:
    """`%camb` alone and `--help` anywhere lead to help rather than an error."""
    assert parse_line("").name == "help"
    command = parse_line("translate --help")
    assert (command.name, command.args.topic) == ("help", "translate")


def test_help_lists_every_subcommand_and_explains_one() -> None:
    """`%camb help` names each subcommand; `%camb help tts` shows its options."""
    text = help_text(None)
    assert all(f"  {name} " in text for name in COMMANDS)
    assert "--voice" in help_text("tts")
    assert "--split" in help_text("camb_translate")
    with pytest.raises(UsageError):
        help_text("bogus")


def test_registry_declares_each_subcommand_once_with_its_parser() -> None:
    """Every row of the one table has a parser named after it and a one-line summary for `%camb help`."""
    for name, command in COMMANDS.items():
        assert command.name == name
        assert command.parser.prog == f"camb {name}"
        assert command.summary and "\n" not in command.summary
    assert "{formal,informal}" in help_text("translate")


def test_cell_line_options() -> None:
    """The `%%camb_translate` line takes targets, split mode, `-o` and the `NAME <<` prefix."""
    args, out = parse_cell_line("df << --to fr-fr,de-de --from auto --split paragraphs --gender female")
    assert (args.target, args.source, args.split, args.gender, out) == (
        "fr-fr,de-de",
        "auto",
        "paragraphs",
        "female",
        "df",
    )
    with pytest.raises(UsageError, match="invalid choice"):
        parse_cell_line("--to fr-fr --split words")


def test_split_modes() -> None:
    """Lines drop blanks and keep order; paragraphs split on blank lines; none keeps the cell whole."""
    body = "\n  Hello {name}  \n\nSecond line\nthird\n\n\n"
    assert split_texts(body, "lines") == ["Hello {name}", "Second line", "third"]
    assert split_texts(body, "paragraphs") == ["Hello {name}", "Second line\nthird"]
    assert split_texts(body, "none") == ["Hello {name}  \n\nSecond line\nthird"]
    assert split_texts(" \n\n", "lines") == split_texts("", "none") == []

"""The curated top-level surface: every advertised name resolves, and nothing else is offered."""

from __future__ import annotations

import pytest

import camb_notebook


@pytest.mark.parametrize("name", camb_notebook.__all__)
def test_every_public_name_resolves(name: str) -> None:
    """Each name in `camb_notebook.__all__` imports (lazily) to a real object."""
    assert getattr(camb_notebook, name) is not None


def test_unknown_names_raise_attribute_error() -> None:
    """A typo gets the usual AttributeError naming the attribute, not an import error."""
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = camb_notebook.no_such_thing  # type: ignore[attr-defined]

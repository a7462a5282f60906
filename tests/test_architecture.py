"""The house rules, checked over the source with `ast`: imports point down the layers, never in a circle.

Every import counts: module level, inside functions (lazy) and under `TYPE_CHECKING`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "camb_notebook"

# Layer rank of each folder: a module may import its own folder or a folder of a lower rank, nothing else.
# The front folders are ranked among themselves too, so two front rooms never import each other both ways.
RANK: dict[str, float] = {
    "api": 0,
    "quality": 0.5,  # placeholder protection and QA checks: pure text, used by every translation path
    "jobs": 1,
    # Data rooms: file formats and their batch plans on the engine; the session's facade offers them.
    "catalogs": 1.5,
    "subtitles": 1.5,
    "datasets": 1.5,
    "sessions": 2,
    "frames": 3,
    "streams": 3,
    "widgets": 4,
    "magics": 5,
    "": 6,  # the top-level package: the public surface and `%load_ext`
}
ISOLATED = "sandbox"  # the emulator imports no code of ours
# "About 300 lines": slack for a facade whose overloaded signatures are long, not for a second concept.
LIMIT = 320


def _module_name(path: Path) -> str:
    """`camb_notebook/jobs/_job.py` -> `camb_notebook.jobs._job` (a package's `__init__` is the package)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The longest known module that `name` names or lies in (None for other packages)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str) -> set[str]:
    """Every camb_notebook module `module` imports, anywhere in its file."""
    path = MODULES[module]
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                found.add(target)
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def _folder(module: str) -> str:
    """The layer folder of a module (`""` for the top-level package)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_folder_has_a_rank() -> None:
    """A new folder must be placed in the layers before it can hold code."""
    folders = {_folder(m) for m in MODULES} - {ISOLATED}
    assert folders <= set(RANK), f"unranked folders: {sorted(folders - set(RANK))}"


def test_imports_point_down_the_layers() -> None:
    """No module imports a higher layer or a sibling front room; the sandbox imports nothing of ours."""
    wrong = []
    for module, targets in GRAPH.items():
        here = _folder(module)
        for target in targets:
            there = _folder(target)
            if here == ISOLATED or there == ISOLATED:
                ok = here == there or here == ""  # only the top-level package may mention the sandbox
                ok = ok or (here == "sessions" and there == ISOLATED)  # the embedded sandbox's lifecycle
            else:
                ok = here == there or RANK[there] < RANK[here]
            if not ok:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "upward or sideways imports:\n" + "\n".join(sorted(wrong))


def _cycle() -> list[str] | None:
    """One import circle among the modules, if there is any (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_no_import_circles() -> None:
    """No chain of imports (even lazy or type-only ones) leads back to where it started."""
    cycle = _cycle()
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_too_long(module: str) -> None:
    """One concept per module: split a file that passes about 300 lines by concept."""
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= LIMIT, f"{module} has {lines} lines"

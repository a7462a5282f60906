"""Catalog bench: a 50,000-unit catalog read + written (target < 2 s), beside polib on the same .po, and
translate_catalog beside df.camb.translate on the same texts (same engine: the ratio should be ~1).

Each figure is the best of three runs in this process (the machine is shared; the ratio to the baseline
measured next to it is what to compare). Writes bench/catalogs.json and its section of bench/RESULTS.md.
Usage: `python bench/catalogs.py [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
BEGIN, END = "<!-- catalogs:begin -->", "<!-- catalogs:end -->"


def _po(units: int) -> str:
    """A .po of `units` units: 80 % singular entries (comments, references, flags, contexts), 20 % plural."""
    plural_entries = units // 10  # two forms each
    lines = [
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n'
    ]
    for i in range(units - 2 * plural_entries):
        lines.append(
            f'#. Shown on page {i}\n#: app/views.py:{i}\n#, python-format\nmsgctxt "screen {i % 9}"\n'
            f'msgid "Hello %(name)s, this is message number {i}"\nmsgstr "Bonjour %(name)s, message {i}"\n'
        )
    for i in range(plural_entries):
        lines.append(
            f'msgid "{i} file"\nmsgid_plural "{i} files"\nmsgstr[0] "{i} fichier"\nmsgstr[1] "{i} fichiers"\n'
        )
    return "\n".join(lines)


def _best(run: Callable[[], object], times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def io_rows(units: int, folder: Path) -> list[dict[str, object]]:
    """read + write seconds per format, and polib's parse + save of the same .po."""
    import polib

    from camb_notebook.catalogs import read, write

    po = folder / "big.po"
    po.write_text(_po(units), "utf-8")
    flat = folder / "big.json"
    flat.write_text(
        json.dumps({f"key.{i}": f"Message number {i} — ✓" for i in range(units)}, indent=2), "utf-8"
    )
    rows: list[dict[str, object]] = []
    for path in (po, flat):
        frame = read(path)
        assert len(frame) == units, (path, len(frame))
        seconds = _best(lambda p=path: write(read(p), folder / f"out{p.suffix}"))
        assert (folder / f"out{path.suffix}").read_bytes() == path.read_bytes()
        rows.append({"format": path.suffix[1:], "units": units, "read_write_s": round(seconds, 3)})
    csv = folder / "big.csv"
    write(read(po), csv)
    seconds = _best(lambda: write(read(csv), folder / "out.csv"))
    rows.append({"format": "csv", "units": units, "read_write_s": round(seconds, 3)})
    baseline = _best(lambda: polib.pofile(str(po)).save(str(folder / "polib.po")))
    rows.append({"format": "po via polib (baseline)", "units": units, "read_write_s": round(baseline, 3)})
    return rows


def translate_rows(units: int, folder: Path) -> dict[str, float]:
    """Wall seconds: translate_catalog vs df.camb.translate of the same distinct texts into one target."""
    os.environ["CAMB_SANDBOX_FAST"] = "1"
    import camb_notebook
    import camb_notebook.frames  # registers df.camb
    from camb_notebook.catalogs import read, write

    camb = camb_notebook.use_sandbox()
    frame = read(folder / "big.po").head(units).copy()
    frame["target"] = None
    frame["state"] = "new"
    frame["source"] = frame["source"] + " (" + frame.index.astype(str) + ")"  # distinct, never cached
    write(frame, folder / "todo.po")
    warm = frame.head(20).copy()
    warm["source"] = warm["source"] + " warm-up"
    write(warm, folder / "warm.po")
    camb.translate_catalog(folder / "warm.po", to=["de-de"], cache=False).result(timeout=600)  # engine up
    start = time.perf_counter()
    camb.translate_catalog(folder / "todo.po", to=["de-de"], cache=False).result(timeout=600)
    catalog = time.perf_counter() - start
    texts = frame[["source"]].rename(columns={"source": "text"})
    texts["text"] = texts["text"] + " [df]"
    start = time.perf_counter()
    texts.camb.translate("text", to=["de-de"], cache=False).result(timeout=600)
    batch = time.perf_counter() - start
    return {"units": units, "catalog_s": round(catalog, 2), "frame_s": round(batch, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="5,000 units (a smoke run; RESULTS.md untouched)"
    )
    args = parser.parse_args()
    units = 5_000 if args.quick else 50_000
    load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        io = io_rows(units, Path(tmp))
        tr = translate_rows(2_000 if not args.quick else 500, Path(tmp))
    load_after = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(json.dumps({"io": io, "translate": tr}, indent=1))
    if args.quick:
        return
    (HERE / "catalogs.json").write_text(json.dumps({"io": io, "translate": tr}, indent=1) + "\n")
    po = next(r for r in io if r["format"] == "po")
    base = next(r for r in io if str(r["format"]).startswith("po via"))
    met = "met" if float(po["read_write_s"]) < 2 else "missed"  # type: ignore[arg-type]
    lines = [
        BEGIN,
        "## Catalogs: 50,000-unit read + write, translation beside the DataFrame batch",
        "",
        f"`python bench/catalogs.py` on {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC; load average "
        f"{load_before} before, {load_after} after. Best of three runs; the written file is asserted "
        "byte-identical to the one read.",
        "",
        f"**Target: read + write of a 50,000-unit .po < 2 s: {po['read_write_s']} s ({met}).** "
        f"polib's parse + save of the same file, measured beside it: {base['read_write_s']} s "
        f"(ours takes {float(po['read_write_s']) / float(base['read_write_s']):.1f}× polib's time).",  # type: ignore[arg-type]
        "",
        "| format | units | read + write |",
        "|---|---|---|",
        *(f"| {r['format']} | {r['units']:,} | {r['read_write_s']} s |" for r in io),
        "",
        f"Translation, {tr['units']:,} distinct units into one target on the embedded fast sandbox, "
        f"cache off: `translate_catalog` {tr['catalog_s']} s, `df.camb.translate` of the same texts "
        f"{tr['frame_s']} s "
        f"({tr['catalog_s'] / tr['frame_s']:.2f}×; the same engine underneath).",
        END,
    ]
    results = HERE / "RESULTS.md"
    text = results.read_text("utf-8")
    section = "\n".join(lines)
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, "utf-8")


if __name__ == "__main__":
    main()

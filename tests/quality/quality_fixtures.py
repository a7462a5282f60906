"""The protection fixture set: >= 150 strings covering every syntax, each with the spans that must survive.

Each entry is `(text, keep)`: `keep` lists, written by hand (or by construction for the generated ones), the
exact substrings a correct translation still contains (placeholders, tags, entities, URLs, e-mails, escapes,
do-not-translate terms, ICU keywords). The tests judge corruption by these lists, not by our own detector.
Reported failures from the issue are marked with their tracker reference.
"""

from __future__ import annotations

DNT = ["CAMB.AI", "Firn"]

HAND: list[tuple[str, list[str]]] = [
    # printf, including poedit#118 (`%1$s` → `% 1 $ s`) and google-translate-php#95 (`%s` → `٪ s`).
    ("%1$s of %2$s files uploaded", ["%1$s", "%2$s"]),
    ("Your file %s is ready", ["%s"]),
    ("Downloaded %d of %d items (%5.2f%%)", ["%d", "%d", "%5.2f", "%%"]),
    ("Sent %lld bytes to %@", ["%lld", "%@"]),
    ("%s", ["%s"]),
    ("Total: %.2f EUR", ["%.2f"]),
    ("User %1$s invited %2$s to %3$s.", ["%1$s", "%2$s", "%3$s"]),
    ("Progress %3d%% complete", ["%3d", "%%"]),
    ("Hex value %x and octal %o", ["%x", "%o"]),
    ("Character %c at position %i", ["%c", "%i"]),
    ("%-10s|%+d", ["%-10s", "%+d"]),
    ("Remaining: %ld seconds", ["%ld"]),
    # Python %-format and str.format.
    ("Hello %(name)s, you have %(count)d new messages.", ["%(name)s", "%(count)d"]),
    ("%(percent).1f%% of your storage is used", ["%(percent).1f", "%%"]),
    ("Welcome back, {}!", ["{}"]),
    ("{0} liked {1}'s photo", ["{0}", "{1}"]),
    ("Dear {name}, your order {order_id} has shipped.", ["{name}", "{order_id}"]),
    ("Value: {value!r:>10}", ["{value!r:>10}"]),
    ("Signed in as {user.email}", ["{user.email}"]),
    ("Price {0:.2f} per {unit}", ["{0:.2f}", "{unit}"]),
    ("{count} items selected", ["{count}"]),
    ("Item {items[0]} is missing", ["{items[0]}"]),
    # ICU MessageFormat: keywords and structure stay (tolgee-platform#1702, js-lingui#2216).
    ("{count, plural, one {# file} other {# files}}", ["{count, plural,", "one {", "other {", "#"]),
    (
        "You have {n, plural, =0 {no messages} one {# message} other {# messages}}.",
        ["{n, plural,", "=0 {", "one {", "other {"],
    ),
    (
        "{place, selectordinal, one {#st} two {#nd} few {#rd} other {#th}} place",
        ["{place, selectordinal,", "one {", "two {", "few {", "other {"],
    ),
    (
        "{gender, select, female {She replied} male {He replied} other {They replied}}",
        ["{gender, select,", "female {", "male {", "other {"],
    ),
    (
        "{guests, plural, offset:1 =0 {Nobody came} =1 {{host} came alone} other {{host} and # others came}}",
        ["{guests, plural, offset:1", "=0 {", "=1 {", "other {", "{host}"],
    ),
    (
        "{gender, select, female {{n, plural, one {She has # cat} other {She has # cats}}} "
        "other {{n, plural, one {They have # cat} other {They have # cats}}}}",
        ["{gender, select,", "female {", "{n, plural,", "one {", "other {"],
    ),
    (
        "Updated {count, plural, one {# minute} other {# minutes}} ago",
        ["{count, plural,", "one {", "other {"],
    ),
    (
        "{itemCount, plural, =0 {Your cart is empty} one {One item in the cart} other {# items in the cart}}",
        ["{itemCount, plural,", "=0 {", "one {", "other {"],
    ),
    ("Balance: {amount, number} credits", ["{amount, number}"]),
    ("Expires on {expiry, date, short}", ["{expiry, date, short}"]),
    ("{role, select, admin {Administrator} editor {Editor} other {Viewer}}", ["{role, select,", "admin {"]),
    (
        "{count, plural, one {<b>#</b> new reply} other {<b>#</b> new replies}}",
        ["{count, plural,", "one {", "other {", "<b>", "</b>"],
    ),
    (
        "{n, plural, one {# file by {author}} other {# files by {author}}}",
        ["{n, plural,", "one {", "other {", "{author}", "{author}"],
    ),
    ("Rank {pos, selectordinal, one {#st} other {#th}}", ["{pos, selectordinal,", "one {", "other {"]),
    # i18next.
    ("Hello {{name}}, welcome to {{app}}!", ["{{name}}", "{{app}}"]),
    ("{{count}} new notifications", ["{{count}}"]),
    ("$t(common.greeting) and welcome", ["$t(common.greeting)"]),
    ("Click {{- link}} to verify your account", ["{{- link}}"]),
    ("Total {{value, currency}}", ["{{value, currency}}"]),
    ("See $t(help.link) or contact {{support}}", ["$t(help.link)", "{{support}}"]),
    # HTML/XML tags and entities, including deepl-python#93 (tags moved) and deepl-node#30 (tag emptied).
    ("Welcome <b>%s</b>", ["<b>", "%s", "</b>"]),
    (
        'Click <a href="https://camb.ai/login">here</a> to sign in.',
        ['<a href="https://camb.ai/login">', "</a>"],
    ),
    ("Press <kbd>Ctrl</kbd>+<kbd>C</kbd> to copy", ["<kbd>", "</kbd>", "<kbd>", "</kbd>"]),
    ("Line one<br/>Line two", ["<br/>"]),
    ("<strong>Warning:</strong> this cannot be undone.", ["<strong>", "</strong>"]),
    ("<p>Read the <i>terms</i> carefully.</p>", ["<p>", "<i>", "</i>", "</p>"]),
    ('<span class="badge">New</span> feature', ['<span class="badge">', "</span>"]),
    ('Logo: <img src="logo.png" alt="Logo">', ['<img src="logo.png" alt="Logo">']),
    ("Fish &amp; chips", ["&amp;"]),
    ("Copyright &#169; 2026 &mdash; all rights reserved", ["&#169;", "&mdash;"]),
    ("Non&nbsp;breaking and &#x2014; dash", ["&nbsp;", "&#x2014;"]),
    ('<g id="1">Bold</g> and <x id="2"/> inline', ['<g id="1">', "</g>", '<x id="2"/>']),
    ("<ul><li>First</li><li>Second</li></ul>", ["<ul>", "<li>", "</li>", "</ul>"]),
    ("Use <code>pip install camb</code> first", ["<code>", "</code>"]),
    ("<!-- note --> Hidden comment before text", ["<!-- note -->"]),
    ("<em>Emphasis</em> &lt;not a tag&gt;", ["<em>", "</em>", "&lt;", "&gt;"]),
    # URLs and e-mails.
    ("Visit https://camb.ai/docs?lang=en for details", ["https://camb.ai/docs?lang=en"]),
    ("Docs live at http://example.org/path/to/page.", ["http://example.org/path/to/page"]),
    ("Go to www.example.com now", ["www.example.com"]),
    ("Write to support@camb.ai with questions", ["support@camb.ai"]),
    (
        "Contact first.last+tag@example.co.uk or sales@camb.ai",
        ["first.last+tag@example.co.uk", "sales@camb.ai"],
    ),
    ("Download from ftp://files.example.net/pub/data.zip", ["ftp://files.example.net/pub/data.zip"]),
    # Escapes (literal backslash sequences as stored in catalogs).
    ("First line\\nSecond line", ["\\n"]),
    ("Name:\\tValue", ["\\t"]),
    ('Say \\"hello\\" politely', ['\\"', '\\"']),
    ("Caf\\u00e9 is open", ["\\u00e9"]),
    # Do-not-translate terms (zechub#2182: "Firn" → "Firm").
    ("Welcome to CAMB.AI", ["CAMB.AI"]),
    ("Firn keeps your glossary in sync", ["Firn"]),
    ("CAMB.AI and Firn work together", ["CAMB.AI", "Firn"]),
    # Mixed.
    (
        "Hi {name}, see <b>%d</b> new items at https://camb.ai/inbox",
        ["{name}", "<b>", "%d", "</b>", "https://camb.ai/inbox"],
    ),
    ("{{user}} sent you %s &amp; {0}", ["{{user}}", "%s", "&amp;", "{0}"]),
    ('Email {email} or visit <a href="{url}">our site</a>', ["{email}", '<a href="{url}">', "</a>"]),
    ("Plain sentence without anything special.", []),
    ("Another plain one, with a comma", []),
]

_SLOTS: list[str] = [
    "%s",
    "%d",
    "%5.2f",
    "%1$s",
    "%2$d",
    "%lld",
    "%@",
    "%(name)s",
    "%(count)d",
    "{}",
    "{0}",
    "{name}",
    "{name!r:>10}",
    "{user.name}",
    "{0:.2f}",
    "{{name}}",
    "{{count}}",
    "$t(common.ok)",
    "{n, number}",
    "<b>",
    "</i>",
    "<br/>",
    "&amp;",
    "&#169;",
    "https://camb.ai/pricing",
    "support@camb.ai",
    "\\n",
    "CAMB.AI",
    "Firn",
]
_TEMPLATES: list[str] = [
    "Hello {X}, welcome back.",
    "You have {X} new messages",
    "Error: {X} could not be saved!",
    "Click {X} to continue?",
]


def generated() -> list[tuple[str, list[str]]]:
    """Every slot value in every template (the slot is the only protected span)."""
    return [(template.replace("{X}", slot), [slot]) for slot in _SLOTS for template in _TEMPLATES]


FIXTURES: list[tuple[str, list[str]]] = HAND + generated()

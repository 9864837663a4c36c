"""The Thai catalog is complete and matches the code.

When a test here fails, run `make extract-messages`, then translate the new or changed entries
in webapp/translations/th/LC_MESSAGES/messages.po (and drop their `fuzzy` flag).
"""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "webapp" / "translations" / "th" / "LC_MESSAGES" / "messages.po"
FIX = ("run `make extract-messages`, then translate the new entries in "
       "webapp/translations/th/LC_MESSAGES/messages.po")

pytestmark = pytest.mark.rules

# %(name)s, %s, %d, %%: the placeholders Python's %-formatting and Flask-Babel fill in
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
# Babel's method names in babel.cfg, mapped to the functions `pybabel extract` would use
EXTRACTORS = {"python": "babel.messages.extract:extract_python",
              "jinja2": "jinja2.ext:babel_extract"}


def makefile_keywords() -> set[str]:
    """The extra keywords `make extract-messages` passes to pybabel (`-k NAME`), so this test
    finds exactly what that command would: a function it does not know is not extracted."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    keywords = {"lazy_gettext"}
    for line in makefile.splitlines():
        if "pybabel extract" in line:
            keywords |= set(re.findall(r"(?:-k|--keyword)[= ](\S+)", line))
    return keywords


def _ids(message_id) -> tuple[str, ...]:
    return message_id if isinstance(message_id, tuple) else (message_id,)


def _strings(message_string) -> tuple[str, ...]:
    if isinstance(message_string, tuple | list):
        return tuple(message_string)
    return (message_string,)


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as handle:
        return read_po(handle, locale="th")


@pytest.fixture(scope="module")
def used_messages() -> dict[str, str]:
    """msgid -> where it is used, as `make extract-messages` would find them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    method_map = [(pattern, EXTRACTORS.get(method, method)) for pattern, method in method_map]
    keywords = {**DEFAULT_KEYWORDS, **{keyword: None for keyword in makefile_keywords()}}

    def wanted(dirname: str) -> bool:
        name = Path(dirname).name
        return not name.startswith((".", "_")) and name not in ("node_modules", "test-artifacts")

    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords, directory_filter=wanted):
        for msgid in _ids(message):
            if msgid:
                found.setdefault((context, msgid), f"{filename}:{lineno}")
    return found


def _catalog_keys(catalog) -> set:
    keys = set()
    for message in catalog:
        if message.id:
            for msgid in _ids(message.id):
                keys.add((message.context, msgid))
    return keys


def test_the_extraction_sees_python_and_templates(used_messages):
    places = {where.split(":")[0] for where in used_messages.values()}
    assert any(p.endswith(".py") for p in places), places
    assert any(p.endswith(".html") for p in places), places
    assert any(msgid == "Cash box" for _, msgid in used_messages)  # a template text


def test_every_catalog_message_is_translated(catalog):
    missing = [message.id for message in catalog
               if message.id and not all(s.strip() for s in _strings(message.string))]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not missing, f"untranslated in {PO.name}: {missing}; translate them ({FIX})"
    assert not fuzzy, (f"fuzzy in {PO.name}: {fuzzy}; check the Thai and remove the fuzzy flag "
                       f"({FIX})")


def test_every_message_the_code_uses_is_in_the_catalog(catalog, used_messages):
    known = _catalog_keys(catalog)
    new = sorted(f"{msgid!r} ({where})" for (context, msgid), where in used_messages.items()
                 if (context, msgid) not in known)
    assert not new, "not in the Thai catalog:\n  " + "\n  ".join(new) + f"\n{FIX}"


def test_the_catalog_has_no_messages_the_code_dropped(catalog, used_messages):
    stale = sorted(msgid for (context, msgid) in _catalog_keys(catalog)
                   if (context, msgid) not in used_messages)
    assert not stale, (f"in {PO.name} but no longer in the code: {stale}; {FIX} "
                       "(pybabel update marks them obsolete)")


def test_placeholders_match_between_english_and_thai(catalog):
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        expected = sorted(PLACEHOLDER.findall(_ids(message.id)[0]))
        for translated in _strings(message.string):
            if translated and sorted(PLACEHOLDER.findall(translated)) != expected:
                wrong.append(f"{_ids(message.id)[0]!r} -> {translated!r}")
    assert not wrong, "placeholders differ:\n  " + "\n  ".join(wrong)

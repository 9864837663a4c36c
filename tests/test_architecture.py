"""The layout rules of DESIGN.md, checked by reading the source with `ast` (nothing is run).

- Nothing under core/ imports Flask (flask, flask_login, flask_babel, ...), not even inside a
  function.
- The rule modules of core/ (everything outside core/store/) import neither Peewee, nor
  playhouse, nor the store: they are plain Python over plain values.
- The webapp's views do not talk to Peewee directly; queries go through core.store.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"
STORE = CORE / "store"
WEBAPP = ROOT / "webapp"

pytestmark = pytest.mark.rules


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str, str]]:
    """Every import in the file, anywhere in it: (line, absolute module name, source text).

    Relative imports are resolved against the file's package, so `from . import models` in
    core/store/ counts as an import of core.store.models.
    """
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name, ast.get_source_segment(source, node)))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
            for name in names:
                found.append((node.lineno, name, ast.get_source_segment(source, node)))
        elif _dynamic_import(node):
            found.append((node.lineno, node.args[0].value, ast.get_source_segment(source, node)))
    return found


def _dynamic_import(node: ast.AST) -> bool:
    """`__import__("x")` or `importlib.import_module("x")` with a literal name."""
    if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        return False
    func = node.func
    return ((isinstance(func, ast.Name) and func.id in ("__import__", "import_module"))
            or (isinstance(func, ast.Attribute) and func.attr == "import_module"))


def _is(name: str, *roots: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in roots)


def _is_flask(name: str) -> bool:
    top = name.split(".", 1)[0]
    return top == "flask" or top.startswith("flask_")


def _violations(paths, forbidden) -> list[str]:
    lines = []
    for path in paths:
        seen = set()
        for lineno, name, text in _imports(path):
            if forbidden(name) and lineno not in seen:
                seen.add(lineno)
                lines.append(f"{path.relative_to(ROOT)}:{lineno}: {text.strip()}")
    return lines


def test_the_scan_sees_the_code():
    assert CORE.is_dir() and STORE.is_dir() and WEBAPP.is_dir()
    core_files = _modules(CORE)
    assert any(p.name == "money.py" for p in core_files)
    assert any(p.parent == STORE for p in core_files)
    # the scanner itself finds each kind of import it is meant to find
    probe = [name for _, name, _ in _imports(STORE / "db.py")]
    assert "peewee" in probe or any(n.startswith("peewee.") for n in probe)


def test_core_never_imports_flask():
    bad = _violations(_modules(CORE), _is_flask)
    assert not bad, ("core/ must never import Flask or a flask_* extension "
                     "(DESIGN.md, Layout):\n  " + "\n  ".join(bad))


def test_rule_modules_import_neither_peewee_nor_the_store():
    rules = [p for p in _modules(CORE) if STORE not in p.parents]
    assert rules, "no rule modules found under core/"
    bad = _violations(rules, lambda name: _is(name, "peewee", "playhouse", "core.store"))
    assert not bad, ("the rule modules of core/ (outside core/store/) must be plain Python: "
                     "no peewee, playhouse or core.store import (DESIGN.md, Layout):\n  "
                     + "\n  ".join(bad))


def test_webapp_does_not_import_peewee_directly():
    bad = _violations(_modules(WEBAPP), lambda name: _is(name, "peewee", "playhouse"))
    assert not bad, ("webapp/ reaches the database only through core.store, never peewee or "
                     "playhouse directly (DESIGN.md, Layout):\n  " + "\n  ".join(bad))

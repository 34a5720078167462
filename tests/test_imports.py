"""Packages depend one way: every import of every module (function-local ones included).

- The libraries (``models``, ``baselines``, ``datasets``, ``reports``) import from ``harness``
  only its kernel: ``harness.registry``, ``harness.errors``, ``harness.io``, ``harness.core.*``.
- The kernel imports neither the application nor the libraries.
- ``models`` never imports ``baselines``.
- A function-local import in a library or the kernel says why (a comment on its line or the
  line above: it saves start-up time, e.g. torch only for ``.pt`` files).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = ("models", "baselines", "datasets", "reports")
KERNEL = ("harness.registry", "harness.errors", "harness.io", "harness.core")
FIRST_PARTY = ("harness", *LIBRARIES)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, at any depth; ``from a import b`` gives
    ``a.b`` (b may be a module or a name: both are checked as prefixes of ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out += [(node.lineno, f"{mod}.{a.name}") for a in node.names]
    return out


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def files_of(*packages: str) -> list[Path]:
    return sorted(f for p in packages for f in (ROOT / p).rglob("*.py"))


def kernel_files() -> list[Path]:
    singles = [ROOT / "harness" / f"{m.split('.')[1]}.py" for m in KERNEL if m != "harness.core"]
    return sorted(singles + list((ROOT / "harness" / "core").rglob("*.py")))


def violations(files: list[Path], allowed) -> list[str]:
    return [f"{f.relative_to(ROOT)}:{line}: {name}"
            for f in files for line, name in imported_modules(f) if not allowed(name)]


def test_import_walker_sees_function_local_and_relative_imports(tmp_path, monkeypatch):
    pkg = tmp_path / "models" / "x"
    pkg.mkdir(parents=True)
    f = pkg / "m.py"
    f.write_text("def g():\n    from harness.aggregate import q\n    from ..y import z\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert imported_modules(f) == [(2, "harness.aggregate.q"), (3, "models.y.z")]


def test_libraries_import_only_the_harness_kernel():
    def allowed(name: str) -> bool:
        return not within(name, ("harness",)) or within(name, KERNEL) or name == "harness.__version__"

    bad = violations(files_of(*LIBRARIES), allowed)
    assert not bad, "libraries import the harness application:\n" + "\n".join(bad)


def test_kernel_imports_neither_application_nor_libraries():
    def allowed(name: str) -> bool:
        return not within(name, FIRST_PARTY) or within(name, KERNEL)

    files = kernel_files()
    assert ROOT / "harness" / "core" / "stats.py" in files and all(f.is_file() for f in files)
    bad = violations(files, allowed)
    assert not bad, "the kernel imports outside itself:\n" + "\n".join(bad)


def test_models_never_import_baselines():
    bad = violations(files_of("models"), lambda name: not within(name, ("baselines",)))
    assert not bad, "models/ imports baselines/:\n" + "\n".join(bad)


def function_local_imports(path: Path) -> list[tuple[int, str]]:
    """(line, source line) of every import inside a function of the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines), filename=str(path))
    out = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out |= {(n.lineno, lines[n.lineno - 1]) for n in ast.walk(fn)
                    if isinstance(n, (ast.Import, ast.ImportFrom))}
    return sorted(out)


def test_function_local_imports_of_libraries_and_kernel_say_why():
    bad = []
    for f in files_of(*LIBRARIES) + kernel_files():
        lines = f.read_text(encoding="utf-8").splitlines()
        for line, text in function_local_imports(f):
            above = lines[line - 2].strip() if line >= 2 else ""
            if "#" not in text and not above.startswith("#"):
                bad.append(f"{f.relative_to(ROOT)}:{line}: {text.strip()}")
    assert not bad, "function-local imports without a reason:\n" + "\n".join(bad)

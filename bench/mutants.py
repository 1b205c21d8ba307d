"""The mutants of bench.mutation: one small, plausible break of one place in a module's source.

The operators, applied one at a time to the AST and spliced into the source as text (so the
rest of the file, its line numbers and its comments, are unchanged): a comparison flipped
(`<` to `<=` and `>=`, `==` to `!=`, `in` to `not in`, `is` to `is not`), an arithmetic or set
operator swapped (`+`/`-`, `*`/`/`, `//`, `%`, `|`/`&`, also in `+=` and the like), a number
one more and one less, `True` and `False` swapped, a string changed ('XX' around it), `and`/`or`
swapped, a `not` or a unary minus removed, a condition negated, an element dropped from a list,
tuple or set literal and an entry from a dict literal (allow-lists, the parts of a key), a
keyword argument dropped from a call, a call of one argument replaced by its argument, and a
statement (an expression or call, an augmented or
attribute assignment, an `if`, a `raise`, `break`, `continue`) replaced by `pass`. Docstrings,
annotations, f-strings, decorators, subscripts (generic types such as `dict[str, int]`) and
lines marked `# pragma: no mutate` are left alone.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

PRAGMA = "pragma: no mutate"


@dataclass(frozen=True)
class Mutant:
    """One change to one file: `before` (the source text it replaces) by `after`; `dropped`,
    when the change drops a part of it (an element, an entry, a keyword argument)."""

    path: str
    line: int
    scope: str
    before: str
    after: str
    source: str = field(repr=False)
    dropped: str = ""
    last: int = 0
    """The last line of the source it replaces (the first is `line`)."""

    @property
    def change(self) -> str:
        if self.dropped:
            return f"`{_short(self.dropped)}` dropped"
        return f"`{_short(self.before)}` -> `{_short(self.after)}`"

    @property
    def ident(self) -> str:
        """How bench/mutation_equivalent.txt names it: without the line, which edits move."""
        return f"{self.path} | {self.scope} | {self.change}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line} ({self.scope}): {self.change}"


def _short(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# ---- making mutants -----------------------------------------------------------------------

COMPARISONS: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Lt: (ast.LtE, ast.GtE),
    ast.LtE: (ast.Lt, ast.Gt),
    ast.Gt: (ast.GtE, ast.LtE),
    ast.GtE: (ast.Gt, ast.Lt),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
}
DROPPED_STATEMENTS = (ast.Expr, ast.AugAssign, ast.If, ast.Raise, ast.Break, ast.Continue)

# (node to replace, its replacement: a node of the same kind, or None for `pass` in place of a
# statement)
Located = ast.expr | ast.stmt | ast.keyword
# or, when the edit drops a part of the node (an element, an entry, a keyword argument), with
# the first and last nodes of that part, which is how the mutant is shown
Edit = tuple[Located, ast.AST | None] | tuple[Located, ast.AST | None, tuple[Located, Located]]


def _expression_edits(node: ast.expr) -> Iterator[Edit]:
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            for other in COMPARISONS.get(type(op), ()):
                ops = [*node.ops[:i], other(), *node.ops[i + 1 :]]
                yield node, ast.Compare(node.left, ops, node.comparators)
    elif isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
        yield node, ast.BinOp(node.left, ARITHMETIC[type(node.op)](), node.right)
    elif isinstance(node, ast.BoolOp):
        yield node, ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), node.values)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        yield node, node.operand
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            yield node, ast.Constant(not value)
        elif isinstance(value, (int, float)):
            yield node, ast.Constant(value + 1)
            yield node, ast.Constant(value - 1)
        elif isinstance(value, str):
            yield node, ast.Constant(f"XX{value}XX")
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)) and isinstance(
        getattr(node, "ctx", ast.Load()), ast.Load
    ):
        for i, element in enumerate(node.elts):
            if not isinstance(element, ast.Starred):
                rest = [*node.elts[:i], *node.elts[i + 1 :]]
                if isinstance(node, ast.Set):
                    yield node, ast.Set(rest), (element, element)
                else:
                    yield node, type(node)(rest, ast.Load()), (element, element)
    elif isinstance(node, ast.Dict):
        for i, key in enumerate(node.keys):
            if key is not None:
                keys = [*node.keys[:i], *node.keys[i + 1 :]]
                values = [*node.values[:i], *node.values[i + 1 :]]
                yield node, ast.Dict(keys, values), (key, node.values[i])
    elif isinstance(node, ast.Call):
        for i, keyword in enumerate(node.keywords):
            if keyword.arg is not None:
                keywords = [*node.keywords[:i], *node.keywords[i + 1 :]]
                yield node, ast.Call(node.func, node.args, keywords), (keyword, keyword)
        if (
            isinstance(node.func, ast.Name)
            and len(node.args) == 1
            and not node.keywords
            and not isinstance(node.args[0], ast.Starred)
        ):
            yield node, node.args[0]
    elif isinstance(node, ast.IfExp):
        yield from _negation(node.test)


NEGATED_BY_FLIP = (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)


def _negation(test: ast.expr) -> Iterator[Edit]:
    """`test` negated, unless removing its `not` or flipping its comparison does the same."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], NEGATED_BY_FLIP)
    ):
        return
    yield test, ast.UnaryOp(ast.Not(), test)


def _statement_edits(node: ast.stmt) -> Iterator[Edit]:
    if isinstance(node, (ast.If, ast.While)):
        yield from _negation(node.test)
    if isinstance(node, ast.AugAssign) and type(node.op) in ARITHMETIC:
        yield node, ast.AugAssign(node.target, ARITHMETIC[type(node.op)](), node.value)
    if isinstance(node, DROPPED_STATEMENTS) or (
        isinstance(node, ast.Assign)
        and all(isinstance(t, (ast.Attribute, ast.Subscript)) for t in node.targets)
    ):
        yield node, None


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _children(node: ast.AST) -> Iterator[ast.AST]:
    """What to look into: not annotations, decorators, f-strings or `if TYPE_CHECKING:`."""
    for name, value in ast.iter_fields(node):
        if name in ("annotation", "returns", "decorator_list", "type_comment"):
            continue
        if isinstance(node, ast.AnnAssign) and name == "target":
            continue
        if isinstance(node, ast.Subscript) and name == "slice":
            continue  # generic types such as dict[str, int], and indexes: kept by constants
        values = value if isinstance(value, list) else [value]
        for child in values:
            if isinstance(child, ast.AST):
                yield child


def _edits(tree: ast.Module) -> Iterator[tuple[str, Edit]]:
    """Every edit of the module, with the qualified name of the function (or class, or
    `<module>`) it is in."""

    def walk(node: ast.AST, scope: str) -> Iterator[tuple[str, Edit]]:
        if isinstance(node, ast.JoinedStr):
            return
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope = _qualified(scope, node.name)
        if isinstance(node, ast.stmt):
            if _is_docstring(node):
                return
            for edit in _statement_edits(node):
                yield scope, edit
        elif isinstance(node, ast.expr):
            for edit in _expression_edits(node):
                yield scope, edit
        for child in _children(node):
            yield from walk(child, scope)

    yield from walk(tree, "<module>")


def _definitions(tree: ast.Module) -> Iterator[str]:
    """The qualified name of every function and class of the module (`Class.method`)."""

    def walk(node: ast.AST, scope: str) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = _qualified(scope, child.name)
                yield inner
            yield from walk(child, inner)

    yield from walk(tree, "<module>")


def _qualified(scope: str, name: str) -> str:
    """The name of a function or class defined in `scope`, as a target's scopes name it."""
    return name if scope == "<module>" else f"{scope}.{name}"


class _Source:
    """A module's text, addressed as the AST does (line, UTF-8 byte column)."""

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8")
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line.encode("utf-8")))

    def span(self, node: Located) -> tuple[int, int]:
        start = self.starts[node.lineno - 1] + node.col_offset
        end_line, end_col = node.end_lineno, node.end_col_offset
        assert end_line is not None and end_col is not None
        return start, self.starts[end_line - 1] + end_col

    def text(self, node: Located) -> str:
        return self.between(node, node)

    def between(self, first: Located, last: Located) -> str:
        """The text from the start of `first` to the end of `last`."""
        return self.data[self.span(first)[0] : self.span(last)[1]].decode("utf-8")

    def replaced(self, node: Located, by: str) -> str:
        start, end = self.span(node)
        return (self.data[:start] + by.encode("utf-8") + self.data[end:]).decode("utf-8")


def mutants(text: str, path: str, scopes: Sequence[str] | None = None) -> list[Mutant]:
    """Every mutant of the module `text` (named `path`), in the functions `scopes` if given."""
    source = _Source(text)
    tree = ast.parse(text)
    if scopes is not None:
        unknown = sorted(set(scopes) - {"<module>", *_definitions(tree)})
        if unknown:
            raise ValueError(f"{path}: no function or class named {', '.join(unknown)}")
    found: list[Mutant] = []
    for scope, (node, new, *part) in _edits(tree):
        if scopes is not None and not any(scope == s or scope.startswith(f"{s}.") for s in scopes):
            continue
        if PRAGMA in source.lines[node.lineno - 1]:
            continue
        if new is None:
            after = "pass"
        elif isinstance(node, ast.expr):
            after = f"({ast.unparse(new)})"
        else:
            after = ast.unparse(new)
        before = source.text(node)
        mutated = source.replaced(node, after)
        try:
            ast.parse(mutated)
        except SyntaxError:  # e.g. an implicitly concatenated string in a call
            continue
        shown = "pass" if new is None else ast.unparse(new)
        dropped = source.between(*part[0]) if part else ""
        last = node.end_lineno or node.lineno
        found.append(Mutant(path, node.lineno, scope, before, shown, mutated, dropped, last))
    return found

"""Turn pydantic validation errors into problems an author can act on.

pydantic reports a ``loc`` path through the models; union branches add tag
segments (ours all contain ':'), which are dropped so the path matches the file.
Unknown keys get a "did you mean" from the fields the model at that path allows.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, Tag, ValidationError

from exercise.scenario.problems import Hint, Problem
from exercise.scenario.yaml_source import Document

Loc = tuple[str | int, ...]


def _unwrap(ann: Any) -> Any:
    while True:
        origin = get_origin(ann)
        if origin is Annotated:
            ann = get_args(ann)[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(ann) if a is not type(None)]
            if len(args) == 1:
                ann = args[0]
                continue
        return ann


def _tag_of(ann: Any) -> str | None:
    if get_origin(ann) is Annotated:
        for meta in get_args(ann)[1:]:
            if isinstance(meta, Tag):
                return meta.tag
    return None


def _step(ann: Any, seg: str | int) -> Any:
    ann = _unwrap(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        for name, info in ann.model_fields.items():
            if seg in (name, info.alias):
                return info.annotation
        return None
    origin = get_origin(ann)
    if origin in (tuple, list):
        return get_args(ann)[0] if isinstance(seg, int) else None
    if origin in (dict, Mapping):
        return get_args(ann)[1]
    if origin in (Union, types.UnionType):
        for arg in get_args(ann):
            if _tag_of(arg) == seg:
                return arg
    return None


def model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class found at a pydantic ``loc`` (tags included), if any."""
    ann: Any = root
    for seg in loc:
        ann = _step(ann, seg)
        if ann is None:
            return None
    ann = _unwrap(ann)
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """The keys a model accepts, as written in a file."""
    return [info.alias or name for name, info in model.model_fields.items()]


def _file_path(loc: Loc) -> tuple[tuple[str | int, ...], bool]:
    """Drop union tags; report whether the error is about a mapping key itself."""
    path: list[str | int] = []
    is_key = False
    for seg in loc:
        if seg == "[key]":
            is_key = True
            continue
        if isinstance(seg, str) and ":" in seg:
            continue
        if isinstance(seg, str) and (seg.startswith(("function-", "lax-", "strict-"))):
            continue
        path.append(seg)
    return tuple(path), is_key


_KIND_WORDS = {
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "tuple_type": "a list",
    "list_type": "a list",
}


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"'{value}'"


def translate(
    error: ValidationError,
    doc: Document,
    root: type[BaseModel],
    empty: set[tuple[str | int, ...]],
    raw: Any,
) -> list[Problem]:
    """Problems for every error pydantic found, located in ``doc``."""
    problems: list[Problem] = []
    for err in error.errors(include_url=False):
        loc: Loc = tuple(err["loc"])
        path, is_key = _file_path(loc)
        kind = err["type"]
        if kind == "missing":
            name = path[-1] if path else "?"
            if path in empty:
                message = f"'{name}' is empty; give it a value or remove the key"
                problems.append(doc.problem(path, message, key=True))
            else:
                problems.append(doc.problem(path[:-1], f"missing required key '{name}'"))
            continue
        if kind == "extra_forbidden":
            key = str(path[-1]) if path else "?"
            model = model_at(root, loc[:-1])
            after = ""
            if model is not None and _is_condition(model):
                after = "; a condition takes exactly one test: combine tests with all: [...]"
            # The suggestion is worked out only if the problem is shown (problems.suggest).
            hint = Hint(key, allowed_keys(model), after) if model else None
            problems.append(doc.problem(path, f"unknown key '{key}'", key=True, hint=hint))
            continue
        if kind in _KIND_WORDS:
            got = _shown(_lookup(raw, path))
            problems.append(doc.problem(path, f"expected {_KIND_WORDS[kind]}, got {got}"))
            continue
        if kind == "too_short" and "min_length" in err.get("ctx", {}):
            need = err["ctx"]["min_length"]
            given = _lookup(raw, path)
            # pydantic counts only the items that validated; broken items are reported apart.
            if not (isinstance(given, list) and len(given) >= need):
                problems.append(doc.problem(path, f"needs at least {need} entries"))
            continue
        if kind in ("too_long", "string_too_long"):
            most = err.get("ctx", {}).get("max_length")
            problems.append(doc.problem(path, f"must be at most {most} characters"))
            continue
        if kind in ("union_tag_invalid", "union_tag_not_found", "condition"):
            got = _lookup(raw, path)
            keys = ", ".join(map(str, got)) if isinstance(got, dict) else _shown(got)
            from exercise.scenario.model import CONDITION_HELP

            problems.append(doc.problem(path, f"not a condition (got {keys}): {CONDITION_HELP}"))
            continue
        if kind == "value_error" and "ctx" in err:
            problems.append(doc.problem(path, str(err["ctx"].get("error", err["msg"]))))
            continue
        problems.append(doc.problem(path, err["msg"], key=is_key))
    return _dedupe(problems)


def _is_condition(model: type[BaseModel]) -> bool:
    from exercise.scenario.model import CONDITION_FORMS

    return model in CONDITION_FORMS.values()


def _lookup(raw: Any, path: Iterable[str | int]) -> Any:
    node = raw
    for seg in path:
        try:
            node = node[seg]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in problems:
        key = (p.line, p.column, p.path, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out

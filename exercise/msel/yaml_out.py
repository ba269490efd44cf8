"""A scenario file with new injects, the rest kept as it was written.

ruamel.yaml's round-trip mode keeps the comments, key order, quoting and block styles of
everything but the ``injects`` list; within it, an inject that the sheet leaves exactly as
it was keeps its own text and comments too. Only new or changed injects are written afresh,
in the style of the bundled scenarios. The file was checked by the project's own safe
reader before it gets here, so ruamel never sees a tag or an alias bomb it would act on.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

_ORDER = ("id", "title", "at", "when", "chance", "repeat", "audience", "text", "source",
          "effects", "facilitator_note", "expected_actions", "questions", "objectives", "msel")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a line the author wrote
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _flow(value: Any) -> Any:
    if isinstance(value, Mapping):
        out = CommentedMap((str(k), _flow(v)) for k, v in value.items())
        out.fa.set_flow_style()
        return out
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq(_flow(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    return _scalar(value)


def _scalar(value: Any) -> Any:
    if isinstance(value, str) and type(value) is not str:
        value = str(value)  # the safe reader's Plain text: plain str for ruamel
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def _number(value: Any) -> Any:
    """A value the safe reader kept as unquoted text (a number, true, false) as the number
    or boolean it stands for, so that it is written unquoted again."""
    from exercise.scenario.yaml_source import Plain

    if isinstance(value, Plain):
        text = str(value)
        for kind in (int, float):
            try:
                return kind(text)
            except ValueError:
                pass
        if text in ("true", "false"):
            return text == "true"
        return str(value)
    if isinstance(value, Mapping):
        return {k: _number(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_number(v) for v in value]
    return value


def inject_node(item: Mapping[str, Any]) -> CommentedMap:
    """One inject as a ruamel mapping, in the bundled scenarios' key order and style."""
    node = CommentedMap()
    keys = [k for k in _ORDER if k in item] + [k for k in item if k not in _ORDER]
    for key in keys:
        value = _number(item[key])
        if key in ("at", "when", "objectives", "audience") and not isinstance(value, str):
            node[key] = _flow(value)
        elif key == "effects":
            node[key] = CommentedMap((k, _flow(v)) for k, v in value.items())
        elif key in ("source", "msel"):
            node[key] = CommentedMap((str(k), _scalar(v)) for k, v in value.items())
        elif key in ("expected_actions", "questions"):
            node[key] = CommentedSeq(_scalar(v) for v in value)
        else:
            node[key] = _scalar(value)
    return node


def _data(value: Any) -> Any:
    """A ruamel value (or the safe reader's) as plain data, for comparing."""
    if isinstance(value, Mapping):
        return {str(k): _data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_data(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def _merge(node: CommentedMap, item: Mapping[str, Any]) -> None:
    """Make an inject's ruamel mapping hold ``item``, keeping every key whose value did not
    change as it was written (style, quotes, comments)."""
    fresh = inject_node(item)
    for key in [k for k in node if k not in fresh]:
        del node[key]
    for key, value in fresh.items():
        if key in node:
            if _data(node[key]) != _data(_number(item[key])):
                node[key] = value
            continue
        rank = _ORDER.index(key) if key in _ORDER else len(_ORDER)
        before = [i for i, k in enumerate(node)
                  if (_ORDER.index(k) if k in _ORDER else len(_ORDER)) <= rank]
        node.insert(before[-1] + 1 if before else 0, key, value)


def with_injects(source: str, items: Sequence[Mapping[str, Any]]) -> str:
    """The scenario ``source`` with its injects replaced by ``items``: an inject of the file
    that an item has the id of keeps its place in the text, and every key it keeps the same
    value for keeps its text (and comments)."""
    yaml = _yaml()
    data = yaml.load(source)
    old = data.get("injects")
    originals: dict[str, CommentedMap] = {}
    if isinstance(old, list):
        originals = {str(node.get("id")): node for node in old
                     if isinstance(node, CommentedMap)}
    nodes = []
    for item in items:
        node = originals.pop(str(item.get("id")), None)
        if node is None:
            node = inject_node(item)
        else:
            _merge(node, item)
        nodes.append(node)
    if isinstance(old, CommentedSeq):
        # The comments (and blank lines) before an item are the list's, by index: move them
        # with the items they stand before; a new item gets the file's usual separator.
        before = dict(old.ca.items)
        index = {id(node): k for k, node in enumerate(old)}
        separator = next((before[k] for k in sorted(before) if k > 0), None)
        del old[:]
        old.ca.items.clear()
        old.extend(nodes)
        for j, node in enumerate(nodes):
            k = index.get(id(node))
            comment = before.get(k) if k else None
            if comment is None and j > 0 and separator is not None:
                comment = copy.deepcopy(separator)
            if comment is not None and j > 0:
                old.ca.items[j] = comment
    else:
        data["injects"] = CommentedSeq(nodes)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()

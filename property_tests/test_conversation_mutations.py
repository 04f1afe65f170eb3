"""
Conversation laws for the ``TURN``, ``TOOL`` and ``THK`` families.

Valid conversations lint without errors; one targeted mutation per rule is reported
with that rule's code at the expected pointer, and with no other finding of those
families; random mutations never make a rule crash.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from _conversations import conversations, texts
from hypothesis import assume, given
from hypothesis import strategies as st

from messages_schema import LintConfig, lint
from messages_schema.rules._facts import scan

FAMILIES = ("TURN", "TOOL", "THK")

Mutation = Callable[[dict[str, Any], st.DataObject], str]
"""Mutates a body in place and returns the expected finding's JSON pointer."""


def _assistant_indices(body: dict[str, Any], *, with_tool_use: bool = False) -> list[int]:
    out = []
    for i, m in enumerate(body["messages"]):
        if m["role"] != "assistant":
            continue
        if with_tool_use and not any(b["type"] == "tool_use" for b in m["content"]):
            continue
        out.append(i)
    return out


def _loop_messages(body: dict[str, Any]) -> set[int]:
    """Messages of the tool-use loop the request ends in (assistant turns)."""
    facts = scan(body["messages"])
    if facts.tool_loop is None:
        return set()
    start, last = facts.tool_loop
    return {i for t in range(start, last + 1) for i in facts.turns[t].messages}


def _blocks(message: dict[str, Any]) -> list[Any]:
    if isinstance(message["content"], str):
        message["content"] = [{"type": "text", "text": message["content"]}]
    return message["content"]


# -- one mutation per rule ------------------------------------------------------------


def m_turn001(body: dict[str, Any], data: st.DataObject) -> str:
    blocks = _blocks(body["messages"][0])
    blocks.append({"type": "text", "text": ""})
    return f"/messages/0/content/{len(blocks) - 1}"


def m_turn002(body: dict[str, Any], data: st.DataObject) -> str:
    body["messages"][0]["content"] = data.draw(st.sampled_from([" ", "\n", "\t \n"]))
    return "/messages/0"


def m_turn003(body: dict[str, Any], data: st.DataObject) -> str:
    body["messages"][0]["content"] = data.draw(st.sampled_from(["", []]))
    return "/messages/0/content"


def m_turn004(body: dict[str, Any], data: st.DataObject) -> str:
    body["messages"].append({"role": "assistant", "content": data.draw(texts) + " "})
    return f"/messages/{len(body['messages']) - 1}/content"


def m_turn005(body: dict[str, Any], data: st.DataObject) -> str:
    body["messages"].append({"role": "user", "content": data.draw(texts)})
    return f"/messages/{len(body['messages']) - 1}"


def m_turn006(body: dict[str, Any], data: st.DataObject) -> str:
    body["messages"].insert(0, {"role": "system", "content": data.draw(texts)})
    return "/messages/0"


def m_tool001(body: dict[str, Any], data: st.DataObject) -> str:
    a = data.draw(st.sampled_from(_assistant_indices(body, with_tool_use=True)))
    reply = body["messages"][a + 1]["content"]
    del reply[0]  # the reply opens with results: one id is now unanswered
    if not reply:
        body["messages"][a + 1]["content"] = data.draw(texts)
    return f"/messages/{a}"


def m_tool002(body: dict[str, Any], data: st.DataObject) -> str:
    blocks = _blocks(body["messages"][0])
    blocks.insert(0, {"type": "tool_result", "tool_use_id": "toolu_orphan", "content": "x"})
    return "/messages/0/content/0"


def m_tool003(body: dict[str, Any], data: st.DataObject) -> str:
    a = data.draw(st.sampled_from(_assistant_indices(body, with_tool_use=True)))
    content = body["messages"][a]["content"]
    first_use = next(b for b in content if b["type"] == "tool_use")
    content.append(copy.deepcopy(first_use))
    return f"/messages/{a}/content/{len(content) - 1}"


def m_tool004(body: dict[str, Any], data: st.DataObject) -> str:
    body["tools"].append(copy.deepcopy(body["tools"][0]))
    return f"/tools/{len(body['tools']) - 1}"


def m_tool005(body: dict[str, Any], data: st.DataObject) -> str:
    schema = body["tools"][0]["input_schema"]
    schema["properties"]["arg"][data.draw(st.sampled_from(["required", "minLength"]))] = True
    return "/tools/0/input_schema"


def m_tool006(body: dict[str, Any], data: st.DataObject) -> str:
    key = data.draw(st.sampled_from(["oneOf", "allOf", "anyOf"]))
    body["tools"][0]["input_schema"][key] = [{"type": "object"}]
    return f"/tools/0/input_schema/{key}"


def m_tool007(body: dict[str, Any], data: st.DataObject) -> str:
    body["tool_choice"] = {"type": "tool", "name": "no_such_tool"}
    return "/tool_choice/name"


def m_tool008(body: dict[str, Any], data: st.DataObject) -> str:
    body["tools"].append(
        {
            "type": data.draw(st.sampled_from(["web_search_20250305", "web_fetch_20250910"])),
            "name": "web_fetch_or_search",
            "allowed_domains": ["a.example"],
            "blocked_domains": ["b.example"],
        }
    )
    body["tools"][-1]["name"] = body["tools"][-1]["type"].rsplit("_", 1)[0]
    return f"/tools/{len(body['tools']) - 1}/blocked_domains"


def m_tool009(body: dict[str, Any], data: st.DataObject) -> str:
    a = data.draw(st.sampled_from(_assistant_indices(body, with_tool_use=True)))
    block = body["messages"][a + 1]["content"][0]
    block["is_error"] = True
    block["content"] = data.draw(st.sampled_from(["", []]))
    return f"/messages/{a + 1}/content/0"


def m_thk001(body: dict[str, Any], data: st.DataObject) -> str:
    body["thinking"]["budget_tokens"] = body["max_tokens"] + data.draw(st.integers(0, 100))
    return "/thinking/budget_tokens"


def m_thk002(body: dict[str, Any], data: st.DataObject) -> str:
    body["temperature"] = data.draw(st.sampled_from([0, 0.2, 0.7, 0.99]))
    return "/temperature"


def m_thk003(body: dict[str, Any], data: st.DataObject) -> str:
    body["top_k"] = data.draw(st.integers(1, 500))
    return "/top_k"


def m_thk004(body: dict[str, Any], data: st.DataObject) -> str:
    body["top_p"] = data.draw(st.sampled_from([0.0, 0.5, 0.9, 0.949]))
    return "/top_p"


def m_thk005(body: dict[str, Any], data: st.DataObject) -> str:
    body["tool_choice"] = data.draw(
        st.sampled_from([{"type": "any"}, {"type": "tool", "name": body["tools"][0]["name"]}])
    )
    return "/tool_choice/type"


def m_thk006(body: dict[str, Any], data: st.DataObject) -> str:
    facts = scan(body["messages"])
    assert facts.tool_loop is not None
    start, last = facts.tool_loop
    for t in range(start, last + 1, 2):
        for i in facts.turns[t].messages:
            body["messages"][i]["content"] = [
                b for b in body["messages"][i]["content"] if b["type"] != "thinking"
            ]
    return f"/messages/{facts.turns[start].first}/content/0/type"


def m_thk007(body: dict[str, Any], data: st.DataObject) -> str:
    loop = _loop_messages(body)
    candidates = [i for i in _assistant_indices(body) if i not in loop]
    assume(candidates)
    a = data.draw(st.sampled_from(candidates))
    content = body["messages"][a]["content"]
    content.append(content.pop(0))  # thinking now comes last
    return f"/messages/{a}/content/0"


def m_thk008(body: dict[str, Any], data: st.DataObject) -> str:
    body["messages"].append(
        {
            "role": "assistant",
            "content": [{"type": "thinking", "thinking": data.draw(texts), "signature": "EqQB"}],
        }
    )
    return f"/messages/{len(body['messages']) - 1}/content/0"


def m_thk009(body: dict[str, Any], data: st.DataObject) -> str:
    facts = scan(body["messages"])
    assert facts.tool_loop is not None
    a = facts.turns[facts.tool_loop[1]].first
    body["messages"][a]["content"].insert(
        0, {"type": "thinking", "thinking": data.draw(texts), "signature": "EqQB"}
    )
    return f"/messages/{a}/content/0"


#: code -> (mutation, strategy of the conversations it applies to)
MUTATIONS: dict[str, tuple[Mutation, st.SearchStrategy[dict[str, Any]]]] = {
    "TURN001": (m_turn001, conversations()),
    "TURN002": (m_turn002, conversations()),
    "TURN003": (m_turn003, conversations()),
    "TURN004": (m_turn004, conversations()),
    "TURN005": (m_turn005, conversations()),
    "TURN006": (m_turn006, conversations()),
    "TOOL001": (m_tool001, conversations(end_in_tool_loop=True)),
    "TOOL002": (m_tool002, conversations()),
    "TOOL003": (m_tool003, conversations(end_in_tool_loop=True)),
    "TOOL004": (m_tool004, conversations()),
    "TOOL005": (m_tool005, conversations()),
    "TOOL006": (m_tool006, conversations()),
    "TOOL007": (m_tool007, conversations(thinking=False)),
    "TOOL008": (m_tool008, conversations()),
    "TOOL009": (m_tool009, conversations(end_in_tool_loop=True)),
    "THK001": (m_thk001, conversations(thinking=True)),
    "THK002": (m_thk002, conversations(thinking=True)),
    "THK003": (m_thk003, conversations(thinking=True)),
    "THK004": (m_thk004, conversations(thinking=True)),
    "THK005": (m_thk005, conversations(thinking=True)),
    "THK006": (m_thk006, conversations(thinking=True, end_in_tool_loop=True)),
    "THK007": (m_thk007, conversations(thinking=True)),
    "THK008": (m_thk008, conversations(thinking=True)),
    "THK009": (m_thk009, conversations(thinking=False, end_in_tool_loop=True)),
}


def _family_findings(document: Any) -> list[Any]:
    return [f for f in lint(document) if f.code.startswith(FAMILIES) or f.code == "SCH099"]


@given(conversations())
def test_valid_conversations_lint_without_errors(body):
    """Whatever `conversations()` draws has no error-severity finding at all."""
    assert [] == [f.to_dict() for f in lint(body) if f.is_error]


def test_every_family_rule_has_a_mutation():
    """Each TURN, TOOL and THK rule is exercised by a mutation below."""
    from messages_schema.rules import RULES

    assert sorted(c for c in RULES if c.startswith(FAMILIES)) == sorted(MUTATIONS)


@pytest.mark.parametrize("code", sorted(MUTATIONS))
@given(data=st.data())
def test_each_mutation_is_caught_by_its_rule(code, data):
    """A conversation broken for rule X is reported with code X, and only X, at the spot."""
    mutate, strategy = MUTATIONS[code]
    body = copy.deepcopy(data.draw(strategy, label="conversation"))
    pointer = mutate(body, data)

    found = sorted((f.code, f.pointer) for f in _family_findings(body))

    assert [(code, pointer)] == found


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@given(conversations(), st.data())
def test_random_mutations_never_crash_a_rule(body, data):
    """Replacing or deleting any node never makes a TURN, TOOL or THK rule raise."""
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(body)[1:]))
        parent = body
        for seg in path[:-1]:
            parent = parent[seg]
        if data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(_JSON)
        if not isinstance(body, dict) or not _paths(body)[1:]:
            break

    findings = lint(body, config=LintConfig(select=[*FAMILIES, "SCH099"]))

    assert [] == [f.message for f in findings if f.code == "SCH099"]

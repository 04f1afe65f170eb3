"""
Normalizers: pure rewrites of request bodies into the form the API itself uses.

`normalize_request` is a composition of named public steps, each a pure function
from a JSON value to a JSON value:

1. `string_content_to_blocks`: string ``content`` (messages, ``system``,
   ``tool_result``) becomes one ``text`` block, as the API reads it.
2. `merge_same_role`: consecutive ``user``/``user`` or ``assistant``/``assistant``
   messages become one message, blocks concatenated in order, as the API combines them.
3. `canonical_key_order`: keys in a stable order (the schema's), so diffs stay small.

These are *safe*: what the API builds from the output is what it builds from the
input. The *unsafe* step `tool_results_first` (moving ``tool_result`` blocks to the
front of a user turn) can change what the model sees; it runs only with
``normalize_request(..., unsafe=True)``.

No step mutates its input. Unchanged subtrees are shared with the input, never
copied, so a caller must treat the result as read-only or copy it before mutating.

Decisions, with the evidence (``notes/api-evidence.md``):

* **Empty strings stay strings.** The API treats ``"content": ""`` as *empty content*
  (``messages.N: user messages must have non-empty content``; a final assistant
  message may be empty), but ``[{"type": "text", "text": ""}]`` as an *empty text
  block*, which is rejected anywhere, the final assistant message included
  (``messages: text content blocks must be non-empty``; live-probed in
  LibreChat-AI/agents#124, 2026-04-30). Turning ``""`` into a block would turn an
  accepted empty prefill into a 400, so ``""`` is never converted (in ``system`` and
  ``tool_result.content`` neither: ``""`` and ``[]`` are the same "empty content"
  there, jlevy/markform#153).
* **Merging is plain concatenation.** Docs: "Consecutive `user` or `assistant` turns
  in your request will be combined into a single turn" (anthropic-sdk-typescript#565,
  2024-10-19). The API does *not* move ``tool_result`` blocks first when it combines
  turns: a ``tool_result`` that is present but not first is rejected with
  ``tool_use ids were found without tool_result blocks immediately after``
  (QwenLM/qwen-code#8165, 2026-07-30; hermes-agent#58732), and a user message
  appended after the results still trips it (open-octo/octo-agent#250, 2026-05-31).
  So a merged turn keeps its blocks in order; reordering is the separate unsafe
  step `tool_results_first` (see its docstring for why it is unsafe).
* **Boundaries are left alone.** Messages with ``role: "system"`` (mid-conversation
  system messages) are never merged and never merged across; nor are messages
  with an unknown role, extra keys, or empty or malformed ``content`` (the API
  reports an empty message at its own index, ``messages.N``; merging it away would
  hide that 400).
"""

from messages_schema.normalize._fixes import apply_fixes, fix_until_stable
from messages_schema.normalize._steps import (
    SAFE_STEPS,
    STEPS,
    UNSAFE_STEPS,
    canonical_key_order,
    merge_same_role,
    normalize_batch_request,
    normalize_request,
    string_content_to_blocks,
    tool_results_first,
)
from messages_schema.normalize._steps import (
    Step as Step,
)

__all__ = [
    "SAFE_STEPS",
    "STEPS",
    "UNSAFE_STEPS",
    "apply_fixes",
    "canonical_key_order",
    "fix_until_stable",
    "merge_same_role",
    "normalize_batch_request",
    "normalize_request",
    "string_content_to_blocks",
    "tool_results_first",
]

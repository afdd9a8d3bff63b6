"""Gemini for the Vertex AI stand-in: deterministic answers and token counts derived from the request.

Nothing here is a language model. The answer to a prompt is a fixed function of the model and the prompt text
(`expected_answer`: the first sentence of its last paragraph, tagged with the model), so tests can assert it;
tokens are words and punctuation marks (`count_tokens`). The response carries what the real service sends:
candidates with finishReason, `usageMetadata` (prompt, candidates, thoughts when the model thinks, cached and
total token counts, per-modality details), modelVersion, responseId.

Behaviours the real service has and the stand-in copies:
- Models Google lists as retired answer 404 from their retirement date on (RETIRED: this stand-in's own list,
  written from Google's "Model versions" page, independent of the project's model table so a wrong table shows).
- Gemini 2.5 and later think by default; thoughts count against maxOutputTokens (a small limit leaves an empty
  answer with finishReason MAX_TOKENS); gemini-2.5-pro rejects thinkingBudget 0. Gemini 3 and 4 take a
  thinkingLevel; Gemini 4 rejects a thinkingBudget, MINIMAL, frequencyPenalty, presencePenalty and more than one
  candidate (400), as do Gemini 3.8 Flash and Gemini 4 a level they do not list.
- Implicit caching: a prompt of at least CACHE_MIN_TOKENS sent again reports cachedContentTokenCount.
- responseMimeType application/json answers JSON of the request's responseSchema / responseJsonSchema built from
  the text answer (see vertex_structured), or `{"answer": "<the text answer>"}` without a schema; unknown mime
  types are a 400.
- A prompt containing BLOCK_MARKER is blocked (promptFeedback.blockReason SAFETY, no candidates).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from datetime import UTC, date, datetime

from scripts.local.cloud.http import ApiError
from scripts.local.cloud.vertex_structured import answer_text

TOKEN_PATTERN = re.compile(r"\w+|[^\w\s]")
BLOCK_MARKER = "[local:block]"
CACHE_MIN_TOKENS = 1024
ANSWER_WORDS = 40  # at most this many words of the prompt are repeated in the answer
MEDIA_TOKENS = 258  # what Gemini counts for an image (and the stand-in for any non-text file)
THINKING_MODEL_PREFIXES = ("gemini-2.5", "gemini-3", "gemini-4")
THINKING_REQUIRED = ("gemini-2.5-pro", "gemini-3", "gemini-4")
# Thinking levels per model prefix where Google lists them (developer guides of Gemini 3.8 Flash and Gemini 4).
THINKING_LEVELS = {"gemini-4": ("LOW", "MEDIUM", "HIGH"), "gemini-3.8": ("LOW", "MEDIUM", "HIGH")}
# Fields Gemini 4 answers with a 400 (Gemini 4 developer guides: API conventions).
GEMINI_4_REJECTS = ("frequencyPenalty", "presencePenalty")
THOUGHTS_PER_LEVEL = {"MINIMAL": 16, "LOW": 64, "MEDIUM": 256, "HIGH": 512}
# Google's "Model versions" page (docs.cloud.google.com/gemini-enterprise-agent-platform/models/model-versions,
# read 2026-12-07): model id -> the day it was retired. Requests for these answer 404 from that day on.
RETIRED = {
    "gemini-2.5-pro": date(2026, 10, 16),
    "gemini-2.5-flash": date(2026, 10, 16),
    "gemini-2.5-flash-lite": date(2026, 10, 16),
    "gemini-1.5-flash-001": date(2025, 5, 24),
}
THINKING_OFF_BY_DEFAULT = ("gemini-2.5-flash-lite",)
MAX_DYNAMIC_THOUGHTS = 512
RESPONSE_MIME_TYPES = ("text/plain", "application/json", "text/x.enum")


def count_tokens(text: str) -> int:
    """The stand-in's tokenizer: every run of word characters and every other non-space character is one token."""
    return len(TOKEN_PATTERN.findall(text))


def lead(prompt: str) -> str:
    """The first sentence of the prompt's last paragraph (its last block: the article, the question), without a
    heading line such as `Article:`; at most ANSWER_WORDS words. A "lead" summary, as news summarisers use."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", prompt) if p.strip()]
    lines = paragraphs[-1].splitlines() if paragraphs else []
    if len(lines) > 1 and lines[0].rstrip().endswith(":"):
        lines = lines[1:]
    sentence = re.split(r"(?<=[.!?])\s", " ".join(lines).strip(), maxsplit=1)[0]
    return " ".join(sentence.split()[:ANSWER_WORDS])


def expected_answer(label: str, prompt: str) -> str:
    """The full answer the model `label` gives to `prompt` (before any MAX_TOKENS cut). Tests assert with this.

    `[<label> <digest of label and prompt>] <lead of the prompt>`: which model answered, which prompt it read.
    """
    digest = hashlib.sha256(f"{label}\n{prompt}".encode()).hexdigest()[:8]
    return f"[{label} {digest}] {lead(prompt)}"


def truncate_to_tokens(text: str, limit: int) -> str:
    """The longest prefix of `text` holding at most `limit` tokens."""
    if limit <= 0:
        return ""
    matches = list(TOKEN_PATTERN.finditer(text))
    if len(matches) <= limit:
        return text
    return text[: matches[limit - 1].end()]


def is_retired(model_id: str, today: date | None = None) -> bool:
    """Whether Google lists `model_id` (or the model an `@version` / `-NNN` id pins) as retired by `today`."""
    today = today or datetime.now(UTC).date()
    base = re.sub(r"(@\d+|-\d{3})$", "", model_id)
    retired = RETIRED.get(model_id) or RETIRED.get(base)
    return retired is not None and today >= retired


def is_publisher_model_known(model_id: str) -> bool:
    """Gemini model ids the stand-in serves: a misspelt or retired model is a 404, as on Vertex AI."""
    pattern = r"gemini-\d+(\.\d+)?-(pro|flash|flash-lite|argon|neon|carbon|hydrogen)(-[a-z0-9-]+)?(@\d+)?"
    return re.fullmatch(pattern, model_id) is not None and not is_retired(model_id)


def check_ranges(config) -> None:
    """The generation config's numbers within the ranges Vertex AI accepts (else 400, naming the field)."""
    if not config:
        return
    limits = (("temperature", 0.0, 2.0), ("top_p", 0.0, 1.0), ("top_k", 1, 64), ("max_output_tokens", 1, 65536))
    for name, low, high in limits:
        if config._pb.HasField(name) and not low <= getattr(config, name) <= high:
            raise ApiError(
                400, f"Unable to submit request because {name} {getattr(config, name)} is out of range [{low}, {high}]."
            )


def _json_of(config) -> dict:
    """A generation config (proto-plus, or None) as the API's JSON: camelCase names, enum names, no defaults."""
    if not config:
        return {}
    return json.loads(type(config).to_json(config, use_integers_for_enums=False, including_default_value_fields=False))


def _field(message: dict, camel: str, snake: str):
    """A field of a request's JSON, which the API accepts under its camelCase or its proto (snake_case) name."""
    return message.get(camel, message.get(snake))


# What a degraded model answers whatever it is asked (VertexStandIn.degrade): a regression the canary must catch.
DEGRADED_ANSWER = "I am not able to help with that request right now."


class Gemini:
    """generateContent / countTokens for one stand-in: remembers long prompts for implicit caching."""

    def __init__(self):
        self._seen_prompts: set[str] = set()
        self._lock = threading.Lock()

    def thoughts(self, model_id: str, body: dict, prompt_tokens: int) -> int:
        """How many thinking tokens `model_id` spends, from thinkingConfig (400 where the real model refuses).

        Read from the request's JSON `body`: the proto type does not tell an unset budget from 0.
        """
        config = _field(body, "generationConfig", "generation_config") or {}
        if model_id.startswith("gemini-4"):
            for name in GEMINI_4_REJECTS:
                if _field(config, name, re.sub(r"([A-Z])", r"_\1", name).lower()) is not None:
                    raise ApiError(400, f"{name} is not supported by {model_id}.")
            if (_field(config, "candidateCount", "candidate_count") or 1) > 1:
                raise ApiError(400, f"candidateCount greater than 1 is not supported by {model_id}.")
        if not model_id.startswith(THINKING_MODEL_PREFIXES):
            return 0
        thinking = _field(config, "thinkingConfig", "thinking_config") or {}
        budget = _field(thinking, "thinkingBudget", "thinking_budget")
        level = _field(thinking, "thinkingLevel", "thinking_level")
        dynamic = min(16 + prompt_tokens // 2, MAX_DYNAMIC_THOUGHTS)
        if level is not None:
            if budget is not None:
                raise ApiError(400, "thinking_budget and thinking_level cannot be set together.")
            allowed = next((levels for prefix, levels in THINKING_LEVELS.items() if model_id.startswith(prefix)), None)
            if model_id.startswith("gemini-2.5") or (allowed is not None and level not in allowed):
                raise ApiError(400, f"Thinking level {level} is not supported by {model_id}.")
            return min(THOUGHTS_PER_LEVEL.get(level, dynamic), dynamic)
        if budget is not None and model_id.startswith("gemini-4"):
            raise ApiError(400, f"thinking_budget is not supported by {model_id}; use thinking_level.")
        if budget == 0 and model_id.startswith(THINKING_REQUIRED):
            raise ApiError(400, f"Budget 0 is invalid. This model ({model_id}) only works in thinking mode.")
        if budget is None and model_id.startswith(THINKING_OFF_BY_DEFAULT):
            return 0
        if budget is None or budget < 0:
            return dynamic
        return min(budget, dynamic)

    def _cached(self, prompt: str, tokens: int) -> int:
        if tokens < CACHE_MIN_TOKENS:
            return 0
        key = hashlib.sha256(prompt.encode()).hexdigest()
        with self._lock:
            if key in self._seen_prompts:
                return tokens
            self._seen_prompts.add(key)
        return 0

    def generate(
        self, model_id: str, label: str, prompt: str, media_tokens: int, request, body: dict, *, degraded: bool = False
    ) -> dict:
        """The JSON body of a GenerateContentResponse for a validated `request` (JSON `body`) whose text is `prompt`.

        `model_id` is the Gemini model that answers (its thinking rules apply); `label` names it in the answer
        and in modelVersion (a tuned endpoint's label differs from its base model's).
        """
        config = request.generation_config if "generation_config" in request else None
        prompt_tokens = count_tokens(prompt) + media_tokens
        usage = {"promptTokenCount": prompt_tokens}
        response = {
            "modelVersion": label,
            "createTime": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "responseId": uuid.uuid4().hex[:22],
        }
        if BLOCK_MARKER in prompt:
            usage["totalTokenCount"] = prompt_tokens
            return {**response, "promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": usage}
        check_ranges(config)
        mime = config.response_mime_type if config else ""
        if mime and mime not in RESPONSE_MIME_TYPES:
            raise ApiError(400, f"response_mime_type: allowed mimetypes are {', '.join(RESPONSE_MIME_TYPES)}.")
        thoughts = self.thoughts(model_id, body, prompt_tokens)
        limit = config.max_output_tokens if config and config.max_output_tokens else 65535
        answer = answer_text(DEGRADED_ANSWER if degraded else expected_answer(label, prompt), _json_of(config))
        thoughts = min(thoughts, limit)
        text = truncate_to_tokens(answer, limit - thoughts)
        candidates_tokens = count_tokens(text)
        candidate = {
            "content": {"role": "model", "parts": [{"text": text}] if text else []},
            "finishReason": "STOP" if text == answer else "MAX_TOKENS",
            "avgLogprobs": -0.1,
        }
        if config and "tools" in request and any("google_search" in tool for tool in request.tools):
            candidate["groundingMetadata"] = {"webSearchQueries": [" ".join(prompt.split()[:8])]}
        cached = self._cached(prompt, prompt_tokens)
        usage.update(
            candidatesTokenCount=candidates_tokens,
            totalTokenCount=prompt_tokens + candidates_tokens + thoughts,
            promptTokensDetails=[{"modality": "TEXT", "tokenCount": prompt_tokens}],
            candidatesTokensDetails=[{"modality": "TEXT", "tokenCount": candidates_tokens}],
            trafficType="ON_DEMAND",
        )
        if thoughts:
            usage["thoughtsTokenCount"] = thoughts
        if cached:
            usage["cachedContentTokenCount"] = cached
            usage["cacheTokensDetails"] = [{"modality": "TEXT", "tokenCount": cached}]
        return {**response, "candidates": [{"index": 0, **candidate}], "usageMetadata": usage}

    @staticmethod
    def count(prompt: str, media_tokens: int) -> dict:
        """The JSON body of a CountTokensResponse."""
        tokens = count_tokens(prompt) + media_tokens
        return {
            "totalTokens": tokens,
            "totalBillableCharacters": len("".join(prompt.split())),
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": tokens}],
        }

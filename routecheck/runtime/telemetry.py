"""OpenTelemetry for routed calls, without duplicating the SDK's spans.

The installed anthropic SDK already opens one CLIENT span per API call (`anthropic.messages.create`,
with `gen_ai.request.model`, `gen_ai.usage.*`, `http.*`). routecheck adds two things:

- a `routecheck <task>` INTERNAL span per routed API call, the SDK's span's parent. It carries the
  whole routing record, including what only the router knows after the SDK's span has ended (the
  validation outcome) and what a streamed call only knows at its end (tokens, cost);
- the routing attributes, stamped onto the SDK's own span by a client middleware. The SDK runs its
  middleware inside its span's context (`trace.use_span`), so `trace.get_current_span()` there *is*
  the SDK's span; the middleware only touches it when it is not routecheck's own span (an SDK
  client without spans leaves routecheck's span current).

Attribute names: `gen_ai.*` (OpenTelemetry GenAI semantic conventions) where one fits, else `routecheck.*`.
Never prompts, completions or keys.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from anthropic import Middleware
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from routecheck import __version__
from routecheck.runtime.usage import UsageCounts, usage_counts

if TYPE_CHECKING:
    from anthropic._middleware import AsyncCallNext, CallNext
    from anthropic._request import APIRequest
    from anthropic._response import APIResponse, AsyncAPIResponse
    from opentelemetry.trace import TracerProvider
    from opentelemetry.util.types import AttributeValue

    from routecheck.runtime.ledger import CallRecord
    from routecheck.runtime.policy import TierSpec

INSTRUMENTATION_SCOPE = "routecheck"
#: The anthropic SDK's instrumentation scope (platform clients append ".<platform>").
SDK_SCOPE = "com.anthropic.sdk.python"


@dataclass(frozen=True, slots=True)
class Stamp:
    """What the middleware writes on the SDK span of the API call running in this context."""

    parent: Span | None
    attributes: dict[str, AttributeValue]
    tier: TierSpec


#: The routing attributes for the SDK call running now (set by the router around each SDK call).
CURRENT_STAMP: contextvars.ContextVar[Stamp | None] = contextvars.ContextVar("routecheck_stamp", default=None)


class Telemetry:
    """Starts routecheck's span for each routed API call and writes the call record onto it.

    Without an explicit tracer provider the global one is used, looked up per call so that a provider
    set after the Router was built still counts; while there is none (OpenTelemetry's proxy), no span
    is started at all, which keeps an untraced call cheap.
    """

    def __init__(self, tracer_provider: TracerProvider | None = None) -> None:
        self._explicit = tracer_provider is not None
        self._tracer = trace.get_tracer(INSTRUMENTATION_SCOPE, __version__, tracer_provider=tracer_provider)

    @property
    def active(self) -> bool:
        """Whether a span started now would go anywhere (an explicit or a configured global provider)."""
        return self._explicit or not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)

    def start(self, task: str, attributes: dict[str, AttributeValue], model: str) -> Span:
        return self._tracer.start_span(
            f"routecheck {task}", kind=SpanKind.INTERNAL, attributes={**attributes, "gen_ai.request.model": model}
        )


#: OpenTelemetry GenAI semantic-convention names of the prompt-cache token counts.
CACHE_READ_ATTRIBUTE = "gen_ai.usage.cache_read.input_tokens"
CACHE_CREATION_ATTRIBUTE = "gen_ai.usage.cache_creation.input_tokens"


def usage_attributes(usage: UsageCounts) -> dict[str, AttributeValue]:
    """Token counts as span attributes: input, output, and the prompt cache's reads and writes."""
    return {
        "gen_ai.usage.input_tokens": usage.input_tokens,
        "gen_ai.usage.output_tokens": usage.output_tokens,
        CACHE_READ_ATTRIBUTE: usage.cache_read_tokens,
        CACHE_CREATION_ATTRIBUTE: usage.cache_write_tokens,
    }


def record_attributes(record: CallRecord, usage: UsageCounts) -> dict[str, AttributeValue]:
    """The span attributes of a finished call (`usage`: its billed token counts, cache included)."""
    attributes: dict[str, AttributeValue] = {
        **usage_attributes(usage),
        "routecheck.cost_usd": record.cost_usd,
        "routecheck.latency_ms": record.latency_ms,
        "routecheck.status": record.status,
        # the ledger row's id, replica and policy version: a span and its ledger row join on row_id
        "routecheck.row_id": record.row_id,
        "routecheck.instance": record.instance,
        "routecheck.policy_sha256": record.policy_sha256,
    }
    if record.validation is not None:
        attributes["routecheck.validation"] = record.validation
    if record.error_type is not None:
        attributes["error.type"] = record.error_type
    return attributes


def end_span(span: Span, record: CallRecord, usage: UsageCounts) -> None:
    """Write the call record onto the span and end it."""
    if span.is_recording():
        span.set_attributes(record_attributes(record, usage))
        span.set_status(Status(StatusCode.OK if record.status == "ok" else StatusCode.ERROR))
    span.end()


def _stamp_request(stamp: Stamp | None) -> Span | None:
    """Stamp the SDK's span of the call running now; None when there is none to stamp (or no routed call)."""
    if stamp is None:
        return None
    span = trace.get_current_span()
    if span is stamp.parent or not span.is_recording() or not _is_sdk_span(span):
        return None
    span.set_attributes(stamp.attributes)
    return span


def _is_sdk_span(span: Span) -> bool:
    """Whether `span` is the anthropic SDK's call span (and not, say, the application's request span).

    Read from the span's instrumentation scope, which OpenTelemetry SDK spans expose.
    """
    scope = getattr(span, "instrumentation_scope", None)
    return str(getattr(scope, "name", "")).startswith(SDK_SCOPE)


def _set_cost(span: Span, stamp: Stamp, message: object) -> None:
    if getattr(message, "usage", None) is not None:
        usage = usage_counts(message)
        span.set_attributes({CACHE_READ_ATTRIBUTE: usage.cache_read_tokens,
                             CACHE_CREATION_ATTRIBUTE: usage.cache_write_tokens,
                             "routecheck.cost_usd": stamp.tier.cost_usd(usage)})


class RoutingMiddleware(Middleware):
    """Stamps the routing attributes (and, for a non-streamed reply, the cost) on the SDK's span.

    A non-streamed success is parsed here; the SDK reuses that parse (APIResponse caches it).
    """

    def handle(self, request: APIRequest, call_next: CallNext) -> APIResponse[Any]:
        stamp = CURRENT_STAMP.get()
        span = _stamp_request(stamp)
        response = call_next(request)
        if span is not None and stamp is not None and not request.stream and response.http_response.is_success:
            _set_cost(span, stamp, response.parse())
        return response

    async def handle_async(self, request: APIRequest, call_next: AsyncCallNext) -> AsyncAPIResponse[Any]:
        stamp = CURRENT_STAMP.get()
        span = _stamp_request(stamp)
        response = await call_next(request)
        if span is not None and stamp is not None and not request.stream and response.http_response.is_success:
            _set_cost(span, stamp, await response.parse())
        return response

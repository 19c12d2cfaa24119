"""A scriptable fake of the Anthropic HTTP API, for driving the real `anthropic` SDK in tests.

It is a real HTTP/1.1 server (stdlib `http.server`, one daemon thread per connection) bound to
127.0.0.1 only. Point a client at it with `anthropic.Anthropic(base_url=server.url, api_key="test-key")`.

The subset of the API it speaks:

- `POST /v1/messages`: a text-only Message; with `"stream": true`, the same Message as server-sent
  events (message_start, ping, content_block_start, content_block_delta x N, content_block_stop,
  message_delta, message_stop), as the SDK's stream accumulator expects.
- `POST /v1/messages/count_tokens`: `{"input_tokens": N}`.
- `POST /v1/messages/batches`, `GET /v1/messages/batches/{id}`, `GET /v1/messages/batches/{id}/results`
  (JSON Lines) and `POST /v1/messages/batches/{id}/cancel`.

Anything else gets a 404 `not_found_error`. A request without an `Authorization` or `x-api-key`
header gets a 401, and a Messages body without `model`, `max_tokens` >= 1 or `messages` gets a 400.
Errors have the API's shape, `{"type": "error", "error": {"type": ..., "message": ...}, "request_id": ...}`,
and every response carries a `request-id` header.

Replies are scripted per model (see `FakeAnthropic.script` and `FakeAnthropic.default_reply`).
Token counts are deterministic, not a real tokenizer:

- `estimate_tokens(text) = ceil(len(text) / 4)`;
- input tokens = `max(1, sum of estimate_tokens(piece))` over every text piece of the request: the
  system prompt (string or text blocks), each message's string content or text blocks (tool_result
  content is walked the same way), and the compact, key-sorted JSON of any other block and of each tool;
- output tokens = `max(1, estimate_tokens(reply text))`. A reply longer than `max_tokens` tokens is cut
  to `4 * max_tokens` characters with `stop_reason` "max_tokens".

Every request is recorded (`FakeAnthropic.requests`), credentials stripped, and can be appended as one
JSON line per request to a log file, flushed before the response is sent, so a test can prove from the
file which calls reached the server even if the client process was killed. Run it as a process with
`python tests/fake_anthropic.py --port 0 --log FILE`; it prints its URL as the first line of stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Literal, Self, cast

if TYPE_CHECKING:
    import anthropic

__all__ = [
    "FakeAnthropic",
    "FakeAnthropicProcess",
    "RecordedRequest",
    "Reply",
    "Responder",
    "count_input_tokens",
    "estimate_tokens",
    "main",
    "read_log",
    "serve",
]

StopReason = Literal["end_turn", "max_tokens"]

# Headers that carry credentials; never recorded.
_SECRET_HEADERS = frozenset({"authorization", "x-api-key"})

_ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

# http.server has no reason phrase for the API's non-standard 529.
_REASONS: dict[int, str] = {529: "Overloaded"}

_MALFORMED_JSON = '{"label": "unterminated'


def estimate_tokens(text: str) -> int:
    """Deterministic token estimate of one text piece: ceil(len(text) / 4)."""
    return (len(text) + 3) // 4


def _compact_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _text_pieces(content: object) -> Iterator[str]:
    """The text pieces of a message content or system prompt (a string or a list of blocks)."""
    if isinstance(content, str):
        yield content
        return
    if not isinstance(content, list):
        if content is not None:
            yield _compact_json(content)
        return
    for block in content:
        if isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str):
            yield block["text"]
        elif isinstance(block, dict) and block.get("type") == "tool_result":
            yield from _text_pieces(block.get("content"))
        else:
            yield _compact_json(block)


def count_input_tokens(body: Mapping[str, Any]) -> int:
    """Input tokens of a Messages or count_tokens request body, by the formula in the module docstring."""
    total = sum(estimate_tokens(piece) for piece in _text_pieces(body.get("system")))
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in messages:
            if isinstance(message, dict):
                total += sum(estimate_tokens(piece) for piece in _text_pieces(message.get("content")))
    tools = body.get("tools")
    if isinstance(tools, list):
        total += sum(estimate_tokens(_compact_json(tool)) for tool in tools)
    return max(1, total)


def _error_type(status: int) -> str:
    if status in _ERROR_TYPES:
        return _ERROR_TYPES[status]
    return "api_error" if status >= 500 else "invalid_request_error"


@dataclass(frozen=True)
class Reply:
    """One scripted outcome of a Messages call; build it with the class methods."""

    kind: Literal["text", "error", "disconnect"]
    reply_text: str = ""
    status: int = 200
    message: str = ""
    stop_reason: StopReason | None = None
    delay: float = 0.0
    retry_after_ms: int | None = None
    should_retry: bool | None = None
    cache: tuple[int, int, int] = (0, 0, 0)  # cache read, 5-minute write, 1-hour write input tokens

    @classmethod
    def text(
        cls, text: str, *, stop_reason: StopReason | None = None, delay: float = 0.0,
        cache: tuple[int, int, int] = (0, 0, 0),
    ) -> Reply:
        """A successful reply; stop_reason defaults to "end_turn" (or "max_tokens" if cut).

        `cache`: the prompt-cache token counts its usage reports (read, 5-minute write, 1-hour write).
        """
        return cls(kind="text", reply_text=text, stop_reason=stop_reason, delay=delay, cache=cache)

    @classmethod
    def malformed_json(cls, *, delay: float = 0.0) -> Reply:
        """A successful reply whose text is truncated JSON: `{"label": "unterminated`."""
        return cls(kind="text", reply_text=_MALFORMED_JSON, delay=delay)

    @classmethod
    def error(
        cls,
        status: int,
        *,
        message: str | None = None,
        retry_after_ms: int | None = 1,
        should_retry: bool | None = None,
        delay: float = 0.0,
    ) -> Reply:
        """An HTTP error with the API's error body; its type follows the status (529: overloaded_error).

        `retry_after_ms` sends `retry-after-ms` and `retry-after` (whole seconds, rounded down). The SDK
        reads `retry-after-ms` first and ignores a wait of 0, falling back to its 0.5 s+ backoff, so the
        1 ms default keeps retries fast; pass None to send neither. `should_retry` sends `x-should-retry`.
        """
        return cls(
            kind="error",
            status=status,
            message=message if message is not None else f"Fake {_error_type(status)} ({status})",
            retry_after_ms=retry_after_ms,
            should_retry=should_retry,
            delay=delay,
        )

    @classmethod
    def disconnect(cls, *, delay: float = 0.0) -> Reply:
        """Close the connection without answering (the SDK sees a connection error and may retry)."""
        return cls(kind="disconnect", delay=delay)


Responder = Callable[[dict[str, Any]], str | Reply]
"""Decides a reply from the parsed request body: return the reply text or a `Reply`."""


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it; `headers` are lower-cased, without credentials."""

    seq: int
    timestamp: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any
    status: int

    @property
    def model(self) -> str | None:
        """The body's top-level `model`, if any."""
        if isinstance(self.body, dict) and isinstance(self.body.get("model"), str):
            return cast(str, self.body["model"])
        return None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> RecordedRequest:
        return cls(**json.loads(line))


def read_log(path: str | os.PathLike[str]) -> list[RecordedRequest]:
    """The requests recorded in a log file written with `log_path`/`--log`."""
    with open(path, encoding="utf-8") as file:
        return [RecordedRequest.from_json(line) for line in file if line.strip()]


@dataclass
class _ModelScript:
    queue: list[Reply] = field(default_factory=list)
    default: str | Responder | None = None
    delay: float = 0.0


@dataclass
class _Batch:
    id: str
    created_at: datetime
    results: list[dict[str, Any]]
    polls_left: int
    cancel_initiated_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class _Response:
    """What the handler sends back; `events` makes it an SSE stream."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    events: tuple[tuple[str, dict[str, Any]], ...] | None = None
    delay: float = 0.0
    disconnect: bool = False


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeAnthropic

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-response (killed, timed out) is expected in tests; stay quiet.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Idle keep-alive connections end after this many seconds, so no handler thread lives unbounded.
    timeout = 30.0
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle plus delayed ACKs add ~40 ms a call.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.fake._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log replaces stderr access logs

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        path, _, query = self.path.partition("?")
        response = self.server.fake._respond(self.command, path, query, headers, raw)
        # A delay cut short by stop() ends in a hang-up: a late reply must not look like a normal answer.
        stopped = response.delay > 0 and self.server.fake._stopping.wait(response.delay)
        if response.disconnect or stopped:
            self.close_connection = True
            return
        self.send_response(response.status, _REASONS.get(response.status))
        self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.events is None:
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
            return
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for name, data in response.events:
            chunk = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")


class FakeAnthropic:
    """The fake API server. Use as a context manager, or call `start()` and `stop()`."""

    def __init__(
        self,
        *,
        port: int = 0,
        default_text: str = "ok",
        batch_polls: int = 1,
        known_models: Iterable[str] | None = None,
        log_path: str | os.PathLike[str] | None = None,
    ) -> None:
        """`default_text` answers models with no script; a batch reports "in_progress" to its first
        `batch_polls` retrieves; with `known_models`, other models get a 404; `log_path` appends
        one JSON line per request."""
        self._port = port
        self._default_text = default_text
        self._batch_polls = batch_polls
        self._known_models = frozenset(known_models) if known_models is not None else None
        self._log_path = log_path
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._scripts: dict[str, _ModelScript] = {}
        self._requests: list[RecordedRequest] = []
        self._batches: dict[str, _Batch] = {}
        self._connections: set[socket.socket] = set()
        self._seq = 0
        self._message_count = 0
        self._log_file: IO[str] | None = None
        self._httpd: _HTTPServer | None = None
        self._url = ""
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind 127.0.0.1 and serve in a daemon thread."""
        if self._httpd is not None:
            raise RuntimeError("FakeAnthropic is already started")
        if self._log_path is not None:
            self._log_file = open(self._log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        httpd = _HTTPServer(("127.0.0.1", self._port), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._url = f"http://127.0.0.1:{httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-anthropic", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end open connections and pending delays, close the log file."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            log_file, self._log_file = self._log_file, None
        if log_file is not None:
            log_file.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL for the SDK, e.g. http://127.0.0.1:54321."""
        if not self._url:
            raise RuntimeError("FakeAnthropic is not started")
        return self._url

    # -- scripting --------------------------------------------------------------------------------

    def script(self, model: str, *replies: Reply | str) -> None:
        """Queue outcomes for `model`, consumed one per call in order (a str is a text reply)."""
        queued = [Reply.text(r) if isinstance(r, str) else r for r in replies]
        with self._lock:
            self._scripts.setdefault(model, _ModelScript()).queue.extend(queued)

    def default_reply(self, model: str, reply: str | Responder, *, delay: float = 0.0) -> None:
        """What `model` answers once its queue is empty: fixed text or a `Responder`; `delay` in seconds."""
        with self._lock:
            entry = self._scripts.setdefault(model, _ModelScript())
            entry.default = reply
            entry.delay = delay

    def pending(self, model: str) -> int:
        """How many scripted outcomes `model` has not consumed yet."""
        with self._lock:
            entry = self._scripts.get(model)
            return len(entry.queue) if entry is not None else 0

    # -- request log ------------------------------------------------------------------------------

    def requests(
        self, *, path: str | None = None, model: str | None = None, method: str | None = None
    ) -> list[RecordedRequest]:
        """Recorded requests in arrival (`seq`) order, filtered by exact path, top-level model and method."""
        with self._lock:
            recorded = sorted(self._requests, key=lambda r: r.seq)
        return [
            r
            for r in recorded
            if (path is None or r.path == path)
            and (model is None or r.model == model)
            and (method is None or r.method == method.upper())
        ]

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    # -- SDK clients ------------------------------------------------------------------------------

    def client(self, *, max_retries: int = 0, timeout: float = 10.0, **kwargs: Any) -> anthropic.Anthropic:
        """A real `anthropic.Anthropic` pointed at this server (api_key "test-key")."""
        import anthropic

        return anthropic.Anthropic(
            base_url=self.url, api_key="test-key", max_retries=max_retries, timeout=timeout, **kwargs
        )

    def async_client(
        self, *, max_retries: int = 0, timeout: float = 10.0, **kwargs: Any
    ) -> anthropic.AsyncAnthropic:
        """A real `anthropic.AsyncAnthropic` pointed at this server (api_key "test-key")."""
        import anthropic

        return anthropic.AsyncAnthropic(
            base_url=self.url, api_key="test-key", max_retries=max_retries, timeout=timeout, **kwargs
        )

    # -- internals --------------------------------------------------------------------------------

    def _track(self, connection: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _respond(self, method: str, path: str, query: str, headers: dict[str, str], raw: bytes) -> _Response:
        """Decide the response and record the request (to the log file too) before anything is sent.

        So a record proves the request reached the server, not that the client got the reply. Under
        concurrency, log lines can be slightly out of `seq` order (a Responder runs before recording).
        """
        with self._lock:
            self._seq += 1
            seq = self._seq
        request_id = f"req_fake{seq:08d}"
        body: Any = None
        invalid: _Response | None = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
                invalid = self._error(400, "Request body is not valid JSON", request_id)
        response = invalid or self._route(method, path, headers, body, request_id)
        recorded = RecordedRequest(
            seq=seq,
            timestamp=time.time(),
            method=method,
            path=path,
            query=query,
            headers={k: v for k, v in headers.items() if k not in _SECRET_HEADERS},
            body=body,
            status=0 if response.disconnect else response.status,
        )
        with self._lock:
            self._requests.append(recorded)
            if self._log_file is not None:
                self._log_file.write(recorded.to_json() + "\n")
                self._log_file.flush()
        return response

    def _route(
        self, method: str, path: str, headers: Mapping[str, str], body: Any, request_id: str
    ) -> _Response:
        if not headers.get("authorization") and not headers.get("x-api-key"):
            return self._error(401, "Missing Authorization or x-api-key header", request_id)
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v1/messages":
            return self._messages(body, request_id)
        if method == "POST" and path == "/v1/messages/count_tokens":
            return self._count_tokens(body, request_id)
        if method == "POST" and path == "/v1/messages/batches":
            return self._create_batch(body, request_id)
        if parts[:3] == ["v1", "messages", "batches"] and len(parts) in (4, 5):
            suffix = parts[4] if len(parts) == 5 else None
            if method == "GET" and suffix is None:
                return self._retrieve_batch(parts[3], request_id)
            if method == "GET" and suffix == "results":
                return self._batch_results(parts[3], request_id)
            if method == "POST" and suffix == "cancel":
                return self._cancel_batch(parts[3], request_id)
        return self._error(404, f"Not found: {method} {path}", request_id)

    @staticmethod
    def _json(status: int, payload: object, request_id: str) -> _Response:
        headers = (("request-id", request_id),)
        return _Response(status=status, body=json.dumps(payload).encode(), headers=headers)

    def _error(self, status: int, message: str, request_id: str, reply: Reply | None = None) -> _Response:
        headers = [("request-id", request_id)]
        if reply is not None and reply.retry_after_ms is not None:
            headers.append(("retry-after-ms", str(reply.retry_after_ms)))
            headers.append(("retry-after", str(reply.retry_after_ms // 1000)))
        if reply is not None and reply.should_retry is not None:
            headers.append(("x-should-retry", "true" if reply.should_retry else "false"))
        payload = {
            "type": "error",
            "error": {"type": _error_type(status), "message": message},
            "request_id": request_id,
        }
        return _Response(
            status=status,
            body=json.dumps(payload).encode(),
            headers=tuple(headers),
            delay=reply.delay if reply is not None else 0.0,
        )

    def _validate_params(self, body: Any) -> str | None:
        """Why a Messages body is invalid, or None."""
        if not isinstance(body, dict):
            return "body: expected a JSON object"
        if not isinstance(body.get("model"), str) or not body["model"]:
            return "model: Field required"
        max_tokens = body.get("max_tokens")
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
            return "max_tokens: Field required (an integer >= 1)"
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return "messages: Field required (a non-empty list)"
        return None

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        """Pop the model's next scripted outcome, or apply its default (outside the lock)."""
        model = cast(str, body["model"])
        with self._lock:
            entry = self._scripts.get(model)
            if entry is not None and entry.queue:
                return entry.queue.pop(0)
            default: str | Responder = (
                entry.default if entry is not None and entry.default is not None else self._default_text
            )
            delay = entry.delay if entry is not None else 0.0
        decided = default if isinstance(default, str) else default(body)
        if isinstance(decided, str):
            return Reply.text(decided, delay=delay)
        return decided

    def _message(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        """A complete Message for a text reply, cut to `max_tokens` if needed."""
        with self._lock:
            self._message_count += 1
            message_id = f"msg_fake{self._message_count:08d}"
        reply_text = reply.reply_text
        stop_reason: StopReason = reply.stop_reason or "end_turn"
        max_tokens = cast(int, body["max_tokens"])
        if estimate_tokens(reply_text) > max_tokens:
            reply_text = reply_text[: 4 * max_tokens]
            stop_reason = "max_tokens"
        return {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": reply_text}],
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {
                "input_tokens": count_input_tokens(body),
                "output_tokens": max(1, estimate_tokens(reply_text)),
                "cache_creation_input_tokens": reply.cache[1] + reply.cache[2],
                "cache_read_input_tokens": reply.cache[0],
                **({"cache_creation": {"ephemeral_5m_input_tokens": reply.cache[1],
                                       "ephemeral_1h_input_tokens": reply.cache[2]}} if any(reply.cache) else {}),
            },
        }

    def _unknown_model(self, body: dict[str, Any]) -> str | None:
        if self._known_models is not None and body["model"] not in self._known_models:
            return f"model: {body['model']}"
        return None

    def _messages(self, body: Any, request_id: str) -> _Response:
        problem = self._validate_params(body)
        if problem is not None:
            return self._error(400, problem, request_id)
        missing = self._unknown_model(body)
        if missing is not None:
            return self._error(404, missing, request_id)
        reply = self._next_reply(body)
        if reply.kind == "disconnect":
            return _Response(status=0, disconnect=True, delay=reply.delay)
        if reply.kind == "error":
            return self._error(reply.status, reply.message, request_id, reply)
        message = self._message(body, reply)
        if not body.get("stream"):
            return replace(self._json(200, message, request_id), delay=reply.delay)
        return _Response(
            status=200,
            content_type="text/event-stream; charset=utf-8",
            headers=(("request-id", request_id),),
            events=tuple(_stream_events(message)),
            delay=reply.delay,
        )

    def _count_tokens(self, body: Any, request_id: str) -> _Response:
        if not isinstance(body, dict) or not isinstance(body.get("model"), str):
            return self._error(400, "model: Field required", request_id)
        if not isinstance(body.get("messages"), list):
            return self._error(400, "messages: Field required", request_id)
        missing = self._unknown_model(body)
        if missing is not None:
            return self._error(404, missing, request_id)
        return self._json(200, {"input_tokens": count_input_tokens(body)}, request_id)

    def _create_batch(self, body: Any, request_id: str) -> _Response:
        requests = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(requests, list) or not requests:
            return self._error(400, "requests: Field required (a non-empty list)", request_id)
        custom_ids: set[str] = set()
        for index, item in enumerate(requests):
            custom_id = item.get("custom_id") if isinstance(item, dict) else None
            if not isinstance(custom_id, str) or custom_id in custom_ids:
                return self._error(400, f"requests.{index}.custom_id: missing or duplicate", request_id)
            custom_ids.add(custom_id)
            problem = self._validate_params(item.get("params"))
            if problem is not None:
                return self._error(400, f"requests.{index}.params.{problem}", request_id)
        # The per-model scripts are consumed now, in request order, so results are deterministic.
        results = [
            {"custom_id": item["custom_id"], "result": self._batch_result(item["params"], request_id)}
            for item in requests
        ]
        with self._lock:
            batch_id = f"msgbatch_fake{len(self._batches) + 1:04d}"
            batch = _Batch(
                id=batch_id, created_at=datetime.now(UTC), results=results, polls_left=self._batch_polls
            )
            self._batches[batch_id] = batch
            payload = self._batch_json(batch)
        return self._json(200, payload, request_id)

    def _batch_result(self, params: dict[str, Any], request_id: str) -> dict[str, Any]:
        """A batch entry's result; the reply's delay does not apply inside a batch."""
        missing = self._unknown_model(params)
        reply = Reply.error(404, message=missing) if missing is not None else self._next_reply(params)
        if reply.kind == "text":
            return {"type": "succeeded", "message": self._message(params, reply)}
        status = reply.status if reply.kind == "error" else 500
        message = reply.message if reply.kind == "error" else "Fake connection lost"
        return {
            "type": "errored",
            "error": {
                "type": "error",
                "error": {"type": _error_type(status), "message": message},
                "request_id": request_id,
            },
        }

    def _batch_json(self, batch: _Batch) -> dict[str, Any]:
        """The MessageBatch object; call with the lock held."""
        counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        if batch.ended_at is None:
            counts["processing"] = len(batch.results)
        else:
            for entry in batch.results:
                counts[entry["result"]["type"]] += 1
        status = "ended" if batch.ended_at else ("canceling" if batch.cancel_initiated_at else "in_progress")
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": status,
            "request_counts": counts,
            "created_at": _iso(batch.created_at),
            "expires_at": _iso(batch.created_at + timedelta(hours=24)),
            "ended_at": _iso(batch.ended_at) if batch.ended_at else None,
            "cancel_initiated_at": _iso(batch.cancel_initiated_at) if batch.cancel_initiated_at else None,
            "archived_at": None,
            "results_url": f"{self.url}/v1/messages/batches/{batch.id}/results" if batch.ended_at else None,
        }

    def _retrieve_batch(self, batch_id: str, request_id: str) -> _Response:
        with self._lock:
            batch = self._batches.get(batch_id)
            if batch is not None and batch.ended_at is None:
                if batch.polls_left > 0 and batch.cancel_initiated_at is None:
                    batch.polls_left -= 1
                else:
                    batch.ended_at = datetime.now(UTC)
            payload = self._batch_json(batch) if batch is not None else None
        if payload is None:
            return self._error(404, f"No message batch {batch_id}", request_id)
        return self._json(200, payload, request_id)

    def _batch_results(self, batch_id: str, request_id: str) -> _Response:
        with self._lock:
            batch = self._batches.get(batch_id)
            lines = [json.dumps(entry) for entry in batch.results] if batch and batch.ended_at else None
        if lines is None:
            return self._error(404, f"No results for message batch {batch_id} (yet)", request_id)
        return _Response(
            status=200,
            body=("\n".join(lines) + "\n").encode(),
            content_type="application/x-jsonl",
            headers=(("request-id", request_id),),
        )

    def _cancel_batch(self, batch_id: str, request_id: str) -> _Response:
        with self._lock:
            batch = self._batches.get(batch_id)
            if batch is not None and batch.ended_at is None and batch.cancel_initiated_at is None:
                # Nothing has "run" yet from the caller's view: every entry becomes canceled.
                batch.cancel_initiated_at = datetime.now(UTC)
                canceled = {"type": "canceled"}
                batch.results = [{"custom_id": e["custom_id"], "result": canceled} for e in batch.results]
            payload = self._batch_json(batch) if batch is not None else None
        if payload is None:
            return self._error(404, f"No message batch {batch_id}", request_id)
        return self._json(200, payload, request_id)


def _stream_events(message: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The SSE events that stream `message`, its text split into up to three deltas."""
    reply_text = cast(str, message["content"][0]["text"])
    usage = message["usage"]
    start = {
        **message,
        "content": [],
        "stop_reason": None,
        "usage": {**usage, "output_tokens": 1},
    }
    yield "message_start", {"type": "message_start", "message": start}
    yield "ping", {"type": "ping"}
    yield (
        "content_block_start",
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "text", "text": ""},
        },
    )
    size = max(1, math.ceil(len(reply_text) / 3))
    for offset in range(0, len(reply_text), size):
        yield (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": reply_text[offset : offset + size]},
            },
        )
    yield "content_block_stop", {"type": "content_block_stop", "index": 0}
    yield (
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
            "usage": {"output_tokens": usage["output_tokens"]},
        },
    )
    yield "message_stop", {"type": "message_stop"}


def serve() -> Iterator[FakeAnthropic]:
    """A started server with default settings, stopped afterwards.

    Make it a fixture with `server = pytest.fixture(serve, name="server")`.
    """
    with FakeAnthropic() as server:
        yield server


class FakeAnthropicProcess:
    """This module run as a child process (so the server outlives a killed client); a context manager.

    POSIX only (it waits for the URL line with `select`). Exiting sends SIGTERM, which ends pending delays.
    """

    def __init__(
        self, *, log_path: str | os.PathLike[str], args: Sequence[str] = (), startup_timeout: float = 10.0
    ) -> None:
        """`args` are extra command-line options, e.g. ["--reply", "m=hi", "--delay", "m=30"]."""
        script = os.path.abspath(__file__)
        self._command = [sys.executable, script, "--port", "0", "--log", os.fspath(log_path), *args]
        self._startup_timeout = startup_timeout
        self._process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> Self:
        process = subprocess.Popen(self._command, stdout=subprocess.PIPE, text=True)
        self._process = process
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], self._startup_timeout)
        line = process.stdout.readline().strip() if ready else ""
        if not line.startswith("http://"):
            self._terminate()
            raise RuntimeError(f"fake server process did not start: {line!r}")
        self.url = line
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._terminate()

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("process is not started")
        return self._process.pid

    def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()


def _pairs(values: Sequence[str], option: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        model, sep, rest = value.partition("=")
        if not sep or not model:
            raise SystemExit(f"{option} expects MODEL=VALUE, got {value!r}")
        pairs.append((model, rest))
    return pairs


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGTERM/SIGINT, printing the URL as the first line of stdout."""
    parser = argparse.ArgumentParser(description="Fake Anthropic API server for tests.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--log", help="append one JSON line per request to this file")
    parser.add_argument("--default-text", default="ok", help="reply text for models with no --reply")
    parser.add_argument("--reply", action="append", default=[], metavar="MODEL=TEXT", help="default reply")
    parser.add_argument("--delay", action="append", default=[], metavar="MODEL=SECONDS", help="reply delay")
    parser.add_argument("--batch-polls", type=int, default=1, help="retrieves that report in_progress")
    options = parser.parse_args(argv)

    server = FakeAnthropic(
        port=options.port,
        default_text=options.default_text,
        batch_polls=options.batch_polls,
        log_path=options.log,
    )
    replies = dict(_pairs(options.reply, "--reply"))
    delays = {model: float(seconds) for model, seconds in _pairs(options.delay, "--delay")}
    for model in replies.keys() | delays.keys():
        server.default_reply(model, replies.get(model, options.default_text), delay=delays.get(model, 0.0))

    done = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with server:
        print(server.url, flush=True)
        done.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

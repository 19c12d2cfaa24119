"""The code rules RC200-RC207: each one's identity, documentation page and message, in one place.

Each rule is declared as the policy rules are (`routecheck.rule_spec`): by the function that words the
finding's message, whose docstring is its page. What a file holds is found by the scanner (`calls`,
`strings`, `config_files`, `suppress`), which makes the findings with these rules; RC207 is found by
`routecheck.codegen.stale`. The data a matcher reads (RC202's shapes, RC205's file suffixes) is declared
here, beside the page, and both the page and the matcher read it. This module imports nothing heavy.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Mapping
from typing import ParamSpec

from routecheck.finding import Severity
from routecheck.rule_spec import RuleSpec, declare

P = ParamSpec("P")
#: A code rule: its function words the finding's message.
CodeRule = RuleSpec[P, str]
CODE_RULES: list[RuleSpec[..., str]] = []


def code_rule(code: str, name: str, severity: Severity, *, fill: Mapping[str, str] | None = None
              ) -> Callable[[Callable[P, str]], RuleSpec[P, str]]:
    """Declare a code rule; `fill` replaces `<NAME>` placeholders of the page (text generated from data)."""
    return declare(CODE_RULES, code, name, severity, fill=fill)


@code_rule("RC200", "unused-suppression", Severity.WARNING)
def unused_suppression(comment: str, code: str | None, *, known: bool = True) -> str:
    """A `# routecheck: ignore` comment suppresses nothing (reported only under --strict).

    ## Why is this bad?
    A suppression that no longer suppresses anything hides the next real finding on that line: the
    hardcoded model was removed, but the comment stays and silences whatever is written there later.
    Like ruff's RUF100, routecheck reports it when you ask for the strict view (`--strict`). A code in
    the brackets that routecheck does not know is reported the same way.

    ## Example
    ```python
    model = settings.model  # routecheck: ignore[RC201] -- the id moved to settings long ago
    ```

    ## Use instead
    ```python
    model = settings.model
    ```
    """
    if code is None:
        return f"'{comment}' suppresses nothing"
    if not known:
        return f"'{comment}' names unknown rule code '{code}'"
    return f"'{comment}' suppresses nothing: no {code} finding on this line"


@code_rule("RC201", "hardcoded-model", Severity.ERROR)
def hardcoded_model(model: str) -> str:
    """A string literal in Python code is, or contains as a whole token, a model id.

    Counted: plain strings, each piece of an f-string (and strings nested in its fields), implicit
    concatenations (`"claude-" "opus-4-6"`), defaults such as `os.getenv("MODEL", "claude-...")` or
    `Field(default="claude-...")`, dict values, class attributes, in `.py` files and in the code cells
    of notebooks (`.ipynb`; IPython magics and shell escapes are skipped). Never counted: docstrings (and
    any other string standing alone as a statement), comments, the policy file and the generated
    client. A model id inside a longer string counts only as a whole token: `"claude-sonnet-4-6 is
    great"` counts, `"myclaude-sonnet-4-6x"`, `"claude-code"` and a URL path do not.

    Model ids are the policy's tier models, the ids the installed anthropic SDK knows, Anthropic's id
    shapes (Vertex `claude-…@date`; Bedrock `anthropic.claude-…` with geo prefixes such as `us.` or
    `global.`, ARNs and legacy ids such as `anthropic.claude-v2`), the OpenAI and Gemini families
    (`gpt-…`, `gpt-oss-…`, `text-embedding-3-…`, o-series ids as a whole string or in a string listing
    only ids; `gemini-…`, `gemini-embedding-…`, `gemini-live-…`), third-party Bedrock ids
    (`openai.gpt-oss-…`, `meta.llama…-v1:0`), any of these behind a provider prefix
    (`openai:gpt-5.2`, `anthropic/claude-…`, `openrouter/anthropic/…`), and the project's
    `model-patterns`. The finding points at the string literal (the piece of a concatenation) that
    holds the id; in a string that spans lines, at the id itself.

    ## Why is this bad?
    A model id in code is a routing decision nobody can see: it escapes the policy, its evidence gate
    and its cost model, and when a model is retired or a tier must be rolled back, every copy has to
    be found by hand. The article's pattern: "define the model tier for each task type once".

    ## Example
    ```python
    response = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=messages)
    ```

    ## Use instead
    ```python
    response = router.create("draft_email", messages=messages)   # the policy picks the model
    ```
    """
    return f"hardcoded model id '{model}'; route the call through a task type so the policy picks the model"


#: RC202: the dotted tails of a callee (or of a method taken as a value) that bypass the policy. "*" is any
#: method but a resource name; a tail needs something before it (`client.`, `self.llm.`, `get_client().`).
SDK_CALL_SHAPES: tuple[tuple[str, ...], ...] = (
    ("messages", "create"), ("messages", "stream"), ("messages", "count_tokens"), ("messages", "parse"),
    ("messages", "batches", "create"),
    ("beta", "messages", "*"), ("beta", "messages", "batches", "create"),
    ("chat", "completions", "create"), ("chat", "completions", "parse"), ("chat", "completions", "stream"),
    ("responses", "create"), ("responses", "stream"), ("responses", "parse"),
)
#: Wrappers the SDKs put anywhere in a chain; they change the return type, not the call.
SDK_WRAPPERS = frozenset({"with_raw_response", "with_streaming_response"})
#: Resource names "*" does not stand for.
SDK_RESOURCES = frozenset({"batches", "models", "files"})


def _shape_list() -> str:
    return ", ".join(f"`*.{'.'.join(shape)}`" for shape in SDK_CALL_SHAPES)


@code_rule("RC202", "direct-sdk-call", Severity.ERROR,
           fill={"SDK_CALLS": _shape_list(), "WRAPPERS": ", ".join(f"`.{w}.`" for w in sorted(SDK_WRAPPERS))})
def direct_sdk_call(call: str, *, called: bool = True) -> str:
    """An LLM SDK call bypasses the routing client.

    Matched by the shape of the callee, whatever the client object is called or how it was imported
    (`from anthropic import AsyncAnthropic as A` changes nothing): <SDK_CALLS> (`*` being any method).
    The same with <WRAPPERS> anywhere in the chain. A method taken as a value counts too
    (`create = client.messages.create`, `retry(client.chat.completions.create, ...)`). Awaited calls and
    `with client.messages.stream(...)` blocks count the same. Calls that choose no model
    (`batches.list`, `.retrieve`, `.cancel`, `.results`, `.delete`, beta or not) are not bypasses. The
    generated client is never reported.

    ## Why is this bad?
    A direct call picks its own model, skips the max_tokens cap, the upgrade rules, the incident
    override (`ROUTECHECK_OVERRIDE`) and the ledger: the call is invisible to everything that makes
    tiered routing safe.

    ## Example
    ```python
    client = anthropic.Anthropic()
    reply = client.messages.create(model=MODEL, max_tokens=256, messages=messages)
    ```

    ## Use instead
    ```python
    from app.llm_routes import Router

    reply = Router().create("classify_intent", messages=messages)
    ```
    """
    what = f"direct SDK call {call}()" if called else f"SDK method {call} taken as a value"
    return f"{what} bypasses the routing policy; call the generated client (router.create(task, ...)) instead"


@code_rule("RC203", "unregistered-task", Severity.ERROR)
def unregistered_task(task: str, known: Collection[str], policy: str) -> str:
    """A routing call names a task type the policy does not have.

    Routing calls are the generated client's (`router.call(...)`, `router.create(...)`,
    `router.create_on_tier(...)` on anything named like a router, and `call_ai(...)`) and the names
    configured in `[tool.routecheck] task-calls` (`"call_ai"`, `"*.route"`, `"obj.method"`). The task
    type is the `task` or `task_type` keyword, else the first positional argument. It is resolved from
    string literals, module constants, Enum members and class attributes (`Task.CLASSIFY`,
    `Task.CLASSIFY.value`), `typing.Literal` aliases used as parameter annotations (every member is
    checked), and constants imported from another module of the scanned tree.

    ## Why is this bad?
    With `unknown_tasks = "error"` the call raises at run time; with `"default"` it silently runs on
    the default tier with nobody having decided so. Either way the mistake is cheaper to catch before
    the commit.

    ## Example
    ```python
    label = call_ai("clasify_intent", prompt)   # typo
    ```

    ## Use instead
    ```python
    label = call_ai("classify_intent", prompt)  # a [tasks.classify_intent] table exists
    ```
    """
    close = difflib.get_close_matches(task, list(known), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"add [tasks.{task}] to {policy}"
    return f"task type '{task}' is not in the policy ({hint})"


@code_rule("RC204", "dynamic-task", Severity.WARNING)
def dynamic_task(argument: str, callee: str) -> str:
    """A routing call's task type is not something routecheck can resolve to a literal.

    Resolvable: a string literal, a module constant, an Enum member or class attribute, a name typed
    with a `Literal[...]` alias (or the generated client's `TaskType`), a constant imported from
    another module of the scanned tree. Anything else (a value computed at run time, an f-string, a
    parameter typed `str`) is dynamic.

    ## Why is this bad?
    A dynamic task type cannot be checked against the policy before it runs; a typo or a new task
    type reaches production unseen.

    ## Example
    ```python
    def handle(kind: str, prompt: str) -> str:
        return call_ai(f"{kind}_intent", prompt)
    ```

    ## Use instead
    ```python
    from app.llm_routes import TaskType

    def handle(task: TaskType, prompt: str) -> str:
        return call_ai(task, prompt)
    ```
    """
    shown = argument if len(argument) <= 60 else argument[:57] + "..."
    return (f"cannot resolve the task type {shown} of {callee}() to a literal; pass a task name, a constant, "
            "an Enum member or a Literal-typed name so it can be checked")


#: RC205: the file suffixes that make a file a configuration file (and `.env`, `.env.*` by name).
CONFIG_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".env")


@code_rule("RC205", "model-in-config", Severity.WARNING, fill={"SUFFIXES": ", ".join(CONFIG_SUFFIXES)})
def model_in_config(model: str) -> str:
    """A model id appears in a configuration file (<SUFFIXES>).

    A plain text scan: every model id on a line that is not a comment (`#`, `;` or `//` first). The
    policy file and its evidence files are never reported; they are where model ids belong. Neither
    is any other routecheck policy or evidence file (a TOML file with `version = 1` and `[tiers.*]`
    tables, or with `candidate_model` and `reference_model` keys), such as an example's policy.

    ## Why is this bad?
    A model id in deployment configuration is a second, unreviewed routing policy: it overrides the
    policy's choice at run time, out of sight of lint, cost and the evidence gate.

    ## Example
    ```yaml
    llm:
      model: claude-sonnet-4-6
    ```

    ## Use instead
    ```yaml
    llm:
      task: draft_email       # the policy maps the task to a tier
    ```
    """
    return f"model id '{model}' in a config file; name a task type and let the policy pick the model"


@code_rule("RC206", "unused-task", Severity.INFO)
def unused_task(task: str) -> str:
    """A task type of the policy that no scanned code uses (whole-project scans only).

    A task counts as used when a routing call resolves to it or when its name appears as a string
    literal in a scanned Python file (an Enum value or a constant that names it). Scans of explicit
    files (a pre-commit run on staged files) do not report it: they see too little of the code.

    ## Why is this bad?
    A task nobody calls still counts in the cost model and keeps tiers alive; it is usually a rename
    that left the old entry behind.

    ## Example
    ```toml
    [tasks.summarise_ticket]   # the code now calls "summarize_short"
    tier = "haiku"
    ```

    ## Use instead
    Delete the table, or rename it to what the code calls.
    """
    return f"task type '{task}' is in the policy but no scanned code uses it"


@code_rule("RC207", "stale-client", Severity.ERROR)
def stale_client(display: str, *, generated_from: str | None, expected: str | None, exists: bool = True) -> str:
    """The generated client does not match the policy (`routecheck generate --check`).

    It renders the client module from the current policy, exactly as `routecheck generate` would, and
    compares it byte for byte with the file `[tool.routecheck] client` names (or, under `generate --check
    --out FILE`, that file). A missing file, a file generated from a policy that routes differently (its
    header records the sha256 of what it routes) and a hand-edited file all fire. What the module does not
    hold (comments, volumes, owners, price sources, evidence) never stales it.

    ## Why is this bad?
    The client is how the policy is enforced at call time: its `TaskType` literal is what the type
    checker holds calls to, and its tiers, caps and upgrade rules are what the runtime applies. A policy
    change that is not regenerated is a change that reviewers approved but production never runs.

    ## Example
    ```toml
    [tasks.classify_intent]
    tier = "sonnet"        # changed from "haiku" in this commit, but app/llm_routes.py still says haiku
    ```

    ## Use instead
    Run `routecheck generate` and commit the policy and the client together. Never edit the client by hand.
    """
    if not exists:
        return f"generated client {display} does not exist; run `routecheck generate`"
    if generated_from is not None and generated_from != expected:
        return (f"generated client is stale: generated from policy sha256 {generated_from[:12]}, "
                f"the policy is now {(expected or '')[:12]}; run `routecheck generate`")
    return "generated client differs from what the policy generates (edited by hand?); run `routecheck generate`"

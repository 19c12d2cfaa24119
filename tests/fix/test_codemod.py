"""The --fix codemod, in LibCST's assertCodemod style: source before, source after (the same text when
the codemod must leave it alone), and a second pass that changes nothing."""

from __future__ import annotations

import textwrap

import pytest

from routecheck.fix import FixPolicy, TaskRoute, fix_source

POLICY = FixPolicy(
    tasks={
        "classify_intent": TaskRoute("claude-haiku-4-5-20251001", 1024),
        "draft_reply": TaskRoute("claude-sonnet-4-6", 1024),
        "summarize_thread": TaskRoute("claude-haiku-4-5-20251001", 300),
    },
    default_model="claude-sonnet-4-6",
    unknown_tasks="default",
    client_module="app.llm_routes",
)


def assert_codemod(before: str, after: str, policy: FixPolicy = POLICY) -> None:
    """`before` (dedented) becomes exactly `after`, and fixing `after` again changes nothing."""
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    assert fix_source(before, policy) == after
    assert fix_source(after, policy) == after


def assert_unchanged(source: str, policy: FixPolicy = POLICY) -> None:
    assert_codemod(source, source, policy)


def test_a_literal_model_in_a_function_named_as_a_task_is_routed_and_the_covered_cap_dropped() -> None:
    assert_codemod(
        '''\
        import anthropic

        client = anthropic.Anthropic(base_url="https://proxy.internal")  # our proxy


        def summarize_thread(thread: str) -> str:
            # one paragraph
            reply = client.messages.create(
                model="claude-haiku-4-5-20251001",  # the cheap one
                max_tokens=300,
                messages=[{"role": "user", "content": thread}],
            )
            return reply.content[0].text
        ''',
        '''\
        import anthropic
        from app.llm_routes import Router

        client = anthropic.Anthropic(base_url="https://proxy.internal")  # our proxy
        router = Router(client=client)


        def summarize_thread(thread: str) -> str:
            # one paragraph
            reply = router.create(
                "summarize_thread",  # the cheap one
                messages=[{"role": "user", "content": thread}],
            )
            return reply.content[0].text
        ''',
    )


def test_a_registry_lookup_names_the_task_and_a_smaller_max_tokens_stays() -> None:
    assert_codemod(
        '''\
        from anthropic import Anthropic

        MODELS = {"classify_intent": "claude-haiku-4-5-20251001"}
        llm = Anthropic()


        def label(text):
            return llm.messages.create(max_tokens=16, model=MODELS["classify_intent"], messages=[text])
        ''',
        '''\
        from anthropic import Anthropic
        from app.llm_routes import Router

        MODELS = {"classify_intent": "claude-haiku-4-5-20251001"}
        llm = Anthropic()
        router = Router(client=llm)


        def label(text):
            return router.create("classify_intent", max_tokens=16, messages=[text])
        ''',
    )


def test_a_module_constant_names_the_model() -> None:
    assert_codemod(
        '''\
        import anthropic

        MODEL = "claude-sonnet-4-6"
        client = anthropic.Anthropic()


        def draft_reply(ticket):
            return client.messages.create(model=MODEL, max_tokens=1024, messages=[ticket])
        ''',
        '''\
        import anthropic
        from app.llm_routes import Router

        MODEL = "claude-sonnet-4-6"
        client = anthropic.Anthropic()
        router = Router(client=client)


        def draft_reply(ticket):
            return router.create("draft_reply", messages=[ticket])
        ''',
    )


@pytest.mark.parametrize("body", [
    # the router would cut the output: 2048 asked, the cap is 300
    'client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=2048, messages=[t])',
    # the policy puts the task on another model
    'client.messages.create(model="claude-opus-4-6", max_tokens=300, messages=[t])',
    # max_tokens it cannot read
    'client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=limit, messages=[t])',
    # a model it cannot read
    "client.messages.create(model=pick(), max_tokens=300, messages=[t])",
    # the router refuses stream=; arguments it cannot see
    'client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=300, messages=[t], stream=True)',
    'client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=300, messages=[t], **extra)',
    # a client passed in, an async one, a call that is not create
    'other.messages.create(model="claude-haiku-4-5-20251001", max_tokens=300, messages=[t])',
    'aclient.messages.create(model="claude-haiku-4-5-20251001", max_tokens=300, messages=[t])',
    'client.messages.stream(model="claude-haiku-4-5-20251001", max_tokens=300, messages=[t])',
])
def test_what_it_cannot_decide_is_left_alone(body: str) -> None:
    assert_unchanged(f'''\
        import anthropic

        client = anthropic.Anthropic()
        aclient = anthropic.AsyncAnthropic()


        def summarize_thread(t, other, limit, extra):
            return {body}
        ''')


def test_a_function_that_is_not_a_task_and_a_module_level_call_are_left_alone() -> None:
    assert_unchanged('''\
        import anthropic

        client = anthropic.Anthropic()
        FIRST = client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[])


        def helper(t):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[t])
        ''')


def test_a_router_that_is_something_else_is_never_shadowed() -> None:
    assert_unchanged('''\
        import anthropic

        client = anthropic.Anthropic()
        router = make_router()


        def draft_reply(t):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[t])
        ''')


HELPER = '''\
    """The registry."""

    import anthropic

    MODEL_REGISTRY = {
        "classify_intent": "claude-haiku-4-5-20251001",
        "draft_reply": "claude-sonnet-4-6",
    }

    client = anthropic.Anthropic()


    def call_ai(task_type: str, prompt: str, system: str = "") -> str:
        """Ask the model the registry picks."""
        model = MODEL_REGISTRY.get(task_type, "claude-sonnet-4-6")
        response = client.messages.create(
            model=model,
            max_tokens=1024,
            system=system,
            messages=[{"role": "user", "content": prompt}],
        )
        return response.content[0].text
    '''


def test_a_hand_written_call_ai_the_policy_mirrors_becomes_the_generated_one() -> None:
    assert_codemod(HELPER, '''\
        """The registry."""

        import anthropic
        from app.llm_routes import call_ai

        MODEL_REGISTRY = {
            "classify_intent": "claude-haiku-4-5-20251001",
            "draft_reply": "claude-sonnet-4-6",
        }

        client = anthropic.Anthropic()
        ''')


@pytest.mark.parametrize(("old", "new"), [
    ("max_tokens=1024", "max_tokens=512"),  # the policy's cap is not what it sends
    ('"claude-sonnet-4-6")', '"claude-opus-4-6")'),  # another fallback than default_tier
    ("anthropic.Anthropic()", 'anthropic.Anthropic(api_key=KEY)'),  # not the default router's client
    ("system=system,", "system=system, temperature=0,"),  # more than the generated one sends
    ('"content": prompt', '"content": prompt.strip()'),
])
def test_a_hand_written_call_ai_that_differs_is_left_alone(old: str, new: str) -> None:
    assert old in HELPER
    assert_unchanged(HELPER.replace(old, new, 1))


def test_a_registry_the_policy_does_not_mirror_leaves_the_helper() -> None:
    tasks = {**POLICY.tasks, "draft_reply": TaskRoute("claude-opus-4-6", 1024)}
    assert_unchanged(HELPER, FixPolicy(tasks, POLICY.default_model, "default", POLICY.client_module))
    assert_unchanged(HELPER, FixPolicy(POLICY.tasks, POLICY.default_model, "error", POLICY.client_module))


def test_max_tokens_on_a_routed_call_is_dropped_only_where_the_cap_covers_it() -> None:
    assert_codemod(
        '''\
        from app.llm_routes import Router

        router = Router()
        a = router.create("summarize_thread", max_tokens=300, messages=[])
        b = router.create("summarize_thread", messages=[], max_tokens=4000)
        c = router.create("summarize_thread", max_tokens=100, messages=[])
        d = router.create(task, max_tokens=4000, messages=[])
        e = router.create("not_a_task", max_tokens=4000, messages=[])
        ''',
        '''\
        from app.llm_routes import Router

        router = Router()
        a = router.create("summarize_thread", messages=[])
        b = router.create("summarize_thread", messages=[])
        c = router.create("summarize_thread", max_tokens=100, messages=[])
        d = router.create(task, max_tokens=4000, messages=[])
        e = router.create("not_a_task", max_tokens=4000, messages=[])
        ''',
    )


def test_a_two_parameter_call_ai_over_a_subscript_becomes_the_generated_one_when_unknown_tasks_raise() -> None:
    source = '''\
        import anthropic

        REGISTRY = {"classify_intent": "claude-haiku-4-5-20251001"}
        client = anthropic.Anthropic()


        def ask(task_type, prompt):
            response = client.messages.create(model=REGISTRY[task_type], max_tokens=1024, messages=[
                {"role": "user", "content": prompt},
            ])
            return response.content[0].text
        '''
    strict = FixPolicy(POLICY.tasks, POLICY.default_model, "error", POLICY.client_module)
    assert_codemod(source, '''\
        import anthropic
        from app.llm_routes import call_ai as ask

        REGISTRY = {"classify_intent": "claude-haiku-4-5-20251001"}
        client = anthropic.Anthropic()
        ''', strict)
    assert_unchanged(source)  # unknown_tasks = "default" would route what raised KeyError

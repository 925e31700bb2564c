"""The fast caption path: the same greedy tokens as `generate`, static shapes reused, warm-up."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import torch
from torch._dynamo.utils import counters

from fer_engine.captioner import Captioner
from fer_engine.static_decoding import batch_buckets
from fer_engine.testing import EOS, random_captioner

NEW_TOKENS = 10
SIDE = 32  # the tiny vision tower's input


def lively_captioner(family: str, min_new_tokens: int = 0) -> Captioner:
    """A tiny random BLIP-2 whose weights are scaled up so that every token depends on the
    image and on the tokens before it: a wrong position or cache shows in the tokens."""
    torch.manual_seed(0)
    captioner = random_captioner(family, "tiny", torch.device("cpu"), torch.float32, NEW_TOKENS)
    captioner.min_new_tokens = min_new_tokens
    with torch.no_grad():
        for parameter in captioner.model.parameters():
            if parameter.dim() > 1:
                parameter.mul_(15)
    return captioner


def ending_captioner(family: str, min_new_tokens: int = 0) -> Captioner:
    """`lively_captioner` whose end-of-text token takes the place of a token it writes often
    (its output row moves to eos), so rows end at different steps."""
    captioner = lively_captioner(family, min_new_tokens)
    frequent = int(captioner.tokens(pixels(8)).flatten().mode().values)
    rows = captioner.model.get_output_embeddings().weight
    with torch.no_grad():
        rows[EOS] = rows[frequent]
        rows[frequent] = 0
    return captioner


def pixels(rows: int, seed: int = 1) -> torch.Tensor:
    return torch.randn(rows, 3, SIDE, SIDE, generator=torch.Generator().manual_seed(seed))


def trimmed(tokens: torch.Tensor, pad: int) -> list[list[int]]:
    """Each row without its trailing padding: `generate` stops earlier than the fast path."""
    rows = []
    for row in tokens.tolist():
        while row and row[-1] == pad:
            row.pop()
        rows.append(row)
    return rows


def both_paths(captioner: Captioner, batch: torch.Tensor, buckets: tuple[int, ...]) -> tuple:
    pad = captioner.model.language_model.generation_config.pad_token_id
    plain = captioner.tokens(batch)
    assert captioner.use_static_decoding(buckets, compile_mode=None)
    return trimmed(plain, pad), trimmed(captioner.tokens(batch), pad)


@pytest.mark.parametrize("family", ["opt", "t5"])
def test_the_fast_path_writes_the_tokens_generate_writes(family: str) -> None:
    plain, fast = both_paths(lively_captioner(family), pixels(5), buckets=(1, 2, 8))
    assert fast == plain
    assert len({tuple(row) for row in plain}) == 5  # the images matter: a real comparison


@pytest.mark.parametrize("family", ["opt", "t5"])
def test_rows_that_end_early_end_at_the_same_token_on_both_paths(family: str) -> None:
    plain, fast = both_paths(ending_captioner(family), pixels(6), buckets=(8,))
    assert fast == plain
    assert len({len(row) for row in plain}) > 1  # some rows ended early, some did not


def test_min_new_tokens_holds_the_end_back_on_both_paths() -> None:
    plain, fast = both_paths(ending_captioner("opt", NEW_TOKENS), pixels(6), buckets=(8,))
    assert fast == plain
    assert {len(row) for row in plain} == {NEW_TOKENS}


def test_a_batch_above_the_largest_bucket_is_decoded_in_bucket_sized_parts() -> None:
    plain, fast = both_paths(lively_captioner("t5"), pixels(5), buckets=(1, 2))
    assert fast == plain


def test_captions_are_the_same_text_on_both_paths() -> None:
    captioner = lively_captioner("opt")
    plain = captioner.caption(pixels(3))
    captioner.use_static_decoding((4,), compile_mode=None)
    assert captioner.caption(pixels(3)) == plain


def test_a_generation_config_the_fast_path_cannot_follow_keeps_the_plain_path() -> None:
    captioner = lively_captioner("opt")
    captioner.model.language_model.generation_config.repetition_penalty = 1.3
    assert not captioner.use_static_decoding((1,), compile_mode=None)
    assert captioner.decoding == "plain"


def test_buckets_stop_at_the_largest_batch_the_engine_sends() -> None:
    assert batch_buckets((1, 2, 4, 8, 16), max_batch=6) == (1, 2, 4, 6)
    assert batch_buckets((16, 1, 4), max_batch=4) == (1, 4)


@contextmanager
def new_graphs() -> Iterator[list[int]]:
    """How many graphs dynamo compiled inside the block (a one-item list, filled at exit)."""
    before = counters["stats"]["unique_graphs"]
    compiled: list[int] = []
    yield compiled
    compiled.append(counters["stats"]["unique_graphs"] - before)


@pytest.fixture(scope="module")
def warmed() -> tuple[Captioner, int]:
    """The fast path with its decode step traced by dynamo, warmed up for buckets 1, 2 and 4,
    and how many graphs that compiled. The "eager" backend keeps dynamo's guards and
    recompilation exactly but skips inductor's code generation (minutes on a CPU)."""
    captioner = lively_captioner("opt")
    torch._dynamo.reset()
    captioner.use_static_decoding((1, 2, 4), compile_mode="default", compile_backend="eager")
    with new_graphs() as compiled:
        captioner.warm_up()
    return captioner, compiled[0]


def test_a_warmed_up_bucket_is_never_compiled_again(warmed: tuple[Captioner, int]) -> None:
    captioner, at_warm_up = warmed
    with new_graphs() as serving:
        for rows in (3, 1, 4, 2):
            captioner.tokens(pixels(rows))
    assert at_warm_up >= 1 and serving == [0]


def test_the_compiled_decode_step_writes_the_tokens_generate_writes(
    warmed: tuple[Captioner, int],
) -> None:
    pad = warmed[0].model.language_model.generation_config.pad_token_id
    plain = trimmed(lively_captioner("opt").tokens(pixels(3)), pad)
    assert trimmed(warmed[0].tokens(pixels(3)), pad) == plain


def test_warm_up_times_every_bucket() -> None:
    captioner = lively_captioner("opt")
    captioner.use_static_decoding((1, 3), compile_mode=None)
    seconds = captioner.warm_up()
    assert captioner.static is not None and set(captioner.static.warmup_s) == {1, 3}
    assert seconds >= sum(captioner.static.warmup_s.values()) > 0


def test_a_fast_path_that_fails_to_compile_falls_back_to_plain_generate() -> None:
    def broken_compiler(graph: torch.fx.GraphModule, inputs: list[torch.Tensor]) -> None:
        raise RuntimeError("no compiler on this machine")

    captioner = lively_captioner("opt")
    plain = captioner.caption(pixels(2))
    torch._dynamo.reset()
    captioner.use_static_decoding((2,), compile_mode="default", compile_backend=broken_compiler)
    assert captioner.warm_up() == 0.0
    assert captioner.decoding == "plain" and captioner.caption(pixels(2)) == plain

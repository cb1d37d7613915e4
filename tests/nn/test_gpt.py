"""The small GPT of autograd_cli/gpt.py, its class body run under PyTorch with the import lines changed:
the same initial weights and batches give the same 30 AdamW steps (float32)."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import optim
from autograd_cli import gpt, porting, text

SIZES = {"block_size": 16, "n_layer": 2, "n_head": 2, "n_embd": 16, "dropout": 0.0}


@pytest.fixture
def one_thread(torch):
    """torch on one thread while the test runs: tiny matrices, and a shared machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_thirty_adamw_steps_match_torch(torch, one_thread):
    torch.manual_seed(0)
    zen = text.load_zen()
    vocab = text.Vocabulary(zen)
    theirs_gpt = porting.gpt_under_pytorch()
    theirs = theirs_gpt.GPT(theirs_gpt.GPTConfig(vocab_size=len(vocab), **SIZES))
    ours = gpt.GPT(gpt.GPTConfig(vocab_size=len(vocab), **SIZES))
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())  # parameters and the causal-mask buffers
    own = dict(ours.named_parameters())
    assert list(own) == [name for name, _ in theirs.named_parameters()]
    for name, p in theirs.named_parameters():  # torch's initial weights, copied by name
        own[name].data[...] = p.detach().numpy()
    opt = optim.AdamW(ours.parameters(), lr=3e-3, weight_decay=0.1)
    opt_t = torch.optim.AdamW(theirs.parameters(), lr=3e-3, weight_decay=0.1)
    x, y = text.windows(vocab.encode(zen), SIZES["block_size"])
    rng = np.random.default_rng(0)
    for step in range(30):
        pick = rng.choice(len(x), 8, replace=False)
        _, loss = ours(ag.tensor(x[pick]), ag.tensor(y[pick]))
        _, loss_t = theirs(torch.from_numpy(x[pick]), torch.from_numpy(y[pick]))
        assert loss.item() == pytest.approx(loss_t.item(), rel=1e-5), step
        first = loss.item() if step == 0 else first
        opt.zero_grad()
        opt_t.zero_grad()
        loss.backward()
        loss_t.backward()
        norm = nn.utils.clip_grad_norm_(ours.parameters(), 0.5)
        norm_t = torch.nn.utils.clip_grad_norm_(theirs.parameters(), 0.5)
        assert norm.item() == pytest.approx(norm_t.item(), rel=1e-4), step
        opt.step()
        opt_t.step()
    assert loss.item() < first - 0.5  # it learned something
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(own[name].data, p.detach().numpy(), rtol=1e-4, atol=1e-4, err_msg=name)


def test_causal_attention_does_not_look_ahead():
    ag.manual_seed(1)
    model = gpt.GPT(gpt.GPTConfig(vocab_size=10, **SIZES))
    idx = np.random.default_rng(2).integers(0, 10, (2, 12))
    changed = idx.copy()
    changed[:, 7:] = (changed[:, 7:] + 1) % 10
    logits, loss = model(idx)
    assert loss is None and logits.shape == (2, 12, 10)
    np.testing.assert_allclose(model(changed)[0].data[:, :7], logits.data[:, :7], rtol=1e-6)
    assert not np.allclose(model(changed)[0].data[:, 7:], logits.data[:, 7:])


def test_sample_is_long_enough_and_uses_the_vocabulary():
    zen = text.load_zen()
    vocab = text.Vocabulary(zen)
    model = text.build_gpt(len(vocab), block_size=8, n_embd=8, n_head=2, n_layer=1)
    out = text.sample(model, vocab, "Beautiful", 100)
    assert out.startswith("Beautiful") and len(out) == 109 and set(out) <= set(zen)
    assert zen.startswith("The Zen of Python, by Tim Peters") and len(vocab) == len(set(zen))

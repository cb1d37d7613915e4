TITLE = "10. A small GPT: causal self-attention, trained on the Zen of Python"
CELLS = [
("md", """
The course notes end with recurrent networks. This notebook goes one step further, to the
model behind today's language models: a GPT (a decoder-only transformer). It is the small
character-level GPT of `autograd_cli/gpt.py`, written line for line in PyTorch's idiom
(nanoGPT's layout), the same one `autograd-core train --model gpt` trains. The data is the
Zen of Python, which ships with Python (the `this` module), so nothing is downloaded.

The model reads a window of characters and, at every position, predicts the next one. Its
parts: token and position embeddings, blocks of (LayerNorm, causal self-attention,
residual add, LayerNorm, MLP, residual add), a final LayerNorm and a linear head to one
score per character.
"""),
("code", """
import math
import shutil
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn
import nn.functional as F
from autograd_cli.text import load_zen, Vocabulary, windows, build_gpt, train_gpt, sample
ag.tune_allocator();  # keep each training step's freed memory for the next (README: Speed tips); ';' hides its True

def show(graph):
    return graph if shutil.which("dot") else print(graph.source[:1500])

text = load_zen()
vocab = Vocabulary(text)
ids = vocab.encode(text)
print(f"{len(text)} characters, {len(vocab)} distinct")
print(text[:120])
"""),
("md", """
## The model

Two blocks of four heads on 32-dimensional embeddings, reading windows of 16 characters. The
CLI's configuration (`CONFIG` in `autograd_cli/text.py`, printed first) has as many blocks and
heads, with twice the embedding size and window; half of each trains inside this notebook.
`build_gpt` seeds the initialisation.

The MLP's activation is GELU. The CLI's configuration uses the exact GELU, x·Φ(x) with erf
(`gelu="none"`, `GPTConfig`'s default), and so does this notebook; GPT-2 used a tanh
approximation, `nn.GELU(approximate="tanh")`. The cell prints how far apart the two are
on [-4, 4]:
"""),
("code", """
from autograd_cli.text import CONFIG
print("the CLI's configuration:", CONFIG)
config = dict(block_size=16, n_layer=2, n_head=4, n_embd=32, gelu="none")
model = build_gpt(len(vocab), seed=0, **config)
print(model.config)
print("GPTConfig's default gelu:", repr(type(model.config)().gelu))
print(f"{sum(p.numel() for p in model.parameters()):,} parameters")
z = ag.tensor(np.linspace(-4, 4, 801))
gap = np.abs(nn.GELU(approximate="tanh")(z).data - nn.GELU()(z).data).max()
print(f"largest |tanh GELU - exact GELU| on [-4, 4]: {gap:.1e}")
"""),
("md", """
## The causal mask

Attention lets position t mix in information from other positions. A language model must
not look ahead: the prediction at t may use characters 0..t only. Each attention layer
holds a lower-triangular matrix of ones, `torch.tril(torch.ones(T, T))` (the buffer
`bias`). Here it is for the first 6 positions, as the model stores it:
"""),
("code", """
attn = model.transformer.h[0].attn
T = 6
mask = attn.bias[0, 0, :T, :T]
print(mask)
"""),
("md", """
Row t is the query position, column s the key position: a 1 means t may look at s. The
raw scores q·k/√d of one head are a full T×T matrix; `masked_fill(mask == 0, -inf)` puts
−∞ above the diagonal. The scores below come from head 0 of the first block, on the
first 6 characters of the text (printed first); the lines are those of
`CausalSelfAttention.forward`:
"""),
("code", """
def head_scores(attn, x, head):
    '''One head's scaled scores q·kᵀ/√d for the input x (1, T, C) of an attention layer.'''
    B, T, C = x.shape
    q, k, v = attn.c_attn(x).split(attn.n_embd, dim=2)
    hs = C // attn.n_head
    q = q.view(B, T, attn.n_head, hs).transpose(1, 2)
    k = k.view(B, T, attn.n_head, hs).transpose(1, 2)
    return ((q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs)))[0, head]

def block_input(model, idx, layer):
    '''What block `layer` receives for the characters idx (1, T): embeddings, earlier blocks, then its ln_1.'''
    x = model.transformer.wte(idx) + model.transformer.wpe(ag.arange(idx.shape[1]))
    for block in model.transformer.h[:layer]:
        x = block(x)
    return model.transformer.h[layer].ln_1(x)

np.set_printoptions(precision=3, suppress=True)
with ag.no_grad():
    scores = head_scores(attn, block_input(model, ag.tensor(ids[None, :T]), 0), head=0)
    masked = scores.masked_fill(mask == 0, float("-inf"))
    weights = F.softmax(masked, dim=-1)
print("characters:", repr(text[:T]))
print("scores:\\n", scores.data)
print("masked:\\n", masked.data)
print("softmax of each row:\\n", weights.data)
print("each row sums to 1:", np.allclose(weights.data.sum(axis=1), 1.0))
"""),
("md", """
exp(−∞) = 0, so after the softmax every weight above the diagonal is exactly 0 and each
row still sums to 1: position 0 can only attend to itself (weight 1), position 1 splits
its attention between positions 0 and 1, and so on. Before training the scores are
small (the weights start at std 0.02), so each row's weights are nearly uniform over the
positions it may see: about 1/2, 1/3, ... .

## Training

Next-character cross-entropy, AdamW with gradient clipping at 1, the CLI's training loop
(`train_gpt`). An untrained model spreads its bets evenly over the vocabulary, so its loss
starts near ln(vocabulary size). The loss over every window of the text, before and after:
"""),
("code", """
x_all, y_all = windows(ids, config["block_size"])
x_all, y_all = ag.tensor(x_all), ag.tensor(y_all)

def full_loss(model):
    with ag.no_grad():
        return model(x_all, y_all)[1].item()

print(f"{len(x_all)} windows of {config['block_size']} characters; ln({len(vocab)}) = {np.log(len(vocab)):.3f}")
print(f"loss before training: {full_loss(model):.3f}")
losses = train_gpt(model, ids, epochs=5, lr=1e-2, batch_size=32, seed=0, progress=False)
print(f"{len(losses)} steps: 5 epochs of {len(losses) // 5} batches of at most 32 windows "
      f"(the last one {len(x_all) - 32 * (len(losses) // 5 - 1)})")
print(f"loss after training:  {full_loss(model):.2f}")
"""),
("code", """
plt.figure(figsize=(6, 3))
plt.plot(losses)
plt.axhline(np.log(len(vocab)), color="gray", ls="--", label=f"ln {len(vocab)} (uniform guess)")
plt.xlabel("training step"); plt.ylabel("cross-entropy (batch)"); plt.title("next-character loss while training")
plt.legend(); plt.show()
"""),
("md", """
The loss falls from about ln 45 towards the printed final value; the one early jump is a step
that overshot, and the next steps recover.

A sample, drawn character by character from the model's softmax (temperature 0.8, a fixed seed),
continuing a prompt. After these few epochs it has the text's form, not yet its sentences: short
lines ending in a full stop, the word "is" between two words, and invented words made of the
text's pieces:
"""),
("code", """
print(sample(model, vocab, "Beautiful is", 200, temperature=0.8, seed=0))
"""),
("md", """
## What one head looks at

The attention weights of one head, on a 16-character line of the text: row = the query
position (the character being processed, whose next character is predicted), column = the key position it
reads from. Everything above the diagonal is 0 by the mask. The check recomputes the layer's
output from these weights (weights @ v, heads joined, `c_proj`) and compares it with the
layer's own output.
"""),
("code", """
def head_weights(model, idx, layer, head):
    '''Attention weights (T, T) of one head, and the attention layer's output rebuilt from all heads' weights.'''
    attn = model.transformer.h[layer].attn
    x = block_input(model, idx, layer)
    B, T, C = x.shape
    q, k, v = attn.c_attn(x).split(attn.n_embd, dim=2)
    hs = C // attn.n_head
    q, k, v = (t.view(B, T, attn.n_head, hs).transpose(1, 2) for t in (q, k, v))
    att = F.softmax(((q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))).masked_fill(attn.bias[:, :, :T, :T] == 0, float("-inf")), dim=-1)
    rebuilt = attn.c_proj((att @ v).transpose(1, 2).contiguous().view(B, T, C))
    return att[0, head].data, rebuilt, attn(x)

line = "Simple is better"
model.eval()
with ag.no_grad():
    weights, rebuilt, own = head_weights(model, ag.tensor(vocab.encode(line)[None]), layer=1, head=0)
print("rebuilt output equals the layer's own:", np.allclose(rebuilt.data, own.data, atol=1e-6))
print("largest weight above the diagonal:", weights[np.triu_indices(len(line), 1)].max())
print("each row sums to 1:", np.allclose(weights.sum(axis=1), 1.0))
print("key each query weighs most:", " ".join(f"{line[t]!r}->{line[s]!r}" for t, s in enumerate(weights.argmax(axis=1))))

fig, ax = plt.subplots(figsize=(5.5, 5))
im = ax.imshow(weights, cmap="viridis", vmin=0, vmax=1)
chars = [c if c != " " else "␣" for c in line]
ax.set_xticks(range(len(line)), chars); ax.set_yticks(range(len(line)), chars)
ax.set_xlabel("key position (the character read from)"); ax.set_ylabel("query position (the character predicting the next)")
ax.set_title("block 1, head 0: attention weights")
fig.colorbar(im, ax=ax, shrink=0.8, label="weight")
plt.show()
"""),
("md", """
The upper triangle is dark (weight 0, printed above as the largest weight there), and row t
spreads a total weight of 1 (printed) over columns 0..t. The printed list names, for every query, the
key with the largest weight; which keys a head picks is what training decided (try
`head=1, 2, 3` or `layer=0` to see the other heads).

## The graph of one block

`ag.draw_graph` draws the recorded computation, one cluster per module call. The whole
model's graph is long; `max_nodes` collapses module clusters (outermost and largest first)
until the drawing fits. At 20 nodes each block is one box (its label counts the values
inside), between the embeddings and the head. The gradients in the boxes are those of this
one backward pass (`zero_grad` first clears the last training step's). `rankdir="TB"` draws
top to bottom, so the picture stays narrow enough to read:
"""),
("code", """
model.train()
model.zero_grad()
idx = ag.tensor(ids[None, :8])
_, loss = model(idx, ag.tensor(ids[None, 1:9]))
loss.backward()
show(ag.draw_graph(loss, max_nodes=20, show_data=False, rankdir="TB"))
"""),
("md", """
Inside one block: its input here is the embedding sum, computed from the embedding weights, so
every op of the block is recorded. At `max_nodes=45` the largest clusters are collapsed into 3-D
boxes (the cell prints which): the attention and both LayerNorms, while the MLP stays open
(Linear, GELU, Linear). The top `Add` is the embedding sum; the residual connections are the two
`Add`s below it: the first adds the block's input to the attention's output, the second adds that
sum to the MLP's output.
"""),
("code", """
x = model.transformer.wte(idx) + model.transformer.wpe(ag.arange(8))
out = model.transformer.h[0](x)
graph = ag.draw_graph(out, max_nodes=45, show_data=False, show_grad=False, rankdir="TB")
print("collapsed:", [line.split('label="')[1].split('"')[0] for line in graph.source.splitlines() if "box3d" in line])
show(graph)
"""),
("md", """
The attention box, opened: drawn on its own (its input, the LayerNorm's output, computed
without recording, so the drawing starts at the attention), the causal mask is the `Where`
op (`masked_fill`) between the score `MatMul` (q·kᵀ, then `Mul` by 1/√d) and the `Softmax`;
the second `MatMul` is weights @ v, and `c_proj` joins the heads.
"""),
("code", """
with ag.no_grad():
    normed = model.transformer.h[0].ln_1(x)
show(ag.draw_graph(model.transformer.h[0].attn(normed), show_data=False, show_grad=False, rankdir="TB"))
"""),
("md", """
## Forward or reverse mode for one layer?

`ag.compare_modes(f, x)` computes the full Jacobian of f both ways and counts the work
(notebook 2). First f = the last block, as a map from its input (4 positions × 32 numbers)
to its output: as many outputs as inputs, so both modes need the same number of passes.
Then f = the loss computed from that block's input (block, final LayerNorm, head,
cross-entropy): 128 inputs, one output, the shape of every training step.
"""),
("code", """
block, head_idx = model.transformer.h[1], ag.tensor(ids[None, 1:5])
with ag.no_grad():
    h = model.transformer.h[0](model.transformer.wte(idx[:, :4]) + model.transformer.wpe(ag.arange(4))).data

def block_map(x):
    return block(x)

def loss_from_block_input(x):
    logits = model.lm_head(model.transformer.ln_f(block(x)))
    return F.cross_entropy(logits.view(-1, logits.shape[-1]), head_idx.view(-1))

layer_report = ag.compare_modes(block_map, h)
print(layer_report)
print()
loss_report = ag.compare_modes(loss_from_block_input, h)
print(loss_report)
"""),
("md", """
For the block map, both modes need 128 passes and the recommendation falls back to the
measured time; the FLOP counts differ because a JVP and a VJP of the same op do different
work. The batched rows push all 128 directions through one pass: far fewer primitive ops;
forward mode's FLOPs halve, reverse mode's stay about those of its 128 separate sweeps
(batching saves per-op overhead, not arithmetic). For the loss, reverse mode needs one pass against forward
mode's 128, and its FLOPs are a small fraction of forward mode's; with a single output there is
nothing for reverse mode to batch, and its batched row (one pass through the batching rules)
counts more ops and FLOPs than its plain single pass. By FLOPs the gradient
costs about twice the function (the cost(gradient)/cost(function) line), within the bound of
about 5: only the gradient with respect to the block's input is asked for, so the sweep
skips the weights' shares, as `torch.autograd.grad` does (asking for them too, as training does,
costs more, still within the bound). That is why training uses reverse mode. The wall times (and the ratio by time) vary
from run to run and machine to machine; the pass, op and FLOP counts do not.

## Exercises

**1.** With the causal mask, the output at position t cannot depend on the characters after
t. Check it: compute the Jacobian of the trained model's logits at position 2 with respect
to the (float) embedding input of a 6-character window, and find which positions have a
nonzero block. (Hint: make the block input a function of x, with `ag.jacrev`.)
"""),
("code", """
# Solution (try it yourself before reading on)
def logits_at_2(x):
    for block in model.transformer.h:
        x = block(x)
    return model.lm_head(model.transformer.ln_f(x))[0, 2]

x6 = (model.transformer.wte(ag.tensor(ids[None, :6])) + model.transformer.wpe(ag.arange(6))).data
with ag.no_grad():  # numpy out: the model's weights require grad, which would put the Jacobian on their graph
    jac = ag.jacrev(logits_at_2)(x6)  # (vocab, 1, 6, 32)
reach = np.abs(jac).max(axis=(0, 1, 3))
print("largest |d logits_2 / d x_s| for s = 0..5:", reach)
"""),
("code", """
assert (reach[:3] > 0).all() and (reach[3:] == 0).all()
print("position 2 depends on positions 0, 1, 2 only")
"""),
("md", """
**2.** Remove the mask: give the first block's attention a mask of all ones (`attn.bias`
is a buffer you can replace with `ag.ones(...)` of the same shape) and show that the loss on a
window changes, since every position but the last now also reads the character it must predict
(the next one in the window). Put the mask back.
"""),
("code", """
# Solution (try it yourself before reading on)
window = ag.tensor(ids[None, :16]), ag.tensor(ids[None, 1:17])
layer0 = model.transformer.h[0].attn
saved = layer0.bias
with ag.no_grad():
    masked_loss = model(*window)[1].item()
    layer0.bias = ag.ones(saved.shape)
    peeking_loss = model(*window)[1].item()
    layer0.bias = saved
    restored_loss = model(*window)[1].item()
print(f"with the mask {masked_loss:.4f}, without {peeking_loss:.4f}, restored {restored_loss:.4f}")
"""),
("code", """
assert peeking_loss != masked_loss and restored_loss == masked_loss
print("the mask changes what the model computes; restoring it restores the loss")
"""),
("md", """
**3.** Count the parameters by hand: embeddings V·C + T·C, per block two LayerNorms (2C each),
`c_attn` (C·3C + 3C), `c_proj` (C·C + C), the MLP (C·4C + 4C and 4C·C + C), the final LayerNorm
(2C) and the head (C·V, no bias). Check your formula against the model.
"""),
("code", """
# Solution (try it yourself before reading on)
V, Tb, C, L = len(vocab), config["block_size"], config["n_embd"], config["n_layer"]
per_block = 2 * 2 * C + (C * 3 * C + 3 * C) + (C * C + C) + (C * 4 * C + 4 * C) + (4 * C * C + C)
by_hand = V * C + Tb * C + L * per_block + 2 * C + C * V
print(f"by hand: {by_hand:,}")
"""),
("code", """
assert by_hand == sum(p.numel() for p in model.parameters())
print("matches the model's parameter count")
"""),
]

"""Pytrees: nested lists, tuples and dicts of arrays or Tensors, flattened to a list of leaves and back.

The transforms accept pytrees as arguments and return gradients of the same structure
(HIPS autograd's `grad(loss)(params)` with `params = [(W, b), ...]` or a dict).
"""


def tree_flatten(tree):
    """(leaves, structure): the leaves in a fixed order (dict keys sorted) and what rebuilds the tree."""
    if not isinstance(tree, (dict, list, tuple)):
        return [tree], None  # a single leaf, the common case: no walk
    leaves = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree, leaves):
    if isinstance(tree, dict):
        keys = sorted(tree)
        return dict, keys, [_flatten(tree[k], leaves) for k in keys]
    if isinstance(tree, (list, tuple)):
        kind = type(tree) if type(tree) in (list, tuple) else _namedtuple_maker(tree)
        return kind, None, [_flatten(t, leaves) for t in tree]
    leaves.append(tree)
    return None


def _namedtuple_maker(tree):
    return lambda items: type(tree)(*items)


def tree_unflatten(structure, leaves):
    """The tree of `structure` with its leaves taken, in order, from `leaves`."""
    if structure is None:
        return leaves[0]
    it = iter(leaves)
    return _build(structure, it)


def _build(structure, it):
    if structure is None:
        return next(it)
    kind, keys, children = structure
    items = [_build(c, it) for c in children]
    if kind is dict:
        return dict(zip(keys, items))
    return kind(items)

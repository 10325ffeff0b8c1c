"""Backpropagation: the chain rule applied to the recorded graph,
from the output back to the leaves.

1. Order the graph topologically (every tensor after the tensors it was computed from).
2. Walk it from the output back: each op turns ∂L/∂output into ∂L/∂input (its ``backward``).
3. Where a tensor fed several ops, the gradients that reach it are summed.
4. Leaves that require grad add their gradient to ``.grad`` (accumulating across calls).

An op with several outputs is a node of its own in the walk, after all its outputs: its
``backward`` runs once, with the gradients that reached each output.
"""

from __future__ import annotations

from .. import backend as B
from .function import Function, unbroadcast
from .grad_mode import debug_enabled
from .tensor import Tensor


def topological_order(roots, parents) -> list:
    """Every node reachable from ``roots`` through ``parents(node)``, each after all its parents.

    An iterative depth-first search (no recursion limit for deep graphs): a node is appended once
    all the nodes it depends on have been.
    """
    order, seen = [], set()
    stack = [(node, False) for node in reversed(roots)]
    while stack:
        node, finished = stack.pop()
        if finished:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((p, False) for p in reversed(parents(node)) if id(p) not in seen)
    return order


def _parents(node) -> list:
    """What a node of the walk was computed from. A tensor: its op's inputs that need gradients,
    or, when its op has several outputs, that op (which then runs its backward once for all)."""
    fn = node if isinstance(node, Function) else node._fn
    if fn is None:
        return []
    if fn is not node and fn.n_outputs > 1:
        return [fn]
    return [x for x in fn.inputs if isinstance(x, Tensor) and x._requires_grad]


def backward(root: Tensor, gradient=None, retain_graph: bool = False) -> None:
    if not root._requires_grad:
        raise RuntimeError(
            "backward(): this tensor does not require grad and has no graph; create the inputs "
            "with requires_grad=True (and compute outside pf.no_grad())"
        )
    xp = B.xp
    if gradient is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward(): the output has shape {root.shape}, not a single number; reduce it "
                f"first (e.g. y.sum().backward()) or pass gradient= with shape {root.shape}"
            )
        gradient = xp.ones_like(root.data)
    else:
        gradient = (
            gradient.data if isinstance(gradient, Tensor) else xp.asarray(gradient, root.dtype)
        )
        if gradient.shape != root.shape:
            raise ValueError(
                f"backward(): gradient has shape {gradient.shape}, "
                f"expected the output's shape {root.shape}"
            )
    check = debug_enabled()
    grads = {id(root): gradient}
    stored = {
        id(gradient)
    }  # arrays not to hand out as a leaf's .grad: the caller's, and given ones
    pending: dict = {}  # an op with several outputs → the gradients of its outputs so far
    for node in reversed(topological_order([root], _parents)):
        if isinstance(node, Function):  # all its outputs are done: one backward for all
            out_grads = pending.pop(id(node), None)
            if out_grads is not None:
                _run_backward(node, out_grads, grads, check, retain_graph)
            continue
        t = node
        g = grads.pop(id(t), None)
        if g is None:
            continue
        fn = t._fn
        if fn is None or t._retain:  # a private array: copy g if it is a view or already given
            if t.grad is not None:
                t.grad = t.grad + g
            else:
                shared = id(g) in stored or getattr(g, "base", None) is not None
                t.grad = g.copy() if shared else g
                stored.add(id(t.grad))
        if fn is None:
            continue
        if fn.n_outputs > 1:
            out_grads = pending.setdefault(id(fn), [None] * fn.n_outputs)
            out_grads[fn.output_ids.index(id(t))] = g
        else:
            _run_backward(fn, (g,), grads, check, retain_graph)


def _run_backward(fn, out_grads, grads, check, retain_graph) -> None:
    """Call ``fn.backward`` with the gradients of its outputs and add what it returns, summed back
    to each input's shape and dtype, to the gradients of its inputs."""
    if fn.released:
        raise RuntimeError(
            f"backward(): the graph through {type(fn).__name__} was already freed by an earlier "
            "backward(); call the first backward with retain_graph=True to go through it twice"
        )
    in_grads = fn.backward(*out_grads)
    if not isinstance(in_grads, tuple):
        in_grads = (in_grads,)
    for x, gx in zip(fn.inputs, in_grads):
        if gx is None or not isinstance(x, Tensor) or not x._requires_grad:
            continue
        gx = unbroadcast(gx, x.data.shape)
        if gx.dtype != x.data.dtype:
            gx = gx.astype(x.data.dtype)
        if check and not bool(B.xp.isfinite(gx).all()):
            raise FloatingPointError(
                f"anomaly: the backward of {type(fn).__name__} produced NaN or inf in the "
                f"gradient of an input of shape {x.shape}"
            )
        prev = grads.get(id(x))
        grads[id(x)] = gx if prev is None else prev + gx
    if not retain_graph:
        fn.release()
        fn.inputs = ()

"""Backpropagation: the chain rule applied to the recorded graph,
from the output back to the leaves.

1. Every op is numbered when it runs (``Function.seq``), after the ops that made its inputs.
2. Walk the ops from the output back, highest number first: each turns ∂L/∂output into ∂L/∂input
   (its ``backward``). An op runs after every op that used its outputs (they ran later, so have
   higher numbers): the numbers are a topological order, with no graph search.
3. Where a tensor fed several ops, the gradients that reach it are summed.
4. Leaves that require grad add their gradient to ``.grad`` (accumulating across calls).

An op with several outputs runs its ``backward`` once, with the gradients that reached each output
(``None`` for one that no gradient reached).
"""

from __future__ import annotations

import heapq

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
    walk = _Walk(debug_enabled(), retain_graph, handed_out={id(gradient)})
    walk.deliver(root, gradient)
    while walk.ready:
        _, fn = heapq.heappop(walk.ready)
        walk.run(fn, walk.waiting.pop(id(fn)))


class _Walk:
    """One backward pass. Every op is numbered when it runs (``Function.seq``) and its inputs
    existed before it, so the op with the highest number among those that got a gradient has
    got all of them: every op that used its outputs ran later and is done. ``ready`` is a heap of
    those ops by number (highest first); ``waiting`` holds the gradients of each one's outputs."""

    def __init__(self, check: bool, retain_graph: bool, handed_out: set):
        self.check, self.retain_graph = check, retain_graph
        self.handed_out = handed_out  # arrays not to give a leaf as .grad: the caller's, given ones
        self.waiting: dict = {}  # id(op) → [∂L/∂output for each output (None: none yet)]
        self.ready: list = []  # (−op.seq, op)

    def deliver(self, t: Tensor, g) -> None:
        """Add the gradient ``g`` to tensor ``t``: to ``t.grad`` for a leaf (or a tensor that
        retains its gradient), and to the gradients waiting for the op that made ``t``."""
        fn = t._fn
        if fn is None or t._retain:  # a private array: copy g if it is a view or already given
            if t.grad is not None:
                t.grad = t.grad + g
            else:
                shared = id(g) in self.handed_out or getattr(g, "base", None) is not None
                t.grad = g.copy() if shared else g
                self.handed_out.add(id(t.grad))
        if fn is None:
            return
        out_grads = self.waiting.get(id(fn))
        if out_grads is None:
            out_grads = self.waiting[id(fn)] = [None] * fn.n_outputs
            heapq.heappush(self.ready, (-fn.seq, fn))
        i = 0 if fn.n_outputs == 1 else fn.output_ids.index(id(t))
        out_grads[i] = g if out_grads[i] is None else out_grads[i] + g

    def run(self, fn: Function, out_grads: list) -> None:
        """Call ``fn.backward`` with the gradients of its outputs and deliver what it returns,
        summed back to each input's shape and dtype, to its inputs."""
        if fn.released:
            raise RuntimeError(
                f"backward(): the graph through {type(fn).__name__} was already freed by an "
                "earlier backward(); call the first backward with retain_graph=True to go "
                "through it twice"
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
            if self.check and not bool(B.xp.isfinite(gx).all()):
                raise FloatingPointError(
                    f"anomaly: the backward of {type(fn).__name__} produced NaN or inf in the "
                    f"gradient of an input of shape {x.shape}"
                )
            self.deliver(x, gx)
        if not self.retain_graph:
            fn.release()
            fn.inputs = ()

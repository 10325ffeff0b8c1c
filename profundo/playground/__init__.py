"""The playground: a network learning in the browser, trained by profundo itself.

Start it with ``profundo playground`` (or ``python -m profundo.playground``); it needs the extra
``pip install 'profundo[playground]'``. The page picks a data set, features and a network; the
server builds that network with profundo, trains it step by step and streams losses, weights,
gradients and a heat map of every neuron back to the page.

Modules, each with one job:

    datasets    the points (circle, xor, gauss, spiral, plane, multi_gauss) and the features
    schema      the messages and their limits (pydantic): every input is checked here
    network     the profundo model built from a configuration, and the perceptron mode
    render      heat maps over the input plane and the binary frames sent to the page
    export      the network as a runnable profundo script
    session     one page's state machine: configure, play, pause, step, reset, edit, export
    turns       the first-come, first-served lock by which sessions take turns at computing
    connection  one WebSocket: the inbox, the training loop, the replies
    app         the ASGI application (page, static files, WebSocket, guards)
    server      the command: bind, print the address, open the browser
    static/     the page: HTML, CSS and JavaScript modules, no build step
"""

from .server import main, serve

__all__ = ["main", "serve"]

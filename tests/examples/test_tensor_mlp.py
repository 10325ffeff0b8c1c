"""The README's tensor example runs and learns (short form)."""
import importlib.util
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tensor_mlp.py"


def test_tensor_mlp_example_learns_the_spirals(capsys):
    spec = importlib.util.spec_from_file_location("tensor_mlp", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    loss, accuracy = module.train(steps=1200, report_every=400)
    out = capsys.readouterr().out
    first_loss = float(out.splitlines()[0].split("loss")[1].split()[0])
    assert loss < first_loss / 3
    assert accuracy > 0.85

"""Neural style transfer (Gatys, Ecker & Bethge, 2016): repaint a photo with a texture's style, by
optimizing the image itself with profundo's autodiff.

A convolutional network's feature maps F (positions × channels) at a layer describe an image:
*where* things are (the maps themselves: content) and *which features occur together* regardless
of where (their Gram matrix G = FᵀF / positions: style, texture). Starting from the photo, the
image x is changed by gradient descent — the network's weights stay fixed — to minimize

    L(x) = α Σ_content layers ‖F(x) − F(photo)‖²  +  β Σ_style layers ‖G(x) − G(texture)‖²
           + γ TV(x),     TV(x) = mean |x[i+1, j] − x[i, j]| + |x[i, j+1] − x[i, j]|

(total variation smooths away high-frequency noise). ∂L/∂x comes from ``loss.backward()``
through the convolutions, as for any other tensor.

The network: with VGG16 weights you have (torchvision's ``vgg16`` state dict, read by
``pf.io.load_torch_state_dict``, no download here), its conv layers; without, a multi-scale CNN
with fixed random filters — random features already carry texture statistics (Ulyanov et al.;
He, Wang & Hopcroft 2016), so the example always runs offline.

Images: scikit-image's bundled photos and textures (``chelsea``, ``astronaut``, ``coffee``;
``brick``, ``gravel``, ``grass``) — ``pip install scikit-image``.

Run:   python examples/style_transfer.py [content] [style] [--vgg16 path/to/vgg16.pth]
Writes pictures/style_<content>_<style>.png (content, style, result side by side).
"""

import argparse
import sys
from pathlib import Path

import numpy as np

import profundo as pf
from profundo import layers, optimizers
from profundo.files import atomic_write

VGG16 = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
IMAGENET = (np.array([0.485, 0.456, 0.406], "float32"), np.array([0.229, 0.224, 0.225], "float32"))


def image(name, size):
    """A bundled scikit-image picture as float32 (size, size·aspect, 3) in [0, 1]."""
    try:
        from skimage import data, transform
    except ImportError:
        sys.exit("this example takes its pictures from scikit-image: pip install scikit-image")
    img = getattr(data, name)().astype("float32") / 255
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=-1)
    h, w = img.shape[:2]
    return transform.resize(img, (size, round(size * w / h)), anti_aliasing=True).astype("float32")


def random_features(seed=0):
    """Three scales of fixed random 3×3 filters (He-initialized), ReLU, average pooling between."""
    pf.manual_seed(seed)
    net = pf.Sequential(
        [
            layers.Input((None, None, 3)),
            layers.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer="he_normal"),
            layers.AveragePooling2D(2),
            layers.Conv2D(64, 3, padding="same", activation="relu", kernel_initializer="he_normal"),
            layers.AveragePooling2D(2),
            layers.Conv2D(
                128, 3, padding="same", activation="relu", kernel_initializer="he_normal"
            ),
        ]
    )
    net.trainable = False
    return net, [0, 2, 4], [2]  # style: every conv; content: the middle one


def vgg16_features(path):
    """VGG16's convolutional part with torchvision's weights; style from conv1_1, 2_1, 3_1, 4_1,
    5_1 and content from conv4_2, as Gatys et al. chose."""
    stack, mapping, index = [layers.Input((None, None, 3))], {}, 0
    for v in VGG16:  # torchvision's features: conv, ReLU, ..., MaxPool — one index each
        if v == "M":
            stack.append(layers.AveragePooling2D(2))  # Gatys et al. replace max by average pooling
            index += 1
        else:
            stack.append(
                layers.Conv2D(v, 3, padding="same", activation="relu", name=f"vgg_features_{index}")
            )
            mapping[f"features.{index}"] = f"vgg_features_{index}"
            index += 2
    net = pf.Sequential(stack)
    pf.io.load_torch_state_dict(net, _features_only(path), mapping=mapping)
    net.trainable = False
    convs = [i for i, layer in enumerate(net.layers) if isinstance(layer, layers.Conv2D)]
    return net, [convs[i] for i in (0, 2, 4, 7, 10)], [convs[8]]


def _features_only(path):
    state = pf.io.read_torch_file(path)
    return {k: v for k, v in state.items() if k.startswith("features.")}


def activations(net, x, wanted):
    """The outputs of the layers at positions ``wanted``, computed in one pass."""
    out = []
    for i, layer in enumerate(net.layers):
        x = layer(x)
        if i in wanted:
            out.append(x)
        if i >= max(wanted):
            break
    return out


def gram(f):
    """G = FᵀF / (H·W) for feature maps f of shape (1, H, W, C): which channels fire together."""
    _, h, w, c = f.shape
    flat = f.reshape(h * w, c)
    return flat.T @ flat / (h * w)


def total_variation(x):
    return (x[:, 1:, :, :] - x[:, :-1, :, :]).abs().mean() + (
        x[:, :, 1:, :] - x[:, :, :-1, :]
    ).abs().mean()


def transfer(
    content,
    style,
    net,
    style_layers,
    content_layers,
    steps=300,
    lr=0.02,
    content_weight=1.0,
    style_weight=1e3,
    tv_weight=0.05,
    normalize=(0.0, 1.0),
    report=None,
):
    """Optimize the image from the content photo; returns the image and the (style loss,
    content loss) of every step. ``normalize``: (mean, std) the network expects its input in."""
    mean, std = normalize
    wanted = sorted(set(style_layers) | set(content_layers))
    pick = {i: k for k, i in enumerate(wanted)}
    with pf.no_grad():
        style_acts = activations(net, pf.tensor((style[None] - mean) / std), wanted)
        content_acts = activations(net, pf.tensor((content[None] - mean) / std), wanted)
        targets = {i: gram(style_acts[pick[i]]) for i in style_layers}
        contents = {i: content_acts[pick[i]] for i in content_layers}
    x = pf.tensor(content[None].copy(), requires_grad=True)
    opt = optimizers.Adam(lr, params=[x])
    history = []
    for step in range(steps):
        acts = activations(net, (x - mean) / std, wanted)
        s_loss = sum(((gram(acts[pick[i]]) - targets[i]) ** 2).mean() for i in style_layers)
        c_loss = sum(((acts[pick[i]] - contents[i]) ** 2).mean() for i in content_layers)
        loss = content_weight * c_loss + style_weight * s_loss + tv_weight * total_variation(x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        x.data[...] = x.data.clip(0, 1)
        history.append((float(s_loss.item()), float(c_loss.item())))
        if report and (step % report == 0 or step == steps - 1):
            print(f"step {step:4d}: style {history[-1][0]:.4g}, content {history[-1][1]:.4g}")
    return x.numpy()[0], history


def save_side_by_side(path, *images):
    from PIL import Image

    h = min(img.shape[0] for img in images)
    row = np.concatenate([img[:h] for img in images], axis=1)
    with atomic_write(path) as f:
        Image.fromarray((row.clip(0, 1) * 255).round().astype(np.uint8)).save(f, format="PNG")


def main(
    content_name="chelsea",
    style_name="brick",
    size=128,
    steps=300,
    vgg16=None,
    out="pictures",
    report=50,
):
    content, style = image(content_name, size), image(style_name, size)
    if vgg16:
        net, style_layers, content_layers = vgg16_features(vgg16)
        normalize = IMAGENET
    else:
        net, style_layers, content_layers = random_features()
        normalize = (0.0, 1.0)
    result, history = transfer(
        content,
        style,
        net,
        style_layers,
        content_layers,
        steps=steps,
        normalize=normalize,
        report=report,
    )
    style_drop = history[0][0] / max(history[-1][0], 1e-12)
    mse = float(np.mean((result - content) ** 2))
    print(
        f"{content_name} in the style of {style_name} ({'VGG16' if vgg16 else 'random CNN'}, "
        f"{steps} steps): style loss ÷{style_drop:.1f}; pixels vs the photo: PSNR "
        f"{10 * np.log10(1 / mse):.1f} dB"
    )
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        save_side_by_side(
            Path(out) / f"style_{content_name}_{style_name}.png", content, style, result
        )
    return history, result, content


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", nargs="?", default="chelsea")
    parser.add_argument("style", nargs="?", default="brick")
    parser.add_argument("--vgg16", help="torchvision vgg16 state dict (.pth/.safetensors)")
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    main(args.content, args.style, steps=args.steps, vgg16=args.vgg16)

"""PyTorch reference throughput for `gradcam evaluate` (the report's images/s comparison).

    /work/pyenv/bin/python Scripts/bench_eval_pytorch.py TREE [--threads 1 2] [--limit N]

TREE is a corrupted ImageFolder tree (`gradcam corrupt --data ../shared/data/cifar10-test --png
--out TREE ...`). Times the same loop as an ImageNet-C test.py-style evaluation of the CIFAR-10
ResNet-56: read PNG, normalise, batch of 64, forward, argmax; plus the forward pass alone.
--limit N takes the first N dataset images under every corruption and severity, the images
`gradcam evaluate --corrupted-root TREE --limit N` evaluates (`Scripts/bench/compare.py --group
eval` runs both).
"""
import argparse
import importlib.util
import os
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fx", os.path.join(HERE, "fixtures", "make_eval_fixtures.py"))
fx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fx)


def tree_items(tree, limit=None):
    """(path, label) of the first `limit` dataset images (ImageFolder order, as `gradcam evaluate
    --limit`) in every corruption/severity folder of TREE, corruption-major as evaluate's rows."""
    items = []
    for c in sorted(os.listdir(tree)):
        for s in sorted(os.listdir(os.path.join(tree, c)), key=int):
            items += fx.image_folder(os.path.join(tree, c, s))[:limit]
    return items


def eval_loop(net, items, batch=64):
    """(correct, seconds) of the eval loop proper: read, normalise, batch, forward, argmax."""
    return fx.evaluate(net, items, batch)


def model():
    """The CIFAR-10 ResNet-56 (the checkpoint of gradcam's bundled cifar10-resnet56)."""
    return fx.model()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tree")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--limit", type=int, help="first N dataset images of every corruption and severity")
    args = ap.parse_args()
    items = tree_items(args.tree, args.limit)
    net = model()
    for t in args.threads:
        torch.set_num_threads(t)
        cpu0 = time.process_time()
        correct, seconds = eval_loop(net, items)
        cpu = time.process_time() - cpu0
        x = torch.from_numpy(np.stack([fx.load(p) for p, _ in items[:512]]))
        t0 = time.perf_counter()
        with torch.no_grad():
            for b in range(0, len(x), 64):
                net(x[b:b + 64])
        fwd = len(x) / (time.perf_counter() - t0)
        print(f"threads {t}: eval loop {len(items) / seconds:.1f} images/s, {len(items) / cpu:.1f} images per CPU-second "
              f"({correct}/{len(items)} correct); "
              f"forward only {fwd:.1f} images/s; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

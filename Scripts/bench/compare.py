"""Runs the Python peers and `gradcam bench` on this machine in one run, and prints ratios.

Usage (dev-time only; the tool and its tests never need Python):
    python3 -m venv /tmp/benchenv && /tmp/benchenv/bin/pip install torch torchvision timm grad-cam \
        imagecorruptions opencv-python-headless scikit-image scipy
    /tmp/benchenv/bin/python Scripts/bench/compare.py [--gradcam .build/release/gradcam] [--repeats 5]

Peers, on the same inputs as `gradcam bench` (deterministic weights from weight_formula.py):
torchvision ResNet-18/50 forward at batch 1 and 8; timm ViT-S/16 forward; pytorch-grad-cam 1.5.7
GradCAM on ResNet-50 layer4 at batch 1 and 8; timm tf_efficientnet_lite0 and torchvision MobileNetV3-Large
forward and GradCAM (Lite0 at conv_head and blocks.3, MobileNetV3 at features.16) at batch 1 and 8; timm ViT-S/16 forward + attention rollout as
vit-explain computes it (unfused attention so its hooks fire); imagecorruptions 1.1.2 on one
224x224 image for all 19 corruptions x 5 severities (through ../shared/tools/icshim.py); timm ViT-S/16
forward + backward + gradient rollout as vit-explain's VITAttentionGradRollout computes it; and the main
job end to end (`gradcam --image photo224.png --severities 1-5 --corruptions all --arch resnet50 --weights
r50.pth --out g.png` against python_main_job.py: imagecorruptions + pytorch-grad-cam + a matplotlib grid),
process wall time and peak RSS; and `gradcam evaluate` as a user runs it against a PyTorch eval loop
(bench_eval_pytorch.py) on the same pre-corrupted CIFAR-10 images (ratio of times: 0.83 is 1.2x the
throughput). `--group vit`, `--group mainjob` or `--group eval` runs only those; with --onnx only,
imported ONNX ResNet-50 and ViT-S/16 (`gradcam bench --onnx`) against onnxruntime (2 threads) and
pytorch-grad-cam (`--rounds N` alternates the two sides N times, each keeping its best).
`--precision bf16` runs our side with `--precision bf16` (products on bf16 operands
with float32 sums, AVX512-BF16 processors only; never our default) while the peers stay float32.
Prints the CPU model and its AVX2/AVX-512 flags; `GRADCAM_ISA=avx2` measures our AVX2 path
and, unless PEERS_ISA=native, puts the peers on theirs (ATEN_CPU_CAPABILITY=avx2, ONEDNN_MAX_CPU_ISA=AVX2,
MKL_ENABLE_INSTRUCTIONS=AVX2: an AVX2-only machine on both sides; onnxruntime's MLAS has no such switch).
"""
import argparse
import json
import os

if os.environ.get("GRADCAM_ISA", "").lower() == "avx2" and os.environ.get("PEERS_ISA") != "native":
    # Set before torch is imported (and inherited by the peer subprocesses): torch's kernels,
    # oneDNN's JIT and MKL read these once.
    os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")
    os.environ.setdefault("ONEDNN_MAX_CPU_ISA", "AVX2")
    os.environ.setdefault("MKL_ENABLE_INSTRUCTIONS", "AVX2")
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Scripts", "fixtures"))
sys.path.insert(0, os.path.join(ROOT, "..", "shared", "tools"))
import weight_formula  # noqa: E402


def best(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def peers(repeats, only=None):
    import timm
    import torchvision
    from pytorch_grad_cam import GradCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    torch.set_num_threads(os.cpu_count())
    out = {}
    if only is not None:
        family = {**resnet_peers(repeats, only), **family_peers(repeats, only)}
        return family if family else {k: v for k, v in depthwise_peers(repeats).items() if only in k}
    # The core kernels: matmul and the ResNet-50 convolution shapes of `gradcam bench --suites core`.
    for size in (512, 1024, 2048):
        a, b = torch.rand(size, size), torch.rand(size, size)
        out[f"matmul {size}^3"] = best(lambda: torch.matmul(a, b), repeats)
    shapes = [(64, 56, 64, 3, 1), (64, 56, 256, 1, 1), (256, 56, 64, 1, 1), (128, 28, 128, 3, 1),
              (512, 28, 128, 1, 1), (256, 14, 256, 3, 1), (1024, 14, 256, 1, 1), (512, 7, 512, 3, 1),
              (2048, 7, 512, 1, 1), (3, 224, 64, 7, 2)]
    with torch.no_grad():
        for batch in (1, 8):
            total = 0.0
            for c, h, o, k, s in shapes:
                x, w = torch.rand(batch, c, h, h), torch.rand(o, c, k, k)
                t = best(lambda: torch.nn.functional.conv2d(x, w, stride=s, padding=k // 2), repeats)
                out[f"conv2d b{batch} {c}x{h}x{h} -> {o} k{k} s{s}"] = t
                total += t
            out[f"conv2d b{batch} ResNet-50 shapes (total)"] = total
    out.update(resnet_peers(repeats))
    out.update(vit_peers(repeats))
    out.update(family_peers(repeats))

    out.update(depthwise_peers(repeats))

    resnet = weight_formula.fill(torchvision.models.resnet50()).eval()
    cam = GradCAM(model=resnet, target_layers=[resnet.layer4])
    for b in (1, 8):
        x = torch.from_numpy(weight_formula.value("input", (b, 3, 224, 224)))
        with torch.no_grad():
            pred = resnet(x).argmax(1).tolist()
        targets = [ClassifierOutputTarget(c) for c in pred]
        out[f"gradcam resnet50 layer4 b{b}"] = best(lambda: cam(input_tensor=x, targets=targets), repeats)


    try:
        import icshim
        rng = np.random.default_rng(1)
        image = rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)
        names = ["gaussian_noise", "shot_noise", "impulse_noise", "defocus_blur", "glass_blur", "motion_blur",
                 "zoom_blur", "snow", "frost", "fog", "brightness", "contrast", "elastic_transform", "pixelate",
                 "jpeg_compression", "speckle_noise", "gaussian_blur", "spatter", "saturate"]
        out["all 19 x 5 (224x224, sequential)"] = best(
            lambda: [icshim.corrupt(image, s, n) for n in names for s in range(1, 6)], max(1, repeats // 3))
    except Exception as e:  # imagecorruptions missing: report and go on
        print(f"imagecorruptions skipped: {e}", file=sys.stderr)
    return out


def vit_peers(repeats):
    """timm ViT-S/16 forward at batch 1 and 8; forward + attention rollout and forward + backward
    + gradient rollout as vit-explain computes them (mean fusion, no discard)."""
    import timm

    out = {}
    vit = weight_formula.fill(timm.create_model("vit_small_patch16_224", pretrained=False)).eval()
    for b in (1, 8):
        x = torch.from_numpy(weight_formula.value("input", (b, 3, 224, 224)))
        with torch.no_grad():
            out[f"forward vit_small_patch16 b{b}"] = best(lambda: vit(x), repeats)
    # timm forward + vit-explain's rollout (mean fusion, no discard): hooks need unfused attention.
    for blk in vit.blocks:
        blk.attn.fused_attn = False
    attentions = []
    for blk in vit.blocks:
        blk.attn.attn_drop.register_forward_hook(lambda m, i, o: attentions.append(o.detach()))
    x = torch.from_numpy(weight_formula.value("input", (1, 3, 224, 224)))

    def rolled_out(fused_maps):
        """vit-explain's rollout of head-fused attention maps: (A + I) / 2, rows normalised,
        multiplied through the blocks; the class token's row over the 14x14 patches."""
        with torch.no_grad():
            result = torch.eye(fused_maps[0].size(-1))
            for fused in fused_maps:
                a_hat = (fused + torch.eye(fused.size(-1))) / 2
                a_hat = a_hat / a_hat.sum(dim=-1, keepdim=True)
                result = torch.matmul(a_hat, result)
            mask = result[0, 0, 1:]
            return (mask / mask.max()).reshape(14, 14)

    def rollout():
        attentions.clear()
        with torch.no_grad():
            vit(x)
            return rolled_out([a.mean(axis=1) for a in attentions])
    out["rollout vit_small_patch16 b1 (forward + rollout)"] = best(rollout, repeats)

    # vit-explain's VITAttentionGradRollout: each block's attention and its gradient (backward
    # hook on attn_drop) for the predicted class, max(mean_heads(A * dA), 0), then the rollout.
    gradients = []
    for blk in vit.blocks:
        blk.attn.attn_drop.register_full_backward_hook(lambda m, gi, go: gradients.append(gi[0].detach()))

    def gradient_rollout():
        attentions.clear()
        gradients.clear()
        vit.zero_grad()
        logits = vit(x)
        logits[0, int(logits[0].argmax())].backward()
        with torch.no_grad():
            return rolled_out([(a * g).mean(axis=1).clamp(min=0) for a, g in zip(attentions, reversed(gradients))])
    out["gradrollout vit_small_patch16 b1 (forward + backward + rollout)"] = best(gradient_rollout, repeats)
    return out


def resnet_peers(repeats, only=None):
    """torchvision ResNet-18 and ResNet-50 forward at batch 1 and 8; with `only`, just the models
    whose case name contains it."""
    import torchvision

    out = {}
    for name in ("resnet18", "resnet50"):
        if only is not None and only not in f"forward {name}":
            continue
        model = weight_formula.fill(getattr(torchvision.models, name)()).eval()
        for b in (1, 8):
            x = torch.from_numpy(weight_formula.value("input", (b, 3, 224, 224)))
            with torch.no_grad():
                out[f"forward {name} b{b}"] = best(lambda: model(x), repeats)
    return out


def family_peers(repeats, only=None):
    """Forward at batch 1 and 8 of the issue-18 families: torchvision ConvNeXt-T and Swin-T, timm
    DINOv2 ViT-S/14 (at 224: timm resamples its 37x37 positions on every call, as gradcam does)
    and DeiT-S distilled; with `only`, just the cases whose name contains it."""
    import timm
    import torchvision
    builders = {
        "convnext_tiny": lambda: torchvision.models.convnext_tiny(),
        "swin_t": lambda: torchvision.models.swin_t(),
        "vit_small_patch14_dinov2": lambda: timm.create_model("vit_small_patch14_dinov2", pretrained=False, dynamic_img_size=True),
        "deit_small_distilled_patch16_224": lambda: timm.create_model("deit_small_distilled_patch16_224", pretrained=False),
    }
    out = {}
    for name, build in builders.items():
        if only is not None and only not in f"forward {name}":
            continue
        model = weight_formula.fill(build()).eval()
        for b in (1, 8):
            x = torch.from_numpy(weight_formula.value("input", (b, 3, 224, 224)))
            with torch.no_grad():
                out[f"forward {name} b{b}"] = best(lambda: model(x), repeats)
    return out


# Our side's `--precision` flag (set by --precision; empty for float32, the default).
PRECISION = []


def main_job(binary, repeats):
    """The main job as a user runs it, ours against the Python stack (python_main_job.py), each a
    fresh process: wall time (ours incl. start-up, loading and rendering; theirs after imports)
    and peak RSS. The same 224x224 photo (examples/dog.png, centre-cropped and resized) and the
    same ResNet-50 weights (weight_formula, saved as a PyTorch .pth that ours loads)."""
    import torchvision
    from PIL import Image

    work = tempfile.mkdtemp(prefix="gradcam-mainjob-")
    photo, weights = os.path.join(work, "photo224.png"), os.path.join(work, "r50.pth")
    dog = Image.open(os.path.join(ROOT, "examples", "dog.png")).convert("RGB")
    side = min(dog.size)
    left, top = (dog.size[0] - side) // 2, (dog.size[1] - side) // 2
    dog.crop((left, top, left + side, top + side)).resize((224, 224), Image.BICUBIC).save(photo)
    torch.save(weight_formula.fill(torchvision.models.resnet50()).state_dict(), weights)

    # A child's ru_maxrss starts at this (torch-sized) process's peak, because fork copies its
    # memory map; GNU time's %M, measured from a small parent, is the child's own peak.
    gnu_time = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
    if gnu_time is None:
        print("main job: /usr/bin/time not found (apt-get install time); our peak RSS includes this process's", file=sys.stderr)

    def run(argv, env=None):
        rss_file = os.path.join(work, "rss.txt")
        if gnu_time:
            argv = [gnu_time, "-f", "%M", "-o", rss_file] + argv
        t = time.perf_counter()
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        stdout = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - t
        if status != 0:
            raise RuntimeError(f"{argv[0]} failed with status {status}")
        rss = usage.ru_maxrss * 1024
        if gnu_time:
            with open(rss_file) as f:
                rss = int(f.read().split()[-1]) * 1024
        return elapsed, rss, stdout

    ours_best, ours_rss = float("inf"), 0
    theirs_best, theirs_rss = float("inf"), 0
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [os.path.join(ROOT, "..", "shared", "tools"), env.get("PYTHONPATH")] if p)
    for _ in range(max(1, repeats)):
        t, rss, _ = run([binary, "--image", photo, "--severities", "1-5", "--corruptions", "all", "--arch", "resnet50",
                         "--weights", weights, "--out", os.path.join(work, "g.png"), "--quiet"] + PRECISION)
        ours_best, ours_rss = min(ours_best, t), max(ours_rss, rss)
        _, _, stdout = run([sys.executable, os.path.join(HERE, "python_main_job.py"), photo, weights,
                            os.path.join(work, "py.png")], env)
        r = json.loads(stdout.decode().strip().splitlines()[-1])
        theirs_best, theirs_rss = min(theirs_best, r["seconds"]), max(theirs_rss, r["maxrss"])
    print(f"main job figures: {work}/g.png (ours), {work}/py.png (Python stack)", file=sys.stderr)
    return {"main job 19 x 5 resnet50 (process wall)": (ours_best, theirs_best),
            "main job peak RSS MB (ours / Python stack)": (ours_rss / 2**20, theirs_rss / 2**20)}


EVAL_CORRUPTIONS = ["gaussian_noise", "motion_blur", "snow"]


def eval_job(binary, repeats, limit=200):
    """`gradcam evaluate` as a user runs it (a fresh process: start-up, model load, reading and
    decoding the PNGs, batches, forward, rows and results written) against the PyTorch eval loop
    of bench_eval_pytorch.py (PIL read, normalise, batches of 64, forward, argmax; timed after
    imports and model load, all cores) on the same pre-corrupted images: the first `limit`
    CIFAR-10 test images of Tests/Fixtures under gaussian_noise, motion_blur and snow at severities
    1-5, written once as PNG by `gradcam corrupt --data`, and the same CIFAR-10 ResNet-56 weights.
    Both must count the same correct images."""
    sys.path.insert(0, os.path.join(ROOT, "Scripts"))
    import bench_eval_pytorch as peer

    work = tempfile.mkdtemp(prefix="gradcam-eval-")
    tree = os.path.join(work, "tree")
    subprocess.run([binary, "corrupt", "--data", os.path.join(ROOT, "Tests", "Fixtures", "cifar10-test"),
                    "--corruption", ",".join(EVAL_CORRUPTIONS), "--severities", "1,2,3,4,5", "--png", "--out", tree,
                    "--quiet"], check=True)
    items = peer.tree_items(tree, limit)
    net = peer.model()
    torch.set_num_threads(os.cpu_count())
    ours_best, theirs_best = float("inf"), float("inf")
    for r in range(max(1, repeats)):
        out = os.path.join(work, f"run{r}")
        t = time.perf_counter()
        subprocess.run([binary, "evaluate", "--corrupted-root", tree, "--corruptions", ",".join(EVAL_CORRUPTIONS),
                        "--severities", "1-5", "--limit", str(limit), "--batch-size", "64", "--out", out, "--quiet"] + PRECISION,
                       check=True)
        ours_best = min(ours_best, time.perf_counter() - t)
        with open(os.path.join(out, "rows.csv")) as f:
            header = f.readline().strip().split(",")
            rows = [line.strip().split(",") for line in f if line.strip()]
        ours_correct = sum(int(row[header.index("correct")]) for row in rows)
        correct, seconds = peer.eval_loop(net, items)
        theirs_best = min(theirs_best, seconds)
        if len(rows) != len(items) or (ours_correct != correct and not PRECISION):
            raise RuntimeError(f"evaluate: {ours_correct}/{len(rows)} correct, PyTorch {correct}/{len(items)}")
        if ours_correct != correct:  # bf16 products may flip a few predictions
            print(f"evaluate ({' '.join(PRECISION)}): {ours_correct} correct against PyTorch's {correct}", file=sys.stderr)
    n = len(items)
    both = f"{correct} correct in both" if ours_correct == correct else f"{ours_correct} correct (PyTorch {correct})"
    print(f"evaluate: {n} images, {both}; {n / ours_best:.1f} images/s (gradcam) vs "
          f"{n / theirs_best:.1f} (PyTorch): throughput {theirs_best / ours_best:.2f}x", file=sys.stderr)
    return {f"evaluate cifar10-resnet56 {n} images (process wall)": (ours_best, theirs_best)}


def depthwise_peers(repeats):
    import timm
    import torchvision
    from pytorch_grad_cam import GradCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    out = {}
    # Depthwise networks (as `gradcam bench`): timm tf_efficientnet_lite0 and torchvision
    # MobileNetV3-Large, forward, and GradCAM at the default layer and at Lite0's blocks.3.
    lite0 = weight_formula.fill(timm.create_model("tf_efficientnet_lite0", pretrained=False)).eval()
    mnv3 = weight_formula.fill(torchvision.models.mobilenet_v3_large()).eval()
    for name, model in (("efficientnet_lite0", lite0), ("mobilenet_v3_large", mnv3)):
        for b in (1, 8):
            x = torch.from_numpy(weight_formula.value("input", (b, 3, 224, 224)))
            with torch.no_grad():
                out[f"forward {name} b{b}"] = best(lambda: model(x), repeats)
    for name, model, layer_name, layer in (("efficientnet_lite0", lite0, "conv_head", lite0.conv_head),
                                          ("efficientnet_lite0", lite0, "blocks.3", lite0.blocks[3]),
                                          ("mobilenet_v3_large", mnv3, "features.16", mnv3.features[16])):
        cam = GradCAM(model=model, target_layers=[layer])
        for b in (1, 8):
            x = torch.from_numpy(weight_formula.value("input", (b, 3, 224, 224)))
            with torch.no_grad():
                pred = model(x).argmax(1).tolist()
            targets = [ClassifierOutputTarget(c) for c in pred]
            out[f"gradcam {name} {layer_name} b{b}"] = best(lambda: cam(input_tensor=x, targets=targets), repeats)
    return out


def onnx_cases(binary, repeats, rounds=1):
    """Imported ONNX ResNet-50 and ViT-S/16 (formula weights, 224x224, batch 1): `gradcam bench
    --onnx` against onnxruntime (2 intra-op threads) forward and pytorch-grad-cam GradCAM on the
    source torch model (ResNet-50 at layer4, ViT-S/16 at blocks[-1].norm1 with the usual reshape).
    With rounds > 1 the two sides alternate: each round runs our bench (best of `repeats`) and then
    every peer (best of `repeats`), and each side keeps its best over the rounds, so that a
    shared machine's slow minutes fall on both sides alike; the per-round forward ratios are
    printed too."""
    import onnxruntime as ort
    import timm
    import torchvision
    from pytorch_grad_cam import GradCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    torch.set_num_threads(os.cpu_count())
    x = torch.from_numpy(weight_formula.value("input", (1, 3, 224, 224)))
    models = {
        "resnet50": (weight_formula.fill(torchvision.models.resnet50()).eval(), lambda m: m.layer4, None),
        "vit_small_patch16_224": (weight_formula.fill(timm.create_model("vit_small_patch16_224", pretrained=False)).eval(),
                                  lambda m: m.blocks[-1].norm1,
                                  lambda t: t[:, 1:, :].reshape(t.size(0), 14, 14, t.size(2)).permute(0, 3, 1, 2)),
    }
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, (model, _, _) in models.items():
            path = os.path.join(tmp, f"{name}.onnx")
            torch.onnx.export(model, (x,), path, opset_version=17, dynamo=False, input_names=["input"], output_names=["logits"])
            paths.append(path)
        peers = {}
        for (name, (model, layer, reshape)), path in zip(models.items(), paths):
            options = ort.SessionOptions()
            options.intra_op_num_threads = 2
            session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            cam = GradCAM(model=model, target_layers=[layer(model)], reshape_transform=reshape)
            with torch.no_grad():
                targets = [ClassifierOutputTarget(int(model(x).argmax(1)))]
            peers[name] = (session, cam, targets)
        mine_best, peer_best, per_round = {}, {}, []
        for r in range(rounds):
            with tempfile.NamedTemporaryFile(suffix=".json") as f:
                args = [binary, "bench", "--suites", "none", "--repeats", str(repeats), "--json", f.name] + PRECISION
                for p in paths:
                    args += ["--onnx", p]
                subprocess.run(args, check=True, stdout=subprocess.DEVNULL if rounds > 1 else None)
                mine = {row["name"].split(" (")[0]: row["seconds"] for row in json.load(open(f.name))}
            ratios = []
            for name, (session, cam, targets) in peers.items():
                feed = {session.get_inputs()[0].name: x.numpy()}
                for case, peer in ((f"onnx forward {name} b1", best(lambda: session.run(None, feed), repeats)),
                                   (f"onnx gradcam {name} b1", best(lambda: cam(input_tensor=x, targets=targets), repeats))):
                    mine_best[case] = min(mine_best.get(case, float("inf")), mine[case])
                    peer_best[case] = min(peer_best.get(case, float("inf")), peer)
                    if "forward" in case:
                        ratios.append(f"{name} {mine[case] / peer:.2f}")
            per_round.append(", ".join(ratios))
    if rounds > 1:
        for r, text in enumerate(per_round):
            print(f"round {r + 1}: forward ratios {text}")
    peer_names = {"forward": "onnxruntime", "gradcam": "pytorch-grad-cam"}
    print(f"\n{'case':60} {'gradcam':>10} {'peer':>10} {'ratio':>7}")
    for case in mine_best:
        label = f"{case} vs {peer_names[case.split()[1]]}"
        own, peer = mine_best[case], peer_best[case]
        print(f"{label:60} {own * 1e3:9.1f}ms {peer * 1e3:9.1f}ms {own / peer:7.2f}")


def ours(binary, repeats, only=None):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        extra = [] if only is None else ["--suites", "forward,cam", "--filter", only]
        subprocess.run([binary, "bench", "--repeats", str(repeats), "--json", f.name] + extra + PRECISION, check=True)
        return {r["name"]: r for r in json.load(open(f.name))}


def cpu_model():
    with open("/proc/cpuinfo") as f:
        return next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "unknown")


def isa_flags():
    with open("/proc/cpuinfo") as f:
        flags = next((l.split(":", 1)[1].split() for l in f if l.startswith("flags")), [])
    wanted = ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_fp16", "amx_bf16")
    return " ".join(f for f in wanted if f in flags) or "none of " + ", ".join(wanted)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gradcam", default=os.path.join(ROOT, ".build", "release", "gradcam"))
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--only", help="run only the ResNet/EfficientNet/MobileNet/ConvNeXt-T/Swin-T cases whose name contains this text (e.g. resnet50, efficientnet, convnext)")
    ap.add_argument("--onnx", action="store_true",
                    help="run only the imported-ONNX cases (needs onnx and onnxruntime, e.g. PYTHONPATH=/work/pyenv-onnx-extra)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="with --onnx: alternate our bench and the peers this many times, each side keeping its best")
    ap.add_argument("--group", choices=["all", "vit", "mainjob", "eval"], default="all",
                    help="vit: only the ViT-S/16 forward and rollout cases; mainjob: only the main job end to end; "
                         "eval: only `gradcam evaluate` against a PyTorch eval loop")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="our side's products (bf16: opt-in, AVX512-BF16 only); the peers stay float32")
    args = ap.parse_args()
    if args.precision == "bf16":
        PRECISION.extend(["--precision", "bf16"])
    print(f"CPU: {cpu_model()}; ISA flags: {isa_flags()}; GRADCAM_ISA={os.environ.get('GRADCAM_ISA', '(unset)')}; "
          f"our precision: {args.precision} (peers float32)")
    peer_isa = [f"{v}={os.environ[v]}" for v in ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS") if v in os.environ]
    print(f"peers: torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}"
          + (f" ({', '.join(peer_isa)})" if peer_isa else ""))
    if args.onnx:
        onnx_cases(args.gradcam, args.repeats, args.rounds)
        return
    if args.group == "vit":
        mine = ours(args.gradcam, args.repeats, "vit_small_patch16")
        theirs = vit_peers(args.repeats)
    elif args.group in ("mainjob", "eval"):
        mine, theirs = {}, {}
    else:
        mine = ours(args.gradcam, args.repeats, args.only)
        theirs = peers(args.repeats, args.only)
    if args.group in ("all", "mainjob") and args.only is None:
        jobs = main_job(args.gradcam, max(1, args.repeats // 3))
    else:
        jobs = {}
    if args.group in ("all", "eval") and args.only is None:
        jobs.update(eval_job(args.gradcam, max(1, args.repeats // 3)))
    print(f"\n{'case':60} {'gradcam':>10} {'peer':>10} {'ratio':>7}")
    keys = {"forward resnet18 b1": "resnet18 b1", "forward resnet18 b8": "resnet18 b8",
            "forward resnet50 b1": "resnet50 b1", "forward resnet50 b8": "resnet50 b8",
            "forward vit_small_patch16 b1": "vit_small_patch16 b1", "forward vit_small_patch16 b8": "vit_small_patch16 b8",
            "forward vit_small_patch14_dinov2 b1": "vit_small_patch14_dinov2 b1",
            "forward vit_small_patch14_dinov2 b8": "vit_small_patch14_dinov2 b8",
            "forward deit_small_distilled_patch16_224 b1": "deit_small_distilled_patch16_224 b1",
            "forward deit_small_distilled_patch16_224 b8": "deit_small_distilled_patch16_224 b8",
            "forward convnext_tiny b1": "convnext_tiny b1", "forward convnext_tiny b8": "convnext_tiny b8",
            "forward swin_t b1": "swin_t b1", "forward swin_t b8": "swin_t b8",
            "forward efficientnet_lite0 b1": "efficientnet_lite0 b1", "forward efficientnet_lite0 b8": "efficientnet_lite0 b8",
            "forward mobilenet_v3_large b1": "mobilenet_v3_large b1", "forward mobilenet_v3_large b8": "mobilenet_v3_large b8"}
    for peer_name, t in theirs.items():
        own = mine.get(keys.get(peer_name, peer_name))
        if own is None:
            continue
        print(f"{peer_name:60} {own['seconds'] * 1e3:9.1f}ms {t * 1e3:9.1f}ms {own['seconds'] / t:7.2f}")
    for name, (own, peer) in jobs.items():
        unit = "MB" if "MB" in name else "s"
        print(f"{name:60} {own:9.1f}{unit:2} {peer:9.1f}{unit:2} {own / peer:7.2f}")
    sgemm = mine.get("sgemm 2048^3")
    if sgemm:
        print(f"\nOpenBLAS sgemm peak: {sgemm['gflops']:.1f} GFLOPS")
    for name, r in mine.items():
        if r.get("ratioTo") == "sgemm peak" and "total" in name or name.startswith("matmul"):
            print(f"{name:60} {r['gflops']:8.1f} GFLOPS  {r['ratio'] * 100:5.1f}% of sgemm peak")


if __name__ == "__main__":
    main()

"""The main job done with the Python stack, for compare.py: one 224x224 photo, the 19 ImageNet-C
corruptions x 5 severities (imagecorruptions 1.1.2), pytorch-grad-cam 1.5.7 GradCAM of a torchvision
ResNet-50 at layer4 for the clean prediction (the clean image, then each corruption's 5 severities
as one batch: 96 maps), and a matplotlib grid (19 rows x clean + 5 severities, each cell the map
over the image with the prediction and its confidence) saved as a PNG.

    python python_main_job.py PHOTO224.png WEIGHTS.pth OUT.png

The timer starts after the imports (as the issue's measurement) and covers loading the weights and
the photo, corrupting, the CAMs and rendering. Prints one JSON line: seconds and the process's peak
RSS in bytes (imports included).
"""
import json
import resource
import sys
import time

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402
from PIL import Image  # noqa: E402
from pytorch_grad_cam import GradCAM  # noqa: E402
from pytorch_grad_cam.utils.image import show_cam_on_image  # noqa: E402
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget  # noqa: E402
import icshim  # noqa: E402  (imagecorruptions 1.1.2 on current numpy/scipy/scikit-image)

NAMES = ["gaussian_noise", "shot_noise", "impulse_noise", "defocus_blur", "glass_blur", "motion_blur",
         "zoom_blur", "snow", "frost", "fog", "brightness", "contrast", "elastic_transform", "pixelate",
         "jpeg_compression", "speckle_noise", "gaussian_blur", "spatter", "saturate"]
MEAN, STD = np.array([0.485, 0.456, 0.406], np.float32), np.array([0.229, 0.224, 0.225], np.float32)


def main(photo, weights, out):
    start = time.perf_counter()
    torch.set_num_threads(torch.get_num_threads())
    model = torchvision.models.resnet50()
    model.load_state_dict(torch.load(weights, map_location="cpu"))
    model.eval()
    image = np.asarray(Image.open(photo).convert("RGB"))
    cam = GradCAM(model=model, target_layers=[model.layer4])

    def tensor(images):
        x = (np.stack(images).astype(np.float32) / 255 - MEAN) / STD
        return torch.from_numpy(x.transpose(0, 3, 1, 2).copy())

    def explain(images, target):
        maps = cam(input_tensor=tensor(images), targets=[ClassifierOutputTarget(target)] * len(images))
        probs = torch.softmax(cam.outputs, dim=1)
        conf, pred = probs.max(dim=1)
        return maps, pred.tolist(), conf.tolist()

    with torch.no_grad():
        clean_class = int(model(tensor([image])).argmax(1))
    rows = [[(image, *[v[0] for v in explain([image], clean_class)])]]
    for name in NAMES:
        corrupted = [np.uint8(np.clip(icshim.corrupt(image, s, name), 0, 255)) for s in range(1, 6)]
        maps, preds, confs = explain(corrupted, clean_class)
        rows.append([(c, m, p, f) for c, m, p, f in zip(corrupted, maps, preds, confs)])

    fig, axes = plt.subplots(len(NAMES), 6, figsize=(12, 2 * len(NAMES)))
    clean = rows[0][0]
    for r, name in enumerate(NAMES):
        for c, (img, m, p, f) in enumerate([clean] + rows[r + 1]):
            ax = axes[r, c]
            ax.imshow(show_cam_on_image(img.astype(np.float32) / 255, m, use_rgb=True))
            ax.set_title(f"{p} {f:.2f}", fontsize=7)
            ax.axis("off")
        axes[r, 0].set_ylabel(name)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == "__main__":
    main(*sys.argv[1:4])

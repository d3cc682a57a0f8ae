"""Exact-math fp32 vs int8 drift (onnxruntime ORT_ENABLE_BASIC = what tract computes) on the dev split.

    python -m models.recipe.drift [--n 2000]     # adds report["quantization_exact"] to work/report.json
"""
import argparse
import json
import os

import numpy as np

from . import config, data as D, evaluate as E, export, ship
from .bundle import read_bundle
from .config import HEADS


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=config.DEFAULT_DATA)
    ap.add_argument("--work", default=os.path.join(config.REPO_ROOT, "models", "recipe", "work"))
    ap.add_argument("--n", type=int, default=2000)
    a = ap.parse_args(argv)
    rep_path = os.path.join(a.work, "report.json")
    rep = json.load(open(rep_path))
    manifest, _ = read_bundle(os.path.join(config.REPO_ROOT, rep["bundle"]["path"]))
    heads = manifest["heads"]
    examples, _ = D.load_all(a.data, seed=config.SEED)
    _, dev = D.split_and_mix(examples, seed=config.SEED)
    import random
    dev = random.Random(0).sample(dev, min(a.n, len(dev)))
    tok = export.load_tokenizer_json(config.base_model_dir())
    fp32, q8 = os.path.join(a.work, "onnx", "model_fp32.onnx"), os.path.join(a.work, "onnx", "model_int8.onnx")
    drift, (l32, l8) = ship.compare(fp32, q8, tok, [(x["text"], x["response"]) for x in dev], [h["temperature"] for h in heads])
    m8, m32 = E.head_metrics(dev, l8, heads), E.head_metrics(dev, l32, heads)
    drift["f1_change_int8_minus_fp32"] = {h: round(m8[h].get("f1", 0) - m32[h].get("f1", 0), 4) for h in HEADS if "f1" in m8[h]}
    drift["auprc_change_int8_minus_fp32"] = {h: round(m8[h].get("auprc", 0) - m32[h].get("auprc", 0), 4) for h in HEADS if "auprc" in m8[h]}
    drift["ort_graph_optimization"] = "ORT_ENABLE_BASIC"
    drift["sample"] = "random sample of the dev split (seed 0)"
    rep["quantization_exact"] = drift
    json.dump(rep, open(rep_path, "w"), indent=1)
    print(json.dumps(drift, indent=1))


if __name__ == "__main__":
    main()

"""Score a bundle on the independently written hold-out sets (`eval_holdout.py`, never trained on).

    python -m models.recipe.holdout BUNDLE.parapet [OUT.json]

onnxruntime on the bundle's `model.onnx` (the graph's exact math), calibrated with the bundle's own
temperatures, flags at its own `balanced` thresholds. Writes `models/recipe/results/holdout/<version>.json`
(or OUT.json); `card.py` puts every version found there in one table.
"""
import json
import os
import sys

import numpy as np
from sklearn.metrics import average_precision_score

from models.recipe import encode, export
from models.recipe.bundle import read_bundle
from models.recipe.config import HEADS, REPO_ROOT

EXCLUDE_ANY = ("specialized_advice", "elections")  # not counted as unsafe (as in the card's benign table)


def load(path):
    import onnxruntime as ort
    from tokenizers import Tokenizer
    man, parts = read_bundle(path)
    tok = Tokenizer.from_str(parts["tokenizer.json"].decode())
    tok.no_padding()
    tok.no_truncation()
    sess = ort.InferenceSession(parts["model.onnx"], providers=["CPUExecutionProvider"])
    return man, tok, sess


def probs(man, tok, sess, texts, bs=32):
    heads = {h["id"]: h for h in man["heads"]}
    T = np.array([heads[h]["temperature"] for h in HEADS])
    out = []
    for i in range(0, len(texts), bs):
        b = encode.pad_batch([encode.encode(tok, t, None, max_len=256) for t in texts[i:i + bs]])
        lg, _ = export.run_ort(sess, b)
        out.append(1 / (1 + np.exp(-lg / T)))
    return np.concatenate(out)


def score(path):
    from models.recipe import eval_holdout as H
    man, tok, sess = load(path)
    heads = {h["id"]: h for h in man["heads"]}
    bal = np.array([heads[h]["thresholds"]["balanced"] for h in HEADS])
    ui, pi = HEADS.index("unsafe"), HEADS.index("prompt_attack")
    anycols = [i for i, h in enumerate(HEADS) if h not in EXCLUDE_ANY and h != "prompt_attack"]
    sets = {"benign_sensitive": H.BENIGN_SENSITIVE, "harmful_requests": [t for t, _ in H.HARMFUL_REQUESTS],
            "prompt_attacks": H.PROMPT_ATTACKS, "benign_instructions": H.BENIGN_INSTRUCTIONS}
    P = {k: probs(man, tok, sess, v) for k, v in sets.items()}
    F = {k: p >= bal for k, p in P.items()}
    strict = np.array([heads[h]["thresholds"]["strict"] for h in HEADS])
    rep = {"bundle": os.path.basename(path), "version": man.get("version"), "n": {k: len(v) for k, v in sets.items()}}
    for k in sets:
        rep[k] = {"unsafe_flag_rate": float(F[k][:, ui].mean()),
                  "any_content_head_flag_rate": float(F[k][:, anycols].any(1).mean()),
                  "prompt_attack_flag_rate": float(F[k][:, pi].mean()),
                  "unsafe_or_attack_flag_rate": float((F[k][:, ui] | F[k][:, pi]).mean()),
                  "unsafe_flag_rate_strict": float((P[k][:, ui] >= strict[ui]).mean()),
                  "prompt_attack_flag_rate_strict": float((P[k][:, pi] >= strict[pi]).mean())}
    # harmful requests: the named category's own head
    cats = {}
    for (t, c), f in zip(H.HARMFUL_REQUESTS, F["harmful_requests"]):
        d = cats.setdefault(c, [0, 0])
        d[0] += 1
        d[1] += int(f[HEADS.index(c)]) if c in HEADS else 0
    rep["harmful_requests"]["category_head_recall"] = {c: v[1] / v[0] for c, v in sorted(cats.items())}
    rep["harmful_requests"]["category_n"] = {c: v[0] for c, v in sorted(cats.items())}
    y = np.r_[np.ones(len(sets["harmful_requests"])), np.zeros(len(sets["benign_sensitive"]))]
    rep["unsafe_auprc_harmful_vs_benign_sensitive"] = float(average_precision_score(
        y, np.r_[P["harmful_requests"][:, ui], P["benign_sensitive"][:, ui]]))
    y = np.r_[np.ones(len(sets["prompt_attacks"])), np.zeros(len(sets["benign_instructions"]))]
    rep["prompt_attack_auprc_attacks_vs_benign_instructions"] = float(average_precision_score(
        y, np.r_[P["prompt_attacks"][:, pi], P["benign_instructions"][:, pi]]))
    return rep


if __name__ == "__main__":
    rep = score(sys.argv[1])
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(REPO_ROOT, "models", "recipe", "results", "holdout", f"{rep['version']}.json")
    json.dump(rep, open(out, "w"), indent=1)
    print(json.dumps(rep, indent=1))

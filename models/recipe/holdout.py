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

from models.recipe.bundle import read_bundle
from models.recipe.config import HEADS, REPO_ROOT
from models.recipe.evaluate import flag_rates
from models.recipe.train import predict_ort

# "any content head": every head but prompt_attack and those not counted as unsafe (as in the card's benign table)
NOT_CONTENT = ("specialized_advice", "elections", "prompt_attack")


def load(path):
    """(manifest, tokenizer, onnxruntime session) of a bundle, exact graph math."""
    import onnxruntime as ort
    from tokenizers import Tokenizer
    man, parts = read_bundle(path)
    tok = Tokenizer.from_str(parts["tokenizer.json"].decode())
    tok.no_padding()
    tok.no_truncation()
    sess = ort.InferenceSession(parts["model.onnx"], providers=["CPUExecutionProvider"])
    return man, tok, sess


def flags(man, tok, sess, texts):
    """(unsafe flagged, any content head flagged, calibrated probabilities) at `balanced`, prompts only."""
    lg = predict_ort(sess, [{"text": t, "response": None} for t in texts], tok)
    return flag_rates(lg, man["heads"], exclude=NOT_CONTENT)


def score(path):
    from models.recipe import eval_holdout as H
    man, tok, sess = load(path)
    bal = np.array([h["thresholds"]["balanced"] for h in man["heads"]])
    strict = np.array([h["thresholds"]["strict"] for h in man["heads"]])
    ui, pi = HEADS.index("unsafe"), HEADS.index("prompt_attack")
    sets = {"benign_sensitive": H.BENIGN_SENSITIVE, "harmful_requests": [t for t, _ in H.HARMFUL_REQUESTS],
            "prompt_attacks": H.PROMPT_ATTACKS, "benign_instructions": H.BENIGN_INSTRUCTIONS}
    R = {k: flags(man, tok, sess, v) for k, v in sets.items()}
    P = {k: r[2] for k, r in R.items()}
    F = {k: p >= bal for k, p in P.items()}
    rep = {"bundle": os.path.basename(path), "version": man.get("version"), "n": {k: len(v) for k, v in sets.items()}}
    for k in sets:
        rep[k] = {"unsafe_flag_rate": float(R[k][0].mean()),
                  "any_content_head_flag_rate": float(R[k][1].mean()),
                  "prompt_attack_flag_rate": float(F[k][:, pi].mean()),
                  "unsafe_or_attack_flag_rate": float((F[k][:, ui] | F[k][:, pi]).mean()),
                  "unsafe_flag_rate_strict": float((P[k][:, ui] >= strict[ui]).mean()),
                  "prompt_attack_flag_rate_strict": float((P[k][:, pi] >= strict[pi]).mean())}
    # harmful requests: the named category's own head
    cats = {}
    for (t, c), f in zip(H.HARMFUL_REQUESTS, F["harmful_requests"]):
        d = cats.setdefault(c, [0, 0])
        d[0] += 1
        d[1] += int(f[HEADS.index(c)])
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

"""Score a bundle on the non-English evaluation sets (a known limit of the English-only encoder).

    python -m models.recipe.multilingual BUNDLE.parapet [OUT.json]

Two hand-written sets, never trained on: `eval_sets.py` (20 prompts — 10 unsafe, 10 safe — in
English and 7 translations) and `eval_multilingual.py` (40 prompts — 20 unsafe, 20 safe of which
10 look sensitive — in English and 12 translations). Per language, both sets pooled: `unsafe`
AUPRC, recall and false-positive rate at the bundle's `balanced` and `strict` thresholds, the same
for "any content head", and the share of `[UNK]` tokens. Plus all non-English prompts pooled, with
the oracle best-F1 threshold (what a lower threshold for non-English text would buy at best).

onnxruntime on the bundle's `model.onnx` (the graph's exact math), each bundle's own calibration, as
`holdout.py`. Writes `models/recipe/results/multilingual/<version>.json` (or OUT.json); `card.py`
renders the shipped version's file.
"""
import collections
import json
import os
import sys

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve

from models.recipe.config import HEADS, REPO_ROOT
from models.recipe.evaluate import prf
from models.recipe.holdout import flags, load


def all_rows():
    """(set, lang, text, label) over both sets."""
    from models.recipe import eval_multilingual as M
    from models.recipe import eval_sets as S
    rows = [("eval_sets", lang, t, int(y)) for lang, t, y in S.multilingual_rows()]
    rows += [("eval_multilingual", lang, t, int(y)) for lang, t, y, _ in M.rows()]
    return rows


def _rates(y, flagged):
    y = np.asarray(y, bool)
    return {"recall": float(flagged[y].mean()) if y.any() else None,
            "fp_rate": float(flagged[~y].mean()) if (~y).any() else None}


def measure(y, p_unsafe, any_flag, bal, strict, unk):
    y = np.asarray(y)
    out = {"n": int(len(y)), "unsafe_pos": int(y.sum()),
           "unsafe_auprc": float(average_precision_score(y, p_unsafe)),
           "balanced": _rates(y, p_unsafe >= bal), "strict": _rates(y, p_unsafe >= strict),
           "any_content_head": _rates(y, any_flag), "unk_token_share": unk}
    out["balanced"]["f1"] = prf(y, p_unsafe, bal)[2]
    return out


def score(path):
    man, tok, sess = load(path)
    ui = HEADS.index("unsafe")
    bal, strict = man["heads"][ui]["thresholds"]["balanced"], man["heads"][ui]["thresholds"]["strict"]
    rows = all_rows()
    _, anyf, P = flags(man, tok, sess, [t for _, _, t, _ in rows])
    pu = P[:, ui]
    unk_id = tok.token_to_id("[UNK]")
    ids = [tok.encode(t, add_special_tokens=False).ids for _, _, t, _ in rows]
    by = collections.defaultdict(list)
    for i, (_, lang, _, _) in enumerate(rows):
        by[lang].append(i)

    def unk_share(idx):
        return sum(ids[i].count(unk_id) for i in idx) / max(1, sum(len(ids[i]) for i in idx))

    def m(idx):
        idx = np.array(idx)
        return measure([rows[i][3] for i in idx], pu[idx], anyf[idx], bal, strict, unk_share(idx))

    rep = {"bundle": os.path.basename(path), "version": man.get("version"),
           "thresholds": {"balanced": bal, "strict": strict},
           "sets": dict(collections.Counter(s for s, _, _, _ in rows)),
           "languages": {lang: m(idx) for lang, idx in sorted(by.items(), key=lambda kv: (kv[0] != "en", kv[0]))}}
    non_en = [i for i, r in enumerate(rows) if r[1] != "en"]
    rep["non_english"] = m(non_en)
    y = np.array([rows[i][3] for i in non_en])
    pr, rc, th = precision_recall_curve(y, pu[non_en])
    f1 = 2 * pr * rc / np.maximum(pr + rc, 1e-12)
    k = int(np.argmax(f1[:-1]))
    rep["non_english"]["oracle"] = {"threshold": float(th[k]), "f1": float(f1[k]), "precision": float(pr[k]),
                                    "recall": float(rc[k])}
    return rep


if __name__ == "__main__":
    rep = score(sys.argv[1])
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        REPO_ROOT, "models", "recipe", "results", "multilingual", f"{rep['version']}.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    json.dump(rep, open(out, "w"), indent=1)
    print(json.dumps({"version": rep["version"], "non_english": rep["non_english"], "en": rep["languages"]["en"]}, indent=1))

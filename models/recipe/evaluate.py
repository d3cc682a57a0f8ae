"""Calibration (Platt folded into temperature + bias), preset thresholds, metrics reports."""
import collections

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

from . import data as D
from .config import HEADS

MIN_POS = 8  # fewer dev positives than this: keep defaults, report "n/a"


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def _known(dev, h):
    i = HEADS.index(h)
    Y = D.label_matrix(dev)[:, i]
    m = Y >= 0
    return m, Y


def fit_calibration(dev, logits):
    """Per head Platt scaling p = sigmoid(a z + b), expressed as temperature T = 1/a and a bias
    shift b/a folded into the classifier, so the shipped score is sigmoid(logit' / T)."""
    out = []
    Y = D.label_matrix(dev)
    for i, h in enumerate(HEADS):
        m = Y[:, i] >= 0
        y = Y[m, i]
        z = logits[m, i]
        if y.sum() < MIN_POS or (1 - y).sum() < MIN_POS:
            out.append({"head": h, "temperature": 1.0, "bias_shift": 0.0, "fitted": False})
            continue
        lr = LogisticRegression(C=100.0, max_iter=1000).fit(z.reshape(-1, 1), y)
        a, b = float(lr.coef_[0, 0]), float(lr.intercept_[0])
        if a <= 0.05:
            out.append({"head": h, "temperature": 1.0, "bias_shift": 0.0, "fitted": False})
            continue
        out.append({"head": h, "temperature": 1.0 / a, "bias_shift": b / a, "fitted": True})
    return out


def prf(y, p, t):
    pred = p >= t
    tp = float((pred & (y == 1)).sum())
    fp = float((pred & (y == 0)).sum())
    fn = float((~pred & (y == 1)).sum())
    P = tp / (tp + fp) if tp + fp else 0.0
    R = tp / (tp + fn) if tp + fn else 0.0
    F = 2 * P * R / (P + R) if P + R else 0.0
    return P, R, F


def choose_thresholds(dev, logits, temps):
    """balanced = max-F1 threshold on dev; strict = highest threshold with recall >= 0.9 (at most
    balanced; if unreachable 0.6 x balanced); permissive = lowest threshold with precision >= 0.9
    (at least balanced; if unreachable, halfway between balanced and 1)."""
    heads = []
    Y = D.label_matrix(dev)
    for i, h in enumerate(HEADS):
        m = Y[:, i] >= 0
        y = Y[m, i]
        p = sigmoid(logits[m, i] / temps[i])
        spec = {"id": h, "temperature": round(float(temps[i]), 6)}
        if y.sum() < MIN_POS:
            spec["thresholds"] = {"strict": 0.3, "balanced": 0.5, "permissive": 0.7}
            spec["calibrated_on_dev"] = False
            heads.append(spec)
            continue
        cands = np.unique(np.round(np.concatenate([np.linspace(0.02, 0.98, 97), p]), 4))
        cands = cands[(cands >= 0.02) & (cands <= 0.98)]
        stats = [(t,) + prf(y, p, t) for t in cands]
        bal = max(stats, key=lambda s: (s[3], s[0]))[0]
        rec_ok = [s[0] for s in stats if s[2] >= 0.9 and s[0] <= bal]
        strict = max(rec_ok) if rec_ok else 0.6 * bal
        prec_ok = [s[0] for s in stats if s[1] >= 0.9 and s[0] >= bal]
        perm = min(prec_ok) if prec_ok else bal + (1 - bal) / 2
        spec["thresholds"] = {"strict": round(float(min(strict, bal)), 4), "balanced": round(float(bal), 4),
                              "permissive": round(float(max(perm, bal)), 4)}
        spec["calibrated_on_dev"] = True
        heads.append(spec)
    return heads


def head_metrics(dev, logits, heads):
    Y = D.label_matrix(dev)
    res = {}
    for i, h in enumerate(HEADS):
        m = Y[:, i] >= 0
        y = Y[m, i]
        if y.sum() < 1 or (1 - y).sum() < 1:
            res[h] = {"n": int(m.sum()), "pos": int(y.sum())}
            if m.sum():
                p = sigmoid(logits[m, i] / heads[i]["temperature"])
                res[h]["flag_rate"] = float((p >= heads[i]["thresholds"]["balanced"]).mean())
            continue
        p = sigmoid(logits[m, i] / heads[i]["temperature"])
        P, R, F = prf(y, p, heads[i]["thresholds"]["balanced"])
        res[h] = {"n": int(m.sum()), "pos": int(y.sum()), "auprc": float(average_precision_score(y, p)),
                  "f1": F, "precision": P, "recall": R,
                  "brier": float(((p - y) ** 2).mean())}
    return res


def flag_rates(logits, heads, exclude=("specialized_advice", "elections")):
    P = np.stack([sigmoid(logits[:, i] / heads[i]["temperature"]) for i in range(len(HEADS))], 1)
    bal = np.array([heads[i]["thresholds"]["balanced"] for i in range(len(HEADS))])
    flagged = P >= bal
    unsafe = flagged[:, HEADS.index("unsafe")]
    cols = [i for i, h in enumerate(HEADS) if h not in exclude]
    anyf = flagged[:, cols].any(1)
    return unsafe, anyf, P


def full_report(dev, l8, l32, heads, data_dir, sess, tok, predict_ort):
    import importlib
    global eval_sets
    from . import eval_sets
    eval_sets = importlib.reload(eval_sets)
    rep = {"heads": [h["id"] for h in heads]}
    rep["dev_int8"] = head_metrics(dev, l8, heads)
    rep["dev_fp32"] = head_metrics(dev, l32, heads)
    # unsafe head per source family
    fam = collections.defaultdict(list)
    for i, x in enumerate(dev):
        fam[x["family"]].append(i)
    per_fam = {}
    for f, idx in sorted(fam.items()):
        sub = [dev[i] for i in idx]
        per_fam[f] = head_metrics(sub, l8[idx], heads)
    rep["dev_by_family"] = {f: {h: v for h, v in m.items() if h in ("unsafe", "prompt_attack", "hate")} for f, m in per_fam.items()}
    # benign sensitive sets
    unsafe_i = HEADS.index("unsafe")
    sets = {}
    hand = [{"text": t, "response": None, "labels": {}} for t in eval_sets.BENIGN_SENSITIVE]
    sets["handwritten_benign_sensitive (xstest-style, %d)" % len(hand)] = hand
    evo = D.load_eval_only(data_dir)
    sets["counsel_chat_questions (never trained)"] = [x for x in evo if x["source"] == "counsel_chat"]
    for src in ("coconot_contrast", "hatecheck", "bbq", "coconot_noncompliance_safe", "gpteacher_roleplay", "clinc", "nq_open"):
        xs = [x for x in dev if x["source"] == src and x["labels"].get("unsafe") == 0]
        sets[f"{src} benign (dev)"] = xs
    fpr = {}
    for name, xs in sets.items():
        if not xs:
            continue
        lg = predict_ort(sess, xs, tok)
        u, anyf, P = flag_rates(lg, heads)
        pa = P[:, HEADS.index("prompt_attack")] >= heads[HEADS.index("prompt_attack")]["thresholds"]["balanced"]
        fpr[name] = {"n": len(xs), "unsafe_flag_rate": float(u.mean()), "any_head_flag_rate": float(anyf.mean()),
                     "prompt_attack_flag_rate": float(pa.mean())}
    rep["benign_sensitive_fp"] = fpr
    # prompt-injection transfer on never-trained tensor-trust attacks
    tt = [x for x in evo if x["source"] == "tensor_trust"]
    ttb = [x for x in evo if x["source"] == "tensor_trust_benign"]
    import random
    r = random.Random(0)
    tt = r.sample(tt, min(600, len(tt)))
    ttb = r.sample(ttb, min(300, len(ttb)))
    lg = predict_ort(sess, tt + ttb, tok)
    pai = HEADS.index("prompt_attack")
    p = sigmoid(lg[:, pai] / heads[pai]["temperature"])
    y = np.array([1] * len(tt) + [0] * len(ttb))
    rep["tensor_trust_prompt_attack (never trained)"] = {
        "n_attacks": len(tt), "n_benign_access_codes": len(ttb),
        "recall_at_balanced": float((p[:len(tt)] >= heads[pai]["thresholds"]["balanced"]).mean()),
        "recall_at_strict": float((p[:len(tt)] >= heads[pai]["thresholds"]["strict"]).mean()),
        "fp_rate_at_balanced": float((p[len(tt):] >= heads[pai]["thresholds"]["balanced"]).mean()),
        "auprc": float(average_precision_score(y, p))}
    rep["multilingual"] = multilingual_report(sess, tok, heads, predict_ort)
    return rep


def multilingual_report(sess, tok, heads, predict_ort):
    rows = eval_sets.multilingual_rows()
    out = {}
    by = collections.defaultdict(list)
    for lang, text, y in rows:
        by[lang].append((text, y))
    ui = HEADS.index("unsafe")
    for lang, xs in sorted(by.items()):
        ex = [{"text": t, "response": None, "labels": {}} for t, _ in xs]
        lg = predict_ort(sess, ex, tok)
        p = sigmoid(lg[:, ui] / heads[ui]["temperature"])
        y = np.array([v for _, v in xs])
        P, R, F = prf(y, p, heads[ui]["thresholds"]["balanced"])
        ids = [tok.encode(t, add_special_tokens=False).ids for t, _ in xs]
        unk = sum(i.count(100) for i in ids) / max(1, sum(len(i) for i in ids))
        out[lang] = {"n": len(xs), "unsafe_pos": int(y.sum()), "auprc": float(average_precision_score(y, p)),
                     "f1": F, "recall": R, "fp_rate": float((p[y == 0] >= heads[ui]["thresholds"]["balanced"]).mean()),
                     "unk_token_share": unk}
    return out


def loso_report(held, logits, family):
    Y = D.label_matrix(held)
    res = {"family": family, "n": len(held), "sources": dict(collections.Counter(x["source"] for x in held)), "heads": {}}
    for i, h in enumerate(HEADS):
        m = Y[:, i] >= 0
        y = Y[m, i]
        if y.sum() < 3 or (1 - y).sum() < 3:
            if m.sum():
                p = sigmoid(logits[m, i])
                res["heads"][h] = {"n": int(m.sum()), "pos": int(y.sum()),
                                   "rate_flagged_at_0.5": float((p >= 0.5).mean())}
            continue
        p = sigmoid(logits[m, i])
        P, R, F = prf(y, p, 0.5)
        best = max(prf(y, p, t)[2] for t in np.linspace(0.05, 0.95, 19))
        res["heads"][h] = {"n": int(m.sum()), "pos": int(y.sum()), "auprc": float(average_precision_score(y, p)),
                           "f1_at_0.5": F, "precision_at_0.5": P, "recall_at_0.5": R, "best_f1": best}
    return res

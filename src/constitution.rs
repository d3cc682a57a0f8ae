//! The constitution: the user's own safety policy.
//!
//! JSON shaped `{"preset": "balanced", "categories": {"<id>": {"enabled", "threshold",
//! "action", "applies_to"}}}`. Unknown keys are rejected and every error names the JSON path
//! and what is allowed there. A preset supplies defaults for every category (thresholds come
//! from the bundle, chosen on dev data by the recipe); the `categories` map overrides them.

use crate::bundle::HeadSpec;
use crate::error::{Error, Result};
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
    /// Flag and block.
    Block,
}

impl Action {
    /// Lower-case name as used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Warn => "warn",
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

/// The constitution as written (what `constitution` getters return).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstitutionSpec {
    /// Defaults for every category.
    #[serde(default)]
    pub preset: Preset,
    /// Overrides by category id.
    #[serde(default)]
    pub categories: BTreeMap<String, CategoryOverride>,
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
    pub threshold: f32,
    /// Action on trigger.
    pub action: Action,
    /// Which checks it applies to.
    pub applies_to: AppliesTo,
    /// Whether the model has a trained head for it (otherwise it is reported unscored).
    pub scored: bool,
    #[serde(skip)]
    pub(crate) head: Option<usize>,
}

/// A validated, resolved constitution for one bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct Constitution {
    spec: ConstitutionSpec,
    categories: Vec<CategoryPolicy>,
}

/// Threshold used for categories that have no head (and so no calibrated default).
const UNSCORED_DEFAULT_THRESHOLD: f32 = 0.5;

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
        let mut ids: Vec<(String, String)> =
            TAXONOMY.iter().map(|e| (e.id.to_string(), e.description.to_string())).collect();
        for h in heads {
            if taxonomy::lookup(&h.id).is_none() {
                ids.push((h.id.clone(), format!("Model head '{}'", h.id)));
            }
        }
        for (id, o) in &spec.categories {
            if !ids.iter().any(|(k, _)| k == id) {
                let mut known = taxonomy::known_ids();
                for h in heads.iter().filter(|h| taxonomy::lookup(&h.id).is_none()) {
                    known.push_str(", ");
                    known.push_str(&h.id);
                }
                return Err(Error::constitution(
                    "UNKNOWN_CATEGORY",
                    format!("categories.{id}"),
                    format!("unknown category '{id}'; known categories are: {known}"),
                ));
            }
            if let Some(t) = o.threshold {
                if !(0.0..=1.0).contains(&t) {
                    return Err(Error::constitution(
                        "INVALID_VALUE",
                        format!("categories.{id}.threshold"),
                        format!("threshold must be a number from 0 to 1, got {t}"),
                    ));
                }
            }
        }
        let categories = ids
            .into_iter()
            .map(|(id, description)| {
                let head = heads.iter().position(|h| h.id == id);
                let preset_threshold = head
                    .map(|i| {
                        let t = &heads[i].thresholds;
                        match spec.preset {
                            Preset::Strict => t.strict,
                            Preset::Balanced => t.balanced,
                            Preset::Permissive => t.permissive,
                        }
                    })
                    .unwrap_or(UNSCORED_DEFAULT_THRESHOLD);
                let o = spec.categories.get(&id).cloned().unwrap_or_default();
                CategoryPolicy {
                    enabled: o.enabled.unwrap_or(true),
                    threshold: o.threshold.unwrap_or(preset_threshold),
                    action: o.action.unwrap_or_else(|| default_action(spec.preset, &id)),
                    applies_to: o.applies_to.unwrap_or_else(|| default_applies_to(&id)),
                    scored: head.is_some(),
                    head,
                    id,
                    description,
                }
            })
            .collect();
        Ok(Constitution { spec, categories })
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

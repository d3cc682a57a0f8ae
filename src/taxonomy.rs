//! The default taxonomy: stable category ids (MLCommons / Llama Guard 3 S1–S14 plus
//! `harassment` and `prompt_attack`), and the overall `unsafe` category backed by the model's
//! general head.

/// One category of the default taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxonomyEntry {
    /// Stable id used in constitutions and verdicts.
    pub id: &'static str,
    /// MLCommons hazard code where there is one (`S1`...), else empty.
    pub code: &'static str,
    /// One-line description shown in UIs.
    pub description: &'static str,
}

macro_rules! t {
    ($id:expr, $code:expr, $d:expr) => {
        TaxonomyEntry { id: $id, code: $code, description: $d }
    };
}

/// Every category a constitution can name, in display order.
pub const TAXONOMY: &[TaxonomyEntry] = &[
    t!("unsafe", "", "Overall harm: anything the guard model judges unsafe, whatever its category"),
    t!("violent_crimes", "S1", "Violent crimes: terrorism, murder, assault, kidnapping, animal abuse"),
    t!("nonviolent_crimes", "S2", "Non-violent crimes: fraud, scams, cyber-crime, drugs, weapons trafficking"),
    t!("sex_crimes", "S3", "Sex-related crimes: trafficking, sexual assault, harassment, prostitution"),
    t!("child_sexual_exploitation", "S4", "Child sexual exploitation"),
    t!("defamation", "S5", "Defamation: verifiably false statements that injure a real person's reputation"),
    t!("specialized_advice", "S6", "Specialised financial, medical or legal advice given as professional counsel"),
    t!("privacy", "S7", "Privacy: sensitive non-public personal information, doxxing, surveillance"),
    t!("intellectual_property", "S8", "Intellectual property violations"),
    t!("indiscriminate_weapons", "S9", "Indiscriminate weapons: chemical, biological, radiological, nuclear, explosives"),
    t!("hate", "S10", "Hate: demeaning people for protected characteristics"),
    t!("self_harm", "S11", "Suicide and self-harm, including disordered eating"),
    t!("sexual_content", "S12", "Sexual content: explicit or erotic material"),
    t!("elections", "S13", "Elections: false information about voting and electoral processes"),
    t!("code_interpreter_abuse", "S14", "Code interpreter abuse: exploiting tools, sandbox escapes, denial of service"),
    t!("harassment", "", "Harassment: insults, bullying and threats aimed at a person"),
    t!("prompt_attack", "", "Prompt attacks: jailbreaks and prompt injection"),
];

/// Looks up a taxonomy entry by id.
pub fn lookup(id: &str) -> Option<&'static TaxonomyEntry> {
    TAXONOMY.iter().find(|e| e.id == id)
}

/// All ids, comma separated, for error messages.
pub fn known_ids() -> String {
    TAXONOMY.iter().map(|e| e.id).collect::<Vec<_>>().join(", ")
}

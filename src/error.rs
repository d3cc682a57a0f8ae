//! The one error type of the engine.
//!
//! Every failure the engine can report is an [`Error`] with a stable *kind* (the JS `name`:
//! `BundleError`, `ConstitutionError`, `InputError`, `InferenceError`), a stable machine
//! `code` (e.g. `HASH_MISMATCH`) and a message that says what to fix. The wasm bindings turn it
//! into a JS `Error` in exactly one place (`src/wasm/mod.rs`).

use thiserror::Error;

/// Result alias used across the engine.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong between bytes in and verdict out.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    /// The model bundle is unusable: wrong magic, newer format, truncated, tampered, missing
    /// parts, or a model whose outputs do not match its manifest.
    #[error("{message}")]
    Bundle {
        /// Stable machine-readable code, e.g. `HASH_MISMATCH`.
        code: &'static str,
        /// What went wrong and what to do about it.
        message: String,
    },
    /// The constitution JSON is malformed or names things that do not exist.
    #[error("{message}")]
    Constitution {
        /// Stable machine-readable code, e.g. `INVALID_VALUE`.
        code: &'static str,
        /// JSON path of the offending value (`categories.hate.threshold`), empty for the root.
        path: String,
        /// What went wrong and what is allowed.
        message: String,
    },
    /// The text or image given to a check cannot be checked as it is.
    #[error("{message}")]
    Input {
        /// Stable machine-readable code, e.g. `TOO_LARGE`.
        code: &'static str,
        /// What went wrong and what to do about it.
        message: String,
    },
    /// The model failed while running (should not happen with a validated bundle).
    #[error("{message}")]
    Inference {
        /// Stable machine-readable code, e.g. `MODEL_FAILED`.
        code: &'static str,
        /// The underlying error chain.
        message: String,
    },
}

impl Error {
    /// The stable error name exposed to JS (`err.name`).
    pub fn name(&self) -> &'static str {
        match self {
            Error::Bundle { .. } => "BundleError",
            Error::Constitution { .. } => "ConstitutionError",
            Error::Input { .. } => "InputError",
            Error::Inference { .. } => "InferenceError",
        }
    }

    /// The stable machine-readable code (`err.code` in JS).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Bundle { code, .. }
            | Error::Constitution { code, .. }
            | Error::Input { code, .. }
            | Error::Inference { code, .. } => code,
        }
    }

    pub(crate) fn bundle(code: &'static str, message: impl Into<String>) -> Self {
        Error::Bundle { code, message: message.into() }
    }

    pub(crate) fn input(code: &'static str, message: impl Into<String>) -> Self {
        Error::Input { code, message: message.into() }
    }

    pub(crate) fn constitution(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let path = path.into();
        let message = message.into();
        let message = if path.is_empty() { message } else { format!("{path}: {message}") };
        Error::Constitution { code, path, message }
    }

    pub(crate) fn inference(err: impl std::fmt::Display) -> Self {
        // `{:#}` keeps tract's whole anyhow chain, which is what a bug report needs.
        Error::Inference { code: "MODEL_FAILED", message: format!("the model failed to run: {err:#}") }
    }
}

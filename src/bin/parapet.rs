//! `parapet`: the native command-line guard.
//!
//! - `parapet check "text"` checks a prompt; `parapet check --response "reply" "prompt"` checks
//!   a response in the context of its prompt. Prints a human-readable verdict (`--json` for
//!   the full verdict).
//! - `parapet scan FILE.jsonl` (or `-` for stdin) checks every line, on all cores, and writes
//!   one JSON verdict per line in input order. A malformed line gives an error line for that
//!   id and a non-zero exit at the end; the other lines are still scanned.
//! - `parapet info` describes the bundle and the resolved constitution.
//!
//! - Images: `parapet check --image photo.jpg`, and scan lines `{"id", "image": "path"}` (a
//!   relative path is relative to the current directory).
//!
//! With no `--model` the default bundle compiled into the binary is used; with no
//! `--image-model` the default image bundle (`models/open-nsfw.parapet`, also compiled in) is
//! loaded the first time an image is checked.

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use parapet::{Guard, Verdict};
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The default bundle, shipped inside the binary so the CLI works with zero configuration.
static DEFAULT_BUNDLE: &[u8] = include_bytes!("../../models/parapet-guard.parapet");
/// The default image bundle (Yahoo open_nsfw), also compiled in; loaded only for image checks.
static DEFAULT_IMAGE_BUNDLE: &[u8] = include_bytes!("../../models/open-nsfw.parapet");

#[derive(Parser)]
#[command(name = "parapet", version, about = "On-device safety guard: check prompts and responses against a constitution")]
struct Cli {
    /// Model bundle (.parapet); defaults to the bundled default model.
    #[arg(long, global = true)]
    model: Option<PathBuf>,
    /// Constitution JSON file; defaults to the balanced preset.
    #[arg(long, global = true)]
    constitution: Option<PathBuf>,
    /// Image bundle (.parapet, kind image-guard); defaults to the bundled open_nsfw model.
    #[arg(long, global = true)]
    image_model: Option<PathBuf>,
    /// Text engine: auto (parapet's int8 engine for the shipped model's architecture, tract
    /// otherwise), int8, or tract (the f32 reference).
    #[arg(long, global = true, default_value = "auto")]
    engine: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check one prompt, or with --response one response to that prompt.
    Check {
        /// The prompt text (omit with --image).
        #[arg(required_unless_present = "image")]
        text: Option<String>,
        /// Check this image file (PNG, JPEG or WebP) instead of text.
        #[arg(long, conflicts_with_all = ["text", "response"])]
        image: Option<PathBuf>,
        /// Check this response to the prompt instead of the prompt itself.
        #[arg(long)]
        response: Option<String>,
        /// Print the full verdict as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check every line of a JSONL file ({"id","prompt"} | {"id","text"} | {"id","prompt","response"}).
    Scan {
        /// Input JSONL file, or - for stdin.
        input: String,
        /// Write verdicts here instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Describe the model bundle and the resolved constitution.
    Info,
}

fn load_guard(cli: &Cli) -> Result<Guard, String> {
    let bytes = match &cli.model {
        Some(p) => std::fs::read(p).map_err(|e| format!("cannot read model {}: {e}", p.display()))?,
        None => DEFAULT_BUNDLE.to_vec(),
    };
    let engine = parapet::model::EngineChoice::parse(&cli.engine).map_err(|e| format!("{}: {e}", e.name()))?;
    let mut guard =
        Guard::from_bundle_vec_with(bytes, None, engine).map_err(|e| format!("{}: {e}", e.name()))?;
    if let Some(p) = &cli.constitution {
        let json = std::fs::read_to_string(p)
            .map_err(|e| format!("cannot read constitution {}: {e}", p.display()))?;
        guard.set_constitution_json(&json).map_err(|e| format!("{}: {e}", e.name()))?;
    }
    Ok(guard)
}

fn load_image_model(cli: &Cli, guard: &mut Guard) -> Result<(), String> {
    let bytes = match &cli.image_model {
        Some(p) => std::fs::read(p).map_err(|e| format!("cannot read image model {}: {e}", p.display()))?,
        None => DEFAULT_IMAGE_BUNDLE.to_vec(),
    };
    guard.load_image_bundle(&bytes).map_err(|e| format!("{}: {e}", e.name()))
}

fn print_human(v: &Verdict) {
    println!(
        "{:<5}  score {:.3}  ({:?}, {} tokens, {} windows, {:.1} ms)",
        v.action.as_str().to_uppercase(),
        v.score,
        v.kind,
        v.tokens,
        v.windows,
        v.timings.total_ms
    );
    for c in &v.categories {
        let score = c.score.map_or("    —".to_string(), |s| format!("{s:.3}"));
        let mark = if c.triggered { "▲" } else { " " };
        println!(
            "  {mark} {:<26} {score}  (threshold {:.2}, {})",
            c.id,
            c.threshold,
            c.action.as_str()
        );
    }
    for s in &v.spans {
        println!("  span {}..{} [{}] score {:.3}", s.start, s.end, s.categories.join(", "), s.score);
    }
    if let Some(r) = &v.redacted {
        println!("  redacted: {r}");
    }
}

/// The compact per-line scan record (custom and pattern categories included, like trained
/// ones; `redacted` when a `redact` category triggered).
fn scan_record(id: &Value, v: &Verdict) -> Value {
    let mut cats = Map::new();
    for c in &v.categories {
        cats.insert(c.id.clone(), c.score.map_or(Value::Null, |s| json!(s)));
    }
    let triggered: Vec<&str> =
        v.categories.iter().filter(|c| c.triggered).map(|c| c.id.as_str()).collect();
    let mut rec = json!({
        "id": id,
        "action": v.action,
        "flagged": v.flagged,
        "score": v.score,
        "categories": cats,
        "triggered": triggered,
        "spans": v.spans,
    });
    if let Some(r) = &v.redacted {
        rec["redacted"] = json!(r);
    }
    rec
}

fn error_record(id: &Value, name: &str, code: &str, message: &str) -> Value {
    json!({"id": id, "error": {"name": name, "code": code, "message": message}})
}

/// Checks one scan line; `Err` carries an error record.
fn scan_line(guard: &Guard, lineno: usize, line: &str) -> Result<Value, Value> {
    let fallback_id = json!(format!("line {lineno}"));
    let obj: Map<String, Value> = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => o,
        Ok(_) => {
            return Err(error_record(&fallback_id, "InputError", "BAD_LINE", "each line must be a JSON object"))
        }
        Err(e) => {
            return Err(error_record(&fallback_id, "InputError", "BAD_LINE", &format!("invalid JSON: {e}")))
        }
    };
    let id = obj.get("id").cloned().unwrap_or(fallback_id);
    let field = |k: &str| -> Result<Option<&str>, Value> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(error_record(&id, "InputError", "BAD_LINE", &format!("\"{k}\" must be a string"))),
        }
    };
    if let Some(path) = field("image")? {
        let bytes = std::fs::read(path).map_err(|e| {
            error_record(&id, "InputError", "BAD_LINE", &format!("cannot read image {path}: {e}"))
        })?;
        return guard
            .check_image_bytes(&bytes)
            .map(|v| scan_record(&id, &v))
            .map_err(|e| error_record(&id, e.name(), e.code(), &e.to_string()));
    }
    let prompt = match (field("prompt")?, field("text")?) {
        (Some(p), _) | (None, Some(p)) => p,
        (None, None) => {
            return Err(error_record(
                &id,
                "InputError",
                "BAD_LINE",
                "the line needs a \"prompt\" or \"text\" string (and optionally \"response\"), \
                 or an \"image\" path",
            ))
        }
    };
    let verdict = match field("response")? {
        Some(r) => guard.check_response(prompt, r),
        None => guard.check_prompt(prompt),
    };
    verdict
        .map(|v| scan_record(&id, &v))
        .map_err(|e| error_record(&id, e.name(), e.code(), &e.to_string()))
}

fn scan(guard: &Guard, input: &str, output: Option<&PathBuf>) -> Result<bool, String> {
    let reader: Box<dyn BufRead> = if input == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(input).map_err(|e| format!("cannot open {input}: {e}"))?;
        Box::new(std::io::BufReader::new(f))
    };
    let out: Box<dyn Write> = match output {
        Some(p) => Box::new(std::fs::File::create(p).map_err(|e| format!("cannot create {}: {e}", p.display()))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(out);
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} lines scanned, {per_sec} [{elapsed}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let mut all_ok = true;
    // Raw byte lines: a line that is not UTF-8 is that line's error, not the end of the scan.
    let mut lines = reader.split(b'\n').enumerate();
    // Chunks keep memory bounded on huge files while giving rayon enough work for both cores.
    const CHUNK: usize = 256;
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        for (i, line) in lines.by_ref() {
            let mut line = line.map_err(|e| format!("cannot read {input}: {e}"))?;
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            chunk.push((i + 1, String::from_utf8(line)));
            if chunk.len() == CHUNK {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let results: Vec<Result<Value, Value>> = chunk
            .par_iter()
            .map(|(n, l)| match l {
                Ok(l) => scan_line(guard, *n, l),
                Err(e) => Err(error_record(
                    &json!(format!("line {n}")),
                    "InputError",
                    "BAD_LINE",
                    &format!("the line is not valid UTF-8 ({e})"),
                )),
            })
            .collect();
        for r in results {
            let rec = r.unwrap_or_else(|e| {
                all_ok = false;
                e
            });
            writeln!(out, "{rec}").map_err(|e| format!("cannot write output: {e}"))?;
        }
        bar.inc(chunk.len() as u64);
    }
    out.flush().map_err(|e| format!("cannot write output: {e}"))?;
    bar.finish_and_clear();
    Ok(all_ok)
}

/// Whether a scan input mentions images (then the image model is loaded up front).
fn scan_needs_images(input: &str) -> bool {
    input == "-" || std::fs::read(input).map(|b| b.windows(7).any(|w| w == b"\"image\"")).unwrap_or(false)
}

fn run(cli: &Cli) -> Result<bool, String> {
    let mut guard = load_guard(cli)?;
    let needs_images = match &cli.command {
        Command::Check { image, .. } => image.is_some(),
        Command::Scan { input, .. } => scan_needs_images(input),
        Command::Info => cli.image_model.is_some(),
    };
    if needs_images {
        load_image_model(cli, &mut guard)?;
    }
    match &cli.command {
        Command::Check { text, image, response, json } => {
            let v = match (image, text, response) {
                (Some(p), _, _) => {
                    let bytes = std::fs::read(p).map_err(|e| format!("cannot read image {}: {e}", p.display()))?;
                    guard.check_image_bytes(&bytes)
                }
                (None, Some(t), Some(r)) => guard.check_response(t, r),
                (None, Some(t), None) => guard.check_prompt(t),
                (None, None, _) => return Err("give a prompt text or --image FILE".into()),
            }
            .map_err(|e| format!("{}: {e}", e.name()))?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?);
            } else {
                print_human(&v);
            }
            Ok(true)
        }
        Command::Scan { input, output } => scan(&guard, input, output.as_ref()),
        Command::Info => {
            let info = json!({
                "bundle": guard.info(),
                "imageBundle": guard.image_info(),
                "constitution": guard.constitution().spec(),
                "categories": guard.constitution().categories(),
            });
            println!("{}", serde_json::to_string_pretty(&info).map_err(|e| e.to_string())?);
            Ok(true)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("parapet: some lines could not be checked (see their \"error\" records)");
            ExitCode::from(1)
        }
        Err(msg) => {
            eprintln!("parapet: {msg}");
            ExitCode::from(2)
        }
    }
}

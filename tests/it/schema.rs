//! The JSON formats documented in docs/schema/ (JSON Schema draft 2020-12, described in
//! docs/cli.md) are the ones the binary writes: each schema validates the real output of
//! `tongbao` on the bundled samples, every field it names is described, and it is strict
//! enough that a renamed, missing or unexpected field fails.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::binary::{repo, sample_workspace};

/// The schemas, by file name under docs/schema/.
const SCHEMAS: [&str; 10] = [
    "check.schema.json",
    "ingest.schema.json",
    "status.schema.json",
    "bulletin.schema.json",
    "explain.schema.json",
    "verify.schema.json",
    "projects.schema.json",
    "accounts-issued.schema.json",
    "accounts.schema.json",
    "web-returns.schema.json",
];

fn schema_path(name: &str) -> PathBuf {
    repo().join("docs/schema").join(name)
}

fn schema(name: &str) -> Value {
    let path = schema_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema(name))
        .unwrap_or_else(|e| panic!("docs/schema/{name} is not a valid JSON Schema: {e}"))
}

/// Every way `instance` breaks schema `name`, one line each: where in the JSON, what is
/// wrong (naming the field), and the rule of the schema it breaks. The same problem at
/// many places (every unit lacks a field) is one line, at the first place, with a count.
fn violations(name: &str, instance: &Value) -> Vec<String> {
    let mut lines: Vec<(String, String, usize)> = Vec::new();
    for e in validator(name).iter_errors(instance) {
        let at = e.instance_path().to_string();
        let what = format!("{e}  [rule {}]", e.schema_path());
        match lines.iter_mut().find(|(_, w, _)| *w == what) {
            Some((_, _, more)) => *more += 1,
            None => lines.push((if at.is_empty() { "/".into() } else { at }, what, 0)),
        }
    }
    lines
        .into_iter()
        .map(|(at, what, more)| match more {
            0 => format!("at {at}: {what}"),
            n => format!("at {at} (and {n} more places): {what}"),
        })
        .collect()
}

/// Fails, naming the schema, the output and each field, unless `instance` is valid.
fn assert_valid(name: &str, what: &str, instance: &Value) {
    let found = violations(name, instance);
    assert!(
        found.is_empty(),
        "docs/schema/{name} does not accept {what} ({} problems; if the output changed on \
         purpose, update the schema and docs/cli.md):\n  {}",
        found.len(),
        found
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    crate::binary::run_reproducibly(args, dir)
}

/// Standard output as JSON, after checking the exit code is one of `codes`.
fn json_of(out: &Output, codes: &[i32]) -> Value {
    assert!(
        out.status.code().is_some_and(|c| codes.contains(&c)),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// The demo's workspace (every kind of return: accepted, held, rejected, missing); its
/// stdout is not JSON, only the exit code matters.
fn demo_workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(dir.path(), &["demo", "--out", "d"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ws = dir.path().join("d");
    (dir, ws)
}

/// A real output: the schema it follows, what it is, the JSON.
type RealOutput = (&'static str, String, Value);

/// Real outputs of the binary on the bundled samples, made once for the tests below.
fn real_outputs() -> &'static [RealOutput] {
    static OUTPUTS: std::sync::OnceLock<Vec<RealOutput>> = std::sync::OnceLock::new();
    OUTPUTS.get_or_init(make_outputs)
}

fn make_outputs() -> Vec<RealOutput> {
    let samples = repo().join("samples");
    let mut all = Vec::new();

    // check: the June returns, the flawed ones and the layouts, nothing written.
    let dir = tempfile::tempdir().expect("temp dir");
    let check = run_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--no-receipts",
            "--config",
            arg(&samples.join("tongbao.toml")),
            arg(&samples.join("returns/2025-06")),
            arg(&samples.join("flawed")),
            arg(&samples.join("layouts")),
        ],
    );
    all.push((
        "check.schema.json",
        "`tongbao check --format json` on samples/returns/2025-06, flawed and layouts".into(),
        json_of(&check, &[0, 1]),
    ));

    // ingest: new versions, resubmissions and rejected files, then the same again
    // (duplicates), with receipts.
    let (ws, _) = sample_workspace();
    for (what, folders) in [
        (
            "new, superseded and rejected files",
            vec![samples.join("returns/2025-06"), samples.join("flawed")],
        ),
        ("duplicates", vec![samples.join("returns/2025-06")]),
    ] {
        let mut args = vec!["ingest", "--format", "json", "--period", "2025-06"];
        args.extend(folders.iter().map(|f| arg(f)));
        all.push((
            "ingest.schema.json",
            format!("`tongbao ingest --format json` ({what})"),
            json_of(&run_in(ws.path(), &args), &[0, 1]),
        ));
    }

    let (_demo, d) = demo_workspace();
    let bulletin = d.join("out/2025-06/bulletin-2025-06.json");
    all.push((
        "bulletin.schema.json",
        "bulletin-2025-06.json written by `tongbao demo` (`build`)".into(),
        serde_json::from_slice(&std::fs::read(&bulletin).expect("bulletin JSON"))
            .expect("bulletin JSON parses"),
    ));
    all.push((
        "status.schema.json",
        "`tongbao status --json` in the demo".into(),
        json_of(
            &run_in(&d, &["status", "--period", "2025-06", "--json"]),
            &[0],
        ),
    ));
    for (what, args) in [
        (
            "every figure",
            vec!["explain", "--period", "2025-06", "--json"],
        ),
        (
            "one unit and figure",
            vec![
                "explain",
                "--period",
                "2025-06",
                "--unit",
                "巴南区",
                "--figure",
                "funds_in_place",
                "--json",
            ],
        ),
    ] {
        all.push((
            "explain.schema.json",
            format!("`tongbao explain --json` in the demo ({what})"),
            json_of(&run_in(&d, &args), &[0]),
        ));
    }
    for (what, args) in [
        (
            "every project",
            vec!["projects", "--period", "2025-06", "--json"],
        ),
        (
            "one unit",
            vec![
                "projects",
                "--period",
                "2025-06",
                "--unit",
                "巴南区",
                "--json",
            ],
        ),
    ] {
        all.push((
            "projects.schema.json",
            format!("`tongbao projects --json` in the demo ({what})"),
            json_of(&run_in(&d, &args), &[0]),
        ));
    }
    for (what, args) in [
        (
            "the follow-up list",
            vec!["projects", "--period", "2025-06", "--follow-up", "--json"],
        ),
        (
            "conversion, twelve months",
            vec!["projects", "--period", "2025-06", "--conversion", "--json"],
        ),
        (
            "conversion, a year's cohort",
            vec![
                "projects",
                "--period",
                "2025-06",
                "--conversion",
                "--cohort",
                "2025",
                "--json",
            ],
        ),
    ] {
        all.push((
            "projects.schema.json",
            format!("`tongbao projects --json` in the demo ({what})"),
            json_of(&run_in(&d, &args), &[0]),
        ));
    }
    all.push((
        "verify.schema.json",
        "`tongbao verify --json` in the demo".into(),
        json_of(&run_in(&d, &["verify", "--json"]), &[0]),
    ));
    all.extend(web_outputs(&samples));
    all
}

/// The accounts' JSON and the web intake's list of returns: accounts issued (one revoked),
/// a good and a flawed return sent over the API, the list as the county and the clerk see it.
fn web_outputs(samples: &Path) -> Vec<RealOutput> {
    use crate::serve_tls::{agent_with, issue, multipart, Served};
    let (ws, _) = sample_workspace();
    let issued = issue(
        ws.path(),
        &["--unit", "北碚区", "--clerk", "张三", "--clerk", "李四"],
    );
    let token = |i: usize| issued[i]["token"].as_str().expect("token").to_string();
    let revoked = run_in(ws.path(), &["accounts", "revoke", "李四"]);
    assert_eq!(revoked.status.code(), Some(0));
    let listed = json_of(&run_in(ws.path(), &["accounts", "list", "--json"]), &[0]);
    let server = Served::start(ws.path(), &[], &[]);
    let agent = agent_with(None);
    for file in [
        "returns/2025-06/北碚区-2025-06.xlsx",
        "flawed/E-NUMBER-北碚区-2025-06.xlsx",
    ] {
        let path = samples.join(file);
        let (content_type, body) = multipart(
            &path.file_name().expect("name").to_string_lossy(),
            &std::fs::read(&path).expect("sample"),
        );
        let r = agent
            .post(server.url("/api/v1/returns?period=2025-06"))
            .header("Authorization", format!("Bearer {}", token(0)))
            .header("Content-Type", content_type)
            .send(&body[..])
            .expect("an answer");
        assert_eq!(r.status().as_u16(), 200, "{file}");
    }
    let list = |token: &str| -> Value {
        let mut r = agent
            .get(server.url("/api/v1/returns?period=2025-06"))
            .header("Authorization", format!("Bearer {token}"))
            .call()
            .expect("an answer");
        assert_eq!(r.status().as_u16(), 200);
        serde_json::from_str(&r.body_mut().read_to_string().expect("body")).expect("JSON")
    };
    let county = list(&token(0));
    assert_eq!(
        county["returns"].as_array().map(Vec::len),
        Some(2),
        "{county}"
    );
    vec![
        (
            "accounts-issued.schema.json",
            "`tongbao accounts issue --json` (a county and two clerks)".into(),
            Value::Array(issued.clone()),
        ),
        (
            "accounts.schema.json",
            "`tongbao accounts list --json` (one account revoked)".into(),
            listed,
        ),
        (
            "web-returns.schema.json",
            "`GET /api/v1/returns` with a county's token".into(),
            county,
        ),
        (
            "web-returns.schema.json",
            "`GET /api/v1/returns` with the clerk's token".into(),
            list(&token(1)),
        ),
    ]
}

#[test]
fn every_json_output_of_the_binary_matches_its_documented_schema() {
    let outputs = real_outputs();
    for name in SCHEMAS {
        assert!(
            outputs.iter().any(|(s, _, _)| *s == name),
            "no real output checked against {name}"
        );
    }
    for (name, what, json) in outputs {
        assert_valid(name, what, json);
    }
}

/// The first object below the top level, depth first, with its JSON pointer.
fn nested_object(v: &mut Value, at: String, depth: usize) -> Option<(String, &mut Value)> {
    let is_target = depth >= 2 && v.as_object().is_some_and(|o| !o.is_empty());
    if is_target {
        return Some((at, v));
    }
    match v {
        Value::Object(o) => o
            .iter_mut()
            .find_map(|(k, x)| nested_object(x, format!("{at}/{k}"), depth + 1)),
        Value::Array(a) => a
            .iter_mut()
            .enumerate()
            .find_map(|(i, x)| nested_object(x, format!("{at}/{i}"), depth + 1)),
        _ => None,
    }
}

/// Renames the first key of an object; the old and new names.
fn rename_first_key(o: &mut Value) -> (String, String) {
    let map = o.as_object_mut().expect("an object");
    let old = map.keys().next().expect("a key").clone();
    let value = map.remove(&old).expect("the key's value");
    let new = format!("{old}_renamed");
    map.insert(new.clone(), value);
    (old, new)
}

#[test]
fn each_schema_refuses_a_renamed_or_missing_field_and_says_which() {
    let outputs = real_outputs();
    for name in SCHEMAS {
        let (_, what, json) = outputs
            .iter()
            .find(|(s, _, _)| *s == name)
            .expect("an output for every schema");

        // A field of the top level renamed: missing under its name, unexpected under
        // the new one.
        // (A list's first element, when the output is a list.)
        let mut top = json.clone();
        let first = match top.as_array_mut() {
            Some(items) => items.first_mut().expect("a non-empty list"),
            None => &mut top,
        };
        let (old, new) = rename_first_key(first);
        let found = violations(name, &top).join("\n");
        assert!(
            found.contains(&old) && found.contains(&new),
            "{name} on {what} with {old} renamed to {new}:\n{found}"
        );

        // The same deep inside.
        let mut deep = json.clone();
        let is_list = deep.is_array();
        let Some((at, object)) = nested_object(&mut deep, String::new(), 0) else {
            // A list of flat records (accounts list) has nothing deeper.
            assert!(is_list, "{what} has a nested object");
            continue;
        };
        let (old, new) = rename_first_key(object);
        let found = violations(name, &deep).join("\n");
        assert!(
            found.contains(&format!("at {at}:")) && found.contains(&old) && found.contains(&new),
            "{name} on {what} with {at}/{old} renamed to {new}:\n{found}"
        );
    }
}

/// Every `properties` entry of a schema, with its path in the schema.
fn properties<'a>(v: &'a Value, at: &str, into: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k == "properties" {
                    for (p, s) in x.as_object().into_iter().flatten() {
                        into.push((format!("{at}/properties/{p}"), s));
                    }
                }
                properties(x, &format!("{at}/{k}"), into);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                properties(x, &format!("{at}/{i}"), into);
            }
        }
        _ => {}
    }
}

#[test]
fn every_field_of_every_schema_is_described_and_every_fixed_object_is_closed() {
    for name in SCHEMAS {
        let s = schema(name);
        assert_eq!(
            s["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        let mut all = Vec::new();
        properties(&s, "", &mut all);
        assert!(!all.is_empty(), "{name} names no field");
        for (at, p) in all {
            assert!(
                p["description"]
                    .as_str()
                    .is_some_and(|d| !d.trim().is_empty()),
                "docs/schema/{name}: {at} has no description"
            );
        }
        // Objects with fixed keys admit no others.
        fn closed(v: &Value, at: &str, name: &str) {
            if let Some(o) = v.as_object() {
                if o.contains_key("properties") {
                    assert_eq!(
                        o.get("additionalProperties"),
                        Some(&Value::Bool(false)),
                        "docs/schema/{name}: {at} lists its fields but admits others"
                    );
                }
                for (k, x) in o {
                    closed(x, &format!("{at}/{k}"), name);
                }
            } else if let Some(a) = v.as_array() {
                for (i, x) in a.iter().enumerate() {
                    closed(x, &format!("{at}/{i}"), name);
                }
            }
        }
        closed(&s, "", name);
    }
}

//! The context matrix: does a secret get found in every syntax people write
//! it in?
//!
//! Inputs, all built at test time (nothing secret-looking is committed):
//!
//! - **vendor**: every leak rule's first example, expanded (`{{...}}`
//!   templates) and scanned; the `secret` capture of that rule is the value
//!   and the identifier just before it on its line is the key (kept as is,
//!   so a vendor name stays in the key). A rule whose secret spans lines or
//!   holds quotes, spaces, `$`, `&`, `;`, `<`, `>`, `#` or a backslash is left
//!   out (counted and printed).
//! - **generic**: values from a seeded xorshift in several alphabets and
//!   lengths (base62, hex, base64 with `+/=`, lowercase+digits, symbol-rich
//!   and short human passwords) under generic names (`password`,
//!   `db_password`, `apiKey`, ...).
//!
//! Each input is rendered into each syntax of [`SYNTAXES`] (assignment
//! operators, shell, cmd, PowerShell, PHP, XML, properties, INI, TOML, HCL,
//! YAML, JSON, JSON inside JSON, notebooks, Go, Java, C#, Kotlin, Swift,
//! Rust, Python, Ruby, JS/TS, command lines, Dockerfile, compose, Makefile,
//! curl, mysql, SQL, ADO.NET, JDBC, URL query, headers, call arguments,
//! comparisons). A cell is *found* when the embedded `RuleSet` reports a
//! candidate (any rule, accepted by every filter) whose secret overlaps the
//! rendered value.
//!
//! The test fails when a syntax's found rate falls below its line in
//! [`MIN_FOUND_PCT`] (per input family). Raise the numbers there as the
//! detector improves.
//!
//! ```text
//! cargo test -p credlint-leaks --test context_matrix -- --nocapture      # prints the matrix
//! CONTEXT_MATRIX_MD=/tmp/matrix.md cargo test -p credlint-leaks --test context_matrix
//! CONTEXT_MATRIX_MISSES=1 cargo test ... -- --nocapture                  # also lists every miss
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use credlint_leaks::{Candidate, RuleSet, Scratch};

mod common;

use common::{chars, expand};

/// Minimum found rate, in percent, per syntax: `(syntax, generic, vendor)`.
///
/// Measured on the engine of this branch (2026-12-06, after the generic detector's rewrite): the
/// generic column is the measured rate rounded down to 0.1 (its inputs are
/// fixed, so any lost cell fails); the vendor column is the measured rate
/// less 3 points, rounded down, because new vendor rules change that input
/// set. A syntax that improves should have its line raised in the same
/// commit.
const MIN_FOUND_PCT: &[(&str, f64, f64)] = &[
    ("assign `=` (.env, unquoted)", 95.0, 90.0),
    ("assign `=` quoted", 95.0, 91.0),
    ("assign `:`", 95.0, 91.0),
    ("assign `:=`", 95.0, 91.0),
    ("assign `=>` (PHP array)", 95.0, 91.0),
    ("assign `::=` (make)", 95.0, 86.0),
    ("assign `:::=` (make)", 95.0, 86.0),
    ("assign `?=` (Makefile)", 95.0, 86.0),
    ("assign `+=`", 95.0, 86.0),
    ("PHP `.=`", 95.0, 87.0),
    ("R `<-`", 95.0, 87.0),
    ("shell `export K=v`", 95.0, 90.0),
    ("cmd `set K=v`", 95.0, 90.0),
    ("cmd `setx K v`", 95.0, 90.0),
    (r#"PowerShell `$env:K = "v"`"#, 95.0, 90.0),
    ("PHP `define()`", 87.8, 90.0),
    ("XML `<add key value>`", 81.4, 85.0),
    (r#"XML attribute `k="v"`"#, 95.0, 91.0),
    ("XML element `<k>v</k>`", 87.8, 89.0),
    (".properties `a.b.k=v`", 95.0, 90.0),
    ("INI `k = v` in a section", 95.0, 91.0),
    (r#"TOML `k = "v"`"#, 95.0, 91.0),
    (r#"HCL `k = "v"`"#, 95.0, 91.0),
    ("HCL variable default", 88.5, 86.0),
    ("YAML `k: v`", 95.0, 91.0),
    (r#"YAML `k: "v"`"#, 95.0, 91.0),
    ("YAML block `k: |`", 88.5, 85.0),
    ("YAML value on next line", 88.5, 86.0),
    (r#"JSON `{"k": "v"}`"#, 95.0, 92.0),
    ("JSON in a JSON string", 95.0, 89.0),
    ("notebook `source` line", 95.0, 89.0),
    (r#"Go `k := "v"`"#, 95.0, 91.0),
    (r#"Go `const k string = "v"`"#, 95.0, 87.0),
    (r#"Java `String k = "v";`"#, 95.0, 91.0),
    (r#"C# `var k = "v";`"#, 95.0, 91.0),
    (r#"Kotlin `val k: String = "v"`"#, 95.0, 87.0),
    (r#"Swift `let k: String = "v"`"#, 95.0, 87.0),
    (r#"Rust `let k: &str = "v";`"#, 95.0, 87.0),
    (r#"Python `k = "v"`"#, 95.0, 91.0),
    (r#"Python `k = f"v"`"#, 95.0, 89.0),
    (r#"Python dict `{"k": "v"}`"#, 95.0, 92.0),
    (r#"Python kwargs `f(k="v")`"#, 95.0, 91.0),
    ("Ruby `k = 'v'`", 95.0, 91.0),
    ("Ruby hash `k: 'v'`", 95.0, 91.0),
    (r#"JS `const k = "v"`"#, 95.0, 91.0),
    ("JS template literal", 95.0, 89.0),
    (r#"TS `k: string = "v"`"#, 95.0, 87.0),
    (r#"JS object `{ k: "v" }`"#, 95.0, 91.0),
    ("CLI `--k=v`", 95.0, 90.0),
    ("CLI `--k v`", 95.0, 89.0),
    ("CLI `-Dk=v`", 90.7, 89.0),
    ("Dockerfile `ENV K=v`", 95.0, 90.0),
    ("Dockerfile `ENV K v`", 87.8, 90.0),
    ("Dockerfile `ARG K=v`", 95.0, 90.0),
    ("compose `environment: - K=v`", 95.0, 90.0),
    ("compose `environment: K: v`", 95.0, 90.0),
    ("curl `-u user:v`", 100.0, 97.0),
    ("mysql `-pv`", 100.0, 95.0),
    ("SQL `IDENTIFIED BY 'v'`", 98.5, 97.0),
    ("SQL `PASSWORD 'v'`", 98.5, 96.0),
    ("ADO.NET `Password=v;`", 100.0, 97.0),
    ("JDBC `?password=v`", 100.0, 97.0),
    ("URL userinfo `://u:v@h`", 88.5, 95.0),
    ("URL query `?k=v`", 60.0, 88.0),
    ("header `Authorization: Bearer v`", 77.8, 90.0),
    ("header `X-API-Key: v`", 94.2, 95.0),
    (r#"call `login("user", "v")`"#, 100.0, 97.0),
    (r#"call `getConnection(url, user, "v")`"#, 100.0, 97.0),
    (r#"comparison `if k == "v":`"#, 95.0, 87.0),
];

/// The lowest confidence a candidate carries, when the engine reports one.
///
/// `Candidate` has no confidence on this branch yet: this returns `None`
/// and the matrix prints `-`. When the engine adds it, return its name here
/// (`"high"`, `"medium"`, `"low"`).
fn confidence_of(c: &Candidate) -> Option<&'static str> {
    Some(c.confidence.as_str())
}

// ---------------------------------------------------------------------------
// Inputs

/// One secret to render: its key (identifier) and value.
#[derive(Debug, Clone)]
struct Input {
    /// `vendor` or `generic:<alphabet>`.
    family: String,
    /// Rule id (vendor) or a label (generic).
    label: String,
    key: String,
    value: String,
}

const GENERIC_NAMES: &[&str] = &[
    "password",
    "db_password",
    "api_key",
    "apiKey",
    "secret",
    "client_secret",
    "auth_token",
    "token",
    "secret_key",
    "private_key",
    "salt",
    "jwt_secret",
    "access_key",
    "consumer_secret",
];

const LOWER_DIGITS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const SYMBOLS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!%*+-.@^_~";
const WORDS: &[&str] = &[
    "summer", "dragon", "monkey", "shadow", "falcon", "tiger", "lemon", "rocket", "sunny",
    "hunter", "maple", "orange", "silver", "winter", "pepper", "marina",
];

/// A value with at least one upper, lower, digit and symbol (retries with
/// the next seed; deterministic).
fn symbol_password(n: usize, seed: &str) -> String {
    for i in 0.. {
        let v = chars(SYMBOLS, n, &format!("{seed}/{i}"));
        let b = v.as_bytes();
        if b.iter().any(u8::is_ascii_uppercase)
            && b.iter().any(u8::is_ascii_lowercase)
            && b.iter().any(u8::is_ascii_digit)
            && b.iter().any(|c| !c.is_ascii_alphanumeric())
        {
            return v;
        }
    }
    unreachable!()
}

/// A human-chosen password, 6 to 10 characters: a word, digits, sometimes a
/// capital or a `!`.
fn human_password(seed: &str) -> String {
    let r = chars(b"0123456789", 6, seed);
    let d: Vec<usize> = r.bytes().map(|b| (b - b'0') as usize).collect();
    let word = WORDS[(d[0] * 10 + d[1]) % WORDS.len()];
    let mut w = word.to_string();
    if d[2] % 2 == 0 {
        w[..1].make_ascii_uppercase();
    }
    let digits = if d[3] % 2 == 0 { 2 } else { 4 };
    w.push_str(&r[2..2 + digits]);
    if d[4] % 3 == 0 {
        w.push('!');
    }
    w.truncate(10);
    w
}

/// The generic value families: (name, generator of a value from a seed).
fn generic_value(family: &str, seed: &str) -> String {
    match family {
        "base62-20" => chars(common::BASE62, 20, seed),
        "base62-32" => chars(common::BASE62, 32, seed),
        "base62-40" => chars(common::BASE62, 40, seed),
        "hex-32" => chars(HEX, 32, seed),
        "hex-40" => chars(HEX, 40, seed),
        "hex-64" => chars(HEX, 64, seed),
        "base64-44" => {
            // 32 bytes of base64: 43 characters and one `=`; make sure `+`
            // and `/` occur.
            let mut v = chars(BASE64, 41, seed);
            v.insert(7, '+');
            v.insert(19, '/');
            v.push('=');
            v
        }
        "lower-digits-30" => chars(LOWER_DIGITS, 30, seed),
        "symbols-12-16" => symbol_password(12 + seed.len() % 5, seed),
        "human-6-10" => human_password(seed),
        _ => unreachable!("{family}"),
    }
}

const GENERIC_FAMILIES: &[&str] = &[
    "base62-20",
    "base62-32",
    "base62-40",
    "hex-32",
    "hex-40",
    "hex-64",
    "base64-44",
    "lower-digits-30",
    "symbols-12-16",
    "human-6-10",
];

fn generic_inputs() -> Vec<Input> {
    let mut out = Vec::new();
    for fam in GENERIC_FAMILIES {
        for name in GENERIC_NAMES {
            let seed = format!("context-matrix/{fam}/{name}");
            out.push(Input {
                family: format!("generic:{fam}"),
                label: (*name).to_string(),
                key: (*name).to_string(),
                value: generic_value(fam, &seed),
            });
        }
    }
    out
}

/// Characters that a rendered value may not hold (they would need quoting or
/// escaping that differs per syntax).
fn renderable(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 200
        && !v
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b"\"'`\\$&;<>#{}".contains(&b) || !b.is_ascii())
}

/// The identifier just before `at` on its line, skipping separators and
/// quotes (`KEY = "`, `"key": "`, `key: `).
fn key_before(text: &str, at: usize) -> Option<String> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = text[line_start..at]
        .trim_end_matches(|c: char| c.is_ascii_whitespace() || "\"'`=:>(,[{".contains(c));
    let start = prefix
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || "_.-".contains(c)))
        .map_or(0, |i| i + 1);
    let key = prefix[start..].trim_matches(|c: char| c == '.' || c == '-');
    (key.len() >= 2 && key.bytes().any(|b| b.is_ascii_alphabetic())).then(|| key.to_string())
}

/// Vendor inputs: (inputs, rule ids left out with why).
fn vendor_inputs(rs: &RuleSet) -> (Vec<Input>, Vec<String>) {
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for (ri, rule) in rs.rules().iter().enumerate() {
        if rule.spec.generic {
            continue;
        }
        let Some(ex) = rule.spec.examples.first() else {
            continue;
        };
        let text = expand(ex);
        let hits = rs.scan(text.as_bytes(), &mut scratch);
        let Some(c) = hits.iter().find(|c| c.rule == ri && c.verdict.is_ok()) else {
            skipped.push(format!("{}: first example not found", rule.spec.id));
            continue;
        };
        let value = &text[c.secret.clone()];
        if !renderable(value) {
            skipped.push(format!("{}: value not renderable", rule.spec.id));
            continue;
        }
        let key = key_before(&text, c.secret.start)
            .unwrap_or_else(|| rule.spec.id.replace('-', "_").to_ascii_uppercase());
        out.push(Input {
            family: "vendor".into(),
            label: rule.spec.id.clone(),
            key,
            value: value.to_string(),
        });
    }
    (out, skipped)
}

// ---------------------------------------------------------------------------
// Key spellings

/// `apiKey` -> `api_Key` word split, then joined.
fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if c == '_' || c == '-' || c == '.' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `DB_PASSWORD`: environment variables, Dockerfile, Makefile, cmd.
fn env_key(key: &str) -> String {
    words(key).join("_").to_ascii_uppercase()
}

/// `db-password`: command-line flags.
fn kebab_key(key: &str) -> String {
    words(key).join("-").to_ascii_lowercase()
}

/// `db.password`: Java system properties.
fn dotted_key(key: &str) -> String {
    words(key).join(".").to_ascii_lowercase()
}

/// An identifier in code: the key with `-` and `.` as `_`.
fn ident(key: &str) -> String {
    key.replace(['-', '.'], "_")
}

// ---------------------------------------------------------------------------
// Syntaxes

type Render = fn(&str, &str) -> String;

/// (name, renderer of key and value). Each renders a small, plausible file.
const SYNTAXES: &[(&str, Render)] = &[
    ("assign `=` (.env, unquoted)", |k, v| {
        format!("# settings\n{}={v}\n", env_key(k))
    }),
    ("assign `=` quoted", |k, v| {
        format!("{} = \"{v}\"\n", ident(k))
    }),
    ("assign `:`", |k, v| format!("{}: \"{v}\"\n", ident(k))),
    ("assign `:=`", |k, v| format!("{} := \"{v}\"\n", ident(k))),
    ("assign `=>` (PHP array)", |k, v| {
        format!("<?php\nreturn [\n    '{k}' => '{v}',\n];\n")
    }),
    ("assign `::=` (make)", |k, v| {
        format!("{} ::= {v}\n", env_key(k))
    }),
    ("assign `:::=` (make)", |k, v| {
        format!("{} :::= {v}\n", env_key(k))
    }),
    ("assign `?=` (Makefile)", |k, v| {
        format!("{} ?= {v}\n", env_key(k))
    }),
    ("assign `+=`", |k, v| format!("{} += {v}\n", env_key(k))),
    ("PHP `.=`", |k, v| {
        format!("<?php\n${} .= '{v}';\n", ident(k))
    }),
    ("R `<-`", |k, v| format!("{} <- \"{v}\"\n", ident(k))),
    ("shell `export K=v`", |k, v| {
        format!("#!/bin/sh\nexport {}={v}\n", env_key(k))
    }),
    ("cmd `set K=v`", |k, v| {
        format!("@echo off\nset {}={v}\n", env_key(k))
    }),
    ("cmd `setx K v`", |k, v| {
        format!("setx {} {v}\n", env_key(k))
    }),
    ("PowerShell `$env:K = \"v\"`", |k, v| {
        format!("$env:{} = \"{v}\"\n", env_key(k))
    }),
    ("PHP `define()`", |k, v| {
        format!("<?php\ndefine('{}', '{v}');\n", env_key(k))
    }),
    ("XML `<add key value>`", |k, v| {
        format!("<appSettings>\n  <add key=\"{k}\" value=\"{v}\" />\n</appSettings>\n")
    }),
    ("XML attribute `k=\"v\"`", |k, v| {
        format!("<connection host=\"db.internal\" {}=\"{v}\" />\n", ident(k))
    }),
    ("XML element `<k>v</k>`", |k, v| {
        format!("<config>\n  <{}>{v}</{}>\n</config>\n", ident(k), ident(k))
    }),
    (".properties `a.b.k=v`", |k, v| {
        format!("app.service.{}={v}\n", ident(k))
    }),
    ("INI `k = v` in a section", |k, v| {
        format!("[database]\nhost = db.internal\n{} = {v}\n", ident(k))
    }),
    ("TOML `k = \"v\"`", |k, v| {
        format!("[service]\n{} = \"{v}\"\n", ident(k))
    }),
    ("HCL `k = \"v\"`", |k, v| {
        format!(
            "resource \"app_config\" \"main\" {{\n  {} = \"{v}\"\n}}\n",
            ident(k)
        )
    }),
    ("HCL variable default", |k, v| {
        format!(
            "variable \"{}\" {{\n  type      = string\n  sensitive = true\n  default   = \"{v}\"\n}}\n",
            ident(k)
        )
    }),
    ("YAML `k: v`", |k, v| format!("service:\n  {k}: {v}\n")),
    ("YAML `k: \"v\"`", |k, v| {
        format!("service:\n  {k}: \"{v}\"\n")
    }),
    ("YAML block `k: |`", |k, v| {
        format!("service:\n  {k}: |\n    {v}\n")
    }),
    ("YAML value on next line", |k, v| {
        format!("service:\n  {k}:\n    {v}\n")
    }),
    ("JSON `{\"k\": \"v\"}`", |k, v| {
        format!("{{\n  \"{k}\": \"{v}\"\n}}\n")
    }),
    ("JSON in a JSON string", |k, v| {
        format!("{{\"config\": \"{{\\\"{k}\\\": \\\"{v}\\\"}}\"}}\n")
    }),
    ("notebook `source` line", |k, v| {
        format!(
            "{{\"cells\": [{{\"cell_type\": \"code\", \"source\": [\"import client\\n\", \"{} = \\\"{v}\\\"\\n\"]}}]}}\n",
            ident(k)
        )
    }),
    ("Go `k := \"v\"`", |k, v| {
        format!("func main() {{\n\t{} := \"{v}\"\n}}\n", ident(k))
    }),
    ("Go `const k string = \"v\"`", |k, v| {
        format!("package main\n\nconst {} string = \"{v}\"\n", ident(k))
    }),
    ("Java `String k = \"v\";`", |k, v| {
        format!(
            "class App {{\n    private static final String {} = \"{v}\";\n}}\n",
            ident(k)
        )
    }),
    ("C# `var k = \"v\";`", |k, v| {
        format!("var {} = \"{v}\";\n", ident(k))
    }),
    ("Kotlin `val k: String = \"v\"`", |k, v| {
        format!("val {}: String = \"{v}\"\n", ident(k))
    }),
    ("Swift `let k: String = \"v\"`", |k, v| {
        format!("let {}: String = \"{v}\"\n", ident(k))
    }),
    ("Rust `let k: &str = \"v\";`", |k, v| {
        format!("let {}: &str = \"{v}\";\n", ident(k))
    }),
    ("Python `k = \"v\"`", |k, v| {
        format!("{} = \"{v}\"\n", ident(k))
    }),
    ("Python `k = f\"v\"`", |k, v| {
        format!("{} = f\"{v}\"\n", ident(k))
    }),
    ("Python dict `{\"k\": \"v\"}`", |k, v| {
        format!("CONFIG = {{\"host\": \"db\", \"{k}\": \"{v}\"}}\n")
    }),
    ("Python kwargs `f(k=\"v\")`", |k, v| {
        format!("client = connect(host=\"db\", {}=\"{v}\")\n", ident(k))
    }),
    ("Ruby `k = 'v'`", |k, v| format!("{} = '{v}'\n", ident(k))),
    ("Ruby hash `k: 'v'`", |k, v| {
        format!("config = {{ {}: '{v}' }}\n", ident(k))
    }),
    ("JS `const k = \"v\"`", |k, v| {
        format!("const {} = \"{v}\";\n", ident(k))
    }),
    ("JS template literal", |k, v| {
        format!("const {} = `{v}`;\n", ident(k))
    }),
    ("TS `k: string = \"v\"`", |k, v| {
        format!(
            "class Client {{\n  private {}: string = \"{v}\";\n}}\n",
            ident(k)
        )
    }),
    ("JS object `{ k: \"v\" }`", |k, v| {
        format!("const cfg = {{ host: \"db\", {}: \"{v}\" }};\n", ident(k))
    }),
    ("CLI `--k=v`", |k, v| {
        format!("app serve --{}={v}\n", kebab_key(k))
    }),
    ("CLI `--k v`", |k, v| {
        format!("app serve --{} {v}\n", kebab_key(k))
    }),
    ("CLI `-Dk=v`", |k, v| {
        format!("java -Dapp.{}={v} -jar app.jar\n", dotted_key(k))
    }),
    ("Dockerfile `ENV K=v`", |k, v| {
        format!("FROM alpine:3.19\nENV {}={v}\n", env_key(k))
    }),
    ("Dockerfile `ENV K v`", |k, v| {
        format!("FROM alpine:3.19\nENV {} {v}\n", env_key(k))
    }),
    ("Dockerfile `ARG K=v`", |k, v| {
        format!("FROM alpine:3.19\nARG {}={v}\n", env_key(k))
    }),
    ("compose `environment: - K=v`", |k, v| {
        format!(
            "services:\n  app:\n    image: app:1\n    environment:\n      - {}={v}\n",
            env_key(k)
        )
    }),
    ("compose `environment: K: v`", |k, v| {
        format!(
            "services:\n  app:\n    image: app:1\n    environment:\n      {}: {v}\n",
            env_key(k)
        )
    }),
    ("curl `-u user:v`", |_, v| {
        format!("curl -s -u admin:{v} https://api.internal.test/v1/items\n")
    }),
    ("mysql `-pv`", |_, v| {
        format!("mysql -h db.internal -u root -p{v} app\n")
    }),
    ("SQL `IDENTIFIED BY 'v'`", |_, v| {
        format!("CREATE USER 'app'@'%' IDENTIFIED BY '{v}';\n")
    }),
    ("SQL `PASSWORD 'v'`", |_, v| {
        format!("CREATE USER app WITH PASSWORD '{v}';\n")
    }),
    ("ADO.NET `Password=v;`", |_, v| {
        format!("var cs = \"Server=db.internal;Database=app;User Id=app;Password={v};\";\n")
    }),
    ("JDBC `?password=v`", |_, v| {
        format!("jdbc.url=jdbc:postgresql://db.internal:5432/app?user=app&password={v}\n")
    }),
    ("URL userinfo `://u:v@h`", |_, v| {
        format!("DATABASE_URL=postgres://app:{v}@db.internal:5432/app\n")
    }),
    ("URL query `?k=v`", |k, v| {
        format!("url = \"https://api.internal.test/v1/items?{k}={v}\"\n")
    }),
    ("header `Authorization: Bearer v`", |_, v| {
        format!("GET /v1/items HTTP/1.1\nHost: api.internal.test\nAuthorization: Bearer {v}\n")
    }),
    ("header `X-API-Key: v`", |_, v| {
        format!("GET /v1/items HTTP/1.1\nHost: api.internal.test\nX-API-Key: {v}\n")
    }),
    ("call `login(\"user\", \"v\")`", |_, v| {
        format!("client.login(\"admin\", \"{v}\")\n")
    }),
    ("call `getConnection(url, user, \"v\")`", |_, v| {
        format!("Connection c = DriverManager.getConnection(url, \"app\", \"{v}\");\n")
    }),
    ("comparison `if k == \"v\":`", |k, v| {
        format!("if {} == \"{v}\":\n    grant()\n", ident(k))
    }),
];

// ---------------------------------------------------------------------------
// The matrix

#[derive(Default, Clone)]
struct Cell {
    found: u32,
    total: u32,
    /// Lowest confidence reported on a found secret, when the engine has one.
    lowest: Option<&'static str>,
}

fn rank(c: &str) -> u8 {
    match c {
        "low" => 0,
        "medium" => 1,
        _ => 2,
    }
}

impl Cell {
    fn add(&mut self, found: bool, conf: Option<&'static str>) {
        self.total += 1;
        if found {
            self.found += 1;
        }
        if let Some(c) = conf {
            if self.lowest.is_none_or(|l| rank(c) < rank(l)) {
                self.lowest = Some(c);
            }
        }
    }

    fn pct(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * f64::from(self.found) / f64::from(self.total)
        }
    }

    fn show(&self) -> String {
        if self.total == 0 {
            return "n/a".into();
        }
        format!("{}/{} ({:.0}%)", self.found, self.total, self.pct())
    }
}

struct Matrix {
    /// syntax -> family group (`generic`, `vendor`) -> cell.
    by_syntax: BTreeMap<usize, BTreeMap<&'static str, Cell>>,
    /// input family -> cell over all syntaxes.
    by_family: BTreeMap<String, Cell>,
    /// (syntax, family, label) of each miss.
    misses: Vec<(usize, String, String)>,
    skipped: Vec<String>,
}

fn run() -> Matrix {
    let rs = RuleSet::embedded().expect("embedded rules load");
    let (vendor, skipped) = vendor_inputs(&rs);
    let mut inputs = generic_inputs();
    inputs.extend(vendor);
    let mut scratch = Scratch::default();
    let mut m = Matrix {
        by_syntax: BTreeMap::new(),
        by_family: BTreeMap::new(),
        misses: Vec::new(),
        skipped,
    };
    for (si, (_, render)) in SYNTAXES.iter().enumerate() {
        for input in &inputs {
            let text = render(&input.key, &input.value);
            let at = text
                .find(&input.value)
                .expect("a rendered text holds its value");
            let span = at..at + input.value.len();
            let hits = rs.scan(text.as_bytes(), &mut scratch);
            let found: Vec<&Candidate> = hits
                .iter()
                .filter(|c| {
                    c.verdict.is_ok() && c.secret.start < span.end && span.start < c.secret.end
                })
                .collect();
            let conf = found
                .iter()
                .filter_map(|c| confidence_of(c))
                .min_by_key(|c| rank(c));
            let group = if input.family == "vendor" {
                "vendor"
            } else {
                "generic"
            };
            m.by_syntax
                .entry(si)
                .or_default()
                .entry(group)
                .or_default()
                .add(!found.is_empty(), conf);
            m.by_family
                .entry(input.family.clone())
                .or_default()
                .add(!found.is_empty(), conf);
            if found.is_empty() {
                m.misses.push((
                    si,
                    input.family.clone(),
                    format!("{} ({})", input.label, input.key),
                ));
            }
        }
    }
    m
}

fn markdown(m: &Matrix) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| syntax | generic found | vendor found | lowest confidence |\n|---|---:|---:|---|"
    );
    let mut tot: BTreeMap<&str, Cell> = BTreeMap::new();
    for (si, groups) in &m.by_syntax {
        let g = groups.get("generic").cloned().unwrap_or_default();
        let v = groups.get("vendor").cloned().unwrap_or_default();
        let lowest = [g.lowest, v.lowest]
            .into_iter()
            .flatten()
            .min_by_key(|c| rank(c))
            .unwrap_or("-");
        let _ = writeln!(
            s,
            "| {} | {} | {} | {lowest} |",
            SYNTAXES[*si].0.replace('|', "\\|"),
            g.show(),
            v.show()
        );
        for (k, c) in groups {
            let t = tot.entry(k).or_default();
            t.found += c.found;
            t.total += c.total;
        }
    }
    let g = tot.get("generic").cloned().unwrap_or_default();
    let v = tot.get("vendor").cloned().unwrap_or_default();
    let _ = writeln!(s, "| **all** | **{}** | **{}** | |", g.show(), v.show());
    let _ = writeln!(s, "\n| input family | found (all syntaxes) |\n|---|---:|");
    for (fam, c) in &m.by_family {
        let _ = writeln!(s, "| {fam} | {} |", c.show());
    }
    s
}

#[test]
fn context_matrix() {
    let m = run();
    let table = markdown(&m);
    println!("{table}");
    println!(
        "vendor rules left out ({}): {}",
        m.skipped.len(),
        m.skipped.join("; ")
    );
    if std::env::var_os("CONTEXT_MATRIX_MISSES").is_some() {
        for (si, fam, label) in &m.misses {
            println!("miss: {} | {fam} | {label}", SYNTAXES[*si].0);
        }
    }
    if let Some(path) = std::env::var_os("CONTEXT_MATRIX_MD") {
        std::fs::write(&path, &table).expect("write the Markdown matrix");
    }

    let mut problems = Vec::new();
    for (si, (name, _)) in SYNTAXES.iter().enumerate() {
        let Some(&(_, min_g, min_v)) = MIN_FOUND_PCT.iter().find(|(n, _, _)| n == name) else {
            problems.push(format!("{name}: no line in MIN_FOUND_PCT"));
            continue;
        };
        let groups = &m.by_syntax[&si];
        for (group, min) in [("generic", min_g), ("vendor", min_v)] {
            let cell = groups.get(group).cloned().unwrap_or_default();
            if cell.pct() + 1e-9 < min {
                problems.push(format!(
                    "{name}: {group} found {} < {min}% (MIN_FOUND_PCT)",
                    cell.show()
                ));
            }
        }
    }
    for (n, _, _) in MIN_FOUND_PCT {
        if !SYNTAXES.iter().any(|(s, _)| s == n) {
            problems.push(format!("MIN_FOUND_PCT names an unknown syntax {n:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The generators are deterministic and the keys are spelt as intended.
#[test]
fn inputs_are_deterministic_and_keys_spelt() {
    assert_eq!(generic_inputs()[3].value, generic_inputs()[3].value);
    assert_eq!(env_key("apiKey"), "API_KEY");
    assert_eq!(kebab_key("db_password"), "db-password");
    assert_eq!(dotted_key("clientSecret"), "client.secret");
    assert_eq!(
        key_before("x = { OPENAI_API_KEY: \"sk", 23).as_deref(),
        Some("OPENAI_API_KEY")
    );
    for fam in GENERIC_FAMILIES {
        let v = generic_value(fam, "t");
        assert!(renderable(&v), "{fam}: {v:?}");
    }
    let h = human_password("seed");
    assert!((6..=10).contains(&h.len()), "{h}");
}

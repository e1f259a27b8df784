//! JSON and JSON Lines. The shape is documented in `docs/findings.schema.json`.

use std::io::{self, Write};

use credlint_core::Finding;
use serde_json::{json, Map, Value};

use crate::{shown_secret, Report, VERSION};

/// One finding as a JSON object (the JSON Lines record, and an element of
/// the JSON document's `findings`).
pub fn finding_json(f: &Finding, reveal: bool) -> Value {
    let mut o = Map::new();
    o.insert("rule_id".into(), json!(f.rule_id));
    o.insert("rule_name".into(), json!(f.rule_name));
    o.insert("kind".into(), json!(f.kind));
    o.insert("severity".into(), json!(f.severity));
    o.insert("confidence".into(), json!(f.confidence));
    o.insert("message".into(), json!(f.message));
    o.insert("path".into(), json!(f.display_path()));
    if let Some(s) = &f.location.span {
        o.insert("line".into(), json!(s.start_line));
        o.insert("column".into(), json!(s.start_column));
        o.insert("end_line".into(), json!(s.end_line));
        o.insert("end_column".into(), json!(s.end_column));
        o.insert("byte_start".into(), json!(s.byte_start));
        o.insert("byte_end".into(), json!(s.byte_end));
    }
    if let Some(secret) = shown_secret(f, reveal) {
        o.insert("secret".into(), json!(secret));
        o.insert("secret_revealed".into(), json!(reveal));
    }
    o.insert("fingerprint".into(), json!(f.fingerprint));
    if let Some(c) = &f.location.commit {
        o.insert("commit".into(), json!(c));
    }
    if let Some(obj) = &f.location.object {
        o.insert("object".into(), json!(obj));
        o.insert("uri".into(), json!(obj.uri()));
    }
    if !f.properties.is_empty() {
        o.insert("properties".into(), json!(f.properties));
    }
    if let Some(s) = &f.suppressed {
        o.insert("suppressed".into(), json!(s));
    }
    Value::Object(o)
}

pub(crate) fn write(r: &Report<'_>, w: &mut dyn Write) -> io::Result<()> {
    let doc = json!({
        "version": "1",
        "tool": { "name": "credlint", "version": VERSION },
        "summary": r.summary,
        "findings": r.findings.iter().map(|f| finding_json(f, r.reveal)).collect::<Vec<_>>(),
        "notices": r.notices,
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

pub(crate) fn write_lines(r: &Report<'_>, w: &mut dyn Write) -> io::Result<()> {
    for f in r.findings {
        serde_json::to_writer(&mut *w, &finding_json(f, r.reveal))?;
        writeln!(w)?;
    }
    Ok(())
}

//! A Helm template read as YAML, as far as it can be: template actions are
//! blanked or replaced so that the text keeps its length and its lines
//! (spans stay right), then the YAML parser reads what is left. Charts keep
//! their RBAC in `templates/`; with this, a ClusterRole there that reads
//! every Secret is judged like one in a plain manifest.
//!
//! - An action alone on its line(s) (`{{- if .Values.rbac.create }}`,
//!   `{{- include "x.labels" . | nindent 4 }}`, `{{- end }}`) becomes
//!   spaces: control flow and whole-block includes leave no text.
//! - An action inside a line (`name: {{ include "x.fullname" . }}-reader`)
//!   becomes letters derived from the action's text, so the same action
//!   gives the same name wherever it stands (a RoleBinding's `roleRef.name`
//!   still meets its Role's `metadata.name`) and different actions give
//!   different names.
//!
//! Both branches of an `if` stay, and values the template fills are
//! unknown: only checks that hold for any rendering should read the result
//! (the RBAC checks do: a rule the chart may create is a rule to judge).

/// `text` with every `{{ … }}` action neutralised (same length, newlines
/// where they were), and each inline action's stand-in with the action it
/// replaced, for [`restore`].
pub(crate) fn sanitize(text: &str) -> (String, Vec<(String, String)>) {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut stand_ins = Vec::new();
    let mut at = 0;
    while let Some(open) = find(bytes, at, b"{{") {
        let Some(close) = find(bytes, open + 2, b"}}").map(|c| c + 2) else {
            break;
        };
        let line_start = bytes[..open]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line_end = bytes[close..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| close + i);
        let alone = bytes[line_start..open].iter().all(u8::is_ascii_whitespace)
            && rest_is_actions(&bytes[close..line_end]);
        let mut h = fnv(&bytes[open..close]);
        for b in &mut out[open..close] {
            if *b == b'\n' {
                continue;
            }
            *b = if alone {
                b' '
            } else {
                h ^= h << 13;
                h ^= h >> 7;
                h ^= h << 17;
                b'a' + (h % 26) as u8
            };
        }
        if !alone && !bytes[open..close].contains(&b'\n') {
            stand_ins.push((
                String::from_utf8_lossy(&out[open..close]).into_owned(),
                text[open..close].to_string(),
            ));
        }
        at = close;
    }
    // Only ASCII bytes were written over whole actions, which start and end
    // on ASCII braces, so the text stays UTF-8.
    (String::from_utf8(out).unwrap_or_default(), stand_ins)
}

/// Put the template actions back into the strings of a parsed document, so
/// that names read `{{ include "c.fullname" . }}-reader` in findings. Equal
/// stand-ins become equal actions, so names that met still meet.
pub(crate) fn restore(node: &mut crate::model::Node, stand_ins: &[(String, String)]) {
    use crate::model::Value;
    match &mut node.value {
        Value::Str(s) => {
            for (stand_in, action) in stand_ins {
                if s.contains(stand_in.as_str()) {
                    *s = s.replace(stand_in.as_str(), action);
                }
            }
        }
        Value::Seq(items) => items.iter_mut().for_each(|n| restore(n, stand_ins)),
        Value::Map(entries) => entries
            .iter_mut()
            .for_each(|e| restore(&mut e.value, stand_ins)),
        _ => {}
    }
}

/// Whether what follows an action on its line is only more actions and
/// blanks (`{{- end }}{{- end }}`).
fn rest_is_actions(rest: &[u8]) -> bool {
    let mut at = 0;
    loop {
        while at < rest.len() && rest[at].is_ascii_whitespace() {
            at += 1;
        }
        if at == rest.len() {
            return true;
        }
        if !rest[at..].starts_with(b"{{") {
            return false;
        }
        match find(rest, at + 2, b"}}") {
            Some(c) => at = c + 2,
            None => return false,
        }
    }
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    h | 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_length_lines_and_names() {
        let t = "{{- if .Values.rbac.create }}\nkind: ClusterRole\nmetadata:\n  name: {{ include \"c.fullname\" . }}-reader\n  labels:\n    {{- include \"c.labels\" . | nindent 4 }}\n---\nkind: ClusterRoleBinding\nroleRef:\n  name: {{ include \"c.fullname\" . }}-reader\n  other: {{ .Values.x }}\n{{- end }}\n";
        let (s, stand_ins) = sanitize(t);
        assert_eq!(s.len(), t.len());
        assert_eq!(stand_ins.len(), 3);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), t.lines().count());
        assert!(lines[0].trim().is_empty());
        assert!(lines[5].trim().is_empty());
        assert!(lines[11].trim().is_empty());
        let name = lines[3].trim().strip_prefix("name: ").unwrap();
        let bound = lines[9].trim().strip_prefix("name: ").unwrap();
        assert_eq!(name, bound);
        assert!(name.ends_with("-reader") && !name.contains('{'));
        let other = lines[10].trim().strip_prefix("other: ").unwrap();
        assert!(other.bytes().all(|b| b.is_ascii_lowercase()));
        assert_ne!(other, &name[..other.len()]);
    }

    #[test]
    fn unclosed_and_multiline_actions() {
        let t = "a: {{ .x\n  | y }}\nb: {{ open";
        let (s, _) = sanitize(t);
        assert_eq!(s.len(), t.len());
        assert_eq!(s.matches('\n').count(), 2);
        assert!(s.ends_with("b: {{ open"));
    }
}

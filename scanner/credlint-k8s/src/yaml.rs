//! YAML (and JSON, a subset of YAML 1.2) to spanned [`Node`] trees.
//!
//! We read `saphyr-parser`'s event stream and build the tree ourselves,
//! iteratively (no recursion on input depth), so that we decide the limits:
//! nesting depth and node count are bounded, and aliases are expanded
//! against the same node budget, which stops "billion laughs" alias bombs
//! before they allocate. Every node and every mapping key keeps its span;
//! items of a block sequence start at their `-`. Merge keys (`<<: *base`)
//! are applied, as Helm values and Compose files use them.

use std::collections::HashMap;

use credlint_core::{LineIndex, Span};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

use crate::model::{Entry, Node, Value};

/// Limits on one file's documents.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Nodes across all documents, alias expansions included.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 100,
            max_nodes: 1_000_000,
        }
    }
}

/// Why a file's YAML could not be (fully) loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The parser rejected the text.
    #[error("invalid YAML at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// Collections nested deeper than the limit.
    #[error("YAML nested deeper than {0} levels at line {1}; document skipped")]
    TooDeep(usize, usize),
    /// More nodes (after alias expansion) than the limit: an alias bomb or a huge file.
    #[error("YAML expands to more than {0} nodes (alias bomb?); rest of file skipped")]
    TooManyNodes(usize),
}

/// Maps the parser's character indexes to byte offsets.
struct CharMap {
    /// Byte offset of each char, only when the text is not ASCII.
    offsets: Option<Vec<usize>>,
    len: usize,
}

impl CharMap {
    fn new(text: &str) -> CharMap {
        let offsets = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        CharMap {
            offsets,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.offsets {
            None => char_index.min(self.len),
            Some(o) => o.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<(String, Option<Span>)>,
    },
}

struct Builder<'t> {
    text: &'t str,
    lines: &'t LineIndex,
    chars: CharMap,
    limits: Limits,
    nodes: usize,
    anchors: HashMap<usize, (Node, usize)>,
    stack: Vec<Frame>,
    docs: Vec<Node>,
}

impl<'t> Builder<'t> {
    fn span(&self, start: usize, end: usize) -> Option<Span> {
        Some(Span::from_text(
            self.lines,
            self.text.as_bytes(),
            start,
            end.max(start),
        ))
    }

    /// Start of a sequence item: back up over blanks to a `-` on the same line.
    fn item_start(&self, start: usize) -> usize {
        if !matches!(self.stack.last(), Some(Frame::Seq { .. })) {
            return start;
        }
        let b = self.text.as_bytes();
        let mut i = start;
        while i > 0 && matches!(b[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        if i > 0 && b[i - 1] == b'-' {
            i - 1
        } else {
            start
        }
    }

    fn count(&mut self, n: usize) -> Result<(), LoadError> {
        self.nodes += n;
        if self.nodes > self.limits.max_nodes {
            return Err(LoadError::TooManyNodes(self.limits.max_nodes));
        }
        Ok(())
    }

    /// Attach a finished node to its parent (or finish a document).
    fn push(&mut self, node: Node, anchor: usize, size: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let text = match &node.value {
                        Value::Str(s) | Value::Number(s) => s.clone(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => String::new(),
                        _ => "?".to_string(),
                    };
                    *key = Some((text, node.span));
                }
                Some((k, key_span)) => entries.push(Entry {
                    key: k,
                    key_span,
                    value: node,
                }),
            },
        }
    }

    fn scalar(text: &str, style: ScalarStyle) -> Value {
        if style != ScalarStyle::Plain {
            return Value::Str(text.to_string());
        }
        match text {
            "" | "~" | "null" | "Null" | "NULL" => Value::Null,
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            t if looks_numeric(t) => Value::Number(t.to_string()),
            t => Value::Str(t.to_string()),
        }
    }
}

fn looks_numeric(t: &str) -> bool {
    let s = t.strip_prefix(['-', '+']).unwrap_or(t);
    if let Some(h) = s.strip_prefix("0x") {
        return !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(o) = s.strip_prefix("0o") {
        return !o.is_empty() && o.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    matches!(s, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN")
        || (s
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
            && s.parse::<f64>().is_ok())
}

fn node_size(n: &Node) -> usize {
    // Iterative, so a deep anchored node cannot overflow the stack.
    let mut total = 0;
    let mut todo = vec![n];
    while let Some(n) = todo.pop() {
        total += 1;
        match &n.value {
            Value::Seq(items) => todo.extend(items.iter()),
            Value::Map(entries) => todo.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    total
}

/// Apply `<<` merge keys: entries of the merged mapping(s) that the mapping
/// does not define itself, in place of the `<<` entry.
fn apply_merges(entries: Vec<Entry>) -> Vec<Entry> {
    if !entries.iter().any(|e| e.key == "<<") {
        return entries;
    }
    let mut own: Vec<Entry> = Vec::with_capacity(entries.len());
    let mut merged: Vec<Entry> = Vec::new();
    for e in entries {
        if e.key == "<<" {
            let sources: Vec<Node> = match e.value.value {
                Value::Map(_) => vec![e.value],
                Value::Seq(items) => items,
                _ => Vec::new(),
            };
            for s in sources {
                if let Value::Map(m) = s.value {
                    for me in m {
                        if !merged.iter().any(|x| x.key == me.key) {
                            merged.push(me);
                        }
                    }
                }
            }
        } else {
            own.push(e);
        }
    }
    for m in merged {
        if !own.iter().any(|x| x.key == m.key) {
            own.push(m);
        }
    }
    own
}

/// Parse every document of `text`. Returns the documents loaded before an
/// error, and the error if there was one.
pub fn load(text: &str, lines: &LineIndex, limits: Limits) -> (Vec<Node>, Option<LoadError>) {
    let mut b = Builder {
        text,
        lines,
        chars: CharMap::new(text),
        limits,
        nodes: 0,
        anchors: HashMap::new(),
        stack: Vec::new(),
        docs: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(x)) => x,
            Some(Err(e)) => {
                let m: &Marker = e.marker();
                let err = LoadError::Syntax {
                    line: m.line(),
                    column: m.col() + 1,
                    message: e.info().to_string(),
                };
                return (b.docs, Some(err));
            }
        };
        let start = b.chars.byte(span.start.index());
        let end = b.chars.byte(span.end.index());
        let step = (|| -> Result<(), LoadError> {
            match event {
                Event::StreamEnd => {}
                Event::DocumentStart(_) => {
                    b.stack.clear();
                    b.anchors.clear();
                }
                Event::DocumentEnd => {
                    b.stack.clear();
                }
                Event::Scalar(value, style, anchor, _tag) => {
                    b.count(1)?;
                    let s = b.item_start(start);
                    let node = Node {
                        value: Builder::scalar(&value, style),
                        span: b.span(s, end),
                    };
                    b.push(node, anchor, 1);
                }
                Event::Alias(id) => {
                    let (node, size) = b.anchors.get(&id).cloned().unwrap_or((
                        Node {
                            value: Value::Null,
                            span: None,
                        },
                        1,
                    ));
                    b.count(size)?;
                    b.push(node, 0, size);
                }
                Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                    b.count(1)?;
                    if b.stack.len() >= b.limits.max_depth {
                        return Err(LoadError::TooDeep(
                            b.limits.max_depth,
                            b.lines.line_col(start).0,
                        ));
                    }
                    let s = b.item_start(start);
                    b.stack.push(if matches!(event, Event::SequenceStart(..)) {
                        Frame::Seq {
                            start: s,
                            anchor,
                            items: Vec::new(),
                        }
                    } else {
                        Frame::Map {
                            start: s,
                            anchor,
                            entries: Vec::new(),
                            key: None,
                        }
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let frame = b.stack.pop();
                    let (value, s, anchor) = match frame {
                        Some(Frame::Seq {
                            start,
                            anchor,
                            items,
                            ..
                        }) => (Value::Seq(items), start, anchor),
                        Some(Frame::Map {
                            start,
                            anchor,
                            entries,
                            ..
                        }) => (Value::Map(apply_merges(entries)), start, anchor),
                        None => return Ok(()),
                    };
                    let node = Node {
                        value,
                        span: b.span(s, end.max(s)),
                    };
                    let size = if anchor != 0 { node_size(&node) } else { 0 };
                    b.push(node, anchor, size);
                }
                Event::StreamStart | Event::Nothing => {}
            }
            Ok(())
        })();
        if let Err(e) = step {
            return (b.docs, Some(e));
        }
    }
    (b.docs, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(t: &str) -> Vec<Node> {
        let (d, e) = load(t, &LineIndex::new(t.as_bytes()), Limits::default());
        assert!(e.is_none(), "{e:?}");
        d
    }

    #[test]
    fn spans_on_keys_and_dash_items() {
        let t = "a:\n  - identity: {}\n  - x: 1\nb: \"q\"\n";
        let d = docs(t);
        let a = d[0].entry("a").unwrap();
        assert_eq!(a.key_span.unwrap().start_line, 1);
        let item = &a.value.items()[0];
        let sp = item.span.unwrap();
        assert_eq!((sp.start_line, sp.start_column), (2, 3));
        let item2 = &a.value.items()[1];
        assert_eq!(item2.span.unwrap().start_line, 3);
        assert_eq!(d[0].get("b").unwrap().as_str(), Some("q"));
    }

    #[test]
    fn multi_doc_and_types() {
        let d = docs("a: true\n---\nb: 12\n---\nc: ~\n");
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].get("a").unwrap().value, Value::Bool(true));
        assert_eq!(d[1].get("b").unwrap().value, Value::Number("12".into()));
        assert_eq!(d[2].get("c").unwrap().value, Value::Null);
    }

    #[test]
    fn non_ascii_columns_are_bytes() {
        let t = "é: x\nk: v\n";
        let d = docs(t);
        let sp = d[0].entry("k").unwrap().key_span.unwrap();
        assert_eq!((sp.start_line, sp.start_column, sp.byte_start), (2, 1, 6));
    }

    #[test]
    fn merge_keys() {
        let d = docs("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n");
        let c = d[0].get("c").unwrap();
        assert_eq!(c.get("x").unwrap().scalar_text(), Some("1"));
        assert_eq!(c.get("y").unwrap().scalar_text(), Some("3"));
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            t.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let (_, e) = load(&t, &LineIndex::new(t.as_bytes()), Limits::default());
        assert!(matches!(e, Some(LoadError::TooManyNodes(_))), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let t = "[".repeat(10_000);
        let (_, e) = load(&t, &LineIndex::new(t.as_bytes()), Limits::default());
        assert!(e.is_some());
        // The parser's own flow-nesting limit (256) or ours, whichever first.
        let t = format!("{}{}", "[".repeat(500), "]".repeat(500));
        let (_, e) = load(&t, &LineIndex::new(t.as_bytes()), Limits::default());
        assert!(e.is_some());
        // Block nesting deeper than our limit.
        let t: String = (0..150)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect();
        let (_, e) = load(&t, &LineIndex::new(t.as_bytes()), Limits::default());
        assert!(matches!(e, Some(LoadError::TooDeep(100, _))), "{e:?}");
    }

    #[test]
    fn syntax_errors_are_reported() {
        let t = "a: [1, 2\nb: }\n";
        let (_, e) = load(t, &LineIndex::new(t.as_bytes()), Limits::default());
        assert!(matches!(e, Some(LoadError::Syntax { .. })), "{e:?}");
    }
}

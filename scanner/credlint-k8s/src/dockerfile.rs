//! A small Dockerfile reader: instructions with their arguments (line
//! continuations joined, comment lines inside them dropped) and a map from
//! positions in the joined arguments back to byte offsets in the file, so
//! findings point at the exact variable, source path or credential.

/// One instruction.
#[derive(Debug, Clone)]
pub struct Instruction {
    /// Upper-cased keyword (`RUN`, `ENV`, …).
    pub keyword: String,
    /// Arguments, continuation lines joined with a space.
    pub args: String,
    /// Byte offset of the keyword in the file.
    pub offset: usize,
    /// (offset in `args`, offset in the file) of each joined piece.
    pieces: Vec<(usize, usize)>,
}

impl Instruction {
    /// Byte offset in the file of position `i` of [`Instruction::args`].
    pub fn source_offset(&self, i: usize) -> usize {
        let idx = self
            .pieces
            .partition_point(|(a, _)| *a <= i)
            .saturating_sub(1);
        let (a, s) = self.pieces.get(idx).copied().unwrap_or((0, self.offset));
        s + (i - a)
    }

    /// Whitespace-separated words of the arguments, with their offsets in
    /// `args` (quotes kept; a JSON array form yields its strings).
    pub fn words(&self) -> Vec<(usize, &str)> {
        let a = self.args.trim_end();
        if a.trim_start().starts_with('[') {
            if let Ok(list) = serde_json::from_str::<Vec<String>>(a.trim()) {
                return list
                    .iter()
                    .filter_map(|s| {
                        let at = a.find(&format!("\"{s}\""))? + 1;
                        Some((at, &a[at..at + s.len()]))
                    })
                    .collect();
            }
        }
        let mut out = Vec::new();
        let mut start = None;
        let mut quote: Option<char> = None;
        for (i, ch) in a.char_indices() {
            match (quote, ch) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => {
                    quote = Some(ch);
                    start.get_or_insert(i);
                }
                (None, c) if c.is_whitespace() => {
                    if let Some(s) = start.take() {
                        out.push((s, &a[s..i]));
                    }
                }
                (None, _) => {
                    start.get_or_insert(i);
                }
            }
        }
        if let Some(s) = start {
            out.push((s, &a[s..]));
        }
        out
    }
}

/// Parse a Dockerfile's instructions.
pub fn parse(text: &str) -> Vec<Instruction> {
    let mut out: Vec<Instruction> = Vec::new();
    let mut current: Option<Instruction> = None;
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(ins) = current.as_mut() {
            if trimmed.starts_with('#') {
                continue;
            }
            let (body, cont) = strip_continuation(line);
            if !ins.args.is_empty() && !body.trim().is_empty() {
                ins.args.push(' ');
            }
            let b = body.trim_start();
            ins.pieces
                .push((ins.args.len(), line_start + (body.len() - b.len())));
            ins.args.push_str(b);
            if !cont {
                out.extend(current.take());
            }
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let kw_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let keyword = trimmed[..kw_end].to_ascii_uppercase();
        let rest_full = &trimmed[kw_end..];
        let (rest, cont) = strip_continuation(rest_full);
        let r = rest.trim_start();
        let args_off = line_start + indent + kw_end + (rest.len() - r.len());
        let ins = Instruction {
            keyword,
            args: r.to_string(),
            offset: line_start + indent,
            pieces: vec![(0, args_off)],
        };
        if cont {
            current = Some(ins);
        } else {
            out.push(ins);
        }
    }
    out.extend(current);
    out
}

fn strip_continuation(line: &str) -> (&str, bool) {
    let t = line.trim_end();
    match t.strip_suffix('\\') {
        Some(body) => (body, true),
        None => (line, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continuations_and_maps_offsets() {
        let t = "FROM x\nRUN a \\\n  # c\n    bb \\\n  ccc\nENV A=1\n";
        let ins = parse(t);
        assert_eq!(ins.len(), 3);
        assert_eq!(ins[1].keyword, "RUN");
        assert_eq!(ins[1].args, "a  bb  ccc");
        let i = ins[1].args.find("ccc").unwrap();
        assert_eq!(
            &t[ins[1].source_offset(i)..ins[1].source_offset(i) + 3],
            "ccc"
        );
        let w = ins[2].words();
        assert_eq!(w, vec![(0, "A=1")]);
    }
}

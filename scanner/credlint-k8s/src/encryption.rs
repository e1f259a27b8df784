//! Which `resources[]` entry of an EncryptionConfiguration governs Secrets.
//!
//! The API server matches a resource against the entries in list order and
//! uses the first entry that names it: `secrets`, the core-group wildcard
//! `*.` or the all-groups wildcard `*.*`. Only that entry's providers decide
//! how Secrets are written (its first provider) and read (all of them), so
//! every encryption check judges that entry — not "a real provider appears
//! somewhere in the file".

use crate::model::{At, Object};

/// CIS benchmark the encryption tags refer to.
pub(crate) const CIS_BENCHMARK: &str = "CIS Kubernetes Benchmark v1.9.0";

/// The entry governing `secrets`, if any.
pub(crate) struct Governing<'a> {
    /// The top-level `resources:` key.
    pub resources_key: Option<At<'a>>,
    /// The governing `resources[i]` entry and the name in it that matched.
    pub entry: Option<(At<'a>, String)>,
    /// That entry's providers: (provider type, the list item).
    pub providers: Vec<(String, At<'a>)>,
}

/// Whether a name in an entry's `resources` list covers core-group Secrets.
pub(crate) fn covers_secrets(name: &str) -> bool {
    matches!(name, "secrets" | "*." | "*.*")
}

impl<'a> Governing<'a> {
    /// Resolve the governing entry of `obj`.
    pub fn of(obj: &'a Object) -> Governing<'a> {
        let root = obj.at();
        let resources_key = root.key("resources");
        let mut entry = None;
        if let Some(list) = &resources_key {
            'outer: for item in list.items() {
                if let Some(names) = item.key("resources") {
                    for n in names.node.strings() {
                        if covers_secrets(n) {
                            entry = Some((item.clone(), n.to_string()));
                            break 'outer;
                        }
                    }
                }
            }
        }
        let providers = entry
            .as_ref()
            .and_then(|(e, _)| e.key("providers"))
            .map(|p| {
                p.items()
                    .into_iter()
                    .map(|item| {
                        let kind = item
                            .node
                            .entries()
                            .first()
                            .map(|e| e.key.clone())
                            .unwrap_or_default();
                        (kind, item)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Governing {
            resources_key,
            entry,
            providers,
        }
    }

    /// "the entry for `secrets`" / "the `*.*` entry", for messages.
    pub fn entry_name(&self) -> String {
        match &self.entry {
            Some((_, n)) if n == "secrets" => "the `secrets` entry".to_string(),
            Some((_, n)) => format!("the wildcard `{n}` entry that governs secrets"),
            None => "no entry".to_string(),
        }
    }
}

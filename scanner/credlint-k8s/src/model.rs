//! The object model every check sees: a tree of [`Node`]s, each with an
//! optional [`Span`], wrapped in an [`Object`] that knows its kind, name,
//! namespace and where it came from.
//!
//! Two sources build it: the YAML/JSON loader ([`crate::yaml`]) for files,
//! with a span on every node and every map key, and [`Object::from_json`]
//! for objects read from an API server, without spans. Checks navigate with
//! [`At`], a cursor that carries the field path (`spec.containers[0].env[1]`)
//! and the span of the key or item it reached, so a finding points at the
//! exact key in a file and at the exact field of a live object.

use credlint_core::{ObjectRef, Span};

/// One node of a YAML or JSON document.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value is in its file (`None` for objects from an API server).
    /// For an item of a block sequence the span starts at its `-`.
    pub span: Option<Span>,
}

/// A YAML 1.2 core-schema value (JSON is the same model).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer or float, kept as written.
    Number(String),
    /// A string (quoted, or plain and not another type).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<Entry>),
}

/// One key/value pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as text (a non-scalar key becomes `?`).
    pub key: String,
    /// Where the key is (findings about a field point here).
    pub key_span: Option<Span>,
    /// The value.
    pub value: Node,
}

impl Node {
    /// A node without a span.
    pub fn new(value: Value) -> Node {
        Node { value, span: None }
    }

    /// The entry for `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The value for `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// A string value (not a number or boolean).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The text of any scalar: strings, numbers as written, `true`/`false`.
    pub fn scalar_text(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) | Value::Number(s) => Some(s),
            Value::Bool(true) => Some("true"),
            Value::Bool(false) => Some("false"),
            _ => None,
        }
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The strings of a sequence of scalars.
    pub fn strings(&self) -> Vec<&str> {
        self.items().iter().filter_map(Node::scalar_text).collect()
    }

    /// Convert a JSON value (an object from an API server: no spans).
    /// Nesting deeper than `depth` is cut (serde_json itself stops at 128).
    pub fn from_json(v: &serde_json::Value) -> Node {
        Node::new(match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.to_string()),
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(a) => Value::Seq(a.iter().map(Node::from_json).collect()),
            serde_json::Value::Object(o) => Value::Map(
                o.iter()
                    .map(|(k, v)| Entry {
                        key: k.clone(),
                        key_span: None,
                        value: Node::from_json(v),
                    })
                    .collect(),
            ),
        })
    }

    /// Convert back to JSON (used to read the embedded last-applied JSON and
    /// for callers that want plain data).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => {
                serde_json::from_str(n).unwrap_or_else(|_| serde_json::Value::String(n.clone()))
            }
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Where an object came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// File path relative to the scan root, for manifests on disk.
    pub path: Option<String>,
    /// Kubeconfig context, for live objects.
    pub context: Option<String>,
}

/// One Kubernetes object (or a `kind`-less YAML document such as Helm
/// values or a Compose file, which file-only checks read the same way).
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// The whole object.
    pub root: Node,
    /// `apiVersion` (empty when absent).
    pub api_version: String,
    /// `kind` (empty when absent).
    pub kind: String,
    /// `metadata.name` (empty when absent).
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// File or cluster.
    pub origin: Origin,
}

impl Object {
    /// Wrap a document root. `List` kinds are expanded by [`Object::expand`].
    pub fn new(root: Node, origin: Origin) -> Object {
        let text = |n: Option<&Node>| n.and_then(Node::scalar_text).unwrap_or("").to_string();
        let meta = root.get("metadata");
        Object {
            api_version: text(root.get("apiVersion")),
            kind: text(root.get("kind")),
            name: text(meta.and_then(|m| m.get("name"))),
            namespace: meta
                .and_then(|m| m.get("namespace"))
                .and_then(Node::scalar_text)
                .map(str::to_string),
            root,
            origin,
        }
    }

    /// An object read from an API server.
    pub fn from_json(value: &serde_json::Value, context: Option<&str>) -> Object {
        Object::new(
            Node::from_json(value),
            Origin {
                path: None,
                context: context.map(str::to_string),
            },
        )
    }

    /// The document itself, or the items of a `List`/`*List` kind.
    pub fn expand(root: Node, origin: &Origin) -> Vec<Object> {
        let is_list = root
            .get("kind")
            .and_then(Node::as_str)
            .is_some_and(|k| k == "List" || k.ends_with("List"))
            && root.get("items").is_some();
        if is_list {
            if let Value::Map(entries) = root.value {
                if let Some(items) = entries.into_iter().find(|e| e.key == "items") {
                    if let Value::Seq(items) = items.value.value {
                        return items
                            .into_iter()
                            .map(|n| Object::new(n, origin.clone()))
                            .collect();
                    }
                }
            }
            return Vec::new();
        }
        vec![Object::new(root, origin.clone())]
    }

    /// A cursor at the root.
    pub fn at(&self) -> At<'_> {
        At {
            node: &self.root,
            path: String::new(),
            span: self.root.span,
        }
    }

    /// `metadata.labels[key]`.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.root
            .get("metadata")?
            .get("labels")?
            .get(key)?
            .scalar_text()
    }

    /// `metadata.labels` as pairs.
    pub fn labels(&self) -> Vec<(&str, &str)> {
        self.root
            .get("metadata")
            .and_then(|m| m.get("labels"))
            .map(|l| {
                l.entries()
                    .iter()
                    .filter_map(|e| Some((e.key.as_str(), e.value.scalar_text()?)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Kubernetes' own default RBAC objects carry this label.
    pub fn is_rbac_default(&self) -> bool {
        self.label("kubernetes.io/bootstrapping") == Some("rbac-defaults")
    }

    /// The reference a finding carries, for the field at `field_path`.
    pub fn object_ref(&self, field_path: &str) -> ObjectRef {
        ObjectRef {
            context: self.origin.context.clone(),
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            field_path: field_path.to_string(),
        }
    }

    /// The object's identity in fingerprints: `path#Kind/ns/name` for files,
    /// `context/Kind/ns/name` for live objects.
    pub fn identity(&self) -> String {
        let ns = self.namespace.as_deref().unwrap_or("_");
        match (&self.origin.path, &self.origin.context) {
            (Some(p), _) => format!("{p}#{}/{ns}/{}", self.kind, self.name),
            (None, c) => format!(
                "{}/{}/{ns}/{}",
                c.as_deref().unwrap_or("local"),
                self.kind,
                self.name
            ),
        }
    }
}

/// A cursor into an object: a node, its field path and the span a finding
/// about it should point at (the key that led to it, or the list item).
#[derive(Debug, Clone)]
pub struct At<'a> {
    /// The node.
    pub node: &'a Node,
    /// Field path from the object root, e.g. `spec.template.spec.containers[0]`.
    pub path: String,
    /// Span of the key or item, when the object came from a file.
    pub span: Option<Span>,
}

impl<'a> At<'a> {
    /// Descend into `key` of a mapping.
    pub fn key(&self, key: &str) -> Option<At<'a>> {
        let e = self.node.entry(key)?;
        Some(self.child_entry(e))
    }

    /// Descend along several keys.
    pub fn keys(&self, keys: &[&str]) -> Option<At<'a>> {
        let mut at = self.clone();
        for k in keys {
            at = at.key(k)?;
        }
        Some(at)
    }

    /// A cursor for one entry of this mapping.
    pub fn child_entry(&self, e: &'a Entry) -> At<'a> {
        let simple = !e.key.is_empty()
            && e.key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let path = match (self.path.is_empty(), simple) {
            (true, true) => e.key.clone(),
            (false, true) => format!("{}.{}", self.path, e.key),
            (_, false) => format!("{}[{:?}]", self.path, e.key),
        };
        At {
            node: &e.value,
            path,
            span: e.key_span.or(e.value.span),
        }
    }

    /// The entries of this mapping, as cursors.
    pub fn entries(&self) -> Vec<(&'a str, At<'a>)> {
        self.node
            .entries()
            .iter()
            .map(|e| (e.key.as_str(), self.child_entry(e)))
            .collect()
    }

    /// The items of this sequence, as cursors.
    pub fn items(&self) -> Vec<At<'a>> {
        self.node
            .items()
            .iter()
            .enumerate()
            .map(|(i, n)| At {
                node: n,
                path: format!("{}[{i}]", self.path),
                span: n.span,
            })
            .collect()
    }

    /// Scalar text of this node.
    pub fn text(&self) -> Option<&'a str> {
        self.node.scalar_text()
    }
}

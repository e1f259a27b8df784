//! The encryption-at-rest proof: read what etcd actually holds under
//! `/registry/secrets/` and classify each value by its prefix.
//!
//! kube-apiserver writes a Secret either as raw protobuf (`k8s\0` followed
//! by the object: *not encrypted*), or, through an encryption provider, as
//! `k8s:enc:<provider>:v1:<key name>:` followed by ciphertext (`aescbc`,
//! `aesgcm`, `secretbox`, KMS v1 `kms`), or `k8s:enc:kms:v2:<provider
//! name>:` (KMS v2). A JSON storage media type (`{`) is also plain text.
//!
//! We use etcd's v3 JSON gateway (`POST /v3/kv/range`, base64 keys): a
//! `keys_only` pass first (how many Secrets, which ones), then values in
//! small pages, each classified on arrival from its first bytes and dropped.
//! Read-only; a value is never stored, printed or written anywhere.

use std::collections::BTreeMap;
use std::path::PathBuf;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::client::{Client, RetryPolicy};
use crate::ClusterError;

/// How to reach etcd.
#[derive(Debug, Clone, Default)]
pub struct EtcdOptions {
    /// Endpoint URL, e.g. `https://10.0.0.10:2379`.
    pub endpoint: String,
    /// CA bundle (PEM) of etcd's server certificate.
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM), e.g. the apiserver-etcd-client certificate.
    pub cert: Option<PathBuf>,
    /// Client key (PEM).
    pub key: Option<PathBuf>,
    /// Key prefix kube-apiserver uses (`--etcd-prefix`, default `/registry`).
    pub prefix: String,
}

/// How one stored Secret is protected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AtRest {
    /// Raw protobuf (`k8s\0`) or JSON: readable by anyone who reads etcd or a backup.
    Unencrypted,
    /// Encrypted by `provider` (with key or KMS provider `key`).
    Encrypted {
        /// `aescbc`, `aesgcm`, `secretbox`, `kms` (v1) or `kms-v2`.
        provider: String,
        /// The key name (or KMS v2 provider name).
        key: String,
    },
    /// A prefix we do not recognise.
    Unknown,
}

/// Classify a stored value from its first bytes.
pub fn classify(value: &[u8]) -> AtRest {
    if value.starts_with(b"k8s\0") || value.first() == Some(&b'{') {
        return AtRest::Unencrypted;
    }
    let Some(rest) = value.strip_prefix(b"k8s:enc:") else {
        return AtRest::Unknown;
    };
    let head = &rest[..rest.len().min(256)];
    let fields: Vec<&[u8]> = head.splitn(4, |b| *b == b':').collect();
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    match fields.as_slice() {
        // k8s:enc:kms:v2:<provider name>:<ciphertext…>
        [p, v, name, _] if *p == b"kms" && *v == b"v2" => AtRest::Encrypted {
            provider: "kms-v2".into(),
            key: s(name),
        },
        // k8s:enc:<provider>:v1:<key name>:<ciphertext…>
        [p, v, name, _] if *v == b"v1" && !p.is_empty() => AtRest::Encrypted {
            provider: s(p),
            key: s(name),
        },
        _ => AtRest::Unknown,
    }
}

/// One Secret as stored.
#[derive(Debug, Clone, Serialize)]
pub struct StoredSecret {
    /// Namespace (from the key).
    pub namespace: String,
    /// Name (from the key).
    pub name: String,
    /// Verdict.
    pub at_rest: AtRest,
}

/// The whole proof.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AtRestReport {
    /// The endpoint read.
    pub endpoint: String,
    /// Every Secret key found.
    pub secrets: Vec<StoredSecret>,
    /// Counts: `unencrypted`, `unknown`, `<provider>:<key>`.
    pub counts: BTreeMap<String, usize>,
    /// Requests sent to etcd.
    pub requests: u64,
}

impl AtRestReport {
    /// Number of Secrets stored unencrypted.
    pub fn unencrypted(&self) -> usize {
        self.secrets
            .iter()
            .filter(|s| s.at_rest == AtRest::Unencrypted)
            .count()
    }

    /// One line for summaries.
    pub fn verdict(&self) -> String {
        let total = self.secrets.len();
        let plain = self.unencrypted();
        let unknown = self
            .secrets
            .iter()
            .filter(|s| s.at_rest == AtRest::Unknown)
            .count();
        if total == 0 {
            return "no Secrets found in etcd (wrong --etcd-prefix?)".into();
        }
        if plain == 0 && unknown == 0 {
            format!("all {total} Secrets in etcd are encrypted")
        } else if plain == total {
            format!("NONE of the {total} Secrets in etcd is encrypted")
        } else {
            format!(
                "{plain} of {total} Secrets in etcd are stored unencrypted{}",
                if unknown > 0 {
                    format!(", {unknown} unrecognised")
                } else {
                    String::new()
                }
            )
        }
    }
}

/// Keys per page in the keys-only pass, and values per page after it.
const KEY_PAGE: usize = 1000;
const VALUE_PAGE: usize = 64;

fn range_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

fn range(
    client: &Client,
    key: &[u8],
    end: &[u8],
    limit: usize,
    keys_only: bool,
) -> Result<Json, ClusterError> {
    let body = json!({
        "key": B64.encode(key),
        "range_end": B64.encode(end),
        "limit": limit,
        "keys_only": keys_only,
        "serializable": true,
    });
    let r = client.post_json("/v3/kv/range", &body)?;
    if r.status != 200 {
        let msg = String::from_utf8_lossy(&r.body[..r.body.len().min(300)]).into_owned();
        return Err(ClusterError::Etcd(format!(
            "/v3/kv/range: HTTP {}: {msg}",
            r.status
        )));
    }
    serde_json::from_slice(&r.body).map_err(|e| ClusterError::Etcd(format!("/v3/kv/range: {e}")))
}

fn kvs(v: &Json) -> impl Iterator<Item = (Vec<u8>, Option<Vec<u8>>)> + '_ {
    v["kvs"].as_array().into_iter().flatten().filter_map(|kv| {
        let key = B64.decode(kv["key"].as_str()?).ok()?;
        let value = kv["value"].as_str().and_then(|s| B64.decode(s).ok());
        Some((key, value))
    })
}

/// Read and classify every Secret in etcd.
pub fn audit(opts: &EtcdOptions, policy: RetryPolicy) -> Result<AtRestReport, ClusterError> {
    let read = |p: &Option<PathBuf>| -> Result<Option<Vec<u8>>, ClusterError> {
        p.as_ref()
            .map(|p| {
                std::fs::read(p).map_err(|e| ClusterError::Config(format!("{}: {e}", p.display())))
            })
            .transpose()
    };
    let ca = read(&opts.ca)?;
    let cert = read(&opts.cert)?;
    let key = read(&opts.key)?;
    let client_cert = match (&cert, &key) {
        (Some(c), Some(k)) => Some((c.as_slice(), k.as_slice())),
        (None, None) => None,
        _ => {
            return Err(ClusterError::Config(
                "--etcd-cert and --etcd-key go together".into(),
            ))
        }
    };
    let tls = crate::client::tls_config(ca.as_deref(), client_cert, false)?;
    let client = Client::with_tls(&opts.endpoint, tls, None, policy, 2);
    let prefix = format!("{}/secrets/", opts.prefix.trim_end_matches('/'));
    let end = range_end(prefix.as_bytes());

    // Pass 1: keys only.
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut from = prefix.as_bytes().to_vec();
    loop {
        let v = range(&client, &from, &end, KEY_PAGE, true)?;
        let page: Vec<Vec<u8>> = kvs(&v).map(|(k, _)| k).collect();
        let more = v["more"].as_bool().unwrap_or(false);
        match page.last() {
            Some(last) if more => {
                from = last.clone();
                from.push(0);
            }
            _ => {
                keys.extend(page);
                break;
            }
        }
        keys.extend(page);
    }

    // Pass 2: values, a page at a time, classified and dropped.
    let mut verdicts: BTreeMap<Vec<u8>, AtRest> = BTreeMap::new();
    for chunk in keys.chunks(VALUE_PAGE) {
        let first = chunk[0].clone();
        let mut last = chunk[chunk.len() - 1].clone();
        last.push(0);
        let v = range(&client, &first, &last, VALUE_PAGE, false)?;
        for (k, value) in kvs(&v) {
            let verdict = value.as_deref().map(classify).unwrap_or(AtRest::Unknown);
            verdicts.insert(k, verdict);
        }
    }

    let mut report = AtRestReport {
        endpoint: opts.endpoint.clone(),
        ..Default::default()
    };
    for key in keys {
        let at_rest = verdicts.remove(&key).unwrap_or(AtRest::Unknown);
        let text = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
        let (namespace, name) = text
            .split_once('/')
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .unwrap_or((String::new(), text));
        let bucket = match &at_rest {
            AtRest::Unencrypted => "unencrypted".to_string(),
            AtRest::Unknown => "unknown".to_string(),
            AtRest::Encrypted { provider, key } => format!("{provider}:{key}"),
        };
        *report.counts.entry(bucket).or_default() += 1;
        report.secrets.push(StoredSecret {
            namespace,
            name,
            at_rest,
        });
    }
    report.requests = client
        .counters
        .requests
        .load(std::sync::atomic::Ordering::Relaxed);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_prefixes_as_kube_apiserver_writes_them() {
        assert_eq!(
            classify(b"k8s\0\n\x0c\n\x02v1\x12\x06Secret"),
            AtRest::Unencrypted
        );
        assert_eq!(classify(b"{\"kind\":\"Secret\"}"), AtRest::Unencrypted);
        assert_eq!(
            classify(b"k8s:enc:aescbc:v1:key1:\x8a\x01\xff"),
            AtRest::Encrypted {
                provider: "aescbc".into(),
                key: "key1".into()
            }
        );
        assert_eq!(
            classify(b"k8s:enc:kms:v2:vault-kms:\x0a\x10"),
            AtRest::Encrypted {
                provider: "kms-v2".into(),
                key: "vault-kms".into()
            }
        );
        assert_eq!(
            classify(b"k8s:enc:kms:v1:aws:\x01"),
            AtRest::Encrypted {
                provider: "kms".into(),
                key: "aws".into()
            }
        );
        assert_eq!(classify(b"k8s:enc:secretbox"), AtRest::Unknown);
        assert_eq!(classify(b"\x00\x01garbage"), AtRest::Unknown);
    }

    #[test]
    fn range_end_is_the_prefix_successor() {
        assert_eq!(
            range_end(b"/registry/secrets/"),
            b"/registry/secrets0".to_vec()
        );
    }
}

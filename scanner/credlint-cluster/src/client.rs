//! A small, read-only HTTPS client for the Kubernetes API (and etcd's JSON
//! gateway): rustls with the kubeconfig's CA and client certificate, a
//! per-request timeout, retries with exponential backoff on 429 (honouring
//! `Retry-After`), 5xx and transport errors, and counters for the report.
//!
//! It only ever sends `GET` to the API server (and `POST /v3/kv/range`, a
//! read, to etcd): nothing here can write to a cluster.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig, TlsProvider};

use crate::kubeconfig::Connection;
use crate::ClusterError;

/// Retry and timeout policy.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Time limit of one request, connect to last body byte.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff; doubled per retry.
    pub base_backoff: Duration,
    /// Longest wait between attempts (also caps `Retry-After`).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            timeout: Duration::from_secs(30),
            max_retries: 5,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
        }
    }
}

/// Request counters (shared across threads).
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests sent, retries included.
    pub requests: AtomicU64,
    /// Retries (429, 5xx, transport errors).
    pub retries: AtomicU64,
    /// Response bytes read.
    pub bytes: AtomicU64,
}

/// A response: status and body.
#[derive(Debug)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// A blocking HTTPS client bound to one server and credential.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    base: String,
    auth: Option<String>,
    policy: RetryPolicy,
    /// Counters.
    pub counters: Arc<Counters>,
}

/// Largest response body we accept (one list page).
const MAX_BODY: u64 = 512 << 20;

fn pem_certs(pem: &[u8], what: &str) -> Result<Vec<Certificate<'static>>, ClusterError> {
    let mut out = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        if let PemItem::Certificate(c) =
            item.map_err(|e| ClusterError::Config(format!("{what}: {e}")))?
        {
            out.push(c);
        }
    }
    if out.is_empty() {
        return Err(ClusterError::Config(format!("{what}: no PEM certificate")));
    }
    Ok(out)
}

fn pem_key(pem: &[u8]) -> Result<PrivateKey<'static>, ClusterError> {
    for item in ureq::tls::parse_pem(pem) {
        if let PemItem::PrivateKey(k) =
            item.map_err(|e| ClusterError::Config(format!("client key: {e}")))?
        {
            return Ok(k);
        }
    }
    Err(ClusterError::Config(
        "client key: no PEM private key".into(),
    ))
}

/// TLS settings from a CA bundle, an optional client certificate and the insecure flag.
pub(crate) fn tls_config(
    ca_pem: Option<&[u8]>,
    client_cert: Option<(&[u8], &[u8])>,
    insecure: bool,
) -> Result<TlsConfig, ClusterError> {
    let mut b = TlsConfig::builder().provider(TlsProvider::Rustls);
    if let Some(ca) = ca_pem {
        b = b.root_certs(RootCerts::Specific(Arc::new(pem_certs(
            ca,
            "certificate authority",
        )?)));
    }
    if let Some((cert, key)) = client_cert {
        let chain = pem_certs(cert, "client certificate")?;
        b = b.client_cert(Some(ClientCert::new_with_certs(&chain, pem_key(key)?)));
    }
    if insecure {
        b = b.disable_verification(true);
    }
    Ok(b.build())
}

impl Client {
    /// A client for `conn`; `parallel` sizes the connection pool.
    pub fn new(
        conn: &Connection,
        policy: RetryPolicy,
        parallel: usize,
    ) -> Result<Client, ClusterError> {
        let tls = tls_config(
            conn.ca_pem.as_deref(),
            conn.client_cert
                .as_ref()
                .map(|(c, k)| (c.as_slice(), k.as_slice())),
            conn.insecure,
        )?;
        let auth = if let Some(t) = &conn.token {
            Some(format!("Bearer {t}"))
        } else {
            conn.basic.as_ref().map(|(u, p)| {
                use base64::Engine as _;
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
                )
            })
        };
        Ok(Client::with_tls(&conn.server, tls, auth, policy, parallel))
    }

    /// A client with explicit TLS settings (etcd).
    pub(crate) fn with_tls(
        base: &str,
        tls: TlsConfig,
        auth: Option<String>,
        policy: RetryPolicy,
        parallel: usize,
    ) -> Client {
        let config = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .timeout_global(Some(policy.timeout))
            .max_idle_connections_per_host(parallel.max(1))
            .max_redirects(0)
            .user_agent(concat!(
                "credlint/",
                env!("CARGO_PKG_VERSION"),
                " (read-only audit)"
            ))
            .build();
        Client {
            agent: config.into(),
            base: base.trim_end_matches('/').to_string(),
            auth,
            policy,
            counters: Arc::new(Counters::default()),
        }
    }

    /// The server base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET path` with `accept`, retried per the policy. Statuses other
    /// than 429 and 5xx are returned to the caller, which decides.
    pub fn get(&self, path_and_query: &str, accept: &str) -> Result<Response, ClusterError> {
        self.send(path_and_query, accept, None)
    }

    /// `POST path` with a JSON body (etcd's read-only range API), retried likewise.
    pub fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Response, ClusterError> {
        self.send(path, "application/json", Some(body.to_string()))
    }

    fn send(
        &self,
        path: &str,
        accept: &str,
        body: Option<String>,
    ) -> Result<Response, ClusterError> {
        let url = format!("{}{path}", self.base);
        let mut attempt = 0u32;
        loop {
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            let result = match &body {
                None => {
                    let mut rb = self.agent.get(&url).header("Accept", accept);
                    if let Some(a) = &self.auth {
                        rb = rb.header("Authorization", a);
                    }
                    rb.call()
                }
                Some(b) => {
                    let mut rb = self
                        .agent
                        .post(&url)
                        .header("Accept", accept)
                        .header("Content-Type", "application/json");
                    if let Some(a) = &self.auth {
                        rb = rb.header("Authorization", a);
                    }
                    rb.send(b.as_str())
                }
            };
            let wait = match result {
                Ok(mut resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get("Retry-After")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let read = resp.body_mut().with_config().limit(MAX_BODY).read_to_vec();
                    match read {
                        Ok(bytes) => {
                            self.counters
                                .bytes
                                .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                            let retryable =
                                status == 429 || (500..=599).contains(&status) && status != 501;
                            if !retryable || attempt >= self.policy.max_retries {
                                return Ok(Response {
                                    status,
                                    body: bytes,
                                });
                            }
                            retry_after.unwrap_or_else(|| self.backoff(attempt))
                        }
                        Err(e) if attempt >= self.policy.max_retries => {
                            return Err(ClusterError::Http {
                                url,
                                message: e.to_string(),
                            })
                        }
                        Err(_) => self.backoff(attempt),
                    }
                }
                Err(e) => {
                    if attempt >= self.policy.max_retries || !transient(&e) {
                        return Err(ClusterError::Http {
                            url,
                            message: e.to_string(),
                        });
                    }
                    self.backoff(attempt)
                }
            };
            attempt += 1;
            self.counters.retries.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(wait.min(self.policy.max_backoff));
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .policy
            .base_backoff
            .saturating_mul(1u32 << attempt.min(16));
        exp.min(self.policy.max_backoff)
    }
}

/// Transport errors worth a retry (not TLS or configuration errors, which
/// will fail the same way again).
fn transient(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::HostNotFound
    )
}

//! Images pulled from a registry over the OCI distribution API.
//!
//! `REGISTRY/REPOSITORY[:TAG|@DIGEST]` is resolved to a manifest (or an
//! index, narrowed by platform), and every blob is streamed from the
//! registry straight into the image reader: nothing is written to disk.
//!
//! Authentication: anonymous first; a `401` with `WWW-Authenticate: Bearer
//! realm=…,service=…` gets a token from the realm (with the user's
//! credentials when there are some, anonymously otherwise) for
//! `repository:NAME:pull`; a `Basic` challenge gets the credentials
//! directly. Credentials come from Docker's config (`$DOCKER_CONFIG` or
//! `~/.docker/config.json`): `credHelpers` and `credsStore` by running
//! `docker-credential-NAME get`, else `auths` (base64 `user:password`).
//! Plain HTTP is used for `localhost` and loopback addresses only.

use std::cell::RefCell;
use std::collections::HashSet;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use base64::Engine as _;
use credlint_scan::UnitScanner;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::image::{
    image_of_manifest, images_of_index, scan_image, BlobSource, ImageError, ImageOptions,
    ImageReport,
};

/// Media types a manifest request accepts.
const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Registry host (and port), as written (`docker.io` by default).
    pub registry: String,
    /// Repository, e.g. `library/alpine`.
    pub repository: String,
    /// Tag or `sha256:…` digest.
    pub reference: String,
}

impl Reference {
    /// Parse `[REGISTRY/]REPOSITORY[:TAG][@DIGEST]`.
    pub fn parse(s: &str) -> Result<Reference, ImageError> {
        let bad = || ImageError::Registry(format!("not an image reference: `{s}`"));
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (s, None),
        };
        let (name, tag) = match rest.rfind(':') {
            Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(&rest[i + 1..])),
            _ => (rest, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, repo))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), repo.to_string())
            }
            _ => ("docker.io".to_string(), name.to_string()),
        };
        let repository = if registry == "docker.io" && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository
        };
        let ok = |r: &str| {
            !r.is_empty()
                && r.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-/".contains(&b))
        };
        if !ok(&repository) {
            return Err(bad());
        }
        let reference = digest.or(tag).unwrap_or("latest").to_string();
        if reference.is_empty()
            || !reference
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-:".contains(&b))
        {
            return Err(bad());
        }
        Ok(Reference {
            registry,
            repository,
            reference,
        })
    }

    /// `scheme://host` of the registry's API.
    pub fn base_url(&self) -> String {
        let host = if self.registry == "docker.io" {
            "registry-1.docker.io"
        } else {
            self.registry.as_str()
        };
        let bare = host.rsplit_once(':').map_or(host, |(h, _)| h);
        let plain = matches!(bare, "localhost" | "127.0.0.1" | "[::1]") || bare.starts_with("127.");
        format!("{}://{host}", if plain { "http" } else { "https" })
    }
}

/// A user name and password (or token) for a registry.
#[derive(Clone)]
pub struct Credentials {
    /// User name.
    pub username: String,
    /// Password or identity token.
    pub secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret, even in debug output.
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Credentials for `registry` from Docker's config file `config` (default
/// `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`).
pub fn docker_credentials(registry: &str, config: Option<PathBuf>) -> Option<Credentials> {
    let path = config.or_else(|| {
        std::env::var_os("DOCKER_CONFIG")
            .map(|d| PathBuf::from(d).join("config.json"))
            .or_else(|| {
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker/config.json"))
            })
    })?;
    let v: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    // Docker Hub's key is its old index URL.
    let keys: Vec<String> = if registry == "docker.io" {
        vec![
            "https://index.docker.io/v1/".into(),
            "index.docker.io".into(),
            "docker.io".into(),
        ]
    } else {
        vec![
            registry.to_string(),
            format!("https://{registry}"),
            format!("http://{registry}"),
        ]
    };
    let lookup = |section: &str| -> Option<&Value> {
        let obj = v.get(section)?.as_object()?;
        keys.iter().find_map(|k| obj.get(k))
    };
    if let Some(helper) = lookup("credHelpers").and_then(Value::as_str) {
        return credential_helper(helper, &keys[0]);
    }
    if let Some(auth) = lookup("auths") {
        if let Some(b64) = auth.get("auth").and_then(Value::as_str) {
            let raw = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
            let text = String::from_utf8(raw).ok()?;
            let (u, p) = text.split_once(':')?;
            return Some(Credentials {
                username: u.to_string(),
                secret: p.to_string(),
            });
        }
        if let Some(t) = auth.get("identitytoken").and_then(Value::as_str) {
            return Some(Credentials {
                username: "<token>".into(),
                secret: t.to_string(),
            });
        }
    }
    let store = v.get("credsStore").and_then(Value::as_str)?;
    credential_helper(store, &keys[0])
}

/// `docker-credential-NAME get`, the server URL on standard input.
fn credential_helper(name: &str, server: &str) -> Option<Credentials> {
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let mut child = Command::new(format!("docker-credential-{name}"))
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(server.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        return None;
    }
    let v: Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(Credentials {
        username: v.get("Username")?.as_str()?.to_string(),
        secret: v.get("Secret")?.as_str()?.to_string(),
    })
}

/// The parameters of a `WWW-Authenticate` challenge: scheme, then
/// `key="value"` pairs.
pub fn parse_challenge(h: &str) -> (String, Vec<(String, String)>) {
    let h = h.trim();
    let (scheme, rest) = h.split_once(' ').unwrap_or((h, ""));
    let mut params = Vec::new();
    let mut s = rest.trim();
    while !s.is_empty() {
        let Some((k, v)) = s.split_once('=') else {
            break;
        };
        let k = k.trim().trim_start_matches(',').trim().to_ascii_lowercase();
        let v = v.trim_start();
        let (val, next) = if let Some(q) = v.strip_prefix('"') {
            let end = q.find('"').unwrap_or(q.len());
            (q[..end].to_string(), q.get(end + 1..).unwrap_or(""))
        } else {
            let end = v.find(',').unwrap_or(v.len());
            (v[..end].trim().to_string(), &v[end..])
        };
        params.push((k, val));
        s = next.trim_start().trim_start_matches(',').trim_start();
    }
    (scheme.to_ascii_lowercase(), params)
}

/// A registry client for one repository.
pub struct Registry {
    agent: ureq::Agent,
    base: String,
    repository: String,
    credentials: Option<Credentials>,
    auth: RefCell<Option<String>>,
}

impl Registry {
    /// A client for `reference`'s repository.
    pub fn new(reference: &Reference, credentials: Option<Credentials>) -> Registry {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(std::time::Duration::from_secs(30)))
            .build()
            .new_agent();
        Registry {
            agent,
            base: reference.base_url(),
            repository: reference.repository.clone(),
            credentials,
            auth: RefCell::new(None),
        }
    }

    fn err(&self, what: &str, e: impl std::fmt::Display) -> ImageError {
        ImageError::Registry(format!("{}/{}: {what}: {e}", self.base, self.repository))
    }

    /// GET `path` (under `/v2/REPOSITORY/`), answering one auth challenge.
    fn get(
        &self,
        path: &str,
        accept: &str,
    ) -> Result<ureq::http::Response<ureq::Body>, ImageError> {
        let url = format!("{}/v2/{}/{path}", self.base, self.repository);
        for _ in 0..2 {
            let mut req = self.agent.get(&url).header("Accept", accept);
            if let Some(a) = self.auth.borrow().as_deref() {
                req = req.header("Authorization", a);
            }
            let resp = req.call().map_err(|e| self.err(path, e))?;
            if resp.status() != 401 || self.auth.borrow().is_some() {
                return Ok(resp);
            }
            let challenge = resp
                .headers()
                .get("www-authenticate")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("")
                .to_string();
            self.answer(&challenge)?;
        }
        Err(self.err(path, "unauthorized"))
    }

    fn basic(&self) -> Option<String> {
        self.credentials.as_ref().map(|c| {
            let raw = format!("{}:{}", c.username, c.secret);
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(raw)
            )
        })
    }

    /// Turn a `WWW-Authenticate` challenge into an `Authorization` value.
    fn answer(&self, challenge: &str) -> Result<(), ImageError> {
        let (scheme, params) = parse_challenge(challenge);
        let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        match scheme.as_str() {
            "basic" => {
                let b = self.basic().ok_or_else(|| {
                    self.err(
                        "auth",
                        "the registry wants a password and Docker's config has none for it",
                    )
                })?;
                *self.auth.borrow_mut() = Some(b);
            }
            "bearer" => {
                let realm = param("realm")
                    .ok_or_else(|| self.err("auth", "Bearer challenge without realm"))?;
                let scope = param("scope")
                    .unwrap_or_else(|| format!("repository:{}:pull", self.repository));
                let mut req = self.agent.get(&realm).query("scope", &scope);
                if let Some(service) = param("service") {
                    req = req.query("service", &service);
                }
                if let Some(b) = self.basic() {
                    req = req.header("Authorization", &b);
                }
                let mut resp = req.call().map_err(|e| self.err("token", e))?;
                if resp.status() != 200 {
                    return Err(self.err("token", format!("realm answered {}", resp.status())));
                }
                let bytes = resp
                    .body_mut()
                    .with_config()
                    .limit(1 << 20)
                    .read_to_vec()
                    .map_err(|e| self.err("token", e))?;
                let v: Value = serde_json::from_slice(&bytes).map_err(|e| self.err("token", e))?;
                let token = v
                    .get("token")
                    .or_else(|| v.get("access_token"))
                    .and_then(Value::as_str)
                    .ok_or_else(|| self.err("token", "no token in the realm's answer"))?;
                *self.auth.borrow_mut() = Some(format!("Bearer {token}"));
            }
            _ => return Err(self.err("auth", format!("unsupported challenge `{scheme}`"))),
        }
        Ok(())
    }

    /// The manifest (or index) at a tag or digest, and its digest.
    pub fn manifest(&self, reference: &str) -> Result<(Value, String), ImageError> {
        let mut resp = self.get(&format!("manifests/{reference}"), ACCEPT)?;
        if resp.status() != 200 {
            return Err(self.err(&format!("manifest {reference}"), resp.status()));
        }
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(16 << 20)
            .read_to_vec()
            .map_err(|e| self.err("manifest", e))?;
        let digest = format!("sha256:{:x}", Sha256::digest(&bytes));
        let v = serde_json::from_slice(&bytes).map_err(|e| self.err("manifest", e))?;
        Ok((v, digest))
    }
}

impl BlobSource for Registry {
    fn open(&self, locator: &str) -> io::Result<Box<dyn Read + '_>> {
        let digest = locator
            .strip_prefix("blobs/")
            .map(|d| d.replacen('/', ":", 1))
            .ok_or_else(|| io::Error::other(format!("bad blob `{locator}`")))?;
        let resp = self
            .get(&format!("blobs/{digest}"), "*/*")
            .map_err(io::Error::other)?;
        if resp.status() == 404 {
            // A manifest listed in an index is served under manifests/.
            let resp = self
                .get(&format!("manifests/{digest}"), ACCEPT)
                .map_err(io::Error::other)?;
            if resp.status() != 200 {
                return Err(io::Error::other(format!("{digest}: {}", resp.status())));
            }
            return Ok(Box::new(resp.into_body().into_reader()));
        }
        if resp.status() != 200 {
            return Err(io::Error::other(format!("{digest}: {}", resp.status())));
        }
        Ok(Box::new(resp.into_body().into_reader()))
    }
}

/// Pull and scan the image `reference` (every platform of an index, or
/// the one `opts.platform` names).
pub fn scan_registry(
    reference: &str,
    opts: &ImageOptions,
    scanner: &UnitScanner,
    seen_layers: &mut HashSet<String>,
    docker_config: Option<PathBuf>,
) -> Result<ImageReport, ImageError> {
    let r = Reference::parse(reference)?;
    let creds = docker_credentials(&r.registry, docker_config);
    let reg = Registry::new(&r, creds);
    let (top, digest) = reg.manifest(&r.reference)?;
    let name = format!("{}/{}", r.registry, r.repository);
    let images = if top.get("manifests").is_some() {
        images_of_index(&reg, &top, &name, opts.platform.as_deref(), 0)?
    } else {
        vec![image_of_manifest(&top, &name, &digest, reference)?]
    };
    if images.is_empty() {
        if let Some(p) = &opts.platform {
            return Err(ImageError::NoPlatform(p.clone()));
        }
    }
    let mut report = ImageReport::default();
    for image in &images {
        scan_image(&reg, image, opts, scanner, seen_layers, &mut report);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = Reference::parse("alpine").unwrap();
        assert_eq!(
            (
                r.registry.as_str(),
                r.repository.as_str(),
                r.reference.as_str()
            ),
            ("docker.io", "library/alpine", "latest")
        );
        let r = Reference::parse("127.0.0.1:5000/team/app:v1").unwrap();
        assert_eq!(r.registry, "127.0.0.1:5000");
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.reference, "v1");
        assert_eq!(r.base_url(), "http://127.0.0.1:5000");
        let r = Reference::parse("ghcr.io/o/p@sha256:abc").unwrap();
        assert_eq!(r.reference, "sha256:abc");
        assert_eq!(r.base_url(), "https://ghcr.io");
        assert!(Reference::parse("UPPER/case").is_err());
    }

    #[test]
    fn challenges() {
        let (s, p) = parse_challenge(
            r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull""#,
        );
        assert_eq!(s, "bearer");
        assert_eq!(p[0], ("realm".into(), "https://auth.example/token".into()));
        assert_eq!(p[2], ("scope".into(), "repository:a/b:pull".into()));
        assert_eq!(parse_challenge("Basic realm=\"x\"").0, "basic");
    }
}

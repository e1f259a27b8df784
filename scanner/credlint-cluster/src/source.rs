//! The live source: which kinds we read, and reading them.
//!
//! Every kind is listed with paginated `GET`s (`limit` + `continue`); an
//! expired continue token (`410 Gone`) restarts that kind's list from the
//! beginning (a bounded number of times). Kinds are read by a bounded pool
//! of threads, in three waves so that pods and replica sets owned by a
//! controller we have already read are dropped as they stream in (the
//! checks judge the controller's pod template; memory does not grow with
//! the number of replicas). Secrets are listed as
//! `PartialObjectMetadataList` — metadata only — unless values were asked
//! for; if a server ignores that and sends values anyway, they are dropped
//! on arrival. A `403` makes that kind "not audited: forbidden"; the rest of
//! the audit goes on.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde_json::Value as Json;

use crate::client::Client;
use crate::{ClusterError, NotAudited};

/// One kind the audit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// API group (`""` for the core group).
    pub group: &'static str,
    /// Version.
    pub version: &'static str,
    /// Plural resource name.
    pub resource: &'static str,
    /// Kind.
    pub kind: &'static str,
    /// Namespaced?
    pub namespaced: bool,
    /// Wave (0, 1, 2): owned objects come after their owners.
    pub wave: u8,
}

impl Kind {
    /// `apiVersion` of the kind.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    fn path(&self, namespace: Option<&str>) -> String {
        let prefix = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace.filter(|_| self.namespaced) {
            Some(ns) => format!("{prefix}/namespaces/{ns}/{}", self.resource),
            None => format!("{prefix}/{}", self.resource),
        }
    }
}

const fn k(
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    kind: &'static str,
    namespaced: bool,
    wave: u8,
) -> Kind {
    Kind {
        group,
        version,
        resource,
        kind,
        namespaced,
        wave,
    }
}

/// Every kind the audit reads (the deploy/ ClusterRole grants exactly these).
pub const KINDS: &[Kind] = &[
    k("", "v1", "namespaces", "Namespace", false, 0),
    k("", "v1", "serviceaccounts", "ServiceAccount", true, 0),
    k("", "v1", "secrets", "Secret", true, 0),
    k("", "v1", "configmaps", "ConfigMap", true, 0),
    k("rbac.authorization.k8s.io", "v1", "roles", "Role", true, 0),
    k(
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "RoleBinding",
        true,
        0,
    ),
    k(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "ClusterRole",
        false,
        0,
    ),
    k(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
        false,
        0,
    ),
    k("apps", "v1", "deployments", "Deployment", true, 0),
    k("apps", "v1", "statefulsets", "StatefulSet", true, 0),
    k("apps", "v1", "daemonsets", "DaemonSet", true, 0),
    k("batch", "v1", "cronjobs", "CronJob", true, 0),
    k(
        "",
        "v1",
        "replicationcontrollers",
        "ReplicationController",
        true,
        0,
    ),
    k("apps", "v1", "replicasets", "ReplicaSet", true, 1),
    k("batch", "v1", "jobs", "Job", true, 1),
    k("", "v1", "pods", "Pod", true, 2),
];

/// Metadata-only list media type (the API server's `PartialObjectMetadataList`).
pub const ACCEPT_METADATA: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Only this namespace (cluster-scoped kinds are still read: RBAC needs them).
    pub namespace: Option<String>,
    /// List Secrets with their values.
    pub read_secret_values: bool,
    /// Page size (`limit`).
    pub page_size: u32,
    /// Threads reading kinds at once.
    pub concurrency: usize,
    /// Times one kind's list restarts after `410 Gone`.
    pub max_restarts: u32,
}

/// What the source read.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Objects, kinds in [`KINDS`] order, each with `apiVersion` and `kind` set.
    pub objects: Vec<Json>,
    /// Objects per kind as listed (owned pods and replica sets included).
    pub listed: BTreeMap<String, u64>,
    /// Owned objects dropped in favour of their controller.
    pub dropped_owned: u64,
    /// Kinds (or namespaces) that could not be read.
    pub not_audited: Vec<NotAudited>,
    /// Warnings (values discarded, restarts).
    pub warnings: Vec<String>,
    /// Pages read.
    pub pages: u64,
    /// `410 Gone` restarts.
    pub restarts: u64,
    /// The API server's version (`/version` `gitVersion`), when readable.
    pub server_version: Option<String>,
}

/// Groups/versions the server serves (from `/api` and `/apis`).
fn discover(client: &Client) -> Result<HashSet<String>, ClusterError> {
    let mut served = HashSet::new();
    let r = client.get("/api", "application/json")?;
    check_auth(&r, "/api")?;
    if r.status == 200 {
        let v: Json = serde_json::from_slice(&r.body)
            .map_err(|e| ClusterError::Protocol(format!("/api: {e}")))?;
        for ver in v["versions"].as_array().into_iter().flatten() {
            if let Some(s) = ver.as_str() {
                served.insert(s.to_string());
            }
        }
    }
    let r = client.get("/apis", "application/json")?;
    check_auth(&r, "/apis")?;
    if r.status == 200 {
        let v: Json = serde_json::from_slice(&r.body)
            .map_err(|e| ClusterError::Protocol(format!("/apis: {e}")))?;
        for g in v["groups"].as_array().into_iter().flatten() {
            for ver in g["versions"].as_array().into_iter().flatten() {
                if let Some(gv) = ver["groupVersion"].as_str() {
                    served.insert(gv.to_string());
                }
            }
        }
    }
    Ok(served)
}

fn check_auth(r: &crate::client::Response, what: &str) -> Result<(), ClusterError> {
    if r.status == 401 {
        return Err(ClusterError::Unauthorized(format!(
            "{what}: 401 Unauthorized — the kubeconfig credential was rejected{}",
            status_message(&r.body)
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        )));
    }
    Ok(())
}

fn status_message(body: &[u8]) -> Option<String> {
    let v: Json = serde_json::from_slice(body).ok()?;
    v["message"].as_str().map(str::to_string)
}

/// One kind's index in [`KINDS`], its objects, how many were listed, and the outcome.
type KindResult = (usize, Vec<Json>, u64, Result<Listed, ClusterError>);

/// Outcome of listing one kind.
enum Listed {
    Ok,
    NotAudited(String),
}

struct Shared<'a> {
    client: &'a Client,
    opts: &'a ReadOptions,
    /// Controller kinds read completely: objects they own are dropped.
    complete: Mutex<HashSet<&'static str>>,
    pages: AtomicU64,
    restarts: AtomicU64,
    dropped: AtomicU64,
    warnings: Mutex<Vec<String>>,
}

/// Read every kind of [`KINDS`].
pub fn read(client: &Client, opts: &ReadOptions) -> Result<Snapshot, ClusterError> {
    let served = discover(client)?;
    let mut snap = Snapshot::default();
    if let Ok(r) = client.get("/version", "application/json") {
        if r.status == 200 {
            snap.server_version = serde_json::from_slice::<Json>(&r.body)
                .ok()
                .and_then(|v| v["gitVersion"].as_str().map(str::to_string));
        }
    }
    let shared = Shared {
        client,
        opts,
        complete: Mutex::new(HashSet::new()),
        pages: AtomicU64::new(0),
        restarts: AtomicU64::new(0),
        dropped: AtomicU64::new(0),
        warnings: Mutex::new(Vec::new()),
    };
    let mut per_kind: Vec<KindResult> = Vec::new();
    for wave in 0..3u8 {
        let queue: Mutex<Vec<usize>> = Mutex::new(
            (0..KINDS.len())
                .filter(|&i| KINDS[i].wave == wave)
                .rev()
                .collect(),
        );
        let results = Mutex::new(Vec::new());
        let threads = opts.concurrency.clamp(1, 32);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let Some(i) = queue.lock().expect("queue").pop() else {
                        break;
                    };
                    let kind = &KINDS[i];
                    let mut items = Vec::new();
                    let mut listed = 0u64;
                    let outcome = if !served.contains(&kind.api_version()) {
                        Ok(Listed::NotAudited(format!(
                            "{} is not served by this API server",
                            kind.api_version()
                        )))
                    } else {
                        list_kind(&shared, kind, &mut items, &mut listed)
                    };
                    if matches!(outcome, Ok(Listed::Ok)) {
                        shared.complete.lock().expect("complete").insert(kind.kind);
                    }
                    results
                        .lock()
                        .expect("results")
                        .push((i, items, listed, outcome));
                });
            }
        });
        per_kind.extend(results.into_inner().expect("results"));
    }
    per_kind.sort_by_key(|(i, ..)| *i);
    for (i, items, listed, outcome) in per_kind {
        let kind = &KINDS[i];
        match outcome? {
            Listed::Ok => {}
            Listed::NotAudited(reason) => snap.not_audited.push(NotAudited {
                kind: kind.kind.to_string(),
                namespace: opts.namespace.clone().filter(|_| kind.namespaced),
                reason,
            }),
        }
        snap.listed.insert(kind.kind.to_string(), listed);
        snap.objects.extend(items);
    }
    snap.pages = shared.pages.load(Ordering::Relaxed);
    snap.restarts = shared.restarts.load(Ordering::Relaxed);
    snap.dropped_owned = shared.dropped.load(Ordering::Relaxed);
    snap.warnings = shared.warnings.into_inner().expect("warnings");
    Ok(snap)
}

/// The controlling owner's kind, if any.
fn controller_kind(item: &Json) -> Option<&str> {
    item["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|o| o["controller"].as_bool() == Some(true))
        .and_then(|o| o["kind"].as_str())
}

/// Shrink an item to what the checks read: no `status`, and no
/// `managedFields` except on Secrets (their rotation time comes from it).
fn trim(item: &mut Json, kind: &Kind, values: bool) {
    if let Some(o) = item.as_object_mut() {
        o.remove("status");
        if kind.kind == "Secret" && !values {
            // Defence in depth: a server that ignored the metadata-only Accept.
            o.remove("data");
            o.remove("stringData");
        }
        if kind.kind != "Secret" {
            if let Some(m) = o.get_mut("metadata").and_then(Json::as_object_mut) {
                m.remove("managedFields");
            }
        }
    }
}

/// How often one page is asked for again after an answer that is not JSON.
const BAD_JSON_RETRIES: u32 = 3;

fn list_kind(
    sh: &Shared<'_>,
    kind: &Kind,
    out: &mut Vec<Json>,
    listed: &mut u64,
) -> Result<Listed, ClusterError> {
    let metadata_only = kind.kind == "Secret" && !sh.opts.read_secret_values;
    let accept = if metadata_only {
        ACCEPT_METADATA
    } else {
        "application/json"
    };
    let base = kind.path(sh.opts.namespace.as_deref());
    let mut restarts = 0u32;
    let mut bad_json = 0u32;
    let mut warned_values = false;
    'restart: loop {
        out.clear();
        *listed = 0;
        let mut cont: Option<String> = None;
        loop {
            let mut url = format!("{base}?limit={}", sh.opts.page_size);
            if let Some(c) = &cont {
                url.push_str("&continue=");
                url.push_str(&encode_query(c));
            }
            let r = sh.client.get(&url, accept)?;
            sh.pages.fetch_add(1, Ordering::Relaxed);
            match r.status {
                200 => {}
                401 => check_auth(&r, &url).map(|_| ())?,
                403 => {
                    return Ok(Listed::NotAudited(format!(
                        "forbidden{}",
                        status_message(&r.body)
                            .map(|m| format!(": {m}"))
                            .unwrap_or_default()
                    )))
                }
                404 => {
                    return Ok(Listed::NotAudited(
                        "not served by this API server (404)".into(),
                    ))
                }
                410 if cont.is_some() && restarts < sh.opts.max_restarts => {
                    restarts += 1;
                    sh.restarts.fetch_add(1, Ordering::Relaxed);
                    sh.warnings.lock().expect("warnings").push(format!(
                        "{}: continue token expired (410 Gone); list restarted",
                        kind.resource
                    ));
                    continue 'restart;
                }
                s => {
                    return Ok(Listed::NotAudited(format!(
                        "HTTP {s}{}",
                        status_message(&r.body)
                            .map(|m| format!(": {m}"))
                            .unwrap_or_default()
                    )))
                }
            }
            // A truncated or garbled answer is asked for again, like a 5xx;
            // if it stays bad, this kind is not audited and the rest goes on.
            let mut page: Json = match serde_json::from_slice(&r.body) {
                Ok(p) => p,
                Err(e) if bad_json < BAD_JSON_RETRIES => {
                    bad_json += 1;
                    sh.warnings.lock().expect("warnings").push(format!(
                        "{}: the API server's answer was not valid JSON ({e}); asked again",
                        kind.resource
                    ));
                    continue;
                }
                Err(e) => {
                    return Ok(Listed::NotAudited(format!(
                        "the API server's answers were not valid JSON ({e})"
                    )))
                }
            };
            drop(r);
            if metadata_only
                && page["kind"].as_str() != Some("PartialObjectMetadataList")
                && !warned_values
            {
                warned_values = true;
                sh.warnings.lock().expect("warnings").push(format!(
                    "{}: the server ignored the metadata-only request and sent Secret values; they were discarded unread",
                    kind.resource
                ));
            }
            cont = page["metadata"]["continue"]
                .as_str()
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            let items = match page.get_mut("items").map(Json::take) {
                Some(Json::Array(items)) => items,
                _ => Vec::new(),
            };
            for mut item in items {
                *listed += 1;
                if matches!(kind.kind, "Pod" | "ReplicaSet" | "Job") {
                    if let Some(owner) = controller_kind(&item) {
                        if sh.complete.lock().expect("complete").contains(owner) {
                            sh.dropped.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                    }
                }
                trim(&mut item, kind, sh.opts.read_secret_values);
                if let Some(o) = item.as_object_mut() {
                    o.insert("apiVersion".into(), Json::String(kind.api_version()));
                    o.insert("kind".into(), Json::String(kind.kind.into()));
                }
                out.push(item);
            }
            if cont.is_none() {
                return Ok(Listed::Ok);
            }
        }
    }
}

/// Percent-encode a query value (continue tokens are base64 with `=`, `+`, `/`).
pub(crate) fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Objects of one secret type, by `fieldSelector=type=…` (metadata lists carry no `type`).
pub fn secret_names_of_type(
    client: &Client,
    opts: &ReadOptions,
    ty: &str,
) -> Result<Option<HashSet<(String, String)>>, ClusterError> {
    let kind = KINDS
        .iter()
        .find(|k| k.kind == "Secret")
        .expect("secrets kind");
    let base = kind.path(opts.namespace.as_deref());
    let mut names = HashSet::new();
    let mut cont: Option<String> = None;
    loop {
        let mut url = format!(
            "{base}?limit={}&fieldSelector={}",
            opts.page_size,
            encode_query(&format!("type={ty}"))
        );
        if let Some(c) = &cont {
            url.push_str("&continue=");
            url.push_str(&encode_query(c));
        }
        let r = client.get(&url, ACCEPT_METADATA)?;
        if r.status != 200 {
            return Ok(None);
        }
        let page: Json = serde_json::from_slice(&r.body)
            .map_err(|e| ClusterError::Protocol(format!("{url}: {e}")))?;
        for item in page["items"].as_array().into_iter().flatten() {
            let m = &item["metadata"];
            names.insert((
                m["namespace"].as_str().unwrap_or("").to_string(),
                m["name"].as_str().unwrap_or("").to_string(),
            ));
        }
        cont = page["metadata"]["continue"]
            .as_str()
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        if cont.is_none() {
            return Ok(Some(names));
        }
    }
}

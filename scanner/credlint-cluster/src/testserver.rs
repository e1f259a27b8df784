//! A loopback HTTPS Kubernetes API server and realistic fixture clusters,
//! for tests, `kubectl` honesty checks and the benchmark (feature
//! `test-server`; never in the shipped binary).
//!
//! The server speaks real Kubernetes API JSON over TLS (a self-signed CA
//! from `rcgen`, server side `rustls`): legacy discovery (`/api`, `/apis`,
//! `/api/v1`, `/apis/<g>/<v>`), `/version`, lists of every kind — cluster
//! wide and per namespace — with `limit`/`continue` pagination and a
//! `resourceVersion`, `fieldSelector=type=…` on Secrets, metadata-only
//! `PartialObjectMetadataList` answers when the `Accept` header asks for
//! them, `401` without the bearer token, `403 Forbidden` Status objects for
//! the resources it is told to refuse, a `410 Gone` (Expired) for a continue
//! token it is told to expire, and a `429` with `Retry-After` once when told
//! to throttle. Items in lists carry no `kind`/`apiVersion`, as from a real
//! API server. It logs every request (path and Accept) for assertions.
//!
//! HTTP/1.1 only (no ALPN `h2`), keep-alive, one thread per connection.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::{json, Value as Json};

use crate::source::{Kind, KINDS};

/// A cluster's objects, by resource, as the API server stores them (with `kind`/`apiVersion`).
#[derive(Debug, Default, Clone)]
pub struct Fixture {
    /// `resource` (plural) → objects.
    pub objects: BTreeMap<String, Vec<Json>>,
}

impl Fixture {
    /// Add an object (its `kind` decides the resource).
    pub fn add(&mut self, obj: Json) {
        let kind = obj["kind"].as_str().unwrap_or("").to_string();
        let res = KINDS
            .iter()
            .find(|k| k.kind == kind)
            .map(|k| k.resource)
            .unwrap_or("unknown");
        self.objects.entry(res.to_string()).or_default().push(obj);
    }

    /// Number of objects.
    pub fn len(&self) -> usize {
        self.objects.values().map(Vec::len).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Objects of one resource.
    pub fn of(&self, resource: &str) -> &[Json] {
        self.objects.get(resource).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Shape of a generated cluster.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Application namespaces.
    pub namespaces: usize,
    /// Deployments per namespace.
    pub deployments: usize,
    /// Pods per deployment.
    pub replicas: usize,
    /// ConfigMaps per namespace.
    pub configmaps: usize,
    /// Extra Secrets per namespace.
    pub secrets: usize,
}

impl Scale {
    /// A few hundred objects.
    pub const SMALL: Scale = Scale {
        namespaces: 8,
        deployments: 4,
        replicas: 3,
        configmaps: 4,
        secrets: 3,
    };
    /// 5,000 pods, about 20,000 objects.
    pub const BENCH: Scale = Scale {
        namespaces: 100,
        deployments: 10,
        replicas: 5,
        configmaps: 58,
        secrets: 62,
    };
}

const TS_OLD: &str = "2023-01-10T08:00:00Z";
const TS_NEW: &str = "2026-10-20T08:00:00Z";
/// A database URL the leak rules recognise (their own example).
pub const DB_URL: &str = "postgres://app:q8Xv2LmT9zKp@db.internal:5432/app";

fn meta(name: &str, ns: Option<&str>, uid: &mut u64) -> Json {
    *uid += 1;
    let mut m = json!({
        "name": name,
        "uid": format!("00000000-0000-4000-8000-{:012x}", *uid),
        "resourceVersion": format!("{}", 1000 + *uid),
        "creationTimestamp": TS_NEW,
    });
    if let Some(ns) = ns {
        m["namespace"] = json!(ns);
    }
    m
}

fn owner(kind: &str, api: &str, name: &str) -> Json {
    json!([{ "apiVersion": api, "kind": kind, "name": name, "uid": format!("owner-{name}"), "controller": true, "blockOwnerDeletion": true }])
}

fn secret_managed_fields(time: &str) -> Json {
    json!([{ "manager": "kubectl-create", "operation": "Update", "apiVersion": "v1", "time": time,
             "fieldsType": "FieldsV1", "fieldsV1": { "f:data": { ".": {}, "f:password": {} }, "f:type": {} } }])
}

/// A Helm release payload as Helm stores it (base64 of gzip of JSON), then base64 again as the API shows Secret data.
pub fn helm_release_data(name: &str, ns: &str, config: Json) -> String {
    use std::io::Write as _;
    let release = json!({ "name": name, "namespace": ns, "version": 1, "info": { "status": "deployed" },
                           "chart": { "metadata": { "name": name, "version": "1.2.3" }, "values": { "replicaCount": 1 } },
                           "config": config, "manifest": "---\n# Source: chart/templates/deploy.yaml\n" });
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(release.to_string().as_bytes())
        .expect("gzip to memory");
    let helm = B64.encode(gz.finish().expect("gzip to memory"));
    B64.encode(helm)
}

fn pod_spec(sa: &str, secret: &str, env_from: bool) -> Json {
    let mut c = json!({
        "name": "app", "image": "registry.example/app:1.4.2",
        "env": [
            { "name": "LOG_LEVEL", "value": "info" },
            { "name": "DB_PASSWORD", "valueFrom": { "secretKeyRef": { "name": secret, "key": "password" } } }
        ],
        "resources": { "requests": { "cpu": "100m", "memory": "128Mi" } }
    });
    if env_from {
        c["envFrom"] = json!([{ "secretRef": { "name": "api-keys" } }]);
    }
    json!({ "serviceAccountName": sa, "containers": [c] })
}

/// A realistic cluster: namespaces with deployments (env `secretKeyRef`s),
/// their replica sets and pods, service accounts with and without IRSA,
/// unmanaged, ExternalSecret-owned, cert-manager and Helm release Secrets,
/// a legacy token Secret, ConfigMaps (one with a database URL), broad and
/// narrow RBAC, Kubernetes' default roles, and a kube-apiserver static pod.
pub fn realistic_cluster(scale: Scale) -> Fixture {
    let mut f = Fixture::default();
    let mut uid = 0u64;
    let u = &mut uid;
    // kube-system and defaults.
    for ns in ["kube-system", "default"] {
        f.add(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": meta(ns, None, u)}));
        f.add(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("default", Some(ns), u), "automountServiceAccountToken": false}));
    }
    let mut api = meta("kube-apiserver-cp-1", Some("kube-system"), u);
    api["ownerReferences"] = owner("Node", "v1", "cp-1");
    f.add(json!({"apiVersion": "v1", "kind": "Pod", "metadata": api, "spec": { "hostNetwork": true, "automountServiceAccountToken": false, "containers": [{
        "name": "kube-apiserver", "image": "registry.k8s.io/kube-apiserver:v1.31.0",
        "command": ["kube-apiserver", "--advertise-address=10.0.0.10", "--authorization-mode=Node,RBAC", "--etcd-servers=https://127.0.0.1:2379",
                    "--audit-policy-file=/etc/kubernetes/audit.yaml", "--secure-port=6443"] }] }}));
    let mut admin = meta("cluster-admin", None, u);
    admin["labels"] = json!({"kubernetes.io/bootstrapping": "rbac-defaults"});
    f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": admin,
                 "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]}]}));
    let mut masters = meta("cluster-admin", None, u);
    masters["labels"] = json!({"kubernetes.io/bootstrapping": "rbac-defaults"});
    f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": masters,
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
                 "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}]}));
    // An aggregated role: `monitoring` aggregates a rule that reads secrets.
    let mut agg = meta("monitoring", None, u);
    agg["labels"] = json!({"team": "observability"});
    f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": agg,
                 "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"rbac.example.com/aggregate-to-monitoring": "true"}}]},
                 "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}, {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]}));
    let mut part = meta("monitoring-secrets", None, u);
    part["labels"] = json!({"rbac.example.com/aggregate-to-monitoring": "true"});
    f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": part,
                 "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}]}));
    f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta("prometheus", None, u),
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "monitoring"},
                 "subjects": [{"kind": "ServiceAccount", "name": "prometheus", "namespace": "monitoring"}]}));
    f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta("ci-deployer", None, u),
                 "rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list", "create", "update", "patch"]}]}));
    f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta("ci-deployer", None, u),
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "ci-deployer"},
                 "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]}));
    f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta("oncall-admin", None, u),
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
                 "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "alice@example.com"}]}));

    for i in 0..scale.namespaces {
        let ns = format!("team-{i:03}");
        let ns = ns.as_str();
        f.add(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": meta(ns, None, u)}));
        f.add(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("default", Some(ns), u)}));
        let mut app_sa = meta("app", Some(ns), u);
        if i % 2 == 0 {
            app_sa["annotations"] = json!({"eks.amazonaws.com/role-arn": format!("arn:aws:iam::123456789012:role/{ns}-app")});
        }
        f.add(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": app_sa, "automountServiceAccountToken": false}));
        // Secrets.
        let mut db = meta("db-credentials", Some(ns), u);
        db["creationTimestamp"] = json!(TS_OLD);
        db["managedFields"] = secret_managed_fields(TS_OLD);
        f.add(json!({"apiVersion": "v1", "kind": "Secret", "metadata": db, "type": "Opaque", "data": {"password": B64.encode("Zq8vN3rT6wY1uB5x")}}));
        let mut ext = meta("api-keys", Some(ns), u);
        ext["ownerReferences"] = owner("ExternalSecret", "external-secrets.io/v1beta1", "api-keys");
        ext["labels"] = json!({"reconcile.external-secrets.io/managed": "true"});
        ext["managedFields"] = secret_managed_fields(TS_NEW);
        f.add(json!({"apiVersion": "v1", "kind": "Secret", "metadata": ext, "type": "Opaque", "data": {"API_KEY": B64.encode("from-vault")}}));
        let mut tls = meta("web-tls", Some(ns), u);
        tls["annotations"] = json!({"cert-manager.io/certificate-name": "web", "cert-manager.io/issuer-name": "letsencrypt"});
        f.add(json!({"apiVersion": "v1", "kind": "Secret", "metadata": tls, "type": "kubernetes.io/tls",
                     "data": {"tls.crt": B64.encode("-----BEGIN CERTIFICATE-----"), "tls.key": B64.encode("-----BEGIN EC PRIVATE KEY-----")}}));
        let mut helm = meta("sh.helm.release.v1.web.v1", Some(ns), u);
        helm["labels"] =
            json!({"owner": "helm", "name": "web", "status": "deployed", "version": "1"});
        let config = if i == 0 {
            json!({"database": {"url": DB_URL}, "replicaCount": 2})
        } else {
            json!({"replicaCount": 2})
        };
        f.add(json!({"apiVersion": "v1", "kind": "Secret", "metadata": helm, "type": "helm.sh/release.v1",
                     "data": {"release": helm_release_data("web", ns, config)}}));
        if i == 1 {
            let mut tok = meta("legacy-ci-token", Some(ns), u);
            tok["annotations"] = json!({"kubernetes.io/service-account.name": "default"});
            f.add(json!({"apiVersion": "v1", "kind": "Secret", "metadata": tok, "type": "kubernetes.io/service-account-token", "data": {"token": B64.encode("eyJhbGciOi")}}));
        }
        for s in 0..scale.secrets {
            let mut m = meta(&format!("svc-{s}-credentials"), Some(ns), u);
            m["managedFields"] = secret_managed_fields(TS_NEW);
            m["ownerReferences"] = owner(
                "ExternalSecret",
                "external-secrets.io/v1beta1",
                &format!("svc-{s}"),
            );
            f.add(json!({"apiVersion": "v1", "kind": "Secret", "metadata": m, "type": "Opaque", "data": {"token": B64.encode("x")}}));
        }
        // ConfigMaps.
        for c in 0..scale.configmaps {
            let data = if c == 0 && i % 4 == 0 {
                json!({"DATABASE_URL": DB_URL, "FEATURE_FLAGS": "a,b"})
            } else {
                json!({"LOG_LEVEL": "info", "listen": ":8080"})
            };
            f.add(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(&format!("config-{c}"), Some(ns), u), "data": data}));
        }
        // RBAC: a narrow role, and in one namespace a secret reader bound to everyone.
        f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta("app-config-reader", Some(ns), u),
                     "rules": [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["db-credentials"], "verbs": ["get"]},
                               {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}]}));
        f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta("app-config-reader", Some(ns), u),
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "app-config-reader"},
                     "subjects": [{"kind": "ServiceAccount", "name": "app", "namespace": ns}]}));
        if i % 3 == 0 {
            f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta("secret-reader", Some(ns), u),
                         "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}]}));
            let subject = if i == 0 {
                json!({"kind": "Group", "name": "system:authenticated", "apiGroup": "rbac.authorization.k8s.io"})
            } else {
                json!({"kind": "ServiceAccount", "name": "default", "namespace": ns})
            };
            f.add(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta("secret-reader", Some(ns), u),
                         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "secret-reader"},
                         "subjects": [subject]}));
        }
        // Workloads: deployment → replica set → pods.
        for d in 0..scale.deployments {
            let name = format!("svc-{d}");
            let sa = if d % 2 == 0 { "app" } else { "default" };
            let spec = pod_spec(sa, "db-credentials", d == 0);
            let mut dm = meta(&name, Some(ns), u);
            dm["labels"] = json!({"app": name});
            f.add(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": dm, "spec": {"replicas": scale.replicas,
                         "selector": {"matchLabels": {"app": name}}, "template": {"metadata": {"labels": {"app": name}}, "spec": spec}},
                         "status": {"replicas": scale.replicas, "readyReplicas": scale.replicas}}));
            let rs_name = format!("{name}-7d9f8c6b5");
            let mut rm = meta(&rs_name, Some(ns), u);
            rm["ownerReferences"] = owner("Deployment", "apps/v1", &name);
            f.add(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": rm, "spec": {"replicas": scale.replicas,
                         "selector": {"matchLabels": {"app": name}}, "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}}));
            for p in 0..scale.replicas {
                let mut pm = meta(&format!("{rs_name}-{p:05x}"), Some(ns), u);
                pm["ownerReferences"] = owner("ReplicaSet", "apps/v1", &rs_name);
                pm["labels"] = json!({"app": name});
                let mut ps = spec.clone();
                ps["nodeName"] = json!(format!("node-{}", p % 7));
                f.add(json!({"apiVersion": "v1", "kind": "Pod", "metadata": pm, "spec": ps,
                             "status": {"phase": "Running", "podIP": format!("10.1.{}.{}", i % 250, p % 250),
                                        "conditions": [{"type": "Ready", "status": "True"}]}}));
            }
        }
        if i % 4 == 1 {
            f.add(json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("nightly-report", Some(ns), u),
                         "spec": {"schedule": "0 2 * * *", "jobTemplate": {"spec": {"template": {"spec": pod_spec("default", "db-credentials", false)}}}}}));
        }
    }
    f
}

/// Behaviour switches of the server.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// The bearer token it accepts.
    pub token: String,
    /// Resources (plural) it refuses with 403.
    pub forbidden: HashSet<String>,
    /// Resource whose first continue token it expires with 410.
    pub expire_continue_once: Option<String>,
    /// Resource whose first list it throttles with 429 + `Retry-After: 1`.
    pub throttle_once: Option<String>,
    /// Resource whose first list fails with 503.
    pub fail_once: Option<String>,
    /// Resource whose first list is answered 200 with half its JSON body
    /// (a truncated response).
    pub truncate_once: Option<String>,
    /// Milliseconds to wait before every answer (a slow server).
    pub delay_ms: u64,
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    /// Method.
    pub method: String,
    /// Path and query.
    pub target: String,
    /// `Accept` header.
    pub accept: String,
    /// Status answered.
    pub status: u16,
}

struct State {
    fixture: Fixture,
    opts: ServerOptions,
    expired: Mutex<HashSet<String>>,
    log: Mutex<Vec<Logged>>,
    requests: AtomicU64,
    resource_version: u64,
}

/// A running fixture API server.
pub struct TestServer {
    addr: SocketAddr,
    ca_pem: String,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .finish()
    }
}

impl TestServer {
    /// Start on `127.0.0.1` (port 0 = any free port).
    pub fn start(fixture: Fixture, opts: ServerOptions, port: u16) -> io::Result<TestServer> {
        let other = |e: rcgen::Error| io::Error::other(e.to_string());
        let ca_key = rcgen::KeyPair::generate().map_err(other)?;
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(other)?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "credlint fixture CA");
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).map_err(other)?;
        let srv_key = rcgen::KeyPair::generate().map_err(other)?;
        let mut srv_params =
            rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
                .map_err(other)?;
        srv_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "kube-apiserver");
        let srv_cert = srv_params.signed_by(&srv_key, &ca).map_err(other)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| io::Error::other(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(
                vec![srv_cert.der().clone(), ca.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(srv_key.serialize_der().into()),
            )
            .map_err(|e| io::Error::other(e.to_string()))?;
        let config = Arc::new(config);
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            fixture,
            opts,
            expired: Mutex::new(HashSet::new()),
            log: Mutex::new(Vec::new()),
            requests: AtomicU64::new(0),
            resource_version: 424_242,
        });
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(tcp) = conn else { continue };
                    let (state, config) = (state.clone(), config.clone());
                    std::thread::spawn(move || {
                        let _ = serve_conn(tcp, config, &state);
                    });
                }
            });
        }
        Ok(TestServer {
            addr,
            ca_pem: ca.pem(),
            state,
            stop,
        })
    }

    /// `https://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.addr.port())
    }

    /// The CA certificate (PEM).
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// Requests served.
    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// The request log.
    pub fn log(&self) -> Vec<Logged> {
        self.state.log.lock().expect("log").clone()
    }

    /// Write a kubeconfig (context `fixture`) with the CA and `token` into `dir`.
    pub fn write_kubeconfig(&self, dir: &Path, token: &str) -> io::Result<PathBuf> {
        let path = dir.join("kubeconfig");
        let text = format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: fixture\nclusters:\n- name: fixture\n  cluster:\n    server: {}\n    certificate-authority-data: {}\ncontexts:\n- name: fixture\n  context:\n    cluster: fixture\n    user: auditor\nusers:\n- name: auditor\n  user:\n    token: {}\n",
            self.url(),
            B64.encode(&self.ca_pem),
            token
        );
        std::fs::write(&path, text)?;
        Ok(path)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve_conn(tcp: TcpStream, config: Arc<rustls::ServerConfig>, state: &State) -> io::Result<()> {
    tcp.set_nodelay(true)?;
    let conn =
        rustls::ServerConnection::new(config).map_err(|e| io::Error::other(e.to_string()))?;
    let tls = rustls::StreamOwned::new(conn, tcp);
    let mut reader = BufReader::new(tls);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        if let Some(n) = headers
            .get("content-length")
            .and_then(|n| n.parse::<usize>().ok())
        {
            let mut body = vec![0u8; n.min(1 << 20)];
            reader.read_exact(&mut body)?;
        }
        state.requests.fetch_add(1, Ordering::Relaxed);
        let accept = headers.get("accept").cloned().unwrap_or_default();
        let (status, extra, mut body) = handle(state, &method, &target, &headers);
        if let Some(r) = &state.opts.truncate_once {
            let (path, _) = query(&target);
            if status == 200
                && path.ends_with(&format!("/{r}"))
                && state
                    .expired
                    .lock()
                    .expect("expired")
                    .insert(format!("truncate:{r}"))
            {
                body.truncate(body.len() / 2);
            }
        }
        if state.opts.delay_ms > 0 {
            std::thread::sleep(std::time::Duration::from_millis(state.opts.delay_ms));
        }
        state.log.lock().expect("log").push(Logged {
            method,
            target,
            accept,
            status,
        });
        let reason = match status {
            200 => "OK",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            410 => "Gone",
            429 => "Too Many Requests",
            _ => "Service Unavailable",
        };
        let close = headers
            .get("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let mut head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-cache, private\r\n",
            body.len()
        );
        for (k, v) in extra {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(if close {
            "Connection: close\r\n\r\n"
        } else {
            "\r\n"
        });
        let w = reader.get_mut();
        w.write_all(head.as_bytes())?;
        w.write_all(&body)?;
        w.flush()?;
        if close {
            w.conn.send_close_notify();
            let _ = w.flush();
            return Ok(());
        }
    }
}

fn status(code: u16, reason: &str, message: &str, details: Json) -> Vec<u8> {
    serde_json::to_vec(&json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                               "message": message, "reason": reason, "details": details, "code": code}))
    .expect("json")
}

fn query(target: &str) -> (String, BTreeMap<String, String>) {
    let (path, q) = target.split_once('?').unwrap_or((target, ""));
    let mut m = BTreeMap::new();
    for kv in q.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        m.insert(k.to_string(), decode(v));
    }
    (path.to_string(), m)
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn group_versions() -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&str, &str)> = KINDS.iter().map(|k| (k.group, k.version)).collect();
    v.sort();
    v.dedup();
    v
}

fn resource_list(gv: &str, kinds: Vec<&Kind>) -> Json {
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": kinds.iter().map(|k| json!({
        "name": k.resource, "singularName": k.kind.to_ascii_lowercase(), "namespaced": k.namespaced, "kind": k.kind,
        "verbs": ["get", "list", "watch"], "storageVersionHash": "fixture"
    })).collect::<Vec<_>>()})
}

type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// The API server's 404 Status for an unknown path.
fn not_found() -> Answer {
    (
        404,
        Vec::new(),
        status(
            404,
            "NotFound",
            "the server could not find the requested resource",
            json!({}),
        ),
    )
}

fn handle(state: &State, method: &str, target: &str, headers: &BTreeMap<String, String>) -> Answer {
    let ok = |v: Json| (200, Vec::new(), serde_json::to_vec(&v).expect("json"));
    if headers.get("authorization").map(String::as_str)
        != Some(&format!("Bearer {}", state.opts.token))
    {
        return (
            401,
            Vec::new(),
            status(401, "Unauthorized", "Unauthorized", json!({})),
        );
    }
    if method != "GET" {
        return (
            405,
            Vec::new(),
            status(
                405,
                "MethodNotAllowed",
                "the fixture is read-only",
                json!({}),
            ),
        );
    }
    let (path, q) = query(target);
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["version"] => {
            return ok(
                json!({"major": "1", "minor": "31", "gitVersion": "v1.31.0-credlint-fixture", "platform": "linux/amd64"}),
            )
        }
        ["api"] => {
            return ok(
                json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]}),
            )
        }
        ["apis"] => {
            let groups: Vec<Json> = group_versions()
                .into_iter()
                .filter(|(g, _)| !g.is_empty())
                .map(|(g, v)| json!({"name": g, "versions": [{"groupVersion": format!("{g}/{v}"), "version": v}], "preferredVersion": {"groupVersion": format!("{g}/{v}"), "version": v}}))
                .collect();
            return ok(json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}));
        }
        ["api", "v1"] => {
            return ok(resource_list(
                "v1",
                KINDS.iter().filter(|k| k.group.is_empty()).collect(),
            ))
        }
        ["apis", g, v] => {
            let kinds: Vec<&Kind> = KINDS
                .iter()
                .filter(|k| k.group == *g && k.version == *v)
                .collect();
            if kinds.is_empty() {
                return (
                    404,
                    Vec::new(),
                    status(
                        404,
                        "NotFound",
                        "the server could not find the requested resource",
                        json!({}),
                    ),
                );
            }
            return ok(resource_list(&format!("{g}/{v}"), kinds));
        }
        _ => {}
    }
    // Lists: /api/v1[/namespaces/ns]/res, /apis/g/v[/namespaces/ns]/res
    let (group, version, rest): (&str, &str, &[&str]) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", v, rest),
        ["apis", g, v, rest @ ..] => (g, v, rest),
        _ => return not_found(),
    };
    let (ns, resource) = match rest {
        [r] => (None, *r),
        ["namespaces", ns, r] => (Some(*ns), *r),
        _ => return not_found(),
    };
    let Some(kind) = KINDS
        .iter()
        .find(|k| k.group == group && k.version == version && k.resource == resource)
    else {
        return (
            404,
            Vec::new(),
            status(
                404,
                "NotFound",
                "the server could not find the requested resource",
                json!({}),
            ),
        );
    };
    if state.opts.forbidden.contains(resource) {
        let scope = ns
            .map(|n| format!("in the namespace \"{n}\""))
            .unwrap_or_else(|| "at the cluster scope".into());
        let msg = format!("{resource} is forbidden: User \"system:serviceaccount:credlint:auditor\" cannot list resource \"{resource}\" in API group \"{group}\" {scope}");
        return (
            403,
            Vec::new(),
            status(403, "Forbidden", &msg, json!({"kind": resource})),
        );
    }
    let once = |which: &Option<String>, tag: &str| -> bool {
        which.as_deref() == Some(resource)
            && state
                .expired
                .lock()
                .expect("expired")
                .insert(format!("{tag}:{resource}"))
    };
    if once(&state.opts.throttle_once, "429") {
        return (
            429,
            vec![("Retry-After".into(), "1".into())],
            status(
                429,
                "TooManyRequests",
                "Too many requests, please try again later.",
                json!({"retryAfterSeconds": 1}),
            ),
        );
    }
    if once(&state.opts.fail_once, "503") {
        return (
            503,
            Vec::new(),
            status(
                503,
                "ServiceUnavailable",
                "etcdserver: leader changed",
                json!({}),
            ),
        );
    }
    let mut all: Vec<&Json> = state
        .fixture
        .of(resource)
        .iter()
        .filter(|o| ns.is_none_or(|n| o["metadata"]["namespace"].as_str() == Some(n)))
        .collect();
    if let Some(sel) = q.get("fieldSelector") {
        for clause in sel.split(',') {
            if let Some(t) = clause.strip_prefix("type=") {
                all.retain(|o| o["type"].as_str() == Some(t));
            } else if let Some(n) = clause.strip_prefix("metadata.namespace=") {
                all.retain(|o| o["metadata"]["namespace"].as_str() == Some(n));
            } else if let Some(n) = clause.strip_prefix("metadata.name=") {
                all.retain(|o| o["metadata"]["name"].as_str() == Some(n));
            }
        }
    }
    all.sort_by_key(|o| {
        (
            o["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            o["metadata"]["name"].as_str().unwrap_or("").to_string(),
        )
    });
    let start = match q.get("continue").filter(|c| !c.is_empty()) {
        None => 0,
        Some(tok) => {
            if once(&state.opts.expire_continue_once, "410") {
                let msg = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";
                return (410, Vec::new(), status(410, "Expired", msg, json!({})));
            }
            let Some(off) = B64
                .decode(tok)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.split(':').nth(1).and_then(|n| n.parse::<usize>().ok()))
            else {
                return (
                    400,
                    Vec::new(),
                    status(400, "BadRequest", "invalid continue token", json!({})),
                );
            };
            off
        }
    };
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let end = start.saturating_add(limit).min(all.len());
    let page = &all[start.min(end)..end];
    let metadata_only = headers.get("accept").is_some_and(|a| {
        a.split(',')
            .next()
            .is_some_and(|first| first.contains("as=PartialObjectMetadataList"))
    });
    let items: Vec<Json> = page
        .iter()
        .map(|o| {
            if metadata_only {
                json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o["metadata"]})
            } else {
                let mut o = (*o).clone();
                if let Some(m) = o.as_object_mut() {
                    m.remove("kind");
                    m.remove("apiVersion");
                }
                o
            }
        })
        .collect();
    let mut md = json!({"resourceVersion": state.resource_version.to_string()});
    if end < all.len() {
        md["continue"] = json!(B64.encode(format!("{}:{end}:{resource}", state.resource_version)));
        md["remainingItemCount"] = json!(all.len() - end);
    }
    let list = if metadata_only {
        json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": md, "items": items})
    } else {
        json!({"kind": format!("{}List", kind.kind), "apiVersion": kind.api_version(), "metadata": md, "items": items})
    };
    ok(list)
}

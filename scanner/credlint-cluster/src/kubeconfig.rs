//! Where the API server is and how to authenticate: a kubeconfig
//! (`KUBECONFIG`, a colon-separated list merged the way kubectl merges it,
//! or `~/.kube/config`), or the in-cluster service-account configuration
//! when we run as a pod.
//!
//! The kubeconfig is YAML; we read it with credlint-k8s's bounded YAML
//! loader rather than a second YAML parser. Supported credentials: bearer
//! `token`, `tokenFile`, client certificates (`client-certificate[-data]`,
//! `client-key[-data]`), basic auth, and `exec` plugins (the
//! `client.authentication.k8s.io` ExecCredential protocol, as used by
//! `aws eks get-token`, `gke-gcloud-auth-plugin` and `kubelogin`). The
//! deprecated `auth-provider` plugins are not supported (a clear error).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use credlint_core::LineIndex;
use credlint_k8s::Node;

use crate::ClusterError;

/// How to reach one API server.
#[derive(Clone)]
pub struct Connection {
    /// Base URL, e.g. `https://10.0.0.1:6443` (no trailing slash).
    pub server: String,
    /// Context name written into every finding (`in-cluster` in a pod).
    pub context: String,
    /// The context's default namespace, if any.
    pub namespace: Option<String>,
    /// PEM of the CA bundle that signs the server certificate (`None`: the platform roots).
    pub ca_pem: Option<Vec<u8>>,
    /// `insecure-skip-tls-verify: true`.
    pub insecure: bool,
    /// A bearer token.
    pub token: Option<String>,
    /// Basic auth user and password.
    pub basic: Option<(String, String)>,
    /// A client certificate chain and key, PEM.
    pub client_cert: Option<(Vec<u8>, Vec<u8>)>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Credentials are never printed, not even in debug output.
        f.debug_struct("Connection")
            .field("server", &self.server)
            .field("context", &self.context)
            .field("namespace", &self.namespace)
            .field("insecure", &self.insecure)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field(
                "client_cert",
                &self.client_cert.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

const SA_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Resolve the connection: an explicit kubeconfig path, else `KUBECONFIG`,
/// else `~/.kube/config`, else the in-cluster configuration.
pub fn resolve(
    kubeconfig: Option<&Path>,
    context: Option<&str>,
) -> Result<Connection, ClusterError> {
    let files: Vec<PathBuf> = match kubeconfig {
        Some(p) => vec![p.to_path_buf()],
        None => match std::env::var_os("KUBECONFIG") {
            Some(v) if !v.is_empty() => std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect(),
            _ => {
                let home = std::env::var_os("HOME").map(PathBuf::from);
                match home.map(|h| h.join(".kube/config")).filter(|p| p.is_file()) {
                    Some(p) => vec![p],
                    None => return in_cluster(),
                }
            }
        },
    };
    from_files(&files, context)
}

/// The in-cluster configuration of a pod.
pub fn in_cluster() -> Result<Connection, ClusterError> {
    let host = std::env::var("KUBERNETES_SERVICE_HOST").map_err(|_| {
        ClusterError::Config(
            "no kubeconfig found (KUBECONFIG, --kubeconfig, ~/.kube/config) and not running in a pod".into(),
        )
    })?;
    let port = std::env::var("KUBERNETES_SERVICE_PORT").unwrap_or_else(|_| "443".into());
    let dir = Path::new(SA_DIR);
    let token = std::fs::read_to_string(dir.join("token"))
        .map_err(|e| ClusterError::Config(format!("in-cluster token {SA_DIR}/token: {e}")))?;
    let ca = std::fs::read(dir.join("ca.crt"))
        .map_err(|e| ClusterError::Config(format!("in-cluster CA {SA_DIR}/ca.crt: {e}")))?;
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    Ok(Connection {
        server: format!("https://{host}:{port}"),
        context: "in-cluster".into(),
        namespace: std::fs::read_to_string(dir.join("namespace"))
            .ok()
            .map(|s| s.trim().to_string()),
        ca_pem: Some(ca),
        insecure: false,
        token: Some(token.trim().to_string()),
        basic: None,
        client_cert: None,
    })
}

struct Loaded {
    root: Node,
    dir: PathBuf,
}

fn load(path: &Path) -> Result<Loaded, ClusterError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ClusterError::Config(format!("kubeconfig {}: {e}", path.display())))?;
    let lines = LineIndex::new(text.as_bytes());
    let (docs, err) =
        credlint_k8s::yaml::load(&text, &lines, credlint_k8s::yaml::Limits::default());
    if let Some(e) = err {
        return Err(ClusterError::Config(format!(
            "kubeconfig {}: {e}",
            path.display()
        )));
    }
    let root = docs
        .into_iter()
        .next()
        .unwrap_or_else(|| Node::new(credlint_k8s::Value::Null));
    Ok(Loaded {
        root,
        dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
    })
}

fn text(n: Option<&Node>) -> Option<&str> {
    n.and_then(Node::scalar_text).filter(|s| !s.is_empty())
}

/// The first named entry of `section` across the files (kubectl's merge rule: first wins).
fn named<'a>(files: &'a [Loaded], section: &str, name: &str) -> Option<(&'a Node, &'a Path)> {
    files.iter().find_map(|f| {
        f.root
            .get(section)?
            .items()
            .iter()
            .find(|e| text(e.get("name")) == Some(name))
            .map(|e| (e, f.dir.as_path()))
    })
}

/// Read a kubeconfig from one or more files.
pub fn from_files(paths: &[PathBuf], context: Option<&str>) -> Result<Connection, ClusterError> {
    let files: Vec<Loaded> = paths
        .iter()
        .filter(|p| p.exists() || paths.len() == 1)
        .map(|p| load(p))
        .collect::<Result<_, _>>()?;
    let ctx_name = match context {
        Some(c) => c.to_string(),
        None => files
            .iter()
            .find_map(|f| text(f.root.get("current-context")))
            .ok_or_else(|| {
                ClusterError::Config("kubeconfig has no current-context; pass --context".into())
            })?
            .to_string(),
    };
    let (ctx, _) = named(&files, "contexts", &ctx_name).ok_or_else(|| {
        ClusterError::Config(format!("context `{ctx_name}` not found in the kubeconfig"))
    })?;
    let ctx = ctx
        .get("context")
        .ok_or_else(|| ClusterError::Config(format!("context `{ctx_name}` is empty")))?;
    let cluster_name = text(ctx.get("cluster"))
        .ok_or_else(|| ClusterError::Config(format!("context `{ctx_name}` names no cluster")))?;
    let (cluster, cdir) = named(&files, "clusters", cluster_name).ok_or_else(|| {
        ClusterError::Config(format!(
            "cluster `{cluster_name}` not found in the kubeconfig"
        ))
    })?;
    let cluster = cluster
        .get("cluster")
        .ok_or_else(|| ClusterError::Config(format!("cluster `{cluster_name}` is empty")))?;
    let server = text(cluster.get("server"))
        .ok_or_else(|| ClusterError::Config(format!("cluster `{cluster_name}` has no server")))?
        .trim_end_matches('/')
        .to_string();
    let ca_pem = data_or_file(
        cluster,
        "certificate-authority-data",
        "certificate-authority",
        cdir,
    )?;
    let insecure = matches!(
        cluster.get("insecure-skip-tls-verify").map(|n| &n.value),
        Some(credlint_k8s::Value::Bool(true))
    );
    let mut conn = Connection {
        server,
        context: ctx_name.clone(),
        namespace: text(ctx.get("namespace")).map(str::to_string),
        ca_pem,
        insecure,
        token: None,
        basic: None,
        client_cert: None,
    };
    if let Some(user_name) = text(ctx.get("user")) {
        let (user, udir) = named(&files, "users", user_name).ok_or_else(|| {
            ClusterError::Config(format!("user `{user_name}` not found in the kubeconfig"))
        })?;
        if let Some(user) = user.get("user") {
            apply_user(&mut conn, user, udir)?;
        }
    }
    Ok(conn)
}

fn resolve_path(dir: &Path, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    }
}

fn data_or_file(
    n: &Node,
    data_key: &str,
    file_key: &str,
    dir: &Path,
) -> Result<Option<Vec<u8>>, ClusterError> {
    if let Some(d) = text(n.get(data_key)) {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(d.trim())
            .map_err(|e| {
                ClusterError::Config(format!("kubeconfig `{data_key}` is not base64: {e}"))
            })?;
        return Ok(Some(bytes));
    }
    if let Some(f) = text(n.get(file_key)) {
        let path = resolve_path(dir, f);
        let bytes = std::fs::read(&path).map_err(|e| {
            ClusterError::Config(format!("kubeconfig `{file_key}` {}: {e}", path.display()))
        })?;
        return Ok(Some(bytes));
    }
    Ok(None)
}

fn apply_user(conn: &mut Connection, user: &Node, dir: &Path) -> Result<(), ClusterError> {
    let cert = data_or_file(user, "client-certificate-data", "client-certificate", dir)?;
    let key = data_or_file(user, "client-key-data", "client-key", dir)?;
    if let (Some(c), Some(k)) = (cert, key) {
        conn.client_cert = Some((c, k));
    }
    if let Some(t) = text(user.get("token")) {
        conn.token = Some(t.to_string());
    } else if let Some(f) = text(user.get("tokenFile")) {
        let path = resolve_path(dir, f);
        let t = std::fs::read_to_string(&path).map_err(|e| {
            ClusterError::Config(format!("kubeconfig tokenFile {}: {e}", path.display()))
        })?;
        conn.token = Some(t.trim().to_string());
    }
    if let (Some(u), Some(p)) = (text(user.get("username")), text(user.get("password"))) {
        conn.basic = Some((u.to_string(), p.to_string()));
    }
    if let Some(exec) = user.get("exec") {
        run_exec(conn, exec)?;
    }
    if user.get("auth-provider").is_some() && conn.token.is_none() && conn.client_cert.is_none() {
        return Err(ClusterError::Config(
            "kubeconfig user uses a legacy `auth-provider` plugin; switch it to an `exec` credential plugin".into(),
        ));
    }
    Ok(())
}

/// Run an `exec` credential plugin and take its token or client certificate.
fn run_exec(conn: &mut Connection, exec: &Node) -> Result<(), ClusterError> {
    let command = text(exec.get("command"))
        .ok_or_else(|| ClusterError::Config("exec plugin without a command".into()))?;
    let api_version = text(exec.get("apiVersion")).unwrap_or("client.authentication.k8s.io/v1");
    let mut cmd = std::process::Command::new(command);
    cmd.args(exec.get("args").map(|a| a.strings()).unwrap_or_default());
    for e in exec.get("env").map(|e| e.items()).unwrap_or_default() {
        if let (Some(n), Some(v)) = (
            text(e.get("name")),
            e.get("value").and_then(Node::scalar_text),
        ) {
            cmd.env(n, v);
        }
    }
    let info = serde_json::json!({
        "apiVersion": api_version,
        "kind": "ExecCredential",
        "spec": { "interactive": false, "cluster": { "server": conn.server } },
    });
    cmd.env("KUBERNETES_EXEC_INFO", info.to_string());
    cmd.stdin(std::process::Stdio::null());
    cmd.stderr(std::process::Stdio::inherit());
    let out = cmd
        .output()
        .map_err(|e| ClusterError::Config(format!("exec credential plugin `{command}`: {e}")))?;
    if !out.status.success() {
        return Err(ClusterError::Config(format!(
            "exec credential plugin `{command}` failed: {}",
            out.status
        )));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        ClusterError::Config(format!(
            "exec credential plugin `{command}` printed no ExecCredential: {e}"
        ))
    })?;
    let status = &v["status"];
    if let Some(t) = status["token"].as_str() {
        conn.token = Some(t.to_string());
    }
    if let (Some(c), Some(k)) = (
        status["clientCertificateData"].as_str(),
        status["clientKeyData"].as_str(),
    ) {
        conn.client_cert = Some((c.as_bytes().to_vec(), k.as_bytes().to_vec()));
    }
    if conn.token.is_none() && conn.client_cert.is_none() {
        return Err(ClusterError::Config(format!(
            "exec credential plugin `{command}` returned no token or certificate"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_files_first_wins_and_resolves_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), b"CA").unwrap();
        std::fs::write(dir.path().join("tok"), b"tok-from-file\n").unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::write(
            &a,
            "apiVersion: v1\nkind: Config\ncurrent-context: dev\ncontexts:\n- name: dev\n  context: {cluster: c1, user: u1, namespace: team}\n",
        )
        .unwrap();
        std::fs::write(
            &b,
            "clusters:\n- name: c1\n  cluster: {server: 'https://127.0.0.1:6443/', certificate-authority: ca.pem}\nusers:\n- name: u1\n  user: {tokenFile: tok}\ncontexts:\n- name: dev\n  context: {cluster: other, user: u1}\n",
        )
        .unwrap();
        let c = from_files(&[a, b], None).unwrap();
        assert_eq!(c.server, "https://127.0.0.1:6443");
        assert_eq!(c.context, "dev");
        assert_eq!(c.namespace.as_deref(), Some("team"));
        assert_eq!(c.ca_pem.as_deref(), Some(&b"CA"[..]));
        assert_eq!(c.token.as_deref(), Some("tok-from-file"));
        assert!(!format!("{c:?}").contains("tok-from-file"));
    }

    #[test]
    fn unknown_context_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, "current-context: x\ncontexts: []\n").unwrap();
        let e = from_files(&[a], None).unwrap_err();
        assert!(e.to_string().contains("`x` not found"), "{e}");
    }
}

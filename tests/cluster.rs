//! `credlint cluster` end to end: the real binary against a loopback HTTPS
//! Kubernetes API server serving a realistic fixture cluster (pagination,
//! an expired continue token, a 403, a 429 and a 503 on the way), the real
//! `kubectl` against the same server, a real `etcd` for the
//! encryption-at-rest proof, and the HTML report in headless Chromium.
//!
//! Tools that are not installed skip their test with a message, unless `CI`
//! is set: in CI every test must run.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use credlint_cluster::testserver::{
    realistic_cluster, Fixture, Scale, ServerOptions, TestServer, DB_URL,
};
use serde_json::{json, Value};

const TOKEN: &str = "test-token-4f9a2c";
/// The password of the fixture's unmanaged `db-credentials` Secrets.
const DB_PASSWORD: &str = "Zq8vN3rT6wY1uB5x";

fn credlint() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("credlint").expect("binary");
    c.env_remove("KUBECONFIG").env("NO_COLOR", "1");
    c
}

/// `credlint cluster --kubeconfig K ARGS…`, bounded in time.
fn cluster_cmd(kubeconfig: &std::path::Path, args: &[&str]) -> std::process::Output {
    credlint()
        .arg("cluster")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap()
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// `Some(path)` of a tool, `None` to skip (only outside CI).
fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            !in_ci(),
            "`{name}` is not installed, and CI is set: this test must run in CI"
        );
        eprintln!("SKIP: `{name}` is not installed (set CI=1 to make this a failure)");
    }
    found
}

struct Cluster {
    server: TestServer,
    fixture: Fixture,
    _dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

fn start(opts: ServerOptions) -> Cluster {
    let fixture = realistic_cluster(Scale::SMALL);
    let server = TestServer::start(
        fixture.clone(),
        ServerOptions {
            token: TOKEN.into(),
            ..opts
        },
        0,
    )
    .expect("server starts");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = server.write_kubeconfig(dir.path(), TOKEN).unwrap();
    Cluster {
        server,
        fixture,
        _dir: dir,
        kubeconfig,
    }
}

fn run_json(c: &Cluster, extra: &[&str]) -> (i32, Value, String) {
    let out = credlint()
        .arg("cluster")
        .arg("--kubeconfig")
        .arg(&c.kubeconfig)
        .args(["-f", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "JSON: {e}\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v, stdout)
}

fn ids(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn audits_a_realistic_cluster_through_pagination_errors_and_retries() {
    let c = start(ServerOptions {
        forbidden: ["daemonsets".to_string()].into(),
        expire_continue_once: Some("secrets".into()),
        throttle_once: Some("configmaps".into()),
        fail_once: Some("roles".into()),
        ..Default::default()
    });
    let t = Instant::now();
    let (code, v, text) = run_json(&c, &["--page-size", "7"]);
    assert_eq!(code, 1, "high findings exit 1");
    assert!(t.elapsed() < Duration::from_secs(30));
    let cl = &v["cluster"];
    let stats = &cl["stats"];

    // Every object of every kind was listed, across pages and a restart.
    for (kind, res) in [
        ("Pod", "pods"),
        ("Secret", "secrets"),
        ("ConfigMap", "configmaps"),
        ("Role", "roles"),
        ("Deployment", "deployments"),
    ] {
        assert_eq!(
            stats["listed"][kind].as_u64().unwrap() as usize,
            c.fixture.of(res).len(),
            "{kind}"
        );
    }
    assert_eq!(
        stats["restarts"], 1,
        "the expired continue token restarted the secrets list"
    );
    assert!(
        stats["retries"].as_u64().unwrap() >= 2,
        "429 and 503 were retried: {stats}"
    );
    assert!(
        stats["pages"].as_u64().unwrap() > 20,
        "page size 7 means many pages"
    );

    // The 403 is reported, not passed.
    let na = cl["not_audited"].as_array().unwrap();
    assert_eq!(na.len(), 1, "{na:?}");
    assert_eq!(na[0]["kind"], "DaemonSet");
    assert!(
        na[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("forbidden: daemonsets is forbidden"),
        "{na:?}"
    );

    // Secrets were only ever asked for as metadata; no value reached the output.
    let log = c.server.log();
    let secret_reqs: Vec<_> = log
        .iter()
        .filter(|l| l.target.contains("/secrets"))
        .collect();
    assert!(secret_reqs.len() >= 3);
    for l in &secret_reqs {
        assert!(
            l.accept
                .starts_with("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"),
            "{l:?}"
        );
    }
    assert!(log.iter().all(|l| l.method == "GET"), "read-only");
    assert!(!text.contains(DB_PASSWORD));
    assert!(!text.contains(&base64::engine::general_purpose::STANDARD.encode(DB_PASSWORD)));

    // The file checks ran unchanged on live objects, and the live-only ones too.
    let found = ids(&v);
    for id in [
        "env-secret-ref",
        "automount-token",
        "configmap-credential",
        "rbac-secrets-read",
        "rbac-broad-subject",
        "rbac-secrets-via-workloads",
        "legacy-sa-token-secret",
        "apiserver-no-encryption-config",
        "apiserver-service-account-tokens",
        "workload-secrets-path",
        "secret-unmanaged",
        "secret-stale",
        "rbac-secret-readers",
        "workload-identity-fallback",
    ] {
        assert!(found.iter().any(|f| f == id), "{id} missing from {found:?}");
    }
    // Unmanaged = exactly the hand-made db-credentials, one per team namespace.
    let unmanaged: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "secret-unmanaged")
        .collect();
    assert_eq!(unmanaged.len(), Scale::SMALL.namespaces);
    assert!(unmanaged
        .iter()
        .all(|f| f["object"]["name"] == "db-credentials"));
    // Owned pods are judged through their deployment: env-secret-ref once per template.
    let env_refs = found.iter().filter(|f| *f == "env-secret-ref").count();
    assert!(
        env_refs < c.fixture.of("pods").len(),
        "replicas were not judged one by one"
    );
    // Locations are k8s:// URIs with the context.
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["uri"].as_str().unwrap().starts_with("k8s://fixture/")));

    // The readers matrix: cluster-wide via aggregation, the broad group, workload paths.
    let rows = cl["secret_readers"]["rows"].as_array().unwrap();
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{name} not in {rows:?}"))
    };
    assert_eq!(row("monitoring/prometheus")["scopes"]["*"], "direct");
    assert_eq!(row("alice@example.com")["scopes"]["*"], "direct");
    assert_eq!(row("system:authenticated")["scopes"]["team-000"], "direct");
    assert_eq!(row("ci/deployer")["scopes"]["*"], "via_workloads");
    assert_eq!(row("team-001/app")["scopes"]["team-001"], "named");
    assert!(
        !rows.iter().any(|r| r["name"] == "system:masters"),
        "defaults are left out"
    );
}

#[test]
fn sarif_validates_and_points_at_objects() {
    let c = start(ServerOptions::default());
    let out = credlint()
        .arg("cluster")
        .arg("--kubeconfig")
        .arg(&c.kubeconfig)
        .args(["-f", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema = common::sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| e.to_string())
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap_or("");
    let logical = results[0]["locations"][0].to_string();
    assert!(
        uri.starts_with("k8s://fixture/") || logical.contains("k8s://fixture/"),
        "{}",
        results[0]
    );
    let rules: HashSet<&str> = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in [
        "secrets-at-rest",
        "rbac-secret-readers",
        "secret-unmanaged",
        "env-secret-ref",
    ] {
        assert!(rules.contains(id), "{id}");
    }
}

#[test]
fn wrong_token_is_exit_2_with_a_clear_message() {
    let c = start(ServerOptions::default());
    let text = std::fs::read_to_string(&c.kubeconfig)
        .unwrap()
        .replace(TOKEN, "wrong");
    std::fs::write(&c.kubeconfig, text).unwrap();
    let out = credlint()
        .arg("cluster")
        .arg("--kubeconfig")
        .arg(&c.kubeconfig)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("401 Unauthorized"), "{err}");
}

#[test]
fn everything_forbidden_is_exit_2_not_a_clean_report() {
    let forbidden = credlint_cluster::source::KINDS
        .iter()
        .map(|k| k.resource.to_string())
        .collect();
    let c = start(ServerOptions {
        forbidden,
        ..Default::default()
    });
    let out = credlint()
        .arg("cluster")
        .arg("--kubeconfig")
        .arg(&c.kubeconfig)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing could be audited"));
}

#[test]
fn namespace_flag_reads_one_namespace() {
    let c = start(ServerOptions::default());
    let (_, v, _) = run_json(&c, &["-n", "team-003"]);
    let log = c.server.log();
    assert!(log
        .iter()
        .any(|l| l.target.starts_with("/api/v1/namespaces/team-003/pods")));
    assert!(!log.iter().any(|l| l.target.starts_with("/api/v1/pods")));
    for f in v["findings"].as_array().unwrap() {
        let ns = f["object"]["namespace"].as_str();
        assert!(ns.is_none() || ns == Some("team-003"), "{f}");
    }
}

#[test]
fn helm_release_values_with_read_secret_values_are_scanned_and_masked() {
    let c = start(ServerOptions::default());
    let (_, v, text) = run_json(&c, &["--read-secret-values"]);
    let helm: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "helm-release-values")
        .collect();
    assert_eq!(helm.len(), 1, "{helm:?}");
    assert_eq!(helm[0]["object"]["namespace"], "team-000");
    assert_eq!(helm[0]["properties"]["values_path"], "database.url");
    assert!(helm[0]["secret"].as_str().unwrap().contains('*'), "masked");
    assert!(
        !text.contains("q8Xv2LmT9zKp"),
        "the password of {DB_URL} is never printed"
    );
    assert!(c
        .server
        .log()
        .iter()
        .filter(|l| l.target.contains("/secrets"))
        .all(|l| l.accept == "application/json"));
}

#[test]
fn waivers_are_honoured_listed_and_expired_or_unused_ones_reported() {
    let c = start(ServerOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("waivers.toml");
    std::fs::write(
        &w,
        r#"
[[waiver]]
check = "secret-unmanaged"
namespace = "team-00*"
kind = "Secret"
name = "db-credentials"
reason = "migrating to ESO in Q1"
expires = "2999-12-31"

[[waiver]]
check = "workload-identity-fallback"
reason = "old exception"
expires = "2020-01-01"

[[waiver]]
check = "rbac-wildcard"
namespace = "nowhere"
reason = "never matches"
"#,
    )
    .unwrap();
    let (_, v, _) = run_json(&c, &["--waivers", w.to_str().unwrap()]);
    let findings = v["findings"].as_array().unwrap();
    let waived: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule_id"] == "secret-unmanaged")
        .collect();
    assert!(
        waived
            .iter()
            .all(|f| f["suppressed"]["detail"] == "waiver: migrating to ESO in Q1"),
        "{waived:?}"
    );
    assert!(
        findings
            .iter()
            .filter(|f| f["rule_id"] == "workload-identity-fallback")
            .all(|f| f.get("suppressed").is_none()),
        "expired waives nothing"
    );
    let ws = v["cluster"]["waivers"].as_array().unwrap();
    assert_eq!(
        ws[0]["matched"].as_u64().unwrap() as usize,
        Scale::SMALL.namespaces
    );
    assert_eq!(ws[1]["expired"], true);
    assert_eq!(ws[2]["matched"], 0);
    let notices = v["notices"].to_string();
    assert!(
        notices.contains("expired since 2020-01-01") && notices.contains("unused"),
        "{notices}"
    );
}

#[test]
fn markdown_report_has_every_section() {
    let c = start(ServerOptions {
        forbidden: ["cronjobs".to_string()].into(),
        ..Default::default()
    });
    let out = credlint()
        .arg("cluster")
        .arg("--kubeconfig")
        .arg(&c.kubeconfig)
        .args(["-f", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    for s in [
        "# credlint cluster audit: `fixture`",
        "## Summary",
        "## Who can read Secrets",
        "## Findings",
        "### team-000",
        "#### `secret-unmanaged`",
        "**Remediation:**",
        "## Not audited",
        "**CronJob**: forbidden",
    ] {
        assert!(md.contains(s), "{s} missing");
    }
    assert!(!md.contains(DB_PASSWORD));
}

/// The fixture server is honest: the real kubectl lists everything from it.
#[test]
fn kubectl_reads_the_fixture_server() {
    let Some(kubectl) = tool("kubectl") else {
        return;
    };
    let c = start(ServerOptions::default());
    for (res, n) in [
        ("secrets", c.fixture.of("secrets").len()),
        ("pods", c.fixture.of("pods").len()),
        ("rolebindings", c.fixture.of("rolebindings").len()),
    ] {
        let out = Command::new(&kubectl)
            .env("KUBECONFIG", &c.kubeconfig)
            .env("HOME", c._dir.path())
            .args(["get", res, "-A", "--chunk-size=2", "-o", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "kubectl get {res}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let items = v["items"].as_array().unwrap();
        assert_eq!(items.len(), n, "kubectl got every {res}");
        let names: HashSet<(String, String)> = items
            .iter()
            .map(|i| {
                (
                    i["metadata"]["namespace"].as_str().unwrap().to_string(),
                    i["metadata"]["name"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(names.len(), n, "no duplicates across pages");
    }
    let pages = c
        .server
        .log()
        .iter()
        .filter(|l| l.target.starts_with("/api/v1/secrets?") && l.target.contains("limit=2"))
        .count();
    assert!(
        pages >= c.fixture.of("secrets").len() / 2,
        "kubectl paginated: {pages} pages"
    );
    // And kubectl sees the metadata-only form the audit asks for.
    let out = Command::new(&kubectl)
        .env("KUBECONFIG", &c.kubeconfig)
        .env("HOME", c._dir.path())
        .args([
            "get",
            "--raw",
            "/api/v1/namespaces/team-000/secrets?limit=1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Etcd {
    child: std::process::Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Etcd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_etcd(bin: &Path) -> Etcd {
    let dir = tempfile::tempdir().unwrap();
    let (client, peer) = (free_port(), free_port());
    let url = format!("http://127.0.0.1:{client}");
    let child = Command::new(bin)
        .args(["--name", "credlint-test", "--data-dir"])
        .arg(dir.path().join("data"))
        .args([
            "--listen-client-urls",
            &url,
            "--advertise-client-urls",
            &url,
        ])
        .args([
            "--listen-peer-urls",
            &format!("http://127.0.0.1:{peer}"),
            "--initial-advertise-peer-urls",
            &format!("http://127.0.0.1:{peer}"),
        ])
        .args([
            "--initial-cluster",
            &format!("credlint-test=http://127.0.0.1:{peer}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("etcd starts");
    let etcd = Etcd {
        child,
        url,
        _dir: dir,
    };
    let agent = ureq_free_health(&etcd.url);
    assert!(agent, "etcd did not become healthy");
    etcd
}

/// Poll `/health` with a plain TCP HTTP/1.0 request (no client crate needed).
fn ureq_free_health(url: &str) -> bool {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://").to_string();
    for _ in 0..100 {
        if let Ok(mut s) = std::net::TcpStream::connect(&addr) {
            let _ = s.write_all(b"GET /health HTTP/1.0\r\n\r\n");
            let mut r = String::new();
            let _ = s.read_to_string(&mut r);
            if r.contains("\"health\":\"true\"") {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

fn etcd_put(url: &str, key: &str, value: &[u8]) {
    use std::io::{Read, Write};
    let b64 = base64::engine::general_purpose::STANDARD;
    let body = json!({"key": b64.encode(key), "value": b64.encode(value)}).to_string();
    let addr = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "POST /v3/kv/put HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).unwrap();
    assert!(
        r.starts_with("HTTP/1.0 200") || r.starts_with("HTTP/1.1 200"),
        "{r}"
    );
}

/// Bytes as kube-apiserver stores a Secret without encryption: `k8s\0` + protobuf Unknown.
fn raw_protobuf_secret(ns: &str, name: &str) -> Vec<u8> {
    let mut v = b"k8s\x00\x0a\x0c\x0a\x02v1\x12\x06Secret\x12".to_vec();
    let inner = format!(
        "\x0a\x1e\x0a{}{name}\x12{}{ns}",
        name.len() as u8 as char,
        ns.len() as u8 as char
    );
    v.push(inner.len() as u8);
    v.extend_from_slice(inner.as_bytes());
    v.extend_from_slice(b"\x12\x0c\x0a\x08password\x12\x10Zq8vN3rT6wY1uB5x");
    v
}

#[test]
fn secrets_at_rest_reads_a_real_etcd() {
    let Some(bin) = tool("etcd") else { return };
    let etcd = start_etcd(&bin);
    let mut plain = 0;
    for i in 0..120 {
        let (ns, name) = (format!("team-{:03}", i % 8), format!("s-{i:03}"));
        let key = format!("/registry/secrets/{ns}/{name}");
        let value: Vec<u8> = match i % 4 {
            0 => {
                plain += 1;
                raw_protobuf_secret(&ns, &name)
            }
            1 => [
                b"k8s:enc:aescbc:v1:key1:".as_slice(),
                &[0x8a, 0x3f, 0x00, 0xff, 0x10, 0x20],
            ]
            .concat(),
            2 => [
                b"k8s:enc:kms:v2:vault-kms:".as_slice(),
                &[0x0a, 0x20, 0x00, 0xee],
            ]
            .concat(),
            _ => [b"k8s:enc:secretbox:v1:key2:".as_slice(), &[0x00; 40]].concat(),
        };
        etcd_put(&etcd.url, &key, &value);
    }
    // Other resources under /registry are not read as Secrets.
    etcd_put(&etcd.url, "/registry/configmaps/team-000/c", b"k8s\x00cm");
    let c = start(ServerOptions::default());
    let (_, v, text) = run_json(&c, &["--etcd", &etcd.url]);
    let rest = &v["cluster"]["encryption_at_rest"];
    assert_eq!(
        rest["etcd"]["counts"],
        json!({"aescbc:key1": 30, "kms-v2:vault-kms": 30, "secretbox:key2": 30, "unencrypted": plain}),
        "{rest}"
    );
    assert_eq!(
        rest["verdict"],
        format!("{plain} of 120 Secrets in etcd are stored unencrypted")
    );
    let at_rest: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "secrets-at-rest")
        .collect();
    assert_eq!(at_rest.len(), plain);
    assert!(at_rest
        .iter()
        .all(|f| f["severity"] == "high" && f["object"]["kind"] == "Secret"));
    assert!(!text.contains(DB_PASSWORD), "values are never printed");
    assert!(
        v["cluster"]["stats"]["etcd_requests"].as_u64().unwrap() >= 3,
        "keys-only pass, then value pages"
    );

    // A wrong endpoint is "not audited", never "encrypted".
    let (_, v, _) = run_json(&c, &["--etcd", "http://127.0.0.1:1", "--retries", "0"]);
    assert!(v["cluster"]["encryption_at_rest"]["verdict"]
        .as_str()
        .unwrap()
        .starts_with("not proven"));
    assert!(v["cluster"]["not_audited"].to_string().contains("etcd"));
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let c = start(ServerOptions {
        forbidden: ["statefulsets".to_string()].into(),
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let json_out = dir.path().join("report.json");
    credlint()
        .arg("cluster")
        .arg("--kubeconfig")
        .arg(&c.kubeconfig)
        .args(["-f", "html", "-o"])
        .arg(&html)
        .assert()
        .code(1);
    credlint()
        .arg("cluster")
        .arg("--kubeconfig")
        .arg(&c.kubeconfig)
        .args(["-f", "json", "-o"])
        .arg(&json_out)
        .assert()
        .code(1);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        !page.contains("http://") || !page.contains("src=\"http"),
        "no external assets"
    );
    assert!(!page.contains("<script"), "no scripts");
    // The RBAC section shows the workload → service account → binding →
    // role → rule chains of workload-secrets-path.
    assert!(
        page.contains("Workloads whose token reaches Secrets"),
        "workload chains missing from the RBAC section"
    );
    let Some(chromium) = tool("chromium") else {
        return;
    };
    let profile = dir.path().join("profile");
    let out = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("id=\"summary\"") && dom.contains("data-severity=\"critical\""),
        "summary renders"
    );
    assert!(dom.contains("Encryption at rest: not proven"));
    assert!(dom.contains("id=\"readers\"") && dom.contains("monitoring/prometheus"));
    assert!(
        dom.contains("<b>StatefulSet</b>: forbidden"),
        "not-audited section"
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json_out).unwrap()).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.len() > 50);
    for f in findings {
        let fp = f["fingerprint"].as_str().unwrap();
        assert!(
            dom.contains(&format!("data-fingerprint=\"{fp}\"")),
            "finding {fp} ({}) renders",
            f["rule_id"]
        );
    }
    assert_eq!(dom.matches("class=\"finding").count(), findings.len());
    if let Ok(shot) = std::env::var("CREDLINT_SCREENSHOT") {
        let _ = Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--window-size=1400,2000",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--screenshot={shot}"))
            .arg(format!("file://{}", html.display()))
            .stderr(Stdio::null())
            .status();
    }
}

/// Against a real cluster: `CREDLINT_TEST_KUBECONFIG=~/.kube/config cargo test -p credlint --test cluster -- --ignored`.
#[test]
#[ignore = "needs a real cluster: set CREDLINT_TEST_KUBECONFIG"]
fn real_cluster_audit() {
    let Some(kc) = std::env::var_os("CREDLINT_TEST_KUBECONFIG") else {
        eprintln!("SKIP: CREDLINT_TEST_KUBECONFIG is not set");
        return;
    };
    let out = credlint()
        .arg("cluster")
        .arg("--kubeconfig")
        .arg(&kc)
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["cluster"]["stats"]["objects_checked"].as_u64().unwrap() > 0);
    assert!(
        v["cluster"]["stats"]["listed"]["Namespace"]
            .as_u64()
            .is_some()
            || v["cluster"]["not_audited"]
                .to_string()
                .contains("Namespace")
    );
}

/// Against a real cluster, the HTML report too.
#[test]
#[ignore = "needs a real cluster: set CREDLINT_TEST_KUBECONFIG"]
fn real_cluster_html() {
    let Some(kc) = std::env::var_os("CREDLINT_TEST_KUBECONFIG") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let out = credlint()
        .arg("cluster")
        .arg("--kubeconfig")
        .arg(&kc)
        .args(["-f", "html", "-o"])
        .arg(&html)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)));
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .contains("id=\"summary\""));
}

// Hostile API servers (issue 7). Each either completes the audit with what
// it could read, saying what it could not, or stops with exit 2 and a
// clear message; never a hang, a crash, or a silent pass.

/// A list answered 200 with half its JSON: retried or reported, never a crash.
#[test]
fn truncated_json_is_retried_or_reported() {
    let c = start(ServerOptions {
        truncate_once: Some("configmaps".into()),
        ..Default::default()
    });
    let (code, v, _) = run_json(&c, &[]);
    assert!(matches!(code, 0 | 1), "exit {code}");
    let all = v.to_string();
    let configmaps_read = c
        .server
        .log()
        .iter()
        .filter(|l| l.target.contains("/configmaps"))
        .count();
    assert!(
        configmaps_read >= 2 || all.contains("configmaps"),
        "the truncated list was neither retried nor reported: {configmaps_read} requests"
    );
}

/// A slow server (every answer delayed) still gets a complete audit.
#[test]
fn a_slow_server_is_waited_for() {
    let c = start(ServerOptions {
        delay_ms: 150,
        ..Default::default()
    });
    let t = std::time::Instant::now();
    let (code, v, _) = run_json(&c, &["--request-timeout", "10"]);
    assert!(matches!(code, 0 | 1), "exit {code}");
    assert!(v["findings"].as_array().is_some_and(|f| !f.is_empty()));
    assert!(t.elapsed() < std::time::Duration::from_secs(120));
}

/// A server whose certificate the kubeconfig's CA did not sign: refused.
#[test]
fn a_wrong_ca_is_refused_with_a_clear_error() {
    let c = start(ServerOptions::default());
    let other = start(ServerOptions::default());
    let text = std::fs::read_to_string(&c.kubeconfig).unwrap();
    let theirs = std::fs::read_to_string(&other.kubeconfig).unwrap();
    let ca = |t: &str| {
        t.lines()
            .find(|l| l.contains("certificate-authority-data"))
            .unwrap()
            .to_string()
    };
    std::fs::write(&c.kubeconfig, text.replace(&ca(&text), &ca(&theirs))).unwrap();
    let out = cluster_cmd(&c.kubeconfig, &["--retries", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(
        err.contains("certificate") || err.contains("tls") || err.contains("issuer"),
        "{err}"
    );
}

/// A server that accepts the connection and never answers: a timeout, not a hang.
#[test]
fn a_server_that_never_answers_times_out() {
    let c = start(ServerOptions::default());
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let keep = std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in silent.incoming().take(64).flatten() {
            held.push(conn);
        }
    });
    let text = std::fs::read_to_string(&c.kubeconfig).unwrap();
    let text = text.replace(&c.server.url(), &format!("https://{addr}"));
    std::fs::write(&c.kubeconfig, text).unwrap();
    let t = std::time::Instant::now();
    let out = cluster_cmd(&c.kubeconfig, &["--request-timeout", "2", "--retries", "0"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        t.elapsed() < std::time::Duration::from_secs(60),
        "took {:?}",
        t.elapsed()
    );
    drop(keep);
}

/// Big pages: 10,000 pods answered in one page, memory and counts intact.
#[test]
fn ten_thousand_item_pages() {
    let fixture = realistic_cluster(Scale {
        namespaces: 20,
        deployments: 10,
        replicas: 50,
        configmaps: 2,
        secrets: 2,
    });
    let pods = fixture.of("pods").len();
    assert!(pods >= 10_000, "{pods} pods");
    let server = TestServer::start(
        fixture,
        ServerOptions {
            token: TOKEN.into(),
            ..Default::default()
        },
        0,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = server.write_kubeconfig(dir.path(), TOKEN).unwrap();
    let out = cluster_cmd(&kubeconfig, &["-f", "json", "--page-size", "10000"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["findings"].as_array().is_some_and(|f| !f.is_empty()));
    let pod_pages = server
        .log()
        .iter()
        .filter(|l| l.target.starts_with("/api/v1/pods"))
        .count();
    assert!(
        pod_pages <= 2,
        "10,000 pods in one or two pages, not {pod_pages}"
    );
}

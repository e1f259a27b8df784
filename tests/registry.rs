//! `credlint image REF` against a real registry (Debian's `docker-registry`,
//! distribution 2.x) started by the test on 127.0.0.1, with images the test
//! builds and pushes over the API (blob upload POST/PUT, manifest PUT): a
//! multi-platform index, a file deleted by a whiteout, and a secret only in
//! the build history. Bearer-token auth: an in-process front on another
//! port answers `401` with a `WWW-Authenticate` realm it serves itself,
//! checks the Docker-config credentials there, and passes authorised
//! requests on to the registry.
//!
//! Without `docker-registry` installed the tests are skipped, unless `CI`
//! is set (`.ci/run` installs it), where they fail.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::{credlint, github_token, write};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn registry_binary() -> Option<PathBuf> {
    ["/usr/bin/docker-registry", "/usr/local/bin/docker-registry"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

struct Registry {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

fn start_registry() -> Option<Registry> {
    let Some(bin) = registry_binary() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "docker-registry is not installed (apt-get install docker-registry)"
        );
        eprintln!("skipped: docker-registry is not installed");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let cfg = format!(
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
        dir.path().join("data").display()
    );
    let cfg_path = write(dir.path(), "config.yml", cfg);
    let child = Command::new(bin)
        .arg("serve")
        .arg(&cfg_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let reg = Registry {
        child,
        port,
        _dir: dir,
    };
    let start = Instant::now();
    loop {
        let ok = agent()
            .get(format!("http://127.0.0.1:{port}/v2/"))
            .call()
            .is_ok_and(|r| r.status() == 200);
        if ok {
            return Some(reg);
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "registry did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn digest(b: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(b))
}

/// Upload a blob (POST, then PUT with the digest); its descriptor.
fn push_blob(port: u16, repo: &str, media_type: &str, bytes: &[u8]) -> Value {
    let a = agent();
    let r = a
        .post(format!("http://127.0.0.1:{port}/v2/{repo}/blobs/uploads/"))
        .send_empty()
        .unwrap();
    assert_eq!(r.status(), 202);
    let loc = r
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let loc = if loc.starts_with('/') {
        format!("http://127.0.0.1:{port}{loc}")
    } else {
        loc
    };
    let sep = if loc.contains('?') { '&' } else { '?' };
    let d = digest(bytes);
    let r = a
        .put(format!("{loc}{sep}digest={d}"))
        .header("Content-Type", "application/octet-stream")
        .send(bytes)
        .unwrap();
    assert_eq!(r.status(), 201, "blob upload");
    json!({"mediaType": media_type, "digest": d, "size": bytes.len()})
}

fn push_manifest(port: u16, repo: &str, reference: &str, media_type: &str, m: &Value) -> Value {
    let bytes = m.to_string().into_bytes();
    let r = agent()
        .put(format!(
            "http://127.0.0.1:{port}/v2/{repo}/manifests/{reference}"
        ))
        .header("Content-Type", media_type)
        .send(&bytes[..])
        .unwrap();
    assert_eq!(r.status(), 201, "manifest push {reference}");
    json!({"mediaType": media_type, "digest": digest(&bytes), "size": bytes.len()})
}

fn tar_gz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, *data).unwrap();
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(&b.into_inner().unwrap()).unwrap();
    e.finish().unwrap()
}

const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const INDEX: &str = "application/vnd.oci.image.index.v1+json";
const LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
const CONFIG: &str = "application/vnd.oci.image.config.v1+json";

fn push_image(port: u16, repo: &str, config: &Value, layers: &[Vec<u8>]) -> Value {
    let cfg = push_blob(port, repo, CONFIG, config.to_string().as_bytes());
    let layers: Vec<Value> = layers
        .iter()
        .map(|l| push_blob(port, repo, LAYER, l))
        .collect();
    let m = json!({"schemaVersion": 2, "mediaType": MANIFEST, "config": cfg, "layers": layers});
    let d = digest(m.to_string().as_bytes());
    push_manifest(port, repo, &d, MANIFEST, &m)
}

struct Pushed {
    amd64: String,
    arm64: String,
}

/// `team/app:multi`: an index of an amd64 image (a secret in a file, one in
/// a file a later layer deletes, one only in the build history) and an
/// arm64 image (one secret).
fn push_fixture(port: u16) -> Pushed {
    let repo = "team/app";
    let (a, b, c, d) = (
        github_token("reg-file"),
        github_token("reg-deleted"),
        github_token("reg-history"),
        github_token("reg-arm"),
    );
    let amd_cfg = json!({
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/bin"], "Cmd": ["/app"]},
        "history": [
            {"created_by": "ADD rootfs.tar / # buildkit"},
            {"created_by": format!("RUN |1 GH_TOKEN={c} /bin/sh -c ./fetch-deps # buildkit")}
        ],
        "rootfs": {"type": "layers", "diff_ids": []}
    });
    let mut amd = push_image(
        port,
        repo,
        &amd_cfg,
        &[
            tar_gz(&[(
                "app/config.yml",
                format!("debug: true\ngithub_token: {a}\n").as_bytes(),
            )]),
            tar_gz(&[("app/.env", format!("GITHUB_TOKEN={b}\n").as_bytes())]),
            tar_gz(&[("app/.wh..env", b"")]),
        ],
    );
    let mut arm = push_image(
        port,
        repo,
        &json!({"architecture": "arm64", "os": "linux", "config": {}}),
        &[tar_gz(&[(
            "srv/arm.yml",
            format!("token: {d}\n").as_bytes(),
        )])],
    );
    amd["platform"] = json!({"os": "linux", "architecture": "amd64"});
    arm["platform"] = json!({"os": "linux", "architecture": "arm64", "variant": "v8"});
    let index = json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": [amd, arm]});
    push_manifest(port, repo, "multi", INDEX, &index);
    Pushed {
        amd64: amd["digest"].as_str().unwrap().to_string(),
        arm64: arm["digest"].as_str().unwrap().to_string(),
    }
}

fn run(
    args: &[&str],
    docker_config: Option<&Path>,
    path_dir: Option<&Path>,
) -> (i32, Value, String) {
    let mut c = credlint();
    c.args(args);
    match docker_config {
        Some(d) => c.env("DOCKER_CONFIG", d),
        None => c.env("DOCKER_CONFIG", "/nonexistent"),
    };
    if let Some(p) = path_dir {
        let path = std::env::var("PATH").unwrap_or_default();
        c.env("PATH", format!("{}:{path}", p.display()));
    }
    let out = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), v, stderr)
}

fn paths(v: &Value) -> Vec<String> {
    let mut p: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    p.sort();
    p
}

#[test]
fn pulls_a_multi_platform_image_anonymously() {
    let Some(reg) = start_registry() else { return };
    let pushed = push_fixture(reg.port);
    let r = format!("127.0.0.1:{}/team/app:multi", reg.port);
    let (code, v, err) = run(
        &[
            "image",
            "--no-config",
            "-f",
            "json",
            "--platform",
            "linux/amd64",
            &r,
        ],
        None,
        None,
    );
    assert_eq!(code, 1, "{err}");
    let p = paths(&v);
    let name = format!("127.0.0.1:{}/team/app@{}", reg.port, pushed.amd64);
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(
        p[0].starts_with(&format!("{name}!config:history[1].created_by")),
        "{p:?}"
    );
    assert!(p.iter().any(|x| x.ends_with("!app/config.yml")), "{p:?}");
    let deleted = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("!app/.env"))
        .unwrap();
    assert_eq!(deleted["properties"]["layer_index"], 1);
    assert_eq!(deleted["properties"]["removed_in_layer"], 2);
    assert!(deleted["message"]
        .as_str()
        .unwrap()
        .contains("still pullable"));
    // Every platform: the arm64 image's secret too.
    let (_, v, _) = run(&["image", "--no-config", "-f", "json", &r], None, None);
    let p = paths(&v);
    assert_eq!(p.len(), 4, "{p:?}");
    assert!(p
        .iter()
        .any(|x| x.contains(&pushed.arm64) && x.ends_with("!srv/arm.yml")));
    // A digest reference, and a missing tag (exit 2).
    let by_digest = format!("127.0.0.1:{}/team/app@{}", reg.port, pushed.arm64);
    let (code, v, _) = run(
        &["image", "--no-config", "-f", "json", &by_digest],
        None,
        None,
    );
    assert_eq!((code, paths(&v).len()), (1, 1));
    let missing = format!("127.0.0.1:{}/team/app:nope", reg.port);
    let (code, _, err) = run(&["image", "--no-config", &missing], None, None);
    assert_eq!(code, 2, "{err}");
}

/// An HTTP front that demands a bearer token from the realm it serves.
fn token_front(registry_port: u16) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let _ = serve(conn, port, registry_port);
        }
    });
    port
}

const USER_PASS: &str = "ci-bot:fake-registry-password";
const TOKEN: &str = "fake-bearer-token-for-tests";

fn serve(mut conn: TcpStream, port: u16, registry_port: u16) -> std::io::Result<()> {
    let mut r = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut auth = String::new();
    let mut accept = String::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            match k.to_ascii_lowercase().as_str() {
                "authorization" => auth = v.trim().to_string(),
                "accept" => accept = v.trim().to_string(),
                _ => {}
            }
        }
    }
    let reply = |conn: &mut TcpStream, status: &str, headers: &[(String, String)], body: &[u8]| {
        let mut head = format!(
            "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        conn.write_all(head.as_bytes())?;
        conn.write_all(body)
    };
    if target.starts_with("/token") {
        let want = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(USER_PASS)
        );
        if auth != want || !target.contains("scope=repository%3Ateam%2Fapp%3Apull") {
            return reply(&mut conn, "401 Unauthorized", &[], b"{}");
        }
        let body = json!({"token": TOKEN}).to_string();
        return reply(
            &mut conn,
            "200 OK",
            &[("Content-Type".into(), "application/json".into())],
            body.as_bytes(),
        );
    }
    if auth != format!("Bearer {TOKEN}") {
        let challenge = format!(
            "Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"test-registry\",scope=\"repository:team/app:pull\""
        );
        return reply(
            &mut conn,
            "401 Unauthorized",
            &[("WWW-Authenticate".into(), challenge)],
            b"{}",
        );
    }
    let resp = agent()
        .get(format!("http://127.0.0.1:{registry_port}{target}"))
        .header("Accept", if accept.is_empty() { "*/*" } else { &accept })
        .call()
        .map_err(std::io::Error::other)?;
    let status = resp.status();
    let mut headers = Vec::new();
    for k in ["content-type", "docker-content-digest"] {
        if let Some(v) = resp.headers().get(k).and_then(|v| v.to_str().ok()) {
            headers.push((k.to_string(), v.to_string()));
        }
    }
    let mut body = Vec::new();
    resp.into_body().into_reader().read_to_end(&mut body)?;
    reply(
        &mut conn,
        &format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        ),
        &headers,
        &body,
    )
}

#[test]
fn bearer_token_realm_with_docker_config_credentials() {
    let Some(reg) = start_registry() else { return };
    let pushed = push_fixture(reg.port);
    let front = token_front(reg.port);
    let r = format!("127.0.0.1:{front}/team/app:multi");
    let args = [
        "image",
        "--no-config",
        "-f",
        "json",
        "--platform",
        "linux/amd64",
        &r,
    ];
    // No credentials: the realm refuses; the scan cannot run.
    let (code, _, err) = run(&args, None, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("realm answered 401"), "{err}");
    assert!(!err.contains("fake-registry-password"));
    // `auths` in Docker's config.
    let cfg = tempfile::tempdir().unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(USER_PASS);
    write(
        cfg.path(),
        "config.json",
        json!({"auths": {format!("127.0.0.1:{front}"): {"auth": auth}}}).to_string(),
    );
    let (code, v, err) = run(&args, Some(cfg.path()), None);
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&v).len(), 3);
    assert!(paths(&v)[0].contains(&pushed.amd64));
    // A credential helper (`credHelpers`), run as docker-credential-NAME get.
    let helpers = tempfile::tempdir().unwrap();
    let (user, pass) = USER_PASS.split_once(':').unwrap();
    let script = write(
        helpers.path(),
        "docker-credential-credlint-test",
        format!(
            "#!/bin/sh\nread server\n[ \"$server\" = \"127.0.0.1:{front}\" ] || exit 1\necho '{{\"ServerURL\":\"'$server'\",\"Username\":\"{user}\",\"Secret\":\"{pass}\"}}'\n"
        ),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    write(
        cfg.path(),
        "config.json",
        json!({"credHelpers": {format!("127.0.0.1:{front}"): "credlint-test"}}).to_string(),
    );
    let (code, v, err) = run(&args, Some(cfg.path()), Some(helpers.path()));
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&v).len(), 3);
}

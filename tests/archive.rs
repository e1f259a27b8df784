//! `credlint scan`, `git` and `image` on archives and images built by the
//! test: member locations (`a.zip!dir/file:line:col`), the flags, hostile
//! archives, history blobs that are archives, OCI layouts and docker-save
//! tarballs with whiteouts and build-history secrets.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use common::{credlint, github_token, sarif_schema, write};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Incompressible bytes (xorshift), deterministic.
fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn cfg(token: &str) -> Vec<u8> {
    format!("debug: true\ngithub_token: {token}\n").into_bytes()
}

fn json_out(args: &[&str], dir: &Path) -> (i32, Value) {
    let out = credlint().args(args).arg(dir).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), v)
}

fn places(v: &Value) -> Vec<(String, u64, u64)> {
    let mut p: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    p.sort();
    p
}

fn notices(v: &Value) -> String {
    v["notices"].to_string()
}

#[test]
fn scan_reads_archives_in_a_tree() {
    let d = tempfile::tempdir().unwrap();
    let (t1, t2, t3) = (
        github_token("zip"),
        github_token("tgz"),
        github_token("nested"),
    );
    let secret_yaml =
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  token: {t3}\n");
    let inner = zip(&[("k8s/secret.yaml", secret_yaml.as_bytes())]);
    write(d.path(), "dist/app.jar", zip(&[("config.yml", &cfg(&t1))]));
    write(
        d.path(),
        "backup.tar.gz",
        gz(&tar(&[
            ("etc/app.yml", &cfg(&t2)),
            ("lib/inner.zip", &inner),
        ])),
    );
    // Named like a zip, but text: scanned as text.
    write(d.path(), "notes.zip", "nothing here\n");
    let (code, v) = json_out(&["scan", "--no-config", "-f", "json"], d.path());
    assert_eq!(code, 1);
    let p = places(&v);
    assert!(
        p.contains(&("dist/app.jar!config.yml".into(), 2, 15)),
        "{p:?}"
    );
    assert!(
        p.contains(&("backup.tar.gz!etc/app.yml".into(), 2, 15)),
        "{p:?}"
    );
    let nested: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "backup.tar.gz!lib/inner.zip!k8s/secret.yaml")
        .collect();
    // The leak rule and the policy check (the member's name says manifest).
    assert!(nested.iter().any(|f| f["kind"] == "leak"), "{p:?}");
    assert!(nested.iter().any(|f| f["kind"] == "policy"), "{v}");
    // No raw secret anywhere without --reveal.
    let text = v.to_string();
    for t in [&t1, &t2, &t3] {
        assert!(!text.contains(t.as_str()));
    }
    // Human output: the chain, line and column.
    let out = credlint()
        .args(["scan", "--no-config"])
        .arg(d.path())
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("dist/app.jar!config.yml:2:15"), "{human}");

    // --no-archives: archives are binary files, skipped.
    let (code, v) = json_out(
        &["scan", "--no-config", "--no-archives", "-f", "json"],
        d.path(),
    );
    assert_eq!(code, 0, "{v}");
    assert!(places(&v).is_empty());

    // --archive-depth 1: the zip in the tarball is reported, not read.
    let (_, v) = json_out(
        &["scan", "--no-config", "--archive-depth", "1", "-f", "json"],
        d.path(),
    );
    let p = places(&v);
    assert!(
        p.iter().all(|(path, _, _)| !path.contains("inner.zip!")),
        "{p:?}"
    );
    assert!(
        notices(&v).contains("backup.tar.gz!lib/inner.zip: nested archive not read"),
        "{v}"
    );
}

#[test]
fn hostile_archives_give_notices_and_keep_good_findings() {
    let d = tempfile::tempdir().unwrap();
    let t = github_token("hostile");
    let zeros = vec![0u8; 20 << 20];
    write(
        d.path(),
        "bomb.zip",
        zip(&[("zeros", &zeros), ("ok.yml", &cfg(&t))]),
    );
    write(
        d.path(),
        "evil.tar",
        tar(&[("ok.yml", &cfg(&t))])
            .into_iter()
            .collect::<Vec<u8>>(),
    );
    let mut evil = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    let body = cfg(&t);
    h.set_size(body.len() as u64);
    h.as_gnu_mut().unwrap().name[..16].copy_from_slice(b"../../etc/passwd");
    h.set_cksum();
    evil.append(&h, &body[..]).unwrap();
    write(d.path(), "evil.tar", evil.into_inner().unwrap());
    let whole = gz(&tar(&[
        ("first.yml", &cfg(&t)),
        ("filler", &noise(300_000)),
    ]));
    write(d.path(), "cut.tgz", &whole[..whole.len() / 2]);
    let (code, v) = json_out(&["scan", "--no-config", "-f", "json"], d.path());
    assert_eq!(code, 1);
    let p = places(&v);
    for want in [
        "bomb.zip!ok.yml",
        "evil.tar!../../etc/passwd",
        "cut.tgz!first.yml",
    ] {
        assert!(p.contains(&(want.into(), 2, 15)), "{want}: {p:?}");
    }
    let n = notices(&v);
    assert!(n.contains("bomb.zip!zeros: member not read"), "{n}");
    assert!(n.contains("member name escapes the archive"), "{n}");
    assert!(n.contains("corrupt or truncated archive"), "{n}");
    // Nothing was written outside the tree.
    assert!(!d.path().parent().unwrap().join("etc/passwd").exists());
}

#[test]
fn stdin_archives_are_read_as_streams() {
    let t = github_token("stdin");
    let out = credlint()
        .args(["scan", "--no-config", "-f", "json", "-"])
        .write_stdin(gz(&tar(&[("a/b.yml", &cfg(&t))])))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(places(&v), vec![("-!a/b.yml".into(), 2, 15)]);
}

fn git(dir: &Path, args: &[&str]) {
    let st = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.org")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.org")
        .status()
        .unwrap();
    assert!(st.success(), "git {args:?}");
}

#[test]
fn git_history_reads_archive_blobs_and_staged_does_not() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    git(p, &["init", "-q", "-b", "main"]);
    let t = github_token("git-archive");
    write(p, "release/app.zip", zip(&[("conf/app.yml", &cfg(&t))]));
    git(p, &["add", "."]);
    git(p, &["commit", "-q", "-m", "Ship the release zip"]);
    let (code, v) = json_out(&["git", "--no-config", "-f", "json"], p);
    assert_eq!(code, 1, "{v}");
    let f = &v["findings"][0];
    assert_eq!(f["path"], "release/app.zip!conf/app.yml");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(2), Some(15))
    );
    assert_eq!(f["commit"]["summary"], "Ship the release zip");
    let (code, v) = json_out(&["git", "--no-config", "--no-archives", "-f", "json"], p);
    assert_eq!(code, 0, "{v}");
    // Staged: the pre-commit path does not open archives.
    write(
        p,
        "more.zip",
        zip(&[("x.yml", &cfg(&github_token("staged")))]),
    );
    git(p, &["add", "more.zip"]);
    let (code, v) = json_out(&["staged", "--no-config", "-f", "json"], p);
    assert_eq!(code, 0, "{v}");
}

// ---- images ----

struct Layout {
    dir: tempfile::TempDir,
}

impl Layout {
    fn new() -> Layout {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "oci-layout",
            r#"{"imageLayoutVersion":"1.0.0"}"#,
        );
        Layout { dir }
    }

    /// Store a blob; its descriptor.
    fn blob(&self, media_type: &str, bytes: &[u8]) -> Value {
        let hex = format!("{:x}", Sha256::digest(bytes));
        write(self.dir.path(), &format!("blobs/sha256/{hex}"), bytes);
        json!({"mediaType": media_type, "digest": format!("sha256:{hex}"), "size": bytes.len()})
    }

    fn image(&self, config: &Value, layers: &[Vec<u8>]) -> Value {
        let cfg = self.blob(
            "application/vnd.oci.image.config.v1+json",
            config.to_string().as_bytes(),
        );
        let layers: Vec<Value> = layers
            .iter()
            .map(|l| self.blob("application/vnd.oci.image.layer.v1.tar+gzip", l))
            .collect();
        let m = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": cfg, "layers": layers,
        });
        self.blob(
            "application/vnd.oci.image.manifest.v1+json",
            m.to_string().as_bytes(),
        )
    }

    fn index(&self, manifests: Vec<Value>) {
        let idx = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests});
        write(self.dir.path(), "index.json", idx.to_string());
    }
}

fn config_with(env_token: &str, history_token: &str) -> Value {
    json!({
        "architecture": "amd64", "os": "linux",
        "config": {
            "Env": ["PATH=/usr/bin", format!("GITHUB_TOKEN={env_token}")],
            "Cmd": ["/app"],
            "Labels": {"maintainer": "ops"}
        },
        "history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
            {"created_by": format!("RUN |1 NPM_TOKEN={history_token} /bin/sh -c npm ci # buildkit")}
        ]
    })
}

#[test]
fn image_layout_layers_config_history_and_whiteouts() {
    let l = Layout::new();
    let (t_env, t_hist, t_del, t_kept) = (
        github_token("img-env"),
        github_token("img-history"),
        github_token("img-deleted"),
        github_token("img-kept"),
    );
    let base = gz(&tar(&[("etc/os-release", b"ID=test\n")]));
    let layer1 = gz(&tar(&[
        (
            "app/.env",
            format!("X=1\nGITHUB_TOKEN={t_del}\n").as_bytes(),
        ),
        ("app/config.yml", &cfg(&t_kept)),
    ]));
    let layer2 = gz(&tar(&[("app/.wh..env", b"")]));
    let img = l.image(
        &config_with(&t_env, &t_hist),
        &[base.clone(), layer1, layer2],
    );
    // A second image sharing the base layer.
    let img2 = l.image(&config_with("x", "y"), &[base]);
    let mut img = img;
    img["annotations"] = json!({"org.opencontainers.image.ref.name": "app:1.0"});
    l.index(vec![img.clone(), img2]);
    let (code, v) = json_out(&["image", "--no-config", "-f", "json"], l.dir.path());
    assert_eq!(code, 1, "{v}");
    let digest = img["digest"].as_str().unwrap();
    let fs: Vec<&Value> = v["findings"].as_array().unwrap().iter().collect();
    let find = |needle: &str| -> &Value {
        fs.iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(needle))
            .unwrap_or_else(|| panic!("{needle}: {v}"))
    };
    let env = find("!config:Env[1]");
    assert_eq!(env["path"], format!("app:1.0@{digest}!config:Env[1]"));
    assert_eq!(env["properties"]["config_field"], "Env[1]");
    let hist = find("!config:history[1].created_by");
    assert_eq!(hist["properties"]["image_digest"], digest);
    let deleted = find("!app/.env");
    assert_eq!(deleted["line"], 2);
    assert_eq!(deleted["properties"]["layer_index"], 1);
    assert_eq!(deleted["properties"]["removed_in_layer"], 2);
    assert_eq!(deleted["properties"]["path_in_layer"], "app/.env");
    assert!(deleted["message"]
        .as_str()
        .unwrap()
        .contains("removed in layer 2, still pullable"));
    let kept = find("!app/config.yml");
    assert!(kept["properties"].get("removed_in_layer").is_none());
    assert_eq!(
        kept["properties"]["layer_digest"],
        img_layer_digest(&l, digest, 1)
    );
    // The shared base layer was read once.
    assert!(notices(&v).contains("1 layer(s) shared"), "{v}");
    assert_eq!(v["summary"]["units"], 3, "{}", v["summary"]);
    let text = v.to_string();
    for t in [&t_env, &t_hist, &t_del, &t_kept] {
        assert!(!text.contains(t.as_str()));
    }
    // SARIF is valid and carries the properties.
    let out = credlint()
        .args(["image", "--no-config", "-f", "sarif"])
        .arg(l.dir.path())
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema = jsonschema::validator_for(&sarif_schema()).unwrap();
    assert!(schema.is_valid(&sarif));
    assert!(sarif.to_string().contains("\"removed_in_layer\":2"));
}

fn img_layer_digest(l: &Layout, manifest: &str, i: usize) -> Value {
    let hex = manifest.strip_prefix("sha256:").unwrap();
    let m: Value = serde_json::from_slice(
        &std::fs::read(l.dir.path().join("blobs/sha256").join(hex)).unwrap(),
    )
    .unwrap();
    m["layers"][i]["digest"].clone()
}

#[test]
fn image_platform_selection() {
    let l = Layout::new();
    let t_amd = github_token("amd64");
    let t_arm = github_token("arm64");
    let amd = l.image(&json!({}), &[gz(&tar(&[("a.yml", &cfg(&t_amd))]))]);
    let arm = l.image(&json!({}), &[gz(&tar(&[("a.yml", &cfg(&t_arm))]))]);
    let mut amd = amd;
    let mut arm = arm;
    amd["platform"] = json!({"os": "linux", "architecture": "amd64"});
    arm["platform"] = json!({"os": "linux", "architecture": "arm64", "variant": "v8"});
    let list = l.blob(
        "application/vnd.oci.image.index.v1+json",
        json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [amd, arm]}).to_string().as_bytes(),
    );
    l.index(vec![list]);
    let (_, v) = json_out(&["image", "--no-config", "-f", "json"], l.dir.path());
    assert_eq!(v["findings"].as_array().unwrap().len(), 2, "{v}");
    let (_, v) = json_out(
        &[
            "image",
            "--no-config",
            "-f",
            "json",
            "--platform",
            "linux/arm64",
        ],
        l.dir.path(),
    );
    assert_eq!(v["findings"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(
        v["findings"][0]["properties"]["image_digest"],
        arm["digest"]
    );
    let out = credlint()
        .args(["image", "--no-config", "--platform", "windows/amd64"])
        .arg(l.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn docker_save_tarball() {
    let d = tempfile::tempdir().unwrap();
    let t = github_token("docker-save");
    let t_env = github_token("docker-save-env");
    let layer = tar(&[("srv/app.yml", &cfg(&t))]);
    let config = config_with(&t_env, "nothing").to_string();
    let cfg_name = format!("{:x}.json", Sha256::digest(config.as_bytes()));
    let manifest = json!([{"Config": cfg_name, "RepoTags": ["legacy:latest"], "Layers": ["0123abcd/layer.tar"]}]);
    let tarball = tar(&[
        ("0123abcd/layer.tar", &layer),
        (&cfg_name, config.as_bytes()),
        ("manifest.json", manifest.to_string().as_bytes()),
    ]);
    let p = write(d.path(), "legacy.tar", tarball);
    let out = credlint()
        .args(["image", "--no-config", "-f", "json"])
        .arg(&p)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = places(&v);
    let id = format!("sha256:{}", cfg_name.trim_end_matches(".json"));
    assert!(
        p.contains(&(
            format!("legacy:latest@{id}!sha256:0123abcd!srv/app.yml"),
            2,
            15
        )),
        "{p:?}"
    );
    assert!(
        p.contains(&(format!("legacy:latest@{id}!config:Env[1]"), 1, 14)),
        "{p:?}"
    );
}

#[test]
fn a_missing_image_path_is_exit_2_without_a_pull() {
    let out = credlint()
        .args(["image", "--no-config", "./no-such-layout", "missing.tar"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("no such image folder or tarball: ./no-such-layout"));
}

#[test]
fn image_help_explains_inputs_and_locations() {
    let out = credlint().args(["image", "--help"]).output().unwrap();
    let h = String::from_utf8_lossy(&out.stdout);
    for want in [
        "OCI image layout",
        "docker save",
        "still pullable",
        "--platform",
        "created_by",
    ] {
        assert!(h.contains(want), "{want}: {h}");
    }
}

//! The GitHub Action and the release workflow: `action.yml` and every
//! workflow under `.github/workflows/` validate against their published
//! schemas (`check-jsonschema` with its vendored SchemaStore copies, offline);
//! the action's installer downloads a release archive, checks its SHA-256
//! and installs it, refuses a tampered one, and falls back to a source build
//! only when there is no release for the runner; and the archives it and
//! `cargo binstall` look for are the ones the release workflow builds.
//!
//! Releases are served from a `file://` folder: no network. check-jsonschema
//! (PyPI) is skipped with a message when missing, unless `CI` is set.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{tool_or_skip, write};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workflows() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    files
}

fn check_jsonschema(schema: &str, files: &[PathBuf]) -> Output {
    Command::new("check-jsonschema")
        .args(["--builtin-schema", schema])
        .args(files)
        .output()
        .unwrap()
}

#[test]
fn action_and_workflows_match_their_published_schemas() {
    if !tool_or_skip(
        "action_schemas",
        "check-jsonschema",
        "pip install check-jsonschema",
    ) {
        return;
    }
    let flows = workflows();
    assert!(
        flows.iter().any(|p| p.ends_with("release.yml")) && flows.len() >= 2,
        "{flows:?}"
    );
    for (schema, files) in [
        ("vendor.github-workflows", flows),
        ("vendor.github-actions", vec![root().join("action.yml")]),
    ] {
        let out = check_jsonschema(schema, &files);
        assert!(
            out.status.success(),
            "{schema}: {files:?}\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The check is not vacuous: a misspelt key is refused.
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.yml",
        "name: bad\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n",
    );
    let out = check_jsonschema("vendor.github-workflows", &[bad]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("stepz"));
}

const VERSION: &str = "9.8.7";
const TARGET: &str = "x86_64-unknown-linux-musl";

/// A release folder as the release workflow publishes it, holding one
/// archive whose `credlint` is a script that prints `fake credlint`.
fn release(dir: &Path) -> PathBuf {
    let name = format!("credlint-v{VERSION}-{TARGET}");
    let folder = dir.join("src").join(&name);
    std::fs::create_dir_all(&folder).unwrap();
    write(&folder, "credlint", "#!/bin/sh\necho fake credlint\n");
    let releases = dir.join("releases");
    let tag = releases.join(format!("v{VERSION}"));
    std::fs::create_dir_all(&tag).unwrap();
    let archive = format!("{name}.tar.gz");
    let ok = Command::new("tar")
        .arg("-czf")
        .arg(tag.join(&archive))
        .arg("-C")
        .arg(dir.join("src"))
        .arg(&name)
        .status()
        .unwrap();
    assert!(ok.success());
    // `sha256sum` (Linux) or `shasum -a 256` (macOS), as the workflow does.
    let sum = Command::new("sha256sum")
        .arg(&archive)
        .current_dir(&tag)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .unwrap_or_else(|| {
            Command::new("shasum")
                .args(["-a", "256"])
                .arg(&archive)
                .current_dir(&tag)
                .output()
                .unwrap()
        });
    assert!(sum.status.success());
    std::fs::write(tag.join(format!("{archive}.sha256")), &sum.stdout).unwrap();
    releases
}

fn install(bin: &Path, version: &str, base: &str, arch: &str) -> Output {
    Command::new("bash")
        .arg(root().join(".github/action/install-credlint.sh"))
        .arg(bin)
        .arg(version)
        .arg(base)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", arch)
        .output()
        .unwrap()
}

#[test]
fn action_installer_checks_the_sha256_and_falls_back_only_without_a_release() {
    assert!(tool_or_skip(
        "action_installer",
        "curl",
        "apt-get install curl"
    ));
    let dir = tempfile::tempdir().unwrap();
    let releases = release(dir.path());
    let base = format!("file://{}", releases.display());
    let text = |o: &Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };

    // Installed, checksum verified, runnable.
    let bin = dir.path().join("bin");
    let out = install(&bin, VERSION, &base, "X64");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains(&format!("installed credlint-v{VERSION}-{TARGET}")));
    let run = Command::new(bin.join("credlint")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), "fake credlint\n");

    // No release for this version, no release URL (a local action), or a
    // runner with no release build: exit 3, the caller builds from source.
    for (version, base, arch) in [
        ("9.8.6", base.as_str(), "X64"),
        (VERSION, "", "X64"),
        (VERSION, base.as_str(), "ARM"),
    ] {
        let bin = dir.path().join("bin-none");
        let out = install(&bin, version, base, arch);
        assert_eq!(
            out.status.code(),
            Some(3),
            "{version} {base} {arch}: {}",
            text(&out)
        );
        assert!(!bin.join("credlint").exists());
    }

    // A tampered archive: refused (exit 1, not a silent source build), nothing installed.
    let archive = releases
        .join(format!("v{VERSION}"))
        .join(format!("credlint-v{VERSION}-{TARGET}.tar.gz"));
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&archive, bytes).unwrap();
    let bin = dir.path().join("bin-tampered");
    let out = install(&bin, VERSION, &base, "X64");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("checksum mismatch"), "{}", text(&out));
    assert!(!bin.join("credlint").exists());
}

/// Every target the action's installer or `cargo binstall` asks for is built
/// by the release workflow under the name they expect.
#[test]
fn release_workflow_builds_what_the_installers_download() {
    let release = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let installer =
        std::fs::read_to_string(root().join(".github/action/install-credlint.sh")).unwrap();
    let targets = [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ];
    for t in targets {
        assert!(
            release.contains(&format!("target: {t},")),
            "release.yml lacks {t}"
        );
    }
    for t in installer
        .lines()
        .filter_map(|l| l.split_once("target=").map(|(_, t)| t))
        .filter_map(|t| t.split_whitespace().next())
        .filter(|t| t.contains('-'))
        .map(|t| t.trim_end_matches(';'))
    {
        assert!(
            targets.contains(&t),
            "the installer asks for {t}, which is not released"
        );
    }
    assert!(release.contains(r#"name="credlint-v$VERSION-$TARGET""#));
    assert!(release.contains(r#""$name.tar.gz""#) && release.contains(r#""$name.zip""#));
    assert!(release.contains("> \"$archive.sha256\""));

    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap();
    let binstall = &manifest["package"]["metadata"]["binstall"];
    assert_eq!(
        binstall["pkg-url"].as_str(),
        Some("{ repo }/releases/download/v{ version }/{ name }-v{ version }-{ target }.tar.gz")
    );
    assert_eq!(
        binstall["bin-dir"].as_str(),
        Some("{ name }-v{ version }-{ target }/{ bin }{ binary-ext }")
    );
    let windows = &binstall["overrides"]["x86_64-pc-windows-msvc"];
    assert_eq!(windows["pkg-fmt"].as_str(), Some("zip"));
    assert!(windows["pkg-url"].as_str().unwrap().ends_with(".zip"));
}

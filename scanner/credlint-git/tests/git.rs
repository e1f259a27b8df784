//! History and staged scans of real repositories built with the `git` command.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use credlint_core::Finding;
use credlint_git::{scan_history, scan_staged, HistoryOptions, HistoryReport};
use credlint_leaks::RuleSet;
use credlint_scan::UnitScanner;
use tempfile::TempDir;

/// A rule of our own, so these tests do not depend on the evolving rule set.
const RULES: &str = r#"
[[rules]]
id = "test-token"
name = "Test token"
description = "A token format that exists only in these tests."
severity = "high"
keywords = ["tok_"]
pattern = '''\b(?P<secret>tok_[a-zA-Z0-9]{24})\b'''
examples = ["x = tok_q8Zr2LmN5pVx7Tb1Kc4Hd9Wf", "tok_a1B2c3D4e5F6g7H8i9J0kLmN"]
negative_examples = ["tok_short", "tok_"]
"#;

fn scanner() -> UnitScanner {
    let rules = RuleSet::builder()
        .add_file("test.toml", RULES)
        .build()
        .expect("rules");
    UnitScanner::new(Arc::new(rules), None, false)
}

/// A token of the test rule, derived from `seed` (varied enough to pass the
/// placeholder and entropy filters).
fn token(seed: u64) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let body: String = (0..24)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALNUM[(x % 62) as usize] as char
        })
        .collect();
    format!("tok_{body}")
}

struct Repo {
    _tmp: TempDir,
    dir: PathBuf,
    clock: Cell<u64>,
}

impl Repo {
    fn new() -> Repo {
        let tmp = TempDir::new().expect("tempdir");
        let dir = tmp.path().join("repo");
        std::fs::create_dir(&dir).unwrap();
        let r = Repo {
            _tmp: tmp,
            dir,
            clock: Cell::new(0),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn path(&self) -> &Path {
        &self.dir
    }

    fn git(&self, args: &[&str]) -> String {
        git_in(&self.dir, args, self.tick())
    }

    fn tick(&self) -> u64 {
        self.clock.set(self.clock.get() + 1);
        1_700_000_000 + self.clock.get() * 60
    }

    fn write(&self, path: &str, content: &str) {
        let p = self.dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    /// Stage everything and commit; the new commit id.
    fn commit(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }
}

fn git_in(dir: &Path, args: &[&str], time: u64) -> String {
    let date = format!("@{time} +0100");
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Tester")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada Tester")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn history(repo: &Path, opts: &HistoryOptions) -> HistoryReport {
    scan_history(repo, opts, &scanner()).expect("scan")
}

fn all(repo: &Path) -> HistoryReport {
    history(repo, &HistoryOptions::default())
}

fn secret(f: &Finding) -> &str {
    f.secret.as_ref().unwrap().expose()
}

fn commit_id(f: &Finding) -> &str {
    &f.location.commit.as_ref().unwrap().id
}

fn path(f: &Finding) -> &str {
    f.location.path.as_deref().unwrap()
}

fn in_head(f: &Finding) -> bool {
    f.properties["in_head"].as_bool().unwrap()
}

#[test]
fn secret_added_then_deleted_is_found_with_its_commit() {
    let r = Repo::new();
    let t = token(1);
    r.write("README.md", "hello\n");
    r.commit("initial");
    r.write("app/config.env", &format!("# settings\nAPI_TOKEN={t}\n"));
    r.write(
        "big.bin",
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n",
    );
    let added = r.commit("add config\n\nwith a body");
    std::fs::remove_file(r.path().join("app/config.env")).unwrap();
    r.commit("remove config");

    let rep = all(r.path());
    assert_eq!(rep.findings.len(), 1, "{:?}", rep.findings);
    let f = &rep.findings[0];
    assert_eq!(secret(f), t);
    assert_eq!(path(f), "app/config.env");
    assert!(!in_head(f));
    let c = f.location.commit.as_ref().unwrap();
    assert_eq!(c.id, added);
    assert_eq!(c.author, "Ada Tester <ada@example.com>");
    assert_eq!(c.date, "2023-11-14T23:19:20+01:00");
    assert_eq!(c.summary, "add config");
    let span = f.location.span.unwrap();
    assert_eq!((span.start_line, span.start_column), (2, 11));
    assert_eq!(
        f.fingerprint,
        credlint_core::fingerprint(&["test-token", &added, "app/config.env", &t])
    );
    let blob = git_in(
        r.path(),
        &["rev-parse", &format!("{added}:app/config.env")],
        0,
    );
    assert_eq!(f.properties["blob"].as_str().unwrap(), blob.trim());
    assert_eq!(rep.stats.commits, 3);
    assert_eq!(rep.stats.skipped_lfs, 1);
    assert!(!rep.stats.shallow);
    assert!(rep.warnings.is_empty(), "{:?}", rep.warnings);

    // Stable across runs.
    let again = all(r.path());
    assert_eq!(again.findings[0].fingerprint, f.fingerprint);
}

#[test]
fn secret_only_on_an_unmerged_branch() {
    let r = Repo::new();
    r.write("a.txt", "a\n");
    r.commit("initial");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("b.txt", &format!("key: {}\n", token(2)));
    let on_branch = r.commit("feature work");
    r.git(&["checkout", "-q", "main"]);
    r.write("a.txt", "a2\n");
    r.commit("main work");

    let rep = all(r.path());
    assert_eq!(rep.findings.len(), 1);
    assert_eq!(commit_id(&rep.findings[0]), on_branch);
    assert!(
        !in_head(&rep.findings[0]),
        "HEAD is main, which never had it"
    );
    // Limited to main: not there.
    let main = history(
        r.path(),
        &HistoryOptions {
            branch: Some("main".into()),
            ..Default::default()
        },
    );
    assert!(main.findings.is_empty());
}

#[test]
fn merge_reports_the_side_commit_not_the_merge() {
    let r = Repo::new();
    let t = token(3);
    r.write("s.txt", "line1\nline2\nline3\nline4\nline5\nline6\n");
    r.commit("initial");
    r.git(&["checkout", "-q", "-b", "side"]);
    r.write(
        "s.txt",
        &format!("line1 {t}\nline2\nline3\nline4\nline5\nline6\n"),
    );
    let side = r.commit("side adds token");
    r.git(&["checkout", "-q", "main"]);
    r.write(
        "s.txt",
        "line1\nline2\nline3\nline4\nline5\nline6 changed\n",
    );
    r.commit("main edits the end");
    r.git(&["merge", "-q", "--no-ff", "-m", "merge side", "side"]);
    // The merged blob is new (it differs from both parents), yet the token is not.
    let merged = std::fs::read_to_string(r.path().join("s.txt")).unwrap();
    assert!(merged.contains(&t) && merged.contains("changed"));

    let rep = all(r.path());
    assert_eq!(rep.findings.len(), 1, "{:?}", rep.findings);
    assert_eq!(commit_id(&rep.findings[0]), side);
    assert!(in_head(&rep.findings[0]));
}

#[test]
fn rename_is_reported_at_the_introducing_path_only() {
    let r = Repo::new();
    r.write("old/name.txt", &format!("token = {}\n", token(4)));
    let intro = r.commit("add");
    r.git(&["mv", "old/name.txt", "new.txt"]);
    r.commit("pure rename");
    std::fs::create_dir(r.path().join("dir")).unwrap();
    r.git(&["mv", "new.txt", "dir/renamed.txt"]);
    r.write("dir/renamed.txt", &format!("token = {}\nmore\n", token(4)));
    r.commit("rename and edit");
    r.git(&["mv", "dir", "moved"]);
    r.commit("directory rename");

    let rep = all(r.path());
    assert_eq!(rep.findings.len(), 1, "{:?}", rep.findings);
    assert_eq!(path(&rep.findings[0]), "old/name.txt");
    assert_eq!(commit_id(&rep.findings[0]), intro);
    assert!(in_head(&rep.findings[0]));
}

#[test]
fn a_secret_carried_by_many_commits_is_reported_once() {
    let r = Repo::new();
    let t = token(5);
    let mut text = format!("password_token: {t}\n");
    r.write("conf.yml", &text);
    let intro = r.commit("add conf");
    for i in 0..12 {
        text.push_str(&format!("setting_{i}: {i}\n"));
        r.write("conf.yml", &text);
        r.write("other.txt", &format!("{i}\n"));
        r.commit(&format!("edit {i}"));
    }
    let rep = all(r.path());
    assert_eq!(rep.findings.len(), 1, "{:?}", rep.findings);
    assert_eq!(commit_id(&rep.findings[0]), intro);
    assert!(rep.stats.blobs >= 13);
}

#[test]
fn commit_reachable_only_from_a_tag() {
    let r = Repo::new();
    r.write("a.txt", "a\n");
    r.commit("initial");
    r.git(&["checkout", "-q", "-b", "temp"]);
    r.write("release.txt", &format!("{}\n", token(6)));
    let tagged = r.commit("release build");
    r.git(&["tag", "-a", "v1", "-m", "release v1"]);
    r.git(&["checkout", "-q", "main"]);
    r.git(&["branch", "-q", "-D", "temp"]);

    let rep = all(r.path());
    assert_eq!(rep.findings.len(), 1);
    assert_eq!(commit_id(&rep.findings[0]), tagged);
    let main = history(
        r.path(),
        &HistoryOptions {
            branch: Some("main".into()),
            ..Default::default()
        },
    );
    assert!(main.findings.is_empty());
    let tag = history(
        r.path(),
        &HistoryOptions {
            branch: Some("v1".into()),
            ..Default::default()
        },
    );
    assert_eq!(tag.findings.len(), 1);
    assert!(in_head(&tag.findings[0]), "in the tree of the scanned tip");
}

#[test]
fn shallow_clone_is_scanned_and_said_to_be_shallow() {
    let r = Repo::new();
    r.write("old.txt", &format!("{}\n", token(7)));
    r.commit("old secret still in HEAD");
    r.write("gone.txt", &format!("{}\n", token(8)));
    r.commit("secret that is deleted");
    std::fs::remove_file(r.path().join("gone.txt")).unwrap();
    r.write("new.txt", &format!("{}\n", token(9)));
    let tip = r.commit("new secret");

    let clone = r._tmp.path().join("shallow");
    let url = format!("file://{}", r.path().display());
    git_in(
        r._tmp.path(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
        0,
    );
    let rep = all(&clone);
    assert!(rep.stats.shallow);
    assert_eq!(rep.stats.commits, 1);
    let mut secrets: Vec<&str> = rep.findings.iter().map(secret).collect();
    secrets.sort();
    let mut want = vec![token(7), token(9)];
    want.sort();
    assert_eq!(secrets, want);
    assert!(rep
        .findings
        .iter()
        .all(|f| commit_id(f) == tip && in_head(f)));
    assert!(rep.warnings.is_empty(), "{:?}", rep.warnings);
}

#[test]
fn bare_repository() {
    let r = Repo::new();
    r.write("x.txt", &format!("{}\n", token(10)));
    let c = r.commit("add");
    let bare = r._tmp.path().join("bare.git");
    git_in(
        r._tmp.path(),
        &[
            "clone",
            "-q",
            "--bare",
            r.path().to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
        0,
    );
    let rep = all(&bare);
    assert_eq!(rep.findings.len(), 1);
    assert_eq!(commit_id(&rep.findings[0]), c);
    assert!(in_head(&rep.findings[0]));
    assert!(scan_staged(&bare, &scanner()).unwrap().findings.is_empty());
}

#[test]
fn range_covers_only_what_its_commits_introduced() {
    let r = Repo::new();
    let (t1, t2, t3) = (token(11), token(12), token(13));
    r.write("a.txt", &format!("{t1}\n"));
    let base = r.commit("before the change");
    r.write("a.txt", &format!("{t1}\nedited\n"));
    r.write("b.txt", &format!("{t2}\n"));
    let c2 = r.commit("change 1");
    r.write("c.txt", &format!("{t3}\n"));
    let c3 = r.commit("change 2");
    r.write("d.txt", &format!("{}\n", token(14)));
    r.commit("after the change");

    let opts = HistoryOptions {
        range: Some(format!("{base}..{c3}")),
        ..Default::default()
    };
    let rep = history(r.path(), &opts);
    assert_eq!(rep.stats.commits, 2);
    let got: Vec<(&str, &str)> = rep
        .findings
        .iter()
        .map(|f| (secret(f), commit_id(f)))
        .collect();
    assert_eq!(
        got,
        vec![(t2.as_str(), c2.as_str()), (t3.as_str(), c3.as_str())]
    );

    let since = HistoryOptions {
        since_commit: Some(c2.clone()),
        ..Default::default()
    };
    assert_eq!(
        history(r.path(), &since).findings.len(),
        2,
        "change 2 and after"
    );
    let bad = HistoryOptions {
        range: Some("nope".into()),
        ..Default::default()
    };
    assert!(scan_history(r.path(), &bad, &scanner()).is_err());
}

#[test]
fn staged_content_not_the_working_tree() {
    let r = Repo::new();
    for d in 0..20 {
        r.write(&format!("dir{d}/sub/file.txt"), &format!("clean {d}\n"));
    }
    r.write("top.txt", "clean\n");
    r.commit("initial");
    assert!(scan_staged(r.path(), &scanner())
        .unwrap()
        .findings
        .is_empty());

    // Staged secret, clean working tree: found.
    let t = token(15);
    r.write("dir3/sub/file.txt", &format!("clean 3\nkey={t}\n"));
    r.git(&["add", "dir3/sub/file.txt"]);
    r.write("dir3/sub/file.txt", "clean 3\n");
    // A new staged file too.
    r.write("dir9/new.txt", &format!("{}\n", token(16)));
    r.git(&["add", "dir9/new.txt"]);
    std::fs::remove_file(r.path().join("dir9/new.txt")).unwrap();
    let rep = scan_staged(r.path(), &scanner()).unwrap();
    let mut got: Vec<(&str, &str)> = rep.findings.iter().map(|f| (path(f), secret(f))).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("dir3/sub/file.txt", t.as_str()),
            ("dir9/new.txt", token(16).as_str())
        ]
    );
    assert!(rep.findings.iter().all(|f| f.location.commit.is_none()));
    assert_eq!(rep.stats.blobs, 2, "only the staged blobs are read");

    // Secret in the working tree only: not found.
    r.git(&["reset", "-q"]);
    r.write("dir5/sub/file.txt", &format!("{}\n", token(17)));
    r.write("untracked.txt", &format!("{}\n", token(18)));
    let rep = scan_staged(r.path(), &scanner()).unwrap();
    assert!(rep.findings.is_empty(), "{:?}", rep.findings);
}

#[test]
fn staged_in_a_repository_without_commits() {
    let r = Repo::new();
    r.write("first.txt", &format!("{}\n", token(19)));
    assert!(scan_staged(r.path(), &scanner())
        .unwrap()
        .findings
        .is_empty());
    r.git(&["add", "first.txt"]);
    assert_eq!(scan_staged(r.path(), &scanner()).unwrap().findings.len(), 1);
    assert!(all(r.path()).findings.is_empty(), "no commits, no history");
}

/// Findings as comparable tuples.
fn summary(rep: &HistoryReport) -> Vec<(String, String, String, bool)> {
    rep.findings
        .iter()
        .map(|f| {
            (
                commit_id(f).to_string(),
                path(f).to_string(),
                secret(f).to_string(),
                in_head(f),
            )
        })
        .collect()
}

#[test]
fn packed_and_loose_objects_give_the_same_findings() {
    // Blobs are read in pack order; the result must not depend on where
    // objects live: loose, one pack with deltas, several packs plus loose.
    let r = Repo::new();
    let body: String = (0..200)
        .map(|i| format!("line {i} of the module\n"))
        .collect();
    for i in 0..12u64 {
        let mut text = body.clone();
        if i % 3 == 1 {
            text.push_str(&format!("token = \"{}\"\n", token(100 + i)));
        }
        r.write(&format!("src/m{}.rs", i % 4), &text);
        r.write(&format!("docs/d{i}.md"), &format!("doc {i}\n{body}"));
        r.commit(&format!("change {i}"));
    }
    let loose = all(r.path());
    assert_eq!(loose.findings.len(), 4, "{:?}", loose.findings);

    r.git(&["repack", "-adq", "--window=50", "--depth=50"]);
    let packed = all(r.path());
    assert_eq!(summary(&packed), summary(&loose));
    assert_eq!(packed.stats, loose.stats);

    for i in 12..16u64 {
        r.write(
            "src/m0.rs",
            &format!("{body}secret = \"{}\"\n", token(200 + i)),
        );
        r.commit(&format!("change {i}"));
        if i == 13 {
            r.git(&["repack", "-dq"]); // a second pack; the rest stays loose
        }
    }
    let mixed = all(r.path());
    assert_eq!(mixed.findings.len(), 8, "{:?}", mixed.findings);
    assert_eq!(summary(&mixed)[..4], summary(&loose)[..]);
    assert!(mixed.warnings.is_empty(), "{:?}", mixed.warnings);
}

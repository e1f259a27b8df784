//! The archive reader over every format, nested, and over hostile input:
//! each hostile archive gives its notice and still the findings of its
//! good members.

mod common;

use common::*;
use credlint_archive::{Limits, NoticeKind};
use credlint_scan::ArchiveInput;

fn one(path: &str) -> Vec<(String, usize, usize)> {
    vec![(path.to_string(), 2, 15)]
}

#[test]
fn every_format_yields_its_members_with_locations() {
    let t = token("formats");
    let cfg = config(&t);
    let tarball = tar(&[(b"inner/config.yml", &cfg)]);
    let zipped = zip(&[("inner/config.yml", &cfg), ("README", b"nothing here\n")]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a.zip", zipped.clone(), "a.zip!inner/config.yml"),
        (
            "lib/app.jar",
            zipped.clone(),
            "lib/app.jar!inner/config.yml",
        ),
        ("pkg.whl", zipped.clone(), "pkg.whl!inner/config.yml"),
        ("no-extension", zipped, "no-extension!inner/config.yml"),
        ("a.tar", tarball.clone(), "a.tar!inner/config.yml"),
        ("a.tar.gz", gz(&tarball), "a.tar.gz!inner/config.yml"),
        ("a.tgz", gz(&tarball), "a.tgz!inner/config.yml"),
        ("a.tar.bz2", bz2(&tarball), "a.tar.bz2!inner/config.yml"),
        ("a.tar.xz", xz(&tarball), "a.tar.xz!inner/config.yml"),
        ("a.tar.zst", zst(&tarball), "a.tar.zst!inner/config.yml"),
        ("config.yml.gz", gz(&cfg), "config.yml.gz!config.yml"),
        ("config.yml.bz2", bz2(&cfg), "config.yml.bz2!config.yml"),
        ("config.yml.xz", xz(&cfg), "config.yml.xz!config.yml"),
        ("config.yml.zst", zst(&cfg), "config.yml.zst!config.yml"),
    ];
    for (name, bytes, want) in cases {
        let out = scan(name, &bytes, Limits::default());
        assert_eq!(places(&out), one(want), "{name}: {:?}", out.warnings);
        assert!(out.warnings.is_empty(), "{name}: {:?}", out.warnings);
        let f = &out.findings[0];
        assert_eq!(f.rule_id, "github-pat-classic");
        assert_eq!(f.secret.as_ref().unwrap().expose(), t);
    }
}

#[test]
fn nested_archives_are_read_to_the_depth_limit() {
    let (t1, t2, t3) = (token("n1"), token("n2"), token("n3"));
    let inner_zip = zip(&[("deep.yml", &config(&t3))]);
    let mid = gz(&tar(&[
        (b"mid.yml", &config(&t2)),
        (b"inner.zip", &inner_zip),
    ]));
    let outer = zip(&[("top.yml", &config(&t1)), ("lib/mid.tar.gz", &mid)]);
    let out = scan("outer.zip", &outer, Limits::default());
    assert_eq!(
        places(&out),
        vec![
            ("outer.zip!lib/mid.tar.gz!inner.zip!deep.yml".into(), 2, 15),
            ("outer.zip!lib/mid.tar.gz!mid.yml".into(), 2, 15),
            ("outer.zip!top.yml".into(), 2, 15),
        ],
        "{:?}",
        out.warnings
    );
    // Depth 2: the innermost zip is reported, not read; the rest is found.
    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    let out = scan("outer.zip", &outer, limits);
    assert_eq!(places(&out).len(), 2);
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(out.warnings[0]
        .starts_with("outer.zip!lib/mid.tar.gz!inner.zip: nested archive not read: deeper than 2"));
}

/// 42.zip's shape: every level holds copies of the level below. Depth and
/// member limits end it; the real file beside it is still found.
#[test]
fn forty_two_zip_style_nest_is_cut_off() {
    let mut level = zip(&[("0.txt", &vec![b'0'; 1 << 20])]);
    for i in 1..6 {
        let name: Vec<String> = (0..8).map(|j| format!("{i}-{j}.zip")).collect();
        let entries: Vec<(&str, &[u8])> = name.iter().map(|n| (n.as_str(), &level[..])).collect();
        level = zip(&entries);
    }
    let t = token("42");
    let cfg = config(&t);
    let top = zip(&[("real.yml", &cfg), ("42.zip", &level)]);
    let out = scan("top.zip", &top, Limits::default());
    assert_eq!(places(&out), one("top.zip!real.yml"));
    assert!(
        out.warnings.iter().all(|w| w.contains("deeper than 3")),
        "{:?}",
        out.warnings
    );
    assert_eq!(out.warnings.len(), 64);
}

#[test]
fn zip_bomb_by_ratio_is_a_notice_and_good_members_are_found() {
    let t = token("bomb");
    let cfg = config(&t);
    let zeros = vec![0u8; 24 << 20];
    let bomb = zip(&[("a.yml", &cfg), ("zeros.bin", &zeros), ("z.yml", &cfg)]);
    let out = scan("bomb.zip", &bomb, Limits::default());
    assert_eq!(
        places(&out),
        vec![
            ("bomb.zip!a.yml".into(), 2, 15),
            ("bomb.zip!z.yml".into(), 2, 15)
        ]
    );
    assert_eq!(out.warnings.len(), 1);
    assert!(
        out.warnings[0]
            .starts_with("bomb.zip!zeros.bin: member not read: it declares 25165824 bytes"),
        "{:?}",
        out.warnings
    );
    // A stream bomb (no declared sizes): the ratio guard stops the stream;
    // the member read before it keeps its finding.
    let tgz = gz(&tar(&[
        (b"a.yml", &cfg),
        (b"zeros.bin", &zeros),
        (b"z.yml", &cfg),
    ]));
    let out = scan("bomb.tar.gz", &tgz, Limits::default());
    assert_eq!(places(&out), one("bomb.tar.gz!a.yml"));
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(
        out.warnings[0].contains("expands more than 100 times its own size"),
        "{:?}",
        out.warnings
    );
    // The total-bytes guard, on the same stream.
    let limits = Limits {
        max_total_bytes: 1 << 20,
        ..Limits::default()
    };
    let out = scan("bomb.tar.gz", &tgz, limits);
    assert_eq!(places(&out), one("bomb.tar.gz!a.yml"));
    assert!(out.warnings[0].contains("more than 1048576 bytes uncompressed"));
}

#[test]
fn traversal_names_are_labels_with_a_notice() {
    let t = token("trav");
    let cfg = config(&t);
    let bytes = tar(&[(b"../../etc/passwd", &cfg), (b"ok.yml", &cfg)]);
    let out = scan("evil.tar", &bytes, Limits::default());
    assert_eq!(
        places(&out),
        vec![
            ("evil.tar!../../etc/passwd".into(), 2, 15),
            ("evil.tar!ok.yml".into(), 2, 15)
        ]
    );
    assert_eq!(
        out.warnings,
        vec!["evil.tar!../../etc/passwd: member name escapes the archive (`../../etc/passwd`): its content was scanned; credlint never extracts to disk".to_string()]
    );
    let z = zip(&[("/abs/secret.yml", &cfg)]);
    let out = scan("evil.zip", &z, Limits::default());
    assert_eq!(places(&out).len(), 1);
    assert_eq!(out.warnings.len(), 1);
}

#[test]
fn truncated_gzip_keeps_what_was_read() {
    let t = token("trunc");
    let cfg = config(&t);
    // Incompressible filler, so that the cut lands inside the second member.
    let filler = noise(200_000);
    let whole = gz(&tar(&[
        (b"first.yml", &cfg),
        (b"filler.bin", &filler),
        (b"last.yml", &cfg),
    ]));
    let cut = &whole[..whole.len() / 2];
    let out = scan("cut.tar.gz", cut, Limits::default());
    assert_eq!(places(&out), one("cut.tar.gz!first.yml"));
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(
        out.warnings[0].starts_with("cut.tar.gz")
            && out.warnings[0].contains(": corrupt or truncated archive"),
        "{:?}",
        out.warnings
    );
    // A truncated single compressed file: its text up to the cut is scanned.
    let mut text = cfg.clone();
    text.extend(std::iter::repeat_n(b'x', 50_000));
    let gzipped = gz(&[&text[..], &filler[..]].concat());
    let out = scan(
        "log.yml.gz",
        &gzipped[..gzipped.len() - 20_000],
        Limits::default(),
    );
    assert_eq!(places(&out), one("log.yml.gz!log.yml"));
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
}

#[test]
fn symlink_members_are_not_followed() {
    let t = token("link");
    let cfg = config(&t);
    let mut bytes = tar_symlink("shadow", "/etc/shadow");
    bytes.extend(tar(&[(b"ok.yml", &cfg)]));
    let out = scan("links.tar", &bytes, Limits::default());
    assert_eq!(places(&out), one("links.tar!ok.yml"));
    assert_eq!(
        out.warnings,
        vec!["links.tar!shadow: link member not followed (-> `/etc/shadow`)".to_string()]
    );
}

#[test]
fn invalid_utf8_names_are_shown_lossily() {
    let t = token("utf8");
    let cfg = config(&t);
    let bytes = tar(&[(b"caf\xe9/\xff.yml", &cfg)]);
    let out = scan("names.tar", &bytes, Limits::default());
    assert_eq!(places(&out), one("names.tar!caf\u{fffd}/\u{fffd}.yml"));
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0]
        .ends_with("member name is not valid UTF-8: shown with replacement characters"));
}

#[test]
fn member_count_limit() {
    let t = token("count");
    let cfg = config(&t);
    let names: Vec<String> = (0..10).map(|i| format!("m{i}.yml")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &cfg[..])).collect();
    let limits = Limits {
        max_members: 4,
        ..Limits::default()
    };
    let out = scan("many.zip", &zip(&entries), limits);
    assert_eq!(out.findings.len(), 4);
    assert_eq!(out.warnings.len(), 1);
    assert!(
        out.warnings[0].contains("more than 4 members"),
        "{:?}",
        out.warnings
    );
}

#[test]
fn corrupt_zip_member_does_not_stop_the_others() {
    let t = token("crc");
    let cfg = config(&t);
    let mut z = zip(&[("a.yml", &cfg), ("b.yml", &cfg)]);
    // Flip a byte of the first member's compressed data.
    let at = 30 + "a.yml".len() + 3;
    z[at] ^= 0x55;
    let out = scan("crc.zip", &z, Limits::default());
    assert!(places(&out).contains(&("crc.zip!b.yml".to_string(), 2, 15)));
    assert!(!out.warnings.is_empty());
}

#[test]
fn streams_and_files_read_like_bytes() {
    let t = token("stream");
    let cfg = config(&t);
    let z = zip(&[("in.yml", &cfg)]);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.zip");
    std::fs::write(&p, &z).unwrap();
    let out = scan_hook("f.zip", ArchiveInput::File(&p), Limits::default());
    assert_eq!(places(&out), one("f.zip!in.yml"));
    let tgz = gz(&tar(&[(b"in.yml", &cfg)]));
    let mut rest = std::io::Cursor::new(tgz[10..].to_vec());
    let out = scan_hook(
        "s.tgz",
        ArchiveInput::Stream(&tgz[..10], &mut rest),
        Limits::default(),
    );
    assert_eq!(places(&out), one("s.tgz!in.yml"));
    let mut rest = std::io::Cursor::new(z[10..].to_vec());
    let out = scan_hook(
        "s.zip",
        ArchiveInput::Stream(&z[..10], &mut rest),
        Limits::default(),
    );
    assert_eq!(places(&out), one("s.zip!in.yml"));
}

#[test]
fn notices_are_typed() {
    let mut seen = Vec::new();
    struct Collect<'a>(&'a mut Vec<NoticeKind>);
    impl credlint_archive::Visitor for Collect<'_> {
        fn file(&mut self, _: &str, c: &mut dyn std::io::Read, _: Option<u64>) {
            std::io::copy(c, &mut std::io::sink()).unwrap();
        }
        fn notice(&mut self, n: credlint_archive::Notice) {
            self.0.push(n.kind);
        }
    }
    let inner = zip(&[("x", b"y")]);
    let outer = tar(&[(b"../x", b"1"), (b"in.zip", &inner)]);
    let limits = Limits {
        max_depth: 1,
        ..Limits::default()
    };
    credlint_archive::read_archive(
        "t.tar",
        ArchiveInput::Bytes(&outer),
        &limits,
        &mut Collect(&mut seen),
    );
    assert_eq!(
        seen,
        vec![
            NoticeKind::PathTraversal {
                name: "../x".into()
            },
            NoticeKind::TooDeep { limit: 1 }
        ]
    );
}

//! `credlint image`: container images, layer by layer (see
//! `credlint_archive::image`).

use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use credlint_archive::image::{scan_image_path, ImageOptions, ImageReport};
use credlint_archive::registry::scan_registry;
use credlint_archive::Limits;
use credlint_report::Notice;
use credlint_scan::UnitScanner;
use miette::miette;

use crate::cli::OutputArgs;
use crate::output::{self, Allowlist};
use crate::scan::{all_meta, build_rules, load_config, policy_hook};

/// `credlint image`.
#[derive(Debug, Args)]
pub struct ImageArgs {
    /// Images: OCI layout folders, docker-save / OCI archive tarballs, or registry
    /// references (`registry.example/team/app:tag`, `alpine@sha256:…`).
    #[arg(required = true, value_name = "IMAGE")]
    pub images: Vec<String>,
    /// From a multi-platform index, only this platform (`os/arch` or `os/arch/variant`).
    #[arg(long, value_name = "OS/ARCH")]
    pub platform: Option<String>,
    /// Levels of archives to open inside layers (a jar in a layer is one).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=16))]
    pub archive_depth: u32,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: ImageArgs) -> miette::Result<ExitCode> {
    let start = Instant::now();
    let cfg = load_config(&args.out, Path::new("."))?;
    let rules = Arc::new(build_rules(&cfg, &args.out.disable)?);
    let allow = Allowlist::new(&cfg)?;
    let scanner = UnitScanner::new(
        rules.clone(),
        Some(policy_hook(&rules)),
        args.out.show_filtered,
    );
    let opts = ImageOptions {
        platform: args.platform.clone(),
        limits: Some(Limits {
            max_depth: args.archive_depth,
            max_total_bytes: 64 << 30,
            max_members: 2_000_000,
            ..Limits::default()
        }),
    };
    let mut seen = HashSet::new();
    let mut all = ImageReport::default();
    for image in &args.images {
        let path = Path::new(image);
        let looks_like_path = image.starts_with(['/', '.', '~'])
            || [".tar", ".tar.gz", ".tgz"]
                .iter()
                .any(|e| image.ends_with(e));
        if !path.exists() && looks_like_path {
            return Err(miette!("no such image folder or tarball: {image}"));
        }
        let r = if path.exists() {
            scan_image_path(path, &opts, &scanner, &mut seen)
        } else {
            scan_registry(image, &opts, &scanner, &mut seen, None)
        }
        .map_err(|e| miette!("{e}"))?;
        all.findings.extend(r.findings);
        all.warnings.extend(r.warnings);
        let (s, t) = (&mut all.stats, r.stats);
        s.images += t.images;
        s.layers += t.layers;
        s.shared_layers += t.shared_layers;
        s.files += t.files;
        s.bytes += t.bytes;
    }
    let mut disabled = cfg.config.rules.disable.clone();
    disabled.extend(args.out.disable.iter().cloned());
    let findings = output::post_filter(
        all.findings,
        &cfg,
        &disabled,
        &allow,
        args.out.show_filtered,
        output::min_confidence(&args.out, &cfg),
    );
    let mut notices: Vec<Notice> = all
        .warnings
        .into_iter()
        .map(|message| Notice {
            path: String::new(),
            message,
        })
        .collect();
    if all.stats.shared_layers > 0 {
        notices.push(Notice {
            path: String::new(),
            message: format!(
                "{} layer(s) shared with an image scanned before: read once",
                all.stats.shared_layers
            ),
        });
    }
    output::finish(
        &args.out,
        &cfg,
        &findings,
        &all_meta(&rules),
        &notices,
        "layers",
        all.stats.layers,
        all.stats.bytes,
        start.elapsed(),
    )
}

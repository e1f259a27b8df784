//! Container images: an OCI image layout folder, or a `docker save` / OCI
//! archive tarball.
//!
//! Every layer is read once by digest (a layer two images share is scanned
//! for the first and skipped for the second), streamed through the archive
//! reader, so each regular file (and each archive in it) is scanned like a
//! file of a tree. The image config is scanned too: `Env`, `Labels`, `Cmd`,
//! `Entrypoint` and each `history[].created_by` (where build `ARG` and
//! `ENV` values and `RUN` lines stay) as a unit of its own.
//!
//! Whiteouts (`.wh.NAME`, `.wh..wh..opq`) delete a file from the image's
//! filesystem, not from the image: the layer that added it still ships
//! it. A finding in a file a later layer deletes says so ("removed in layer
//! N, still pullable") and carries `removed_in_layer`.
//!
//! Locations: the path is `IMAGE@DIGEST!LAYER-DIGEST!path/in/layer` (or
//! `IMAGE@DIGEST!config:Env[0]`), with line and column as usual; the
//! properties `image`, `image_digest`, `layer_digest`, `layer_index` and
//! `path_in_layer` carry the parts.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use credlint_core::Finding;
use credlint_leaks::Scratch;
use credlint_scan::{ArchiveInput, UnitOutput, UnitScanner};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::format::HEAD;
use crate::reader::{read_archive, Limits, Notice, Visitor};

/// Why an image could not be read at all. Problems with one layer or file
/// are warnings in the report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The path could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The image path.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// Neither an OCI layout (`oci-layout`, `index.json`) nor a `docker
    /// save` tarball (`manifest.json`).
    #[error("{0} is not an OCI image layout or a docker-save/OCI archive (no index.json or manifest.json)")]
    NotAnImage(PathBuf),
    /// A manifest, index or config that is not what the format says.
    #[error("bad image metadata in {what}: {why}")]
    Metadata {
        /// The file or blob.
        what: String,
        /// What is wrong.
        why: String,
    },
    /// No image in an index matched `--platform`.
    #[error("no image for platform {0} (see the index's platforms)")]
    NoPlatform(String),
    /// A registry request failed.
    #[error("registry: {0}")]
    Registry(String),
}

/// How to read images.
#[derive(Debug, Clone, Default)]
pub struct ImageOptions {
    /// `os/arch` (or `os/arch/variant`) to pick from a multi-platform index;
    /// every platform when `None`.
    pub platform: Option<String>,
    /// Limits for each layer (nesting, bombs).
    pub limits: Option<Limits>,
}

impl ImageOptions {
    fn layer_limits(&self) -> Limits {
        self.limits.unwrap_or(Limits {
            // Layers are large and honest: a bigger budget per layer.
            max_total_bytes: 64 << 30,
            max_members: 2_000_000,
            ..Limits::default()
        })
    }
}

/// Counters of an image scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImageStats {
    /// Images (manifests) read.
    pub images: u64,
    /// Layers read.
    pub layers: u64,
    /// Layers skipped because another image of this run had them.
    pub shared_layers: u64,
    /// Files scanned in layers.
    pub files: u64,
    /// Bytes of layer blobs read (compressed).
    pub bytes: u64,
}

/// Findings, warnings and counters of an image scan.
#[derive(Debug, Default)]
pub struct ImageReport {
    /// Findings, in image, layer and path order.
    pub findings: Vec<Finding>,
    /// Problems with single layers or files.
    pub warnings: Vec<String>,
    /// Counters.
    pub stats: ImageStats,
}

/// A layer of an image: its digest and where its blob is.
#[derive(Debug, Clone)]
pub struct LayerRef {
    /// `sha256:…`.
    pub digest: String,
    /// Where the blob is in its store.
    pub locator: String,
}

/// One image: a name, a digest, its config and its layers, in order.
#[derive(Debug, Clone)]
pub struct ImageRef {
    /// A tag or reference name, else the file's name.
    pub name: String,
    /// The manifest digest (or, for a legacy `docker save`, the image id).
    pub digest: String,
    /// The config blob's locator.
    pub config: Option<String>,
    /// The layers, bottom first.
    pub layers: Vec<LayerRef>,
}

/// Where blobs come from: a folder, a tarball, or a registry.
pub trait BlobSource {
    /// A reader over the blob at `locator`.
    fn open(&self, locator: &str) -> io::Result<Box<dyn Read + '_>>;
    /// A small blob (manifest, index, config), whole; at most 64 MiB.
    fn read_small(&self, locator: &str) -> io::Result<Vec<u8>> {
        let mut v = Vec::new();
        self.open(locator)?.take(64 << 20).read_to_end(&mut v)?;
        Ok(v)
    }
}

/// An OCI image layout folder.
struct DirStore(PathBuf);

impl BlobSource for DirStore {
    fn open(&self, locator: &str) -> io::Result<Box<dyn Read + '_>> {
        if locator.split('/').any(|c| c == ".." || c.is_empty()) {
            return Err(io::Error::other(format!("bad blob path `{locator}`")));
        }
        Ok(Box::new(io::BufReader::with_capacity(
            256 << 10,
            File::open(self.0.join(locator))?,
        )))
    }
}

/// A tarball: an index of its members, read by seeking (never unpacked).
struct TarStore {
    path: PathBuf,
    members: HashMap<String, (u64, u64)>,
}

impl TarStore {
    fn index(path: &Path) -> io::Result<TarStore> {
        let mut ar = tar::Archive::new(io::BufReader::new(File::open(path)?));
        let mut members = HashMap::new();
        for e in ar.entries()? {
            let e = e?;
            if !e.header().entry_type().is_file() {
                continue;
            }
            let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
            let name = name.strip_prefix("./").unwrap_or(&name).to_string();
            members.insert(name, (e.raw_file_position(), e.size()));
        }
        Ok(TarStore {
            path: path.to_path_buf(),
            members,
        })
    }
}

impl BlobSource for TarStore {
    fn open(&self, locator: &str) -> io::Result<Box<dyn Read + '_>> {
        let &(at, size) = self.members.get(locator).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("no `{locator}` in the tarball"),
            )
        })?;
        let mut f = File::open(&self.path)?;
        f.seek(SeekFrom::Start(at))?;
        Ok(Box::new(
            io::BufReader::with_capacity(256 << 10, f).take(size),
        ))
    }
}

fn meta_err(what: &str, why: impl std::fmt::Display) -> ImageError {
    ImageError::Metadata {
        what: what.to_string(),
        why: why.to_string(),
    }
}

fn json(src: &dyn BlobSource, locator: &str) -> Result<Value, ImageError> {
    let bytes = src.read_small(locator).map_err(|e| meta_err(locator, e))?;
    serde_json::from_slice(&bytes).map_err(|e| meta_err(locator, e))
}

/// `sha256:abc` -> `blobs/sha256/abc`, refusing anything but a plain digest.
pub fn blob_path(digest: &str) -> Result<String, ImageError> {
    let (alg, hex) = digest
        .split_once(':')
        .ok_or_else(|| meta_err(digest, "not a digest"))?;
    let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if !ok(alg) || !ok(hex) {
        return Err(meta_err(digest, "not a digest"));
    }
    Ok(format!("blobs/{alg}/{hex}"))
}

/// Whether a descriptor's `platform` matches `want` (`os/arch[/variant]`).
pub fn platform_matches(platform: Option<&Value>, want: &str) -> bool {
    let Some(p) = platform else {
        return false;
    };
    let mut parts = want.split('/');
    let (os, arch, variant) = (parts.next(), parts.next(), parts.next());
    let field = |k: &str| p.get(k).and_then(Value::as_str);
    field("os") == os
        && field("architecture") == arch
        && (variant.is_none() || field("variant") == variant)
}

fn is_index(media_type: Option<&str>, v: &Value) -> bool {
    matches!(
        media_type,
        Some("application/vnd.oci.image.index.v1+json")
            | Some("application/vnd.docker.distribution.manifest.list.v2+json")
    ) || (media_type.is_none() && v.get("manifests").is_some())
}

/// The images an OCI index (`index.json` or an index blob) lists, for
/// `platform` when given. `name` names images without a ref annotation.
pub fn images_of_index(
    src: &dyn BlobSource,
    index: &Value,
    name: &str,
    platform: Option<&str>,
    depth: u32,
) -> Result<Vec<ImageRef>, ImageError> {
    let mut out = Vec::new();
    let manifests = index
        .get("manifests")
        .and_then(Value::as_array)
        .ok_or_else(|| meta_err(name, "index without manifests"))?;
    for d in manifests {
        let digest = d
            .get("digest")
            .and_then(Value::as_str)
            .ok_or_else(|| meta_err(name, "manifest descriptor without digest"))?;
        let mt = d.get("mediaType").and_then(Value::as_str);
        let img_name = d
            .pointer("/annotations/org.opencontainers.image.ref.name")
            .and_then(Value::as_str)
            .unwrap_or(name);
        let loc = blob_path(digest)?;
        let body = json(src, &loc)?;
        let body_mt = body.get("mediaType").and_then(Value::as_str).or(mt);
        if is_index(body_mt, &body) {
            if depth > 4 {
                return Err(meta_err(&loc, "indexes nested too deep"));
            }
            out.extend(images_of_index(src, &body, img_name, platform, depth + 1)?);
            continue;
        }
        if let Some(want) = platform {
            // An attestation manifest has platform unknown/unknown: skipped too.
            if d.get("platform").is_some() && !platform_matches(d.get("platform"), want) {
                continue;
            }
        }
        out.push(image_of_manifest(&body, img_name, digest, &loc)?);
    }
    Ok(out)
}

/// An image manifest (OCI or Docker v2 schema 2).
pub fn image_of_manifest(
    m: &Value,
    name: &str,
    digest: &str,
    what: &str,
) -> Result<ImageRef, ImageError> {
    let config = m
        .pointer("/config/digest")
        .and_then(Value::as_str)
        .map(blob_path)
        .transpose()?;
    let layers = m
        .get("layers")
        .and_then(Value::as_array)
        .ok_or_else(|| meta_err(what, "manifest without layers"))?
        .iter()
        .map(|l| {
            let d = l
                .get("digest")
                .and_then(Value::as_str)
                .ok_or_else(|| meta_err(what, "layer without digest"))?;
            Ok(LayerRef {
                digest: d.to_string(),
                locator: blob_path(d)?,
            })
        })
        .collect::<Result<Vec<_>, ImageError>>()?;
    Ok(ImageRef {
        name: name.to_string(),
        digest: digest.to_string(),
        config,
        layers,
    })
}

/// The images of a legacy `docker save` `manifest.json`.
fn images_of_docker_manifest(
    src: &dyn BlobSource,
    m: &Value,
    fallback: &str,
) -> Result<Vec<ImageRef>, ImageError> {
    let entries = m
        .as_array()
        .ok_or_else(|| meta_err("manifest.json", "not a list"))?;
    let mut out = Vec::new();
    for e in entries {
        let config = e
            .get("Config")
            .and_then(Value::as_str)
            .ok_or_else(|| meta_err("manifest.json", "entry without Config"))?;
        let cfg_bytes = src.read_small(config).map_err(|e| meta_err(config, e))?;
        let id = format!("sha256:{:x}", Sha256::digest(&cfg_bytes));
        let name = e
            .pointer("/RepoTags/0")
            .and_then(Value::as_str)
            .unwrap_or(fallback);
        let layers = e
            .get("Layers")
            .and_then(Value::as_array)
            .ok_or_else(|| meta_err("manifest.json", "entry without Layers"))?
            .iter()
            .map(|l| {
                let p = l
                    .as_str()
                    .ok_or_else(|| meta_err("manifest.json", "layer is not a path"))?;
                // `blobs/sha256/HEX` (docker 25+) or `HEX/layer.tar` (older).
                let digest = match p.strip_prefix("blobs/sha256/") {
                    Some(hex) => format!("sha256:{hex}"),
                    None => format!("sha256:{}", p.split('/').next().unwrap_or(p)),
                };
                Ok(LayerRef {
                    digest,
                    locator: p.to_string(),
                })
            })
            .collect::<Result<Vec<_>, ImageError>>()?;
        out.push(ImageRef {
            name: name.to_string(),
            digest: id,
            config: Some(config.to_string()),
            layers,
        });
    }
    Ok(out)
}

/// Scan the image(s) at `path` (an OCI layout folder, or a tarball).
pub fn scan_image_path(
    path: &Path,
    opts: &ImageOptions,
    scanner: &UnitScanner,
    seen_layers: &mut HashSet<String>,
) -> Result<ImageReport, ImageError> {
    let io_err = |e| ImageError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let fallback = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let src: Box<dyn BlobSource> = if path.is_dir() {
        Box::new(DirStore(path.to_path_buf()))
    } else {
        Box::new(TarStore::index(path).map_err(io_err)?)
    };
    let images = if src.read_small("index.json").is_ok() {
        let index = json(src.as_ref(), "index.json")?;
        images_of_index(src.as_ref(), &index, &fallback, opts.platform.as_deref(), 0)?
    } else if src.read_small("manifest.json").is_ok() {
        let m = json(src.as_ref(), "manifest.json")?;
        images_of_docker_manifest(src.as_ref(), &m, &fallback)?
    } else {
        return Err(ImageError::NotAnImage(path.to_path_buf()));
    };
    if images.is_empty() {
        if let Some(p) = &opts.platform {
            return Err(ImageError::NoPlatform(p.clone()));
        }
    }
    let mut report = ImageReport::default();
    for image in &images {
        scan_image(src.as_ref(), image, opts, scanner, seen_layers, &mut report);
    }
    Ok(report)
}

/// Scan one image whose blobs `src` holds: config, then each layer not in
/// `seen_layers` (which it adds to).
pub fn scan_image(
    src: &dyn BlobSource,
    image: &ImageRef,
    opts: &ImageOptions,
    scanner: &UnitScanner,
    seen_layers: &mut HashSet<String>,
    report: &mut ImageReport,
) {
    let mut scratch = Scratch::default();
    let label = format!("{}@{}", image.name, image.digest);
    report.stats.images += 1;
    if let Some(cfg) = &image.config {
        match src
            .read_small(cfg)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<Value>(&b).map_err(|e| e.to_string()))
        {
            Ok(v) => {
                for (field, text) in config_units(&v) {
                    let name = format!("{label}!config:{field}");
                    let out = scanner.scan_unit(&name, text.as_bytes(), &mut scratch);
                    for mut f in out.findings {
                        image_props(&mut f, image, None);
                        f.properties
                            .insert("config_field".into(), Value::String(field.clone()));
                        report.findings.push(f);
                    }
                }
            }
            Err(e) => report.warnings.push(format!("{label}: config {cfg}: {e}")),
        }
    }
    let limits = opts.layer_limits();
    // Findings per layer, held until the whiteouts of later layers are known.
    let mut held: Vec<(usize, String, Finding)> = Vec::new();
    let mut deleted: Vec<Deletions> = Vec::new();
    for (i, layer) in image.layers.iter().enumerate() {
        let mut dels = Deletions::default();
        if !seen_layers.insert(layer.digest.clone()) {
            report.stats.shared_layers += 1;
            deleted.push(dels);
            continue;
        }
        report.stats.layers += 1;
        let prefix = format!("{label}!{}", layer.digest);
        let blob = match src.open(&layer.locator) {
            Ok(b) => b,
            Err(e) => {
                report
                    .warnings
                    .push(format!("{prefix}: cannot read layer: {e}"));
                deleted.push(dels);
                continue;
            }
        };
        let mut counted = CountingRead { inner: blob, n: 0 };
        let mut head = Vec::with_capacity(HEAD);
        let _ = (&mut counted).take(HEAD as u64).read_to_end(&mut head);
        let mut v = LayerVisitor {
            prefix: format!("{prefix}!"),
            scanner,
            scratch: &mut scratch,
            out: UnitOutput::default(),
            dels: &mut dels,
            files: 0,
        };
        let read = read_archive(
            &prefix,
            ArchiveInput::Stream(&head, &mut counted),
            &limits,
            &mut v,
        );
        let (out, files) = (v.out, v.files);
        if !read && head.iter().any(|&b| b != 0) {
            report.warnings.push(format!(
                "{prefix}: layer is not a tar (or a compressed tar); not read"
            ));
        }
        report.stats.files += files;
        report.warnings.extend(out.warnings);
        for f in out.findings {
            let member = f
                .location
                .path
                .as_deref()
                .and_then(|p| p.strip_prefix(&prefix))
                .and_then(|p| p.strip_prefix('!'))
                .unwrap_or("")
                .to_string();
            held.push((i, member, f));
        }
        let _ = io::copy(&mut counted, &mut io::sink());
        report.stats.bytes += counted.n;
        deleted.push(dels);
    }
    for (i, member, mut f) in held {
        let layer = &image.layers[i];
        image_props(&mut f, image, Some((i, &layer.digest, &member)));
        let file = member.split('!').next().unwrap_or("");
        if let Some(j) = (i + 1..deleted.len()).find(|&j| deleted[j].removes(file)) {
            f.message = format!(
                "{} (in layer {i}, removed in layer {j}, still pullable)",
                f.message
            );
            f.properties
                .insert("removed_in_layer".into(), Value::from(j as u64));
            f.properties
                .insert("still_pullable".into(), Value::Bool(true));
        }
        report.findings.push(f);
    }
}

fn image_props(f: &mut Finding, image: &ImageRef, layer: Option<(usize, &str, &str)>) {
    let p = &mut f.properties;
    p.insert("image".into(), Value::String(image.name.clone()));
    p.insert("image_digest".into(), Value::String(image.digest.clone()));
    if let Some((i, digest, member)) = layer {
        p.insert("layer_index".into(), Value::from(i as u64));
        p.insert("layer_digest".into(), Value::String(digest.to_string()));
        p.insert("path_in_layer".into(), Value::String(member.to_string()));
    }
}

/// The config's fields that hold text a build put there: `Env` entries,
/// `Labels`, `Cmd`, `Entrypoint`, and each history step's `created_by`.
pub fn config_units(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let cfg = v.get("config").or_else(|| v.get("container_config"));
    if let Some(cfg) = cfg {
        for (i, e) in cfg
            .get("Env")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(s) = e.as_str() {
                out.push((format!("Env[{i}]"), s.to_string()));
            }
        }
        if let Some(labels) = cfg.get("Labels").and_then(Value::as_object) {
            let sorted: BTreeMap<_, _> = labels.iter().collect();
            for (k, val) in sorted {
                if let Some(s) = val.as_str() {
                    out.push((format!("Labels[{k}]"), format!("{k}={s}")));
                }
            }
        }
        for key in ["Entrypoint", "Cmd"] {
            let words: Vec<&str> = cfg
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if !words.is_empty() {
                out.push((key.to_string(), words.join(" ")));
            }
        }
    }
    for (i, h) in v
        .get("history")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(s) = h.get("created_by").and_then(Value::as_str) {
            out.push((format!("history[{i}].created_by"), s.to_string()));
        }
    }
    out
}

struct CountingRead<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n += n as u64;
        Ok(n)
    }
}

/// What one layer deletes from the layers below it.
#[derive(Debug, Default)]
struct Deletions {
    /// `dir/NAME` of each `dir/.wh.NAME`.
    paths: Vec<String>,
    /// `dir` of each `dir/.wh..wh..opq`.
    opaque: Vec<String>,
}

impl Deletions {
    fn removes(&self, file: &str) -> bool {
        let under = |dir: &str| {
            dir.is_empty() || file.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
        };
        self.paths.iter().any(|p| file == p || under(p)) || self.opaque.iter().any(|d| under(d))
    }

    fn record(&mut self, member: &str) -> bool {
        let (dir, base) = match member.rsplit_once('/') {
            Some((d, b)) => (d, b),
            None => ("", member),
        };
        if base == ".wh..wh..opq" {
            self.opaque.push(dir.to_string());
            return true;
        }
        if let Some(name) = base.strip_prefix(".wh.") {
            self.paths.push(if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            });
            return true;
        }
        false
    }
}

struct LayerVisitor<'a> {
    prefix: String,
    scanner: &'a UnitScanner,
    scratch: &'a mut Scratch,
    out: UnitOutput,
    dels: &'a mut Deletions,
    files: u64,
}

impl Visitor for LayerVisitor<'_> {
    fn file(&mut self, path: &str, content: &mut dyn Read, size: Option<u64>) {
        if let Some(member) = path.strip_prefix(&self.prefix) {
            if !member.contains('!') && self.dels.record(member) {
                return;
            }
        }
        self.files += 1;
        crate::scan::scan_into(
            path,
            content,
            size,
            self.scanner,
            self.scratch,
            &mut self.out,
        );
    }

    fn notice(&mut self, notice: Notice) {
        self.out.warnings.push(notice.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whiteouts() {
        let mut d = Deletions::default();
        assert!(d.record("etc/.wh.secret.env"));
        assert!(d.record("app/.wh..wh..opq"));
        assert!(!d.record("etc/ok"));
        assert!(d.removes("etc/secret.env"));
        assert!(!d.removes("etc/secret.env2"));
        assert!(d.removes("app/x/y"));
        assert!(!d.removes("application/y"));
    }

    #[test]
    fn digests_are_plain() {
        assert_eq!(blob_path("sha256:ab12").unwrap(), "blobs/sha256/ab12");
        assert!(blob_path("sha256:../../x").is_err());
        assert!(blob_path("nocolon").is_err());
    }
}

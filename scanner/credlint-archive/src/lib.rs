//! credlint's archive source: the members of zip-family archives (zip,
//! jar, war, ear, whl, nupkg, apk), tar and compressed streams (gz, bz2, xz,
//! zst), nested, as units for the same scanning path as files.
//!
//! Where it sits in the data flow: a *source* that the file walk and the git
//! history hand any unit whose magic bytes say "archive" (through
//! [`credlint_scan::ArchiveHook`], implemented by [`Archives`]). It yields
//! each member back to [`credlint_scan::scan_member`] under a `!`-joined
//! path (`app.zip!config/app.yml`), so findings get their usual line and
//! column. Reading is streamed and bounded ([`Limits`]); a guard that trips
//! or a corrupt member is a [`Notice`] and never costs the findings of
//! members already read. Nothing here prints.
//!
//! [`image`] reads container images (OCI layouts, `docker save` tarballs)
//! through the same reader: each layer once, whiteouts tracked, and the
//! image config's text fields as units of their own; [`registry`] pulls
//! them over the OCI distribution API.

mod format;
pub mod image;
mod reader;
pub mod registry;
mod scan;

pub use format::{sniff, Format, HEAD};
pub use reader::{escapes, read_archive, Limits, Notice, NoticeKind, Visitor};
pub use scan::{Archives, ScanVisitor};

//! credlint's file source and unit scanner.
//!
//! Data flow: [`walk`] enumerates files in parallel (hidden files included,
//! `.gitignore` honoured, `.git/` never entered, links not followed); each
//! file is read, sniffed for binary content, and handed to
//! [`UnitScanner::scan_unit`], which runs the leak engine, scans
//! base64-decoded values of Kubernetes Secrets, applies inline allow
//! comments, and calls the policy hook the binary installed. An archive
//! (when the binary installed an [`ArchiveHook`]) is handed to that hook,
//! which scans its members back through [`scan_member`]. Large files and
//! standard input are scanned in overlapping chunks so memory stays bounded.
//! Nothing here prints: problems with one unit become [`Warning`]s and the
//! scan goes on.

mod decode;
mod unit;
mod walk;

pub use unit::{ArchiveHook, ArchiveInput, PolicyHook, PolicyOutput, UnitOutput, UnitScanner};
pub use walk::{scan_member, scan_paths, scan_reader, ScanOptions, ScanReport, ScanStats, Warning};

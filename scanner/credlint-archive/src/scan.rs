//! The archive reader as the scanner's [`ArchiveHook`]: every member goes
//! through [`credlint_scan::scan_member`], the path `scan` and `git` use for
//! a file, so members meet the same leak rules, Secret decoding, allow
//! comments and (for names the policy checks recognise) policy checks.

use std::io::Read;

use credlint_leaks::Scratch;
use credlint_scan::{ArchiveHook, ArchiveInput, UnitOutput, UnitScanner};

use crate::format::sniff;
use crate::reader::{read_archive, Limits, Notice, Visitor};

/// Reads archives for a [`UnitScanner`] (see [`UnitScanner::with_archives`]).
#[derive(Debug, Clone, Default)]
pub struct Archives {
    /// Limits for each outermost archive.
    pub limits: Limits,
}

impl Archives {
    /// A reader with these limits.
    pub fn new(limits: Limits) -> Self {
        Archives { limits }
    }
}

impl ArchiveHook for Archives {
    fn is_archive(&self, head: &[u8]) -> bool {
        sniff(head).is_some()
    }

    fn scan(
        &self,
        name: &str,
        input: ArchiveInput<'_>,
        scanner: &UnitScanner,
        scratch: &mut Scratch,
    ) -> UnitOutput {
        let mut v = ScanVisitor {
            scanner,
            scratch,
            out: UnitOutput::default(),
        };
        read_archive(name, input, &self.limits, &mut v);
        v.out
    }
}

/// Scans each member and gathers findings and notices into one output.
pub struct ScanVisitor<'a> {
    /// The scanner members go through.
    pub scanner: &'a UnitScanner,
    /// The thread's scratch.
    pub scratch: &'a mut Scratch,
    /// Findings and warnings so far.
    pub out: UnitOutput,
}

impl Visitor for ScanVisitor<'_> {
    fn file(&mut self, path: &str, content: &mut dyn Read, size: Option<u64>) {
        scan_into(
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

/// Scan one member through the unit scanner and add what it found to `out`
/// (a member that cannot be read is a warning naming it).
pub(crate) fn scan_into(
    path: &str,
    content: &mut dyn Read,
    size: Option<u64>,
    scanner: &UnitScanner,
    scratch: &mut Scratch,
    out: &mut UnitOutput,
) {
    match credlint_scan::scan_member(path, content, size.unwrap_or(0), scanner, scratch) {
        Ok(Some(o)) => {
            out.findings.extend(o.findings);
            out.warnings
                .extend(o.warnings.into_iter().map(|w| format!("{path}: {w}")));
        }
        Ok(None) => {}
        Err(e) => out.warnings.push(format!("{path}: read error: {e}")),
    }
}

//! The image reader's metadata parsing on arbitrary JSON: an OCI index
//! (`index.json`), image manifests and configs, served from an in-memory
//! blob store whose blobs are the fuzzer's input split at NUL bytes (blob
//! `i` is `blobs/sha256/<i>`); layers that resolve are read through the
//! archive reader. No panic; every finding is located in the image.
#![no_main]

use std::collections::HashSet;
use std::io::Read;

use credlint_archive::image::{
    config_units, images_of_index, scan_image, BlobSource, ImageOptions, ImageReport,
};
use libfuzzer_sys::fuzz_target;

struct Mem<'a>(Vec<&'a [u8]>);

impl BlobSource for Mem<'_> {
    fn open(&self, locator: &str) -> std::io::Result<Box<dyn Read + '_>> {
        let i: usize = locator
            .strip_prefix("blobs/sha256/")
            .and_then(|h| h.parse().ok())
            .ok_or_else(|| std::io::Error::other("no blob"))?;
        let b = self
            .0
            .get(i)
            .ok_or_else(|| std::io::Error::other("no blob"))?;
        Ok(Box::new(*b))
    }
}

fuzz_target!(|data: &[u8]| {
    let parts: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    let store = Mem(parts.clone());
    let Ok(index) = serde_json::from_slice::<serde_json::Value>(parts[0]) else {
        return;
    };
    let _ = config_units(&index);
    let opts = ImageOptions::default();
    for platform in [None, Some("linux/amd64")] {
        let Ok(images) = images_of_index(&store, &index, "fuzz", platform, 0) else {
            continue;
        };
        let mut seen = HashSet::new();
        let mut report = ImageReport::default();
        for image in images.iter().take(8) {
            scan_image(
                &store,
                image,
                &opts,
                credlint_fuzz::scanner(),
                &mut seen,
                &mut report,
            );
        }
        for f in &report.findings {
            credlint_fuzz::assert_no_raw_secret(f);
            assert!(f.location.path.as_deref().unwrap_or("").starts_with("fuzz"));
        }
    }
});

//! The formatted text of generated files from earlier runs, on disk under
//! `target/xtask-format-cache/`, so that a warm `cargo xtask codegen` formats
//! only the files whose text changed (formatting is most of its time).
//!
//! An entry is named by the sha256 of the unformatted text, in a folder
//! named after the running xtask binary (its size and modification time): a
//! rebuilt generator, whose formatter may differ, starts a new folder and the
//! old ones are removed.

use std::path::{Path, PathBuf};

use stripe_codegen::emit::format::FormatCache;

use crate::inputs;

pub struct DiskCache {
    dir: PathBuf,
}

impl DiskCache {
    /// The cache of this xtask build, or `None` when it cannot be set up
    /// (then every file is formatted, as without a cache).
    pub fn open() -> Option<DiskCache> {
        let root = inputs::workspace_root().join("target/xtask-format-cache");
        let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
        let modified = exe
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let build = format!("{}-{}", exe.len(), modified.as_nanos());
        remove_other_builds(&root, &build);
        let dir = root.join(build);
        std::fs::create_dir_all(&dir).ok()?;
        Some(DiskCache { dir })
    }

    fn entry(&self, unformatted: &str) -> PathBuf {
        self.dir.join(inputs::sha256_hex(unformatted.as_bytes()))
    }
}

fn remove_other_builds(root: &Path, build: &str) {
    for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
        if entry.file_name() != build {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl FormatCache for DiskCache {
    fn get(&self, unformatted: &str) -> Option<String> {
        std::fs::read_to_string(self.entry(unformatted)).ok()
    }

    /// Best effort: a failed write only means formatting next time. Written
    /// beside and renamed, so a reader never sees half an entry.
    fn put(&self, unformatted: &str, formatted: &str) {
        let entry = self.entry(unformatted);
        let mut partial = entry.clone().into_os_string();
        partial.push(".partial");
        if std::fs::write(&partial, formatted).is_ok() {
            let _ = std::fs::rename(&partial, &entry);
        }
    }
}

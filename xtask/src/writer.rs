//! The one writer of generated files, with a check mode.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    /// Change nothing; report what is stale.
    Check,
}

#[derive(Debug, Default)]
pub struct Report {
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    /// In check mode: files that differ, are missing, or should not exist.
    pub stale: Vec<PathBuf>,
}

/// Folders whose `.rs` files are all generated: one that is no longer
/// produced is removed.
pub const MANAGED_DIRS: &[&str] = &["src", "api/src", "params/src"];

/// Generated files beside hand-written ones: removed when no longer
/// produced, and nothing else in their folder is touched.
pub const MANAGED_FILES: &[&str] = &["tests/every_endpoint.rs"];

/// Makes the generated parts of `root` hold exactly `files` (paths relative
/// to `root`): writes the files whose text changed and removes `.rs` files
/// under [`MANAGED_DIRS`] that are no longer produced, and
/// [`MANAGED_FILES`] likewise.
///
/// All or nothing: every changed file is first written beside its target
/// (`*.tmp`); if any write fails (disk full, a name too long), the ones
/// written are removed and the tree is as it was, and the error names the
/// file. Only then are they renamed into place and stale files removed.
pub fn sync(root: &Path, files: &BTreeMap<PathBuf, String>, mode: Mode) -> std::io::Result<Report> {
    let mut report = Report::default();
    let changed: Vec<(&PathBuf, &String)> = files
        .iter()
        .filter(|(relative, text)| {
            std::fs::read_to_string(root.join(relative)).ok().as_deref() != Some(text.as_str())
        })
        .collect();
    let stale = stale_files(root, files)?;
    if mode == Mode::Check {
        report.stale = changed
            .into_iter()
            .map(|(relative, _)| relative.clone())
            .collect();
        report.stale.extend(stale);
        return Ok(report);
    }
    let staged = stage(root, &changed)?;
    for (temporary, (relative, _)) in staged.iter().zip(&changed) {
        std::fs::rename(temporary, root.join(relative)).map_err(|e| at(&root.join(relative), e))?;
        report.written.push((*relative).clone());
    }
    for relative in stale {
        let path = root.join(&relative);
        std::fs::remove_file(&path).map_err(|e| at(&path, e))?;
        report.removed.push(relative);
    }
    for dir in MANAGED_DIRS {
        remove_empty_dirs(&root.join(dir))?;
    }
    Ok(report)
}

/// Writes each file to `<target>.tmp`; on the first failure removes what it
/// wrote (and the folders it made empty) and returns that failure.
fn stage(root: &Path, changed: &[(&PathBuf, &String)]) -> std::io::Result<Vec<PathBuf>> {
    let mut staged = Vec::with_capacity(changed.len());
    for (relative, text) in changed {
        let path = root.join(relative);
        let mut temporary = path.clone().into_os_string();
        temporary.push(".tmp");
        let temporary = PathBuf::from(temporary);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&temporary, text));
        if let Err(e) = written {
            for done in &staged {
                let _ = std::fs::remove_file(done);
            }
            for dir in MANAGED_DIRS {
                let _ = remove_empty_dirs(&root.join(dir));
            }
            return Err(at(&path, e));
        }
        staged.push(temporary);
    }
    Ok(staged)
}

/// The managed files under `root` that `files` no longer has.
fn stale_files(root: &Path, files: &BTreeMap<PathBuf, String>) -> std::io::Result<Vec<PathBuf>> {
    let mut existing_files = Vec::new();
    for dir in MANAGED_DIRS {
        existing_files.extend(rust_files(&root.join(dir))?);
    }
    existing_files.extend(
        MANAGED_FILES
            .iter()
            .map(|relative| root.join(relative))
            .filter(|path| path.is_file()),
    );
    Ok(existing_files
        .into_iter()
        .map(|existing| {
            existing
                .strip_prefix(root)
                .expect("listed under root")
                .to_path_buf()
        })
        .filter(|relative| !files.contains_key(relative))
        .collect())
}

/// The error, with the file it is about.
fn at(path: &Path, error: std::io::Error) -> std::io::Error {
    std::io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

fn rust_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn remove_empty_dirs(dir: &Path) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if std::fs::read_dir(&path)?.next().is_none() {
                std::fs::remove_dir(&path)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> BTreeMap<PathBuf, String> {
        entries
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect()
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-writer-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writes_changes_removes_leftovers_and_checks() {
        let root = temp_dir("sync");
        std::fs::create_dir_all(root.join("src/old")).unwrap();
        std::fs::write(root.join("src/old/gone.rs"), "// old").unwrap();
        std::fs::write(root.join("src/keep.rs"), "same").unwrap();
        let wanted = files(&[("src/keep.rs", "same"), ("src/new/a.rs", "new")]);

        let check = sync(&root, &wanted, Mode::Check).unwrap();
        assert_eq!(
            check.stale,
            [
                PathBuf::from("src/new/a.rs"),
                PathBuf::from("src/old/gone.rs")
            ]
        );
        assert!(
            root.join("src/old/gone.rs").exists(),
            "check mode changed nothing"
        );

        let write = sync(&root, &wanted, Mode::Write).unwrap();
        assert_eq!(write.written, [PathBuf::from("src/new/a.rs")]);
        assert_eq!(write.removed, [PathBuf::from("src/old/gone.rs")]);
        assert!(!root.join("src/old").exists(), "empty folders are removed");
        assert!(sync(&root, &wanted, Mode::Check).unwrap().stale.is_empty());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_file_that_cannot_be_written_leaves_the_whole_tree_as_it_was() {
        let root = temp_dir("all-or-nothing");
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/a.rs"), "old a").unwrap();
        std::fs::write(root.join("src/stale.rs"), "old stale").unwrap();
        let too_long = format!("src/new/{}.rs", "x".repeat(300));
        let wanted = files(&[
            ("src/a.rs", "new a"),
            ("src/new/b.rs", "b"),
            (too_long.as_str(), "c"),
        ]);

        let error = sync(&root, &wanted, Mode::Write).unwrap_err().to_string();
        assert!(error.contains(&"x".repeat(300)), "names the file: {error}");
        assert_eq!(
            std::fs::read_to_string(root.join("src/a.rs")).unwrap(),
            "old a"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("src/stale.rs")).unwrap(),
            "old stale"
        );
        let left: Vec<PathBuf> = walk(&root);
        assert_eq!(
            left,
            [root.join("src/a.rs"), root.join("src/stale.rs")],
            "no .tmp left"
        );
        assert!(!root.join("src/new").exists(), "no new folder left");
        std::fs::remove_dir_all(&root).unwrap();
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_generated_test_is_managed_and_hand_written_tests_are_left_alone() {
        let root = temp_dir("tests");
        std::fs::create_dir_all(root.join("tests")).unwrap();
        std::fs::write(root.join("tests/mine.rs"), "// by hand").unwrap();
        let with_test = files(&[
            ("src/lib.rs", "lib"),
            ("tests/every_endpoint.rs", "// generated"),
        ]);
        assert_eq!(
            sync(&root, &with_test, Mode::Check).unwrap().stale,
            [
                PathBuf::from("src/lib.rs"),
                PathBuf::from("tests/every_endpoint.rs")
            ]
        );
        sync(&root, &with_test, Mode::Write).unwrap();
        std::fs::write(root.join("tests/every_endpoint.rs"), "// edited").unwrap();
        assert_eq!(
            sync(&root, &with_test, Mode::Check).unwrap().stale,
            [PathBuf::from("tests/every_endpoint.rs")]
        );

        // A spec without operations produces no test: the old one goes.
        let without = files(&[("src/lib.rs", "lib")]);
        assert_eq!(
            sync(&root, &without, Mode::Check).unwrap().stale,
            [PathBuf::from("tests/every_endpoint.rs")]
        );
        let write = sync(&root, &without, Mode::Write).unwrap();
        assert_eq!(write.removed, [PathBuf::from("tests/every_endpoint.rs")]);
        assert!(root.join("tests/mine.rs").exists());
        std::fs::remove_dir_all(&root).unwrap();
    }
}

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
pub const MANAGED_DIRS: &[&str] = &["src", "api/src", "base/src", "params/src"];

/// Generated files beside hand-written ones: removed when no longer
/// produced, and nothing else in their folder is touched.
pub const MANAGED_FILES: &[&str] = &["tests/every_endpoint.rs"];

/// The swap in progress: which staged files replace which targets and
/// which files go. Written before the first rename and removed after the
/// last, so a run that dies in between (a crash, a kill) is finished by the
/// next run instead of leaving old and new files mixed.
pub const JOURNAL: &str = ".codegen-swap.json";

/// Makes the generated parts of `root` hold exactly `files` (paths relative
/// to `root`): writes the files whose text changed and removes `.rs` files
/// under [`MANAGED_DIRS`] that are no longer produced, and
/// [`MANAGED_FILES`] likewise.
///
/// All or nothing: every changed file is first written beside its target
/// (`*.tmp`); if any write fails (disk full, a name too long), the ones
/// written are removed and the tree is as it was, and the error names the
/// file. Only then is the swap recorded in [`JOURNAL`] and carried out;
/// a swap that was cut short is finished first by the next run in write
/// mode, and check mode reports the journal as stale.
pub fn sync(root: &Path, files: &BTreeMap<PathBuf, String>, mode: Mode) -> std::io::Result<Report> {
    let mut report = Report::default();
    let journal = root.join(JOURNAL);
    if mode == Mode::Write {
        finish_interrupted_swap(root, files)?;
    }
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
        if journal.exists() {
            report.stale.push(PathBuf::from(JOURNAL));
        }
        return Ok(report);
    }
    let staged = stage(root, &changed)?;
    let swap = Swap {
        rename: staged
            .iter()
            .zip(&changed)
            .map(|(temporary, (relative, _))| (temporary.clone(), (*relative).clone()))
            .collect(),
        remove: stale,
    };
    if let Err(e) = record(&journal, &swap) {
        unstage(root, &staged);
        return Err(at(&journal, e));
    }
    apply(root, &swap)?;
    std::fs::remove_file(&journal).map_err(|e| at(&journal, e))?;
    report.written = swap.rename.into_iter().map(|(_, target)| target).collect();
    report.removed = swap.remove;
    Ok(report)
}

/// One swap: staged files (relative to the root) to rename onto their
/// targets, then files to remove.
#[derive(Debug, Default, PartialEq)]
struct Swap {
    rename: Vec<(PathBuf, PathBuf)>,
    remove: Vec<PathBuf>,
}

/// Writes the journal and flushes it to disk before any rename starts.
fn record(journal: &Path, swap: &Swap) -> std::io::Result<()> {
    let text = |path: &PathBuf| serde_json::Value::from(path.to_string_lossy().into_owned());
    let json = serde_json::json!({
        "rename": swap.rename.iter().map(|(from, to)| [text(from), text(to)]).collect::<Vec<_>>(),
        "remove": swap.remove.iter().map(text).collect::<Vec<_>>(),
    });
    let mut file = std::fs::File::create(journal)?;
    std::io::Write::write_all(&mut file, json.to_string().as_bytes())?;
    file.sync_all()
}

fn read_journal(journal: &Path) -> std::io::Result<Swap> {
    let invalid = |what: &str| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not a journal of this writer ({what}); remove it and run codegen again"),
        )
    };
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(journal)?).map_err(|e| invalid(&e.to_string()))?;
    let path = |value: &serde_json::Value| value.as_str().map(PathBuf::from);
    let rename = json["rename"]
        .as_array()
        .ok_or_else(|| invalid("no `rename` list"))?
        .iter()
        .map(|pair| Some((path(&pair[0])?, path(&pair[1])?)))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| invalid("a `rename` entry is not two paths"))?;
    let remove = json["remove"]
        .as_array()
        .ok_or_else(|| invalid("no `remove` list"))?
        .iter()
        .map(path)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| invalid("a `remove` entry is not a path"))?;
    Ok(Swap { rename, remove })
}

/// Carries out a swap. Each step may already have been done by a run that
/// was cut short: a staged file that is gone was renamed, a stale file that
/// is gone was removed.
fn apply(root: &Path, swap: &Swap) -> std::io::Result<()> {
    for (temporary, target) in &swap.rename {
        let (temporary, target) = (root.join(temporary), root.join(target));
        if temporary.exists() {
            std::fs::rename(&temporary, &target).map_err(|e| at(&target, e))?;
        }
    }
    for relative in &swap.remove {
        let path = root.join(relative);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(at(&path, e)),
            _ => {}
        }
    }
    for dir in MANAGED_DIRS {
        remove_empty_dirs(&root.join(dir))?;
    }
    Ok(())
}

/// Finishes the swap a previous run recorded but did not complete, and
/// removes files that a run cut short while staging left behind: staged
/// `.rs` files anywhere in the managed folders, and the staged copy of any
/// other file this run writes (`Cargo.toml.tmp`).
fn finish_interrupted_swap(root: &Path, files: &BTreeMap<PathBuf, String>) -> std::io::Result<()> {
    let journal = root.join(JOURNAL);
    if journal.exists() {
        let swap = read_journal(&journal).map_err(|e| at(&journal, e))?;
        apply(root, &swap)?;
        std::fs::remove_file(&journal).map_err(|e| at(&journal, e))?;
    }
    let mut leftovers = Vec::new();
    for dir in MANAGED_DIRS {
        leftovers.extend(files_ending(&root.join(dir), ".rs.tmp")?);
    }
    let managed_files: Vec<PathBuf> = MANAGED_FILES.iter().map(PathBuf::from).collect();
    leftovers.extend(
        files
            .keys()
            .chain(&managed_files)
            .map(|relative| root.join(staged_name(relative)))
            .filter(|staged| staged.is_file()),
    );
    for leftover in leftovers {
        std::fs::remove_file(&leftover).map_err(|e| at(&leftover, e))?;
    }
    Ok(())
}

/// Where a file is staged before the swap: beside its target.
fn staged_name(relative: &Path) -> PathBuf {
    let mut name = relative.as_os_str().to_owned();
    name.push(".tmp");
    PathBuf::from(name)
}

/// Writes each file to `<target>.tmp` and returns those paths, relative to
/// `root`; on the first failure removes what it wrote (and the folders it
/// made empty) and returns that failure.
fn stage(root: &Path, changed: &[(&PathBuf, &String)]) -> std::io::Result<Vec<PathBuf>> {
    let mut staged = Vec::with_capacity(changed.len());
    for (relative, text) in changed {
        let path = root.join(relative);
        let temporary = staged_name(relative);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(root.join(&temporary), text));
        if let Err(e) = written {
            unstage(root, &staged);
            return Err(at(&path, e));
        }
        staged.push(temporary);
    }
    Ok(staged)
}

/// Removes staged files and the folders staging made empty.
fn unstage(root: &Path, staged: &[PathBuf]) {
    for done in staged {
        let _ = std::fs::remove_file(root.join(done));
    }
    for dir in MANAGED_DIRS {
        let _ = remove_empty_dirs(&root.join(dir));
    }
}

/// The managed files under `root` that `files` no longer has.
fn stale_files(root: &Path, files: &BTreeMap<PathBuf, String>) -> std::io::Result<Vec<PathBuf>> {
    let mut existing_files = Vec::new();
    for dir in MANAGED_DIRS {
        existing_files.extend(files_ending(&root.join(dir), ".rs")?);
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

/// The files under `dir`, at any depth, whose names end with `suffix`.
fn files_ending(dir: &Path, suffix: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(files_ending(&path, suffix)?);
        } else if path.to_string_lossy().ends_with(suffix) {
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

    /// A run that dies after recording its swap and renaming one of two
    /// files: check mode says the tree is stale, and the next run finishes
    /// the swap before writing what it wants.
    #[test]
    fn a_swap_cut_short_is_finished_by_the_next_run() {
        let root = temp_dir("cut-short");
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/a.rs"), "old a").unwrap();
        std::fs::write(root.join("src/b.rs"), "old b").unwrap();
        std::fs::write(root.join("src/gone.rs"), "old gone").unwrap();
        let wanted = files(&[("src/a.rs", "new a"), ("src/b.rs", "new b")]);
        let changed: Vec<_> = wanted.iter().collect();
        let staged = stage(&root, &changed).unwrap();
        let swap = Swap {
            rename: staged.into_iter().zip(wanted.keys().cloned()).collect(),
            remove: vec![PathBuf::from("src/gone.rs")],
        };
        record(&root.join(JOURNAL), &swap).unwrap();
        let first = &swap.rename[0];
        std::fs::rename(root.join(&first.0), root.join(&first.1)).unwrap();
        // The run dies here: a.rs is new, b.rs and gone.rs are old.

        let check = sync(&root, &wanted, Mode::Check).unwrap();
        assert!(check.stale.contains(&PathBuf::from(JOURNAL)), "{check:?}");

        let write = sync(&root, &wanted, Mode::Write).unwrap();
        assert!(write.written.is_empty(), "the journal had written them");
        assert_eq!(walk(&root), [root.join("src/a.rs"), root.join("src/b.rs")]);
        assert_eq!(
            std::fs::read_to_string(root.join("src/b.rs")).unwrap(),
            "new b"
        );
        assert!(sync(&root, &wanted, Mode::Check).unwrap().stale.is_empty());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn staged_files_left_by_a_run_cut_short_while_staging_are_removed() {
        let root = temp_dir("staging-leftovers");
        std::fs::create_dir_all(root.join("src/deep")).unwrap();
        std::fs::write(root.join("src/a.rs"), "a").unwrap();
        std::fs::write(root.join("src/deep/b.rs.tmp"), "half").unwrap();
        std::fs::write(root.join("Cargo.toml.tmp"), "half").unwrap();
        std::fs::write(root.join("notes.tmp"), "mine").unwrap();
        let wanted = files(&[("src/a.rs", "a"), ("Cargo.toml", "[package]")]);
        sync(&root, &wanted, Mode::Write).unwrap();
        assert_eq!(
            walk(&root),
            [
                root.join("Cargo.toml"),
                root.join("notes.tmp"),
                root.join("src/a.rs")
            ],
            "staged files gone, a file of the user's kept"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_damaged_journal_is_an_error_naming_it_and_nothing_changes() {
        let root = temp_dir("damaged-journal");
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/a.rs"), "old a").unwrap();
        std::fs::write(root.join(JOURNAL), "{\"rename\": [[1, 2]]").unwrap();
        let error = sync(&root, &files(&[("src/a.rs", "new a")]), Mode::Write)
            .unwrap_err()
            .to_string();
        assert!(error.contains(JOURNAL), "{error}");
        assert_eq!(
            std::fs::read_to_string(root.join("src/a.rs")).unwrap(),
            "old a"
        );
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

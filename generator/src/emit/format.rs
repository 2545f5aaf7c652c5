//! Step 5: format in process. `syn` parses each file and `prettyplease`
//! prints it; a file that does not parse is a generator bug.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};

/// Formats one file. Leading plain `//` comments (the header) are not part
/// of syn's tree, so they are kept aside and put back.
pub fn format_file(path: &str, text: &str) -> Result<String> {
    let body_start = text
        .lines()
        .take_while(|line| {
            line.starts_with("//") && !line.starts_with("//!") && !line.starts_with("///")
        })
        .map(|line| line.len() + 1)
        .sum::<usize>()
        .min(text.len());
    let (header, body) = text.split_at(body_start);
    let file = syn::parse_file(body)
        .map_err(|e| Error::new(format!("generator bug: {path} is not valid Rust: {e}")))?;
    Ok(format!(
        "{header}{}",
        separate_items(&prettyplease::unparse(&file))
    ))
}

/// prettyplease prints top-level items back to back; a blank line after each
/// item that ends at column 0 makes the files readable.
fn separate_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut previous_closed_item = false;
    for line in text.lines() {
        let at_top = !line.is_empty() && !line.starts_with(char::is_whitespace);
        if previous_closed_item && at_top {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous_closed_item =
            at_top && (line == "}" || line.ends_with(';') && !line.starts_with("//"));
    }
    out
}

/// Formatted text kept from an earlier run, by the unformatted text it was
/// made from. Formatting is a pure function of that text (for one build of
/// the generator), so a hit is exactly what formatting would give.
pub trait FormatCache: Sync {
    fn get(&self, unformatted: &str) -> Option<String>;
    fn put(&self, unformatted: &str, formatted: &str);
}

/// No cache: every file is formatted.
pub struct NoCache;

impl FormatCache for NoCache {
    fn get(&self, _: &str) -> Option<String> {
        None
    }
    fn put(&self, _: &str, _: &str) {}
}

/// The stack of a formatting or rendering thread. syn and prettyplease
/// recurse once per level of a nested type (`Vec<Vec<...>>`); the spec's
/// parser stops at 128 levels, and this is room for those many.
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// A scoped thread with [`WORKER_STACK`]; failing to start one is an error.
pub(crate) fn spawn_worker<'scope, 'env, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    name: &str,
    work: impl FnOnce() -> T + Send + 'scope,
) -> Result<std::thread::ScopedJoinHandle<'scope, T>> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .stack_size(WORKER_STACK)
        .spawn_scoped(scope, work)
        .map_err(|e| Error::new(format!("cannot start a {name} thread: {e}")))
}

/// Formats every Rust file (others pass through), spread over the available
/// cores. Files differ in size by a thousand times, so each thread takes the
/// next file from a shared queue, largest first, rather than a fixed share.
pub fn format_files(files: BTreeMap<PathBuf, String>) -> Result<BTreeMap<PathBuf, String>> {
    format_files_cached(files, &NoCache)
}

/// [`format_files`], taking what `cache` has and giving it what it lacked.
pub fn format_files_cached(
    files: BTreeMap<PathBuf, String>,
    cache: &dyn FormatCache,
) -> Result<BTreeMap<PathBuf, String>> {
    let mut entries: Vec<(PathBuf, String)> = files.into_iter().collect();
    entries.sort_by_key(|(_, text)| std::cmp::Reverse(text.len()));
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(entries.len().max(1));
    let next = AtomicUsize::new(0);
    let format_next = || {
        let mut done = Vec::new();
        while let Some((path, text)) = entries.get(next.fetch_add(1, Ordering::Relaxed)) {
            let formatted = if path.extension().is_some_and(|e| e == "rs") {
                match cache.get(text) {
                    Some(formatted) => formatted,
                    None => {
                        let formatted = format_file(&path.display().to_string(), text)?;
                        cache.put(text, &formatted);
                        formatted
                    }
                }
            } else {
                text.clone()
            };
            done.push((path.clone(), formatted));
        }
        Ok::<_, Error>(done)
    };
    std::thread::scope(|scope| {
        let workers = (0..threads)
            .map(|_| spawn_worker(scope, "format", format_next))
            .collect::<Result<Vec<_>>>()?;
        let mut out = BTreeMap::new();
        for worker in workers {
            out.extend(
                worker
                    .join()
                    .map_err(|_| Error::new("a formatting thread panicked"))??,
            );
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_header_and_formats_the_rest() {
        let text = "// @generated header\n//! Module doc.\npub struct A{pub x:i64}";
        assert_eq!(
            format_file("a.rs", text).unwrap(),
            "// @generated header\n//! Module doc.\npub struct A {\n    pub x: i64,\n}\n"
        );
        assert_eq!(
            format_file(
                "b.rs",
                "pub struct A; pub struct B{pub x:i64} pub type C = A;"
            )
            .unwrap(),
            "pub struct A;\n\npub struct B {\n    pub x: i64,\n}\n\npub type C = A;\n"
        );
    }

    #[test]
    fn invalid_rust_is_reported_with_the_path() {
        let error = format_file("src/bad.rs", "// h\npub struct {").unwrap_err();
        assert!(error.message.contains("src/bad.rs"), "{error}");
    }

    /// Remembers in memory, and counts what it was asked for.
    #[derive(Default)]
    struct Remember {
        kept: std::sync::Mutex<BTreeMap<String, String>>,
        hits: AtomicUsize,
    }

    impl FormatCache for Remember {
        fn get(&self, unformatted: &str) -> Option<String> {
            let hit = self.kept.lock().unwrap().get(unformatted).cloned();
            if hit.is_some() {
                self.hits.fetch_add(1, Ordering::Relaxed);
            }
            hit
        }
        fn put(&self, unformatted: &str, formatted: &str) {
            self.kept
                .lock()
                .unwrap()
                .insert(unformatted.into(), formatted.into());
        }
    }

    #[test]
    fn a_cache_gives_what_formatting_gives_and_only_for_the_same_text() {
        let files = |b: &str| {
            BTreeMap::from([
                (PathBuf::from("a.rs"), "pub struct A{pub x:i64}".to_owned()),
                (PathBuf::from("b.rs"), b.to_owned()),
                (PathBuf::from("Cargo.toml"), "[package]".to_owned()),
            ])
        };
        let cache = Remember::default();
        let uncached = format_files(files("pub struct B;")).unwrap();
        assert_eq!(
            format_files_cached(files("pub struct B;"), &cache).unwrap(),
            uncached
        );
        assert_eq!(cache.hits.load(Ordering::Relaxed), 0);
        // Again: both Rust files from the cache, with the same result.
        assert_eq!(
            format_files_cached(files("pub struct B;"), &cache).unwrap(),
            uncached
        );
        assert_eq!(cache.hits.load(Ordering::Relaxed), 2);
        // A changed file is formatted anew.
        let changed = format_files_cached(files("pub struct C{}"), &cache).unwrap();
        assert_eq!(changed[&PathBuf::from("b.rs")], "pub struct C {}\n");
        assert_eq!(cache.hits.load(Ordering::Relaxed), 3);
    }
}

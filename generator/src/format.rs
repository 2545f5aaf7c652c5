//! Step 5: format in process. `syn` parses each file and `prettyplease`
//! prints it; a file that does not parse is a generator bug.

use std::collections::BTreeMap;
use std::path::PathBuf;

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
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

/// Formats every file, spread over the available cores.
pub fn format_files(files: BTreeMap<PathBuf, String>) -> Result<BTreeMap<PathBuf, String>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let entries: Vec<(PathBuf, String)> = files.into_iter().collect();
    let chunk = entries.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = entries
            .chunks(chunk)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(path, text)| {
                            Ok((
                                path.clone(),
                                format_file(&path.display().to_string(), text)?,
                            ))
                        })
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
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
    }

    #[test]
    fn invalid_rust_is_reported_with_the_path() {
        let error = format_file("src/bad.rs", "// h\npub struct {").unwrap_err();
        assert!(error.message.contains("src/bad.rs"), "{error}");
    }
}

//! An installed mock carries the pinned spec: when the package has a
//! `bundle/` folder (written by `cargo xtask spec bundle` before
//! publishing; never committed, as the files are Stripe's), every file in
//! it is compiled in, listed in `$OUT_DIR/bundle.rs`, and `cfg(bundled)` is
//! set. In the workspace there is none and the mock reads the files on disk.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(bundled)");
    // The package folder: `bundle/` appearing, going or changing reruns
    // this (a path that does not exist would rerun it on every build).
    println!("cargo::rerun-if-changed=.");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bundle");
    let out =
        Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundle.rs");
    let mut entries = Vec::new();
    if let Ok(listing) = std::fs::read_dir(&dir) {
        for entry in listing {
            let path = entry.expect("bundle/ lists").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("bundle names are UTF-8");
            entries.push(format!(
                "    ({name:?}, include_bytes!({:?})),\n",
                path.display().to_string()
            ));
        }
    }
    entries.sort();
    if !entries.is_empty() {
        println!("cargo::rustc-cfg=bundled");
    }
    let list = format!(
        "pub(crate) static FILES: &[(&str, &[u8])] = &[\n{}];\n",
        entries.concat()
    );
    std::fs::write(&out, list).expect("OUT_DIR is writable");
}

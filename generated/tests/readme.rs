//! The README's program is `examples/quickstart.rs` word for word, so the
//! program a newcomer copies is one `cargo test` compiles.

#[test]
fn the_readmes_program_is_the_quickstart_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).unwrap();
    let example = std::fs::read_to_string(root.join("examples/quickstart.rs")).unwrap();
    let code: String = example
        .lines()
        .skip_while(|line| line.starts_with("//!") || line.is_empty())
        .map(|line| format!("{line}\n"))
        .collect();
    assert!(
        readme.contains(&format!("```rust\n{code}```")),
        "README.md's first program differs from examples/quickstart.rs:\n{code}"
    );
}

//! Every crate the workspace publishes packages and builds from its package
//! alone: `cargo package` of all of them at once verifies each against the
//! others' packages (a local registry), not against the source tree. Built
//! outside this `cargo test`'s target folder, which it holds locked, in the
//! one `generated/tests/minimal_features.rs` builds in (the same
//! dependencies, built once).
//!
//! The mock's package carries the pinned spec (`cargo xtask spec bundle`,
//! as before a release), and the binary built from it serves that spec
//! from an empty folder with no spec folder to find.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn cargo(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(workspace())
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/minimal-features"),
        )
        .output()
        .expect("cargo runs")
}

/// The workspace's packages that may be published (no `publish = false`).
fn published() -> Vec<String> {
    let output = cargo(&[
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
        "--offline",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|package| package["publish"].is_null())
        .map(|package| package["name"].as_str().unwrap().to_owned())
        .collect()
}

fn listed(package: &str) -> Vec<String> {
    let output = cargo(&[
        "package",
        "--list",
        "--allow-dirty",
        "--offline",
        "-p",
        package,
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Writes `mock/bundle/` as a release does; removes it afterwards unless
/// it was there before, so the workspace's mock stays the one that reads
/// the disk.
struct Bundle {
    dir: PathBuf,
    existed: bool,
}

impl Bundle {
    fn write() -> Bundle {
        let dir = workspace().join("mock/bundle");
        let existed = dir.exists();
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["spec", "bundle"])
            .current_dir(workspace())
            .output()
            .expect("xtask runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        Bundle { dir, existed }
    }
}

impl Drop for Bundle {
    fn drop(&mut self) {
        if !self.existed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Forgets what earlier runs built from the local registry `cargo
/// package` verifies against. Our version does not change between
/// commits, and cargo takes a registry crate's `name-version` as
/// immutable: it reuses the folder it unpacked the `.crate` into and the
/// artifacts it built from it without comparing either to the new
/// `.crate`. A stale runtime from an earlier commit was verified instead
/// of this one. So: `cargo clean -p` our packages in the target folder,
/// and remove our unpacked folders under the registries with no host
/// (`registry/src/-<hash>/`); crates.io's are left alone.
fn forget_earlier_packages(packages: &[String]) {
    let mut clean = vec!["clean", "--offline"];
    for package in packages {
        clean.extend(["-p", package]);
    }
    let output = cargo(&clean);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    let Some(sources) = cargo_home.map(|home| home.join("registry/src")) else {
        return;
    };
    let Ok(registries) = std::fs::read_dir(&sources) else {
        return;
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for unpacked in std::fs::read_dir(registry.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = unpacked.file_name().to_string_lossy().into_owned();
            let ours = packages.iter().any(|package| {
                name.strip_prefix(package.as_str())
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
            });
            if ours {
                std::fs::remove_dir_all(unpacked.path())
                    .expect("an earlier extraction is removable");
            }
        }
    }
}

#[test]
fn the_published_crates_package_and_build_from_their_packages() {
    let _bundle = Bundle::write();
    let packages = published();
    for expected in [
        "typed-stripe",
        "typed-stripe-core",
        "typed-stripe-runtime",
        "typed-stripe-cli",
        "typed-stripe-spec",
        "typed-stripe-mock",
    ] {
        assert!(
            packages.iter().any(|p| p == expected),
            "{expected} is published: {packages:?}"
        );
    }
    for unpublished in ["xtask", "stripe-codegen"] {
        assert!(
            !packages.iter().any(|p| p == unpublished),
            "{unpublished} says publish = false"
        );
    }

    forget_earlier_packages(&packages);
    // Verifying the mock's package builds its binary here.
    let packaged_mock = workspace().join("target/minimal-features/debug/stripe-mock");
    let _ = std::fs::remove_file(&packaged_mock);
    let mut args = vec!["package", "--allow-dirty", "--offline"];
    for package in &packages {
        args.extend(["-p", package]);
    }
    let output = cargo(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The CLI carries its table; the facade carries no CLI table.
    assert!(listed("typed-stripe-cli")
        .iter()
        .any(|f| f == "src/generated/commands.rs"));
    let facade = listed("typed-stripe");
    assert!(
        !facade.iter().any(|f| f.contains("commands.rs")),
        "{facade:?}"
    );
    assert!(
        facade.iter().any(|f| f == "README.md"),
        "the README is the crate's page"
    );

    // The mock carries the pinned files and Stripe's licence for them, and
    // reads them without the code generator.
    let mock = listed("typed-stripe-mock");
    for file in [
        "bundle/stripe.toml",
        "bundle/LICENSE-stripe-openapi",
        "build.rs",
    ] {
        assert!(mock.iter().any(|f| f == file), "{file} in {mock:?}");
    }
    let manifest = std::fs::read_to_string(
        workspace().join("target/minimal-features/package/typed-stripe-mock-0.1.0/Cargo.toml"),
    )
    .unwrap();
    assert!(!manifest.contains("codegen"), "{manifest}");
    serves_from_nowhere(&packaged_mock);
}

/// The mock built from its package alone serves the bundled spec from a
/// folder with no spec files, with no `$STRIPE_SPEC_DIR` and no workspace
/// around it.
fn serves_from_nowhere(binary: &Path) {
    let empty = std::env::temp_dir().join(format!("packaged-mock-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let mut child = Command::new(binary)
        .args(["--port", "0"])
        .current_dir(&empty)
        .env_remove("STRIPE_SPEC_DIR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the packaged mock starts");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    assert!(
        line.contains("from the pinned files built into this binary")
            && line.contains("operations of API version 2023-08-16"),
        "{line}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = std::fs::remove_dir_all(&empty);
}

//! A bundle (what an installed mock carries) reads as the files on disk do,
//! and is checked against the same pins.

use stripe_spec::Inputs;

fn leaked(files: Vec<(String, Vec<u8>)>) -> Vec<(String, &'static [u8])> {
    files
        .into_iter()
        .map(|(name, bytes)| (name, &*Box::leak(bytes.into_boxed_slice())))
        .collect()
}

fn project() -> Inputs {
    Inputs::project().unwrap_or_else(|e| panic!("{e} (set STRIPE_SPEC_DIR)"))
}

#[test]
fn a_bundle_reads_as_the_files_on_disk() {
    let disk = project();
    let bundled = Inputs::bundled(leaked(disk.bundle_files().unwrap())).unwrap();
    let names = |inputs: &Inputs| -> Vec<(String, usize)> {
        let documents = inputs.documents().unwrap().into_iter();
        documents
            .chain(inputs.fixtures().unwrap())
            .map(|d| (d.name, d.text.len()))
            .collect()
    };
    assert_eq!(names(&bundled), names(&disk));
    let policy = bundled.policy().unwrap();
    assert_eq!(
        policy.operations.overrides.len(),
        disk.policy().unwrap().operations.overrides.len()
    );
    assert!(bundled.mock_policy().unwrap().is_some());
}

#[test]
fn a_bundled_file_is_checked_against_its_pin() {
    let mut files = project().bundle_files().unwrap();
    let fixtures = files
        .iter_mut()
        .find(|(name, _)| name.starts_with("fixtures3"))
        .unwrap();
    let name = fixtures.0.clone();
    fixtures.1.push(b'\n');
    let error = Inputs::bundled(leaked(files))
        .unwrap()
        .fixtures()
        .unwrap_err();
    assert!(
        error.contains(&format!("bundled {name} has sha256")),
        "{error}"
    );
}

#[test]
fn a_bundle_missing_a_file_says_which() {
    let files = project().bundle_files().unwrap();
    let without_manifest: Vec<_> = files
        .iter()
        .filter(|(n, _)| n != "stripe.toml")
        .cloned()
        .collect();
    assert_eq!(
        Inputs::bundled(leaked(without_manifest)).unwrap_err(),
        "the bundle has no stripe.toml"
    );
    let without_mock: Vec<_> = files
        .into_iter()
        .filter(|(n, _)| n != "mock.toml")
        .collect();
    let error = Inputs::bundled(leaked(without_mock))
        .unwrap()
        .mock_policy()
        .unwrap_err();
    assert_eq!(error, "spec file mock.toml is not in the bundle");
}

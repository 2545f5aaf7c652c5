//! Text from a spec is data: an API version, a document name, a resource id,
//! a description or an enum value that tries to end its comment and start
//! code stays inside the comment or the string literal, and nothing rustc
//! refuses in a comment (a bare CR, a bidirectional control) reaches one.

use stripe_codegen::{generate, Config, SourceDocument, Spec};

const INJECTION: &str = "\"; pub fn injected() {} const _: &str = \"";

fn hostile_spec() -> String {
    format!(
        r#"openapi: 3.0.0
info: {{title: hostile, version: {version}}}
paths:
  /v1/customers:
    get:
      operationId: GetCustomers
      description: "Lists.\r\nThen\rmore \u202e reversed."
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/customer'}}}}}}}}
components:
  schemas:
    customer:
      description: "A customer.\r */ pub fn injected_by_description() {{}} /* \u2066"
      type: object
      x-resourceId: {resource_id}
      required: [id, status]
      properties:
        id: {{type: string}}
        status: {{type: string, enum: ["active", "a\u202eb", "line\nbreak"]}}
"#,
        version = serde_json::Value::from(format!(
            "2024-01-01{INJECTION}\npub fn injected_by_newline() {{}}"
        )),
        resource_id = serde_json::Value::from("customer\npub fn injected_by_resource() {}"),
    )
}

fn generated() -> std::collections::BTreeMap<std::path::PathBuf, String> {
    let document = SourceDocument {
        name: "spec\n pub fn injected_by_name() {}.yaml".into(),
        text: hostile_spec(),
        api_version: None,
    };
    let spec = Spec::parse(&[document]).unwrap_or_else(|e| panic!("{e}"));
    let config = Config {
        source_label: spec.documents.join(" + "),
        policy: Default::default(),
        crates: Default::default(),
    };
    generate(&spec, &config)
        .unwrap_or_else(|e| panic!("{e}"))
        .files
}

/// Every function declared anywhere in the file, by name.
fn functions(file: &syn::File) -> Vec<String> {
    fn walk(items: &[syn::Item], out: &mut Vec<String>) {
        for item in items {
            match item {
                syn::Item::Fn(f) => out.push(f.sig.ident.to_string()),
                syn::Item::Mod(m) => walk(m.content.as_ref().map_or(&[][..], |(_, i)| i), out),
                syn::Item::Impl(i) => out.extend(i.items.iter().filter_map(|item| match item {
                    syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                    _ => None,
                })),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&file.items, &mut out);
    out
}

#[test]
fn spec_text_never_becomes_code() {
    let files = generated();
    assert!(files.len() > 3, "{:?}", files.keys());
    for (path, text) in &files {
        if path.extension().is_some_and(|e| e == "toml") {
            let first = text.lines().next().unwrap();
            assert!(
                first.starts_with("# @generated"),
                "{}: {first}",
                path.display()
            );
            // The next line is TOML the generator wrote, not the spec's text.
            let second = text.lines().nth(1).unwrap_or_default();
            assert!(!second.contains("injected"), "{}: {second}", path.display());
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let injected: Vec<String> = functions(&file)
            .into_iter()
            .filter(|f| f.contains("injected"))
            .collect();
        assert!(
            injected.is_empty(),
            "{}: {injected:?}\n{text}",
            path.display()
        );
        // The header is one line, whatever the version and the document name
        // held, and the module doc after it one comment line too.
        assert!(text.starts_with("// @generated"), "{}", path.display());
        let second = text.lines().nth(1).unwrap_or_default();
        assert!(
            second.is_empty() || second.starts_with("//"),
            "{}: {second}",
            path.display()
        );
    }
}

#[test]
fn comments_carry_no_bare_cr_and_no_bidi_controls() {
    let bidi = [
        '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}',
        '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
    ];
    for (path, text) in generated() {
        assert!(!text.contains('\r'), "{}: a CR", path.display());
        assert!(!text.contains(bidi), "{}: a bidi control", path.display());
    }
    let files = generated();
    let all: String = files.values().cloned().collect();
    // Kept, visibly: the description's text and the enum value, escaped.
    assert!(all.contains("reversed"), "the description is still there");
    assert!(
        all.contains("a\\u{202e}b"),
        "the enum value is shown escaped"
    );
}

#[test]
fn names_without_ascii_letters_give_ascii_files_and_identifiers() {
    let text = r#"openapi: 3.0.0
info: {title: names, version: '1'}
paths: {}
components:
  schemas:
    "😀":
      type: object
      x-resourceId: "😀"
      properties:
        "😀": {type: string}
        "": {type: string}
    "": {type: object, properties: {x: {type: string}}}
    "café": {type: string, enum: ["é", "e"]}
"#;
    let spec = Spec::parse(&[SourceDocument {
        name: "names.yaml".into(),
        text: text.into(),
        api_version: None,
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    let config = Config {
        source_label: "names.yaml".into(),
        policy: Default::default(),
        crates: Default::default(),
    };
    let files = generate(&spec, &config)
        .unwrap_or_else(|e| panic!("{e}"))
        .files;
    for (path, text) in &files {
        assert!(
            path.to_str().is_some_and(|p| p.is_ascii()),
            "{}",
            path.display()
        );
        if path.extension().is_some_and(|e| e == "rs") {
            syn::parse_file(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
    let all: String = files.values().cloned().collect();
    assert!(
        all.contains("pub struct U1f600"),
        "the emoji schema has a name"
    );
    assert!(all.contains("pub struct Unnamed"), "the empty name has one");
}

/// A property `depth` arrays (or maps) deep.
fn nested_spec(depth: usize, wrapper: &str) -> String {
    let mut schema = "{type: string}".to_owned();
    for _ in 0..depth {
        schema = wrapper.replace("{}", &schema);
    }
    format!(
        "openapi: 3.0.0\ninfo: {{title: deep, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    thing:\n      type: object\n      properties:\n        deep: {schema}\n"
    )
}

#[test]
fn deep_nesting_generates_up_to_the_parsers_limit_and_is_a_clean_error_beyond() {
    let arrays = "{type: array, items: {}}";
    let maps = "{type: object, additionalProperties: {}}";
    for wrapper in [arrays, maps] {
        let document = SourceDocument {
            name: "deep.yaml".into(),
            text: nested_spec(120, wrapper),
            api_version: None,
        };
        let spec = Spec::parse(&[document]).unwrap_or_else(|e| panic!("{e}"));
        let config = Config {
            source_label: "deep.yaml".into(),
            policy: Default::default(),
            crates: Default::default(),
        };
        let files = generate(&spec, &config)
            .unwrap_or_else(|e| panic!("{e}"))
            .files;
        for (path, text) in &files {
            if path.extension().is_some_and(|e| e == "rs") {
                syn::parse_file(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
        }
        let document = SourceDocument {
            name: "deeper.yaml".into(),
            text: nested_spec(2_000, wrapper),
            api_version: None,
        };
        let error = Spec::parse(&[document])
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("deeper.yaml#/components/schemas/thing/properties/deep/"),
            "{error}"
        );
        assert!(error.contains("recursion limit exceeded"), "{error}");
    }
}

#[test]
fn a_namespace_named_like_the_crates_own_modules_gets_its_own_module() {
    let text = "openapi: 3.0.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    resource.thing: {type: object, x-resourceId: resource.thing, properties: {id: {type: string}}}
    std.thing: {type: object, x-resourceId: std.thing, properties: {id: {type: string}}}
";
    let spec = Spec::parse(&[SourceDocument {
        name: "ns.yaml".into(),
        text: text.into(),
        api_version: None,
    }])
    .unwrap();
    let config = Config {
        source_label: "ns.yaml".into(),
        policy: Default::default(),
        crates: Default::default(),
    };
    let files = generate(&spec, &config)
        .unwrap_or_else(|e| panic!("{e}"))
        .files;
    let paths: Vec<String> = files.keys().map(|p| p.display().to_string()).collect();
    assert!(
        paths.contains(&"api/src/resource_/thing.rs".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"api/src/std_/thing.rs".to_owned()),
        "{paths:?}"
    );
    let lib = &files[&std::path::PathBuf::from("api/src/lib.rs")];
    assert!(
        lib.contains("pub mod resource_;") && lib.contains("pub mod std_;"),
        "{lib}"
    );
}

/// `t0` holds `t1` by value, `t1` holds `t2`, ... : analyses that walk
/// what a type holds must not recurse once per link.
fn chain_spec(links: usize) -> String {
    let mut text = String::from(
        "openapi: 3.0.0\ninfo: {title: chain, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
    );
    for i in 0..links {
        text.push_str(&format!(
            "    t{i}: {{type: object, required: [next], properties: {{next: {{$ref: '#/components/schemas/t{}'}}}}}}\n",
            i + 1
        ));
    }
    text.push_str(&format!(
        "    t{links}: {{type: object, properties: {{end: {{type: string}}}}}}\n"
    ));
    text
}

#[test]
fn a_chain_of_ten_thousand_components_is_modelled_on_a_small_stack() {
    let spec = Spec::parse(&[SourceDocument {
        name: "chain.yaml".into(),
        text: chain_spec(10_000),
        api_version: None,
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    let model = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            stripe_codegen::build_model(&spec, &Default::default()).map(|m| m.types.len())
        })
        .unwrap()
        .join()
        .expect("no stack overflow")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(model > 10_000, "{model} types");
}

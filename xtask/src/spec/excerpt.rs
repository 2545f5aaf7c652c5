//! An excerpt: the paths of a full spec that start with given prefixes, and
//! the schemas they reach that the base documents do not have, in the
//! source's order. How the project's `excerpt.*.yaml` documents are made, so
//! that anyone can redo them from the pinned source.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_yaml::{Mapping, Value};

use crate::inputs;

/// What to select.
pub struct Selection<'a> {
    /// `owner/name path` of the source, for the excerpt's `x-excerpt-of`.
    pub source_label: &'a str,
    pub path_prefixes: &'a [String],
    /// Documents whose schemas are left out (they are read beside the excerpt).
    pub bases: &'a [Value],
}

/// The excerpt of `source`, as YAML text.
pub fn excerpt(source: &Value, selection: &Selection<'_>) -> Result<String, String> {
    let paths = source
        .get("paths")
        .and_then(Value::as_mapping)
        .ok_or("the source has no `paths` mapping")?;
    let schemas = source
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping);
    let mut selected_paths = Mapping::new();
    for (path, item) in paths {
        let Some(path_text) = path.as_str() else {
            continue;
        };
        if selection
            .path_prefixes
            .iter()
            .any(|p| path_text.starts_with(p.as_str()))
        {
            selected_paths.insert(path.clone(), item.clone());
        }
    }
    if selected_paths.is_empty() {
        return Err(format!(
            "no path of the source starts with {}",
            selection.path_prefixes.join(" or ")
        ));
    }
    let reached = reached_schemas(&selected_paths, schemas, selection.bases)?;
    let mut selected_schemas = Mapping::new();
    for (name, schema) in schemas.into_iter().flatten() {
        if name.as_str().is_some_and(|n| reached.contains(n)) {
            selected_schemas.insert(name.clone(), schema.clone());
        }
    }
    let version = source
        .get("info")
        .and_then(|i| i.get("version"))
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    let mut document = Mapping::new();
    document.insert(
        "x-excerpt-of".into(),
        format!("{} (API version {version})", selection.source_label).into(),
    );
    document.insert("paths".into(), Value::Mapping(selected_paths));
    let mut components = Mapping::new();
    components.insert("schemas".into(), Value::Mapping(selected_schemas));
    document.insert("components".into(), Value::Mapping(components));
    serde_yaml::to_string(&document).map_err(|e| e.to_string())
}

/// The schema names reachable from `from` through `#/components/schemas/`
/// references, following the source's schemas but not the bases'.
fn reached_schemas(
    from: &Mapping,
    schemas: Option<&Mapping>,
    bases: &[Value],
) -> Result<BTreeSet<String>, String> {
    let in_base = |name: &str| {
        bases.iter().any(|base| {
            base.get("components")
                .and_then(|c| c.get("schemas"))
                .and_then(|s| s.get(name))
                .is_some()
        })
    };
    let mut reached = BTreeSet::new();
    let mut pending = Vec::new();
    collect_refs(&Value::Mapping(from.clone()), &mut pending);
    while let Some(name) = pending.pop() {
        if in_base(&name) || !reached.insert(name.clone()) {
            continue;
        }
        let schema = schemas.and_then(|s| s.get(name.as_str())).ok_or_else(|| {
            format!("#/components/schemas/{name} is referenced but not in the source")
        })?;
        collect_refs(schema, &mut pending);
    }
    Ok(reached)
}

/// Every `$ref: '#/components/schemas/x'` in `value`, as `x`; an explicit
/// stack, so that a deep document cannot overflow ours.
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Mapping(map) => {
                for (key, value) in map {
                    let target = value
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"));
                    match (key.as_str(), target) {
                        (Some("$ref"), Some(name)) => out.push(name.to_owned()),
                        _ => stack.push(value),
                    }
                }
            }
            Value::Sequence(items) => stack.extend(items),
            Value::Tagged(tagged) => stack.push(&tagged.value),
            _ => {}
        }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let list = |value: Option<String>| -> Vec<String> {
        value.map_or_else(Vec::new, |v| v.split(',').map(str::to_owned).collect())
    };
    let source = crate::take_value(&mut args, "--source")?.ok_or("--source FILE is required")?;
    let paths = list(crate::take_value(&mut args, "--paths")?);
    let bases = list(crate::take_value(&mut args, "--base")?);
    let label = crate::take_value(&mut args, "--label")?.unwrap_or_else(|| source.clone());
    let out = crate::take_value(&mut args, "--out")?.map(PathBuf::from);
    if let Some(extra) = args.first() {
        return Err(format!("unexpected argument `{extra}`"));
    }
    if paths.is_empty() {
        return Err("--paths PREFIX[,PREFIX...] is required".into());
    }
    let read = |file: &str| -> Result<Value, String> {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        serde_yaml::from_str(&text).map_err(|e| format!("{file}: not a YAML document: {e}"))
    };
    let bases: Vec<Value> = bases.iter().map(|b| read(b)).collect::<Result<_, _>>()?;
    let selection = Selection {
        source_label: &label,
        path_prefixes: &paths,
        bases: &bases,
    };
    let text = excerpt(&read(&source)?, &selection).map_err(|e| format!("{source}: {e}"))?;
    let value: serde_json::Value = serde_yaml::from_str(&text).map_err(|e| e.to_string())?;
    let checksum = inputs::sha256_hex(inputs::canonical_json(&value).as_bytes());
    match out {
        Some(out) => {
            std::fs::write(&out, &text).map_err(|e| format!("{}: {e}", out.display()))?;
            eprintln!("wrote {} (canonical sha256 {checksum})", out.display());
        }
        None => {
            print!("{text}");
            eprintln!("canonical sha256 {checksum}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "
info: {version: 2026-01-01.test}
paths:
  /v1/other: {get: {responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/other'}}}}}}}
  /v1/climate/orders:
    get:
      responses:
        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/climate.order'}}}}
        default: {content: {application/json: {schema: {$ref: '#/components/schemas/error'}}}}
components:
  schemas:
    climate.order:
      properties:
        product: {anyOf: [{type: string}, {$ref: '#/components/schemas/climate.product'}]}
    climate.product: {properties: {price: {$ref: '#/components/schemas/price_detail'}}}
    error: {properties: {message: {type: string}}}
    other: {type: object}
    price_detail: {type: object}
";

    #[test]
    fn selects_paths_by_prefix_and_the_schemas_they_reach_that_the_base_lacks() {
        let source: Value = serde_yaml::from_str(SOURCE).unwrap();
        let base: Value = serde_yaml::from_str("components: {schemas: {error: {}}}").unwrap();
        let prefixes = ["/v1/climate/".to_owned()];
        let selection = Selection {
            source_label: "stripe/openapi latest/openapi.spec3.yaml",
            path_prefixes: &prefixes,
            bases: std::slice::from_ref(&base),
        };
        let text = excerpt(&source, &selection).unwrap();
        let out: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(
            out["x-excerpt-of"],
            "stripe/openapi latest/openapi.spec3.yaml (API version 2026-01-01.test)"
        );
        let paths: Vec<&str> = out["paths"]
            .as_mapping()
            .unwrap()
            .keys()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(paths, ["/v1/climate/orders"]);
        let schemas: Vec<&str> = out["components"]["schemas"]
            .as_mapping()
            .unwrap()
            .keys()
            .filter_map(Value::as_str)
            .collect();
        // Transitively, in the source's order; `error` is the base's, `other` unreached.
        assert_eq!(
            schemas,
            ["climate.order", "climate.product", "price_detail"]
        );
        assert_eq!(
            out["components"]["schemas"]["climate.product"],
            source["components"]["schemas"]["climate.product"]
        );
    }

    #[test]
    fn a_dangling_reference_or_an_empty_selection_is_an_error() {
        let source: Value = serde_yaml::from_str(
            "paths: {/v1/a: {get: {responses: {default: {$ref: '#/components/schemas/gone'}}}}}",
        )
        .unwrap();
        let prefixes = ["/v1/a".to_owned()];
        let selection = Selection {
            source_label: "s",
            path_prefixes: &prefixes,
            bases: &[],
        };
        let error = excerpt(&source, &selection).unwrap_err();
        assert!(
            error.contains("#/components/schemas/gone is referenced"),
            "{error}"
        );
        let prefixes = ["/v1/b".to_owned()];
        let selection = Selection {
            source_label: "s",
            path_prefixes: &prefixes,
            bases: &[],
        };
        assert!(excerpt(&source, &selection)
            .unwrap_err()
            .contains("no path of the source starts with /v1/b"));
    }
}

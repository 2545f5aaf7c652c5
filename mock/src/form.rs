//! Request parameters as Stripe sends them: flat `key=value` pairs whose keys
//! use deepObject style (`metadata[key]=v`, `items[0][price]=p`,
//! `expand[]=x`), rebuilt here into a tree the validator can walk.

use std::fmt;

/// One parameter value: a leaf string, or the children of a bracketed key.
/// Arrays are maps too, with indexes (`0`, `1`, ...) as keys, because the
/// wire cannot tell `a[0]=x` from a map key named `0`: the schema decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Value(String),
    Map(Vec<(String, Node)>),
}

/// A key that cannot be placed in the tree: `a=1&a[b]=2` gives `a` both a
/// value and children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The key, as sent.
    pub key: String,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is sent both as a value and as a hash", self.key)
    }
}

impl Node {
    /// The children of the top level of a request: every parameter by name.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Vec<(String, Node)>, Conflict> {
        let mut root = Vec::new();
        for (key, value) in pairs {
            let path = split_key(key);
            insert(&mut root, &path, value).map_err(|()| Conflict {
                key: key.to_owned(),
            })?;
        }
        Ok(root)
    }
}

/// `items[0][price]` -> `["items", "0", "price"]`; `expand[]` -> `["expand", ""]`.
/// A key whose brackets do not close is kept whole, so it is reported as an
/// unknown parameter rather than misread.
pub fn split_key(key: &str) -> Vec<&str> {
    let Some(open) = key.find('[') else {
        return vec![key];
    };
    let mut parts = vec![&key[..open]];
    let mut rest = &key[open..];
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix('[') else {
            return vec![key];
        };
        let Some(close) = inner.find(']') else {
            return vec![key];
        };
        parts.push(&inner[..close]);
        rest = &inner[close + 1..];
    }
    parts
}

fn insert(level: &mut Vec<(String, Node)>, path: &[&str], value: &str) -> Result<(), ()> {
    let (first, rest) = path
        .split_first()
        .expect("split_key never returns an empty path");
    // `[]` appends to an array: the next index.
    let name = if first.is_empty() {
        level.len().to_string()
    } else {
        (*first).to_owned()
    };
    let existing = level.iter().position(|(key, _)| *key == name);
    if rest.is_empty() {
        match existing {
            // A repeated key: the last value wins.
            Some(index) if matches!(level[index].1, Node::Value(_)) => {
                level[index].1 = Node::Value(value.to_owned());
            }
            Some(_) => return Err(()),
            None => level.push((name, Node::Value(value.to_owned()))),
        }
        return Ok(());
    }
    let index = match existing {
        Some(index) => index,
        None => {
            level.push((name, Node::Map(Vec::new())));
            level.len() - 1
        }
    };
    match &mut level[index].1 {
        Node::Map(children) => insert(children, rest, value),
        Node::Value(_) => Err(()),
    }
}

/// The fields of a `multipart/form-data` body, as (name, value) pairs. File
/// parts (those with a `filename`) get their file name as value: the spec
/// types them `format: binary`, which the validator accepts as is.
pub fn multipart_pairs(body: &[u8], boundary: &str) -> Option<Vec<(String, String)>> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut pairs = Vec::new();
    let mut rest = &body[find(body, delimiter)? + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            return Some(pairs);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let end = find(rest, delimiter)?;
        // The part ends with the CRLF before the next delimiter.
        let part = rest[..end].strip_suffix(b"\r\n")?;
        let split = find(part, b"\r\n\r\n")?;
        let headers = std::str::from_utf8(&part[..split]).ok()?;
        let content = &part[split + 4..];
        let disposition = headers.split("\r\n").find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(value)
        })?;
        let name = disposition_param(disposition, "name")?;
        let value = match disposition_param(disposition, "filename") {
            Some(file_name) => file_name,
            None => String::from_utf8_lossy(content).into_owned(),
        };
        pairs.push((name, value));
        rest = &rest[end + delimiter.len()..];
    }
}

/// `name` in `form-data; name="file"; filename="a.png"`.
fn disposition_param(disposition: &str, name: &str) -> Option<String> {
    disposition.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        (key.trim() == name).then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> Node {
        Node::Value(s.to_owned())
    }

    #[test]
    fn splits_deep_object_keys() {
        assert_eq!(split_key("amount"), ["amount"]);
        assert_eq!(split_key("items[0][price]"), ["items", "0", "price"]);
        assert_eq!(split_key("expand[]"), ["expand", ""]);
        assert_eq!(split_key("broken[0"), ["broken[0"]);
        assert_eq!(split_key("broken[0]x"), ["broken[0]x"]);
    }

    #[test]
    fn builds_a_tree_and_appends_empty_indexes() {
        let tree = Node::from_pairs([
            ("metadata[a]", "1"),
            ("items[0][price]", "p"),
            ("items[0][quantity]", "2"),
            ("expand[]", "x"),
            ("expand[]", "y"),
            ("metadata[a]", "2"),
        ])
        .unwrap();
        assert_eq!(
            tree,
            vec![
                (
                    "metadata".to_owned(),
                    Node::Map(vec![("a".to_owned(), value("2"))])
                ),
                (
                    "items".to_owned(),
                    Node::Map(vec![(
                        "0".to_owned(),
                        Node::Map(vec![
                            ("price".to_owned(), value("p")),
                            ("quantity".to_owned(), value("2"))
                        ])
                    )])
                ),
                (
                    "expand".to_owned(),
                    Node::Map(vec![
                        ("0".to_owned(), value("x")),
                        ("1".to_owned(), value("y"))
                    ])
                ),
            ]
        );
    }

    #[test]
    fn a_key_with_a_value_and_children_conflicts() {
        let error = Node::from_pairs([("a", "1"), ("a[b]", "2")]).unwrap_err();
        assert_eq!(error.key, "a[b]");
        assert!(Node::from_pairs([("a[b]", "2"), ("a", "1")]).is_err());
    }

    #[test]
    fn reads_multipart_fields_and_files() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\r\n--XyZ--\r\n";
        let pairs = multipart_pairs(body, "XyZ").unwrap();
        assert_eq!(
            pairs,
            [
                ("purpose".to_owned(), "dispute_evidence".to_owned()),
                ("file".to_owned(), "a.png".to_owned())
            ]
        );
        assert_eq!(multipart_pairs(b"garbage", "XyZ"), None);
    }
}

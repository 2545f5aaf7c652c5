//! The JSON path of a byte offset, computed only when decoding failed: the
//! document is walked again, keys and indices kept on a stack, until the
//! value that starts at (or contains) the offset.

use crate::decode::MAX_DEPTH;
use crate::reader::{Reader, Token};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// The path to the innermost value at `offset` in `json`. A document that
/// is invalid at the offset gives the path walked so far.
pub(crate) fn path_at(json: &[u8], offset: usize) -> Vec<Segment> {
    let mut path = Vec::new();
    let mut reader = Reader::new(json);
    locate(&mut reader, &mut path, offset, 0);
    path
}

/// `data[1].amount`; `.` for the root (as `serde_path_to_error` writes it).
pub(crate) fn display(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(index) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// Walks the value at the reader's position. True when `target` lies in it
/// (then `path` leads to the innermost value holding it) or when the walk
/// cannot go on there.
fn locate(reader: &mut Reader<'_>, path: &mut Vec<Segment>, target: usize, depth: u16) -> bool {
    let Ok(token) = reader.peek() else {
        return true;
    };
    if target <= reader.position() || depth >= MAX_DEPTH {
        return true;
    }
    match token {
        Token::Object => {
            let mut key = match reader.object_first() {
                Ok(key) => key.map(str::to_owned),
                Err(_) => return true,
            };
            while let Some(name) = key {
                path.push(Segment::Key(name));
                if locate(reader, path, target, depth + 1) {
                    return true;
                }
                path.pop();
                key = match reader.object_next() {
                    Ok(key) => key.map(str::to_owned),
                    Err(_) => return true,
                };
            }
        }
        Token::Array => {
            let mut more = match reader.array_first() {
                Ok(more) => more,
                Err(_) => return true,
            };
            let mut index = 0;
            while more {
                path.push(Segment::Index(index));
                if locate(reader, path, target, depth + 1) {
                    return true;
                }
                path.pop();
                index += 1;
                more = match reader.array_next() {
                    Ok(more) => more,
                    Err(_) => return true,
                };
            }
        }
        _ => {
            if reader.skip(0, MAX_DEPTH).is_err() {
                return true;
            }
        }
    }
    target < reader.position()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(json: &str, needle: &str) -> String {
        let offset = json.find(needle).expect("needle in json");
        display(&path_at(json.as_bytes(), offset))
    }

    #[test]
    fn paths_of_offsets() {
        let json = r#"{"data": [{"id": "a"}, {"id": "b", "amount": true}], "url": "/v1"}"#;
        assert_eq!(at(json, "true"), "data[1].amount");
        assert_eq!(at(json, r#""/v1""#), "url");
        assert_eq!(at(json, r#"{"id": "b""#), "data[1]");
        assert_eq!(at(json, r#"{"data""#), ".");
        // Inside a string: that string; at a key: the value that follows.
        assert_eq!(at(json, "v1"), "url");
        assert_eq!(at(json, r#""amount""#), "data[1].amount");
    }

    #[test]
    fn invalid_documents_give_the_path_so_far() {
        let json = r#"{"a": [1, 2, oops]}"#;
        assert_eq!(at(json, "oops"), "a[2]");
    }
}

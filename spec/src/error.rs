//! Errors that point into the spec: every error names the document and, where
//! one exists, the JSON pointer of the offending node.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The document the node came from (its file name), when known.
    pub file: Option<String>,
    /// JSON pointer of the node, e.g. `#/components/schemas/charge/properties/amount`.
    pub pointer: Option<String>,
    pub message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            file: None,
            pointer: None,
            message: message.into(),
        }
    }

    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            file: None,
            pointer: Some(pointer.into()),
            message: message.into(),
        }
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file.get_or_insert_with(|| file.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, &self.pointer) {
            (Some(file), Some(pointer)) => write!(f, "{file}{pointer}: {}", self.message),
            (Some(file), None) => write!(f, "{file}: {}", self.message),
            (None, Some(pointer)) => write!(f, "{pointer}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Builds `#/a/b/c` from tokens, escaping each one.
pub fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("#");
    for token in tokens {
        out.push('/');
        out.push_str(&escape_pointer_token(token));
    }
    out
}

/// The pointer `at` extended by `tokens`, escaped.
pub fn pointer_in(at: &str, tokens: &[&str]) -> String {
    let tail = pointer(tokens.iter().copied());
    format!("{at}{}", &tail[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(
            pointer(["paths", "/v1/charges", "post"]),
            "#/paths/~1v1~1charges/post"
        );
        assert_eq!(pointer(["a~b"]), "#/a~0b");
    }

    #[test]
    fn display_names_file_and_pointer() {
        let error = Error::at("#/components/schemas/x", "dangling $ref").in_file("spec3.yaml");
        assert_eq!(
            error.to_string(),
            "spec3.yaml#/components/schemas/x: dangling $ref"
        );
    }
}

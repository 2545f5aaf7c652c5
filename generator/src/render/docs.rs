//! Doc comments from the spec's descriptions. Stripe writes component
//! descriptions in Markdown and operation descriptions in a small subset of
//! HTML (`p`, `code`, `a`, `strong`, `em`, `ul`/`li`, `br`); the HTML is
//! turned into Markdown so rustdoc renders it.

const STRIPE_SITE: &str = "https://stripe.com";

/// The doc text for a description: Markdown, links absolute, trimmed, and
/// nothing rustc refuses in a doc comment (see [`escape_unsafe_chars`]).
pub fn doc_text(description: &str) -> String {
    // CR LF and a lone CR are line breaks; rustc refuses a bare CR in docs.
    let description = description.replace("\r\n", "\n").replace('\r', "\n");
    let text = if description.contains('<') {
        html_to_markdown(&description)
    } else {
        description
    };
    let text = text.replace("](/", &format!("]({STRIPE_SITE}/"));
    escape_unsafe_chars(&tidy_blank_lines(&text), false)
}

/// The first line of a description's doc text: what a list of items shows.
pub fn summary(description: &str) -> String {
    let text = doc_text(description);
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Spec text for a one-line comment (a file's header, a module's first doc
/// line): line breaks and every other unsafe character escaped, so the text
/// cannot end the comment and start code.
pub fn comment_text(text: &str) -> String {
    escape_unsafe_chars(text, true)
}

/// Writes control characters (line breaks too when `one_line`; never tab)
/// and the Unicode bidirectional controls, which rustc refuses in comments
/// because they make code read other than it compiles, as `\u{..}`.
fn escape_unsafe_chars(text: &str, one_line: bool) -> String {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\t' && (one_line || c != '\n'))
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(unsafe_char) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if unsafe_char(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn html_to_markdown(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Link targets waiting for their closing `</a>`.
    let mut hrefs: Vec<String> = Vec::new();
    while let Some(start) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..start]));
        let Some(len) = rest[start..].find('>') else {
            out.push_str(&decode_entities(&rest[start..]));
            rest = "";
            break;
        };
        let tag = &rest[start + 1..start + len];
        rest = &rest[start + len + 1..];
        let name = tag
            .trim_start_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        match (name.as_str(), closing) {
            ("p", false) | ("ul", _) | ("ol", _) => out.push_str("\n\n"),
            ("p", true) => out.push_str("\n\n"),
            ("br", _) | ("br/", _) => out.push('\n'),
            ("li", false) => out.push_str("\n- "),
            ("code", _) => out.push('`'),
            ("strong", _) | ("b", _) => out.push_str("**"),
            ("em", _) | ("i", _) => out.push('*'),
            ("a", false) => {
                hrefs.push(attribute(tag, "href").unwrap_or_default());
                out.push('[');
            }
            ("a", true) => {
                let href = hrefs.pop().unwrap_or_default();
                out.push_str(&format!("]({href})"));
            }
            // Anything else is dropped, keeping its text.
            _ => {}
        }
    }
    out.push_str(&decode_entities(rest));
    out
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let len = tag[start..].find('"')?;
    Some(decode_entities(&tag[start..start + len]))
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Trims each line's end and collapses runs of blank lines into one.
fn tidy_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_escaped_and_line_breaks_normalised() {
        assert_eq!(comment_text("a\nb\u{202e}c\td"), "a\\u{a}b\\u{202e}c\td");
        assert_eq!(comment_text("2023-08-16"), "2023-08-16");
        assert_eq!(doc_text("one\r\ntwo\rthree"), "one\ntwo\nthree");
        assert_eq!(
            summary("\n<p>First <code>x</code>.</p><p>Second.</p>"),
            "First `x`."
        );
        assert_eq!(doc_text("x\u{2066}y\u{0}"), "x\\u{2066}y\\u{0}");
    }

    #[test]
    fn html_descriptions_become_markdown() {
        let html = "<p>Redact a VerificationSession.</p>\n\n<p>Status <code>processing</code> then <a href=\"/docs/identity\">redacted</a> &amp; done.</p>";
        assert_eq!(
            doc_text(html),
            "Redact a VerificationSession.\n\nStatus `processing` then [redacted](https://stripe.com/docs/identity) & done."
        );
    }

    #[test]
    fn markdown_descriptions_keep_their_text() {
        assert_eq!(
            doc_text("Line one\n\n\n\nLine two  "),
            "Line one\n\nLine two"
        );
        assert_eq!(
            doc_text("See [the guide](/docs/x)."),
            "See [the guide](https://stripe.com/docs/x)."
        );
    }

    #[test]
    fn lists_and_emphasis() {
        assert_eq!(
            doc_text("<ul><li><strong>a</strong></li><li><em>b</em></li></ul>"),
            "- **a**\n- *b*"
        );
    }
}

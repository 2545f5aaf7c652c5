//! Doc comments from the spec's descriptions. Stripe writes component
//! descriptions in Markdown and operation descriptions in a small subset of
//! HTML (`p`, `code`, `a`, `strong`, `em`, `ul`/`li`, `br`); the HTML is
//! turned into Markdown so rustdoc renders it.

const STRIPE_SITE: &str = "https://stripe.com";

/// The doc text for a description: Markdown, links absolute, trimmed.
pub fn doc_text(description: &str) -> String {
    let text = if description.contains('<') {
        html_to_markdown(description)
    } else {
        description.to_owned()
    };
    let text = text.replace("](/", &format!("]({STRIPE_SITE}/"));
    tidy_blank_lines(&text)
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

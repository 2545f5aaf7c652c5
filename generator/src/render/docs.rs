//! Doc comments from the spec's descriptions. Stripe writes component
//! descriptions in Markdown (some with inline HTML, which rustdoc renders
//! itself) and operation descriptions in HTML (`<p>`, `<code>`, `<a>`,
//! ...); a description that starts with a tag is HTML and becomes Markdown
//! through `htmd`, with entities decoded and Markdown characters in its text
//! escaped.

use std::sync::OnceLock;

const STRIPE_SITE: &str = "https://stripe.com";

/// The doc text for a description: Markdown, links absolute, trimmed, no
/// doctests, and nothing rustc refuses in a doc comment (see
/// `escape_unsafe_chars`).
pub fn doc_text(description: &str) -> String {
    // CR LF and a lone CR are line breaks; rustc refuses a bare CR in docs.
    let description = description.replace("\r\n", "\n").replace('\r', "\n");
    let text = match starts_with_tag(&description) {
        true => html_to_markdown(&description),
        false => description,
    };
    // Links relative to Stripe's site, in Markdown or in inline HTML.
    let text = text
        .replace("](/", &format!("]({STRIPE_SITE}/"))
        .replace("href=\"/", &format!("href=\"{STRIPE_SITE}/"));
    escape_unsafe_chars(&fence_as_text(&tidy_blank_lines(&text)), false)
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

/// Whether a description is HTML: it opens with a tag. Markdown that holds
/// a tag further on (``may not include `<` ``, `<br>`) is left as written;
/// an HTML converter would escape its Markdown.
fn starts_with_tag(description: &str) -> bool {
    let mut chars = description.trim_start().chars();
    chars.next() == Some('<') && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
}

fn html_to_markdown(html: &str) -> String {
    static CONVERTER: OnceLock<htmd::HtmlToMarkdown> = OnceLock::new();
    let converter = CONVERTER.get_or_init(|| {
        use htmd::options::{BrStyle, BulletListMarker, Options};
        htmd::HtmlToMarkdown::builder()
            .options(Options {
                bullet_list_marker: BulletListMarker::Dash,
                ul_bullet_spacing: 1,
                ol_number_spacing: 1,
                // Two trailing spaces would be trimmed with the line ends.
                br_style: BrStyle::Backslash,
                ..Options::default()
            })
            .build()
    });
    // htmd fails only on I/O of its own; the text as written is then the
    // best doc there is.
    let markdown = converter.convert(html).unwrap_or_else(|_| html.to_owned());
    unescape_intraword_underscores(&markdown)
}

/// htmd escapes every `_`; inside a word (`line_items`) CommonMark never
/// reads one as emphasis, so there the escape only makes the source harder
/// to read.
fn unescape_intraword_underscores(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut previous: Option<char> = None;
    let mut rest = markdown;
    while let Some(at) = rest.find("\\_") {
        let before = &rest[..at];
        out.push_str(before);
        previous = before.chars().next_back().or(previous);
        let next = rest[at + 2..].chars().next();
        let in_word =
            previous.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric);
        out.push_str(if in_word { "_" } else { "\\_" });
        previous = Some('_');
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// Gives every fenced code block without a language the language `text`:
/// rustdoc would otherwise compile and run it as a Rust doctest.
fn fence_as_text(markdown: &str) -> String {
    if !markdown.contains("```") && !markdown.contains("~~~") {
        return markdown.to_owned();
    }
    let mut open: Option<char> = None;
    let mut out = Vec::new();
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let fence = ['`', '~']
            .into_iter()
            .find(|&c| trimmed.starts_with(&c.to_string().repeat(3)));
        match (open, fence) {
            (None, Some(c)) => {
                open = Some(c);
                if trimmed.trim_start_matches(c).trim().is_empty() {
                    out.push(format!("{line}text"));
                    continue;
                }
            }
            (Some(o), Some(c)) if o == c && trimmed.trim_end().trim_start_matches(c).is_empty() => {
                open = None;
            }
            _ => {}
        }
        out.push(line.to_owned());
    }
    out.join("\n")
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

    /// What a hand-written converter got wrong: entities that spell tags,
    /// Markdown characters in text, nesting, numbered lists, breaks.
    #[test]
    fn html_text_stays_text_and_structure_stays_structure() {
        assert_eq!(
            doc_text("<p>Type &lt;div&gt; literally &amp; &quot;q&quot;.</p>"),
            // Escaped, or rustdoc would take it for a tag.
            "Type \\<div> literally & \"q\"."
        );
        assert_eq!(
            doc_text("<p>Stars *not emphasis*, [x](y) and _z_.</p>"),
            "Stars \\*not emphasis\\*, \\[x\\](y) and \\_z\\_."
        );
        assert_eq!(
            doc_text("<ol><li>First</li><li>Second</li></ol>"),
            "1. First\n2. Second"
        );
        let nested = doc_text("<ul><li>One<ul><li>Nested</li></ul></li><li>Two</li></ul>");
        assert!(nested.contains("\n  - Nested"), "{nested}");
        assert_eq!(
            doc_text("<p>Line one<br>line two</p>"),
            "Line one\\\nline two"
        );
    }

    #[test]
    fn underscores_inside_words_are_not_escaped() {
        assert_eq!(
            doc_text("<p>The <strong>line_items</strong> of _a_ and b_ _c.</p>"),
            "The **line_items** of \\_a\\_ and b\\_ \\_c."
        );
    }

    #[test]
    fn code_blocks_never_become_doctests() {
        let html = doc_text("<pre><code>curl https://api.stripe.com\n  -d x=1</code></pre>");
        assert!(html.starts_with("```text\n"), "{html}");
        assert_eq!(
            doc_text("Run:\n\n```\nstripe listen\n```\n\n```sh\nls\n```"),
            "Run:\n\n```text\nstripe listen\n```\n\n```sh\nls\n```"
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
        // Markdown holding a tag is still Markdown: its code spans and links
        // are kept, and rustdoc renders the tag.
        assert_eq!(
            doc_text("May not include `<`, `>` or [these](/docs/y).<br>Next."),
            "May not include `<`, `>` or [these](https://stripe.com/docs/y).<br>Next."
        );
        assert_eq!(
            doc_text("An <a href=\"/docs/z\">inline link</a>."),
            "An <a href=\"https://stripe.com/docs/z\">inline link</a>."
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

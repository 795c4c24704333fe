//! Answers as HTML: Markdown rendered by pulldown-cmark, then sanitised by ammonia with a short
//! allow-list. Model output and document text are untrusted, so no script, event handler, style,
//! image or non-web link survives; the strict CSP is a second line of defence.

use std::collections::HashSet;

/// Safe HTML for an answer written in Markdown.
pub fn answer_html(markdown: &str) -> String {
    let mut html = String::new();
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    pulldown_cmark::html::push_html(&mut html, parser);
    let tags: HashSet<&str> = [
        "p",
        "br",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "blockquote",
        "a",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
    ]
    .into_iter()
    .collect();
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    ammonia::Builder::empty()
        .tags(tags)
        .add_tag_attributes("a", ["href"])
        .url_schemes(schemes)
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_relative(ammonia::UrlRelative::Deny)
        .clean(&html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::answer_html;

    #[test]
    fn markdown_renders_and_hostile_markup_is_inert() {
        let html = answer_html("The comet returns **every 212 years** [1].\n\n- one\n- `two`");
        assert!(html.contains("<strong>every 212 years</strong>"), "{html}");
        assert!(html.contains("<li><code>two</code></li>"), "{html}");

        let hostile = "Hi <script>alert(1)</script> <img src=x onerror=alert(2)> \
                       [click](javascript:alert(3)) <a href=\"javascript:alert(4)\">x</a> \
                       <iframe src=\"https://evil.example\"></iframe> <b onclick=\"alert(5)\">b</b> \
                       <style>body{display:none}</style> [ok](https://example.org) [rel](/etc/passwd)";
        let html = answer_html(hostile);
        let lower = html.to_ascii_lowercase();
        for bad in ["<script", "onerror", "onclick", "javascript:", "<img", "<iframe", "<style", "/etc/passwd"] {
            assert!(!lower.contains(bad), "{bad} survived: {html}");
        }
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""), "{html}");
        assert!(!lower.contains("alert(1)</script"), "{html}");
    }
}

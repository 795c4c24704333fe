//! Where the window may go: nowhere. The page is Folio's own (`tauri://localhost`); a link in an answer
//! or a document (planted, perhaps, to carry a secret off in its URL) never turns the window into
//! another site. A web or mail link is offered to the user's browser or mail program, only after the
//! user confirms with the full address shown; anything else is refused. New windows are never made:
//! WebKitGTK creates one only through a `create` handler, and Folio connects none.

/// What to do with a navigation the page asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Navigation {
    /// Folio's own page: let it load.
    Stay,
    /// A web or mail link: stay, and offer to open it outside once the user confirms.
    OfferOutside(String),
    /// Anything else (files, other schemes): stay, and do nothing.
    Refuse,
}

/// The app's own origins: the custom protocol on Linux and macOS, and its form on Windows.
const OWN: [&str; 2] = ["tauri://localhost", "http://tauri.localhost"];

/// Decides a navigation to `url`.
pub fn decide(url: &str) -> Navigation {
    let own = OWN.iter().any(|origin| {
        url.strip_prefix(origin).is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
    });
    if own {
        return Navigation::Stay;
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:") {
        Navigation::OfferOutside(url.to_string())
    } else {
        Navigation::Refuse
    }
}

/// The question asked before a link leaves Folio.
pub fn confirmation(url: &str) -> String {
    format!(
        "This link leads out of Folio, and opening it sends its full address over the network:\n\n{url}\n\n\
         Open it in your browser?"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_stays_on_folio_and_links_go_out_only_when_confirmed() {
        assert_eq!(decide("tauri://localhost"), Navigation::Stay);
        assert_eq!(decide("tauri://localhost/index.html?x#y"), Navigation::Stay);
        assert_eq!(decide("http://tauri.localhost/"), Navigation::Stay);
        // Look-alikes of the app's origin are other sites.
        assert_eq!(
            decide("tauri://localhost.evil.example/"),
            Navigation::Refuse,
            "an unknown scheme's look-alike is refused"
        );
        assert_eq!(
            decide("http://tauri.localhost.evil.example/?q=SECRET"),
            Navigation::OfferOutside("http://tauri.localhost.evil.example/?q=SECRET".into())
        );
        assert_eq!(
            decide("https://example.org/?q=SECRET"),
            Navigation::OfferOutside("https://example.org/?q=SECRET".into())
        );
        assert_eq!(decide("mailto:a@example.org"), Navigation::OfferOutside("mailto:a@example.org".into()));
        for refused in ["file:///etc/passwd", "javascript:alert(1)", "data:text/html,x", "ftp://x", "about:blank"] {
            assert_eq!(decide(refused), Navigation::Refuse, "{refused}");
        }
        assert!(confirmation("https://example.org/?q=SECRET").contains("https://example.org/?q=SECRET"));
    }
}

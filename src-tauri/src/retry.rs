//! Waits between attempts at background work that may succeed later (the library held by the CLI,
//! a folder that cannot be watched yet): doubling from one second up to a minute, for as long as the
//! app runs.

use std::time::Duration;

/// The first wait.
pub const FIRST: Duration = Duration::from_secs(1);
/// The longest wait.
pub const LONGEST: Duration = Duration::from_secs(60);

/// The waits between attempts: 1 s, 2 s, 4 s, ... then a minute each time.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { next: FIRST }
    }
}

impl Iterator for Backoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let now = self.next;
        self.next = (now * 2).min(LONGEST);
        Some(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_a_minute_and_never_end() {
        let secs: Vec<u64> = Backoff::default().take(9).map(|d| d.as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(Backoff::default().nth(1000), Some(LONGEST));
    }
}

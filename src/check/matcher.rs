//! Substring search over a streamed body: finds a needle that spans chunk boundaries while holding
//! only the last `needle.len() - 1` bytes between chunks, so memory does not grow with the body.

use memchr::memmem::Finder;

/// Feeds chunks in order; remembers whether the needle has been seen.
pub struct StreamMatcher {
    finder: Finder<'static>,
    /// The tail of what came before, shorter than the needle.
    carry: Vec<u8>,
    found: bool,
}

impl StreamMatcher {
    pub fn new(needle: &str) -> StreamMatcher {
        StreamMatcher {
            finder: Finder::new(needle.as_bytes()).into_owned(),
            carry: Vec::with_capacity(needle.len()),
            found: needle.is_empty(),
        }
    }

    pub fn found(&self) -> bool {
        self.found
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        if self.found {
            return;
        }
        let n = self.finder.needle().len();
        // Matches that start in the carried tail and end in this chunk.
        if !self.carry.is_empty() {
            let head = &chunk[..chunk.len().min(n - 1)];
            let mut joint = Vec::with_capacity(self.carry.len() + head.len());
            joint.extend_from_slice(&self.carry);
            joint.extend_from_slice(head);
            if self.finder.find(&joint).is_some() {
                self.found = true;
                return;
            }
        }
        if self.finder.find(chunk).is_some() {
            self.found = true;
            return;
        }
        // Keep the last n-1 bytes of (carry + chunk).
        let keep = n - 1;
        if chunk.len() >= keep {
            self.carry.clear();
            self.carry.extend_from_slice(&chunk[chunk.len() - keep..]);
        } else {
            self.carry.extend_from_slice(chunk);
            let excess = self.carry.len().saturating_sub(keep);
            self.carry.drain(..excess);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_all(needle: &str, chunks: &[&str]) -> bool {
        let mut m = StreamMatcher::new(needle);
        for c in chunks {
            m.feed(c.as_bytes());
        }
        m.found()
    }

    #[test]
    fn finds_within_one_chunk() {
        assert!(feed_all("ok", &["status: ok"]));
        assert!(!feed_all("ok", &["status: fine"]));
    }

    #[test]
    fn finds_across_boundaries() {
        assert!(feed_all("healthy", &["all heal", "thy here"]));
        assert!(feed_all("healthy", &["h", "e", "a", "l", "t", "h", "y"]));
        assert!(feed_all("abcdef", &["xxab", "c", "defzz"]));
        assert!(!feed_all("abcdef", &["xxab", "c", "dxfzz"]));
    }

    #[test]
    fn every_split_of_a_body_agrees() {
        let body = "the quick brown fox jumps over the lazy dog";
        for needle in ["fox jumps", "dog", "the q", "lazy dogs", "zzz"] {
            let expected = body.contains(needle);
            for a in 0..body.len() {
                for b in a..body.len() {
                    let chunks = [&body[..a], &body[a..b], &body[b..]];
                    assert_eq!(feed_all(needle, &chunks), expected, "{needle} {a} {b}");
                }
            }
        }
    }

    #[test]
    fn carry_stays_short() {
        let mut m = StreamMatcher::new("needle");
        for _ in 0..1000 {
            m.feed(&[b'x'; 4096]);
        }
        assert!(m.carry.len() < 6);
        assert!(!m.found());
    }
}

//! The journal: every request the fake received and how it answered, for assertions.

use std::collections::VecDeque;

use onenote_api::DateTime;

/// Most entries kept by default; older ones are dropped first
/// ([`journal_capacity`](crate::FakeOneNoteBuilder::journal_capacity) changes it).
pub const DEFAULT_JOURNAL_CAPACITY: usize = 10_000;
/// Most body bytes kept per entry (the length is always recorded).
const BODY_BYTES: usize = 64 * 1024;

/// One request and its answer.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct JournalEntry {
    /// 1, 2, 3, … in arrival order (gaps mean entries were dropped for space).
    pub seq: u64,
    /// When it arrived, on the fake's clock.
    pub at: DateTime,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// The query string as sent, without `?`.
    pub query: Option<String>,
    /// The request headers, in order, names in lower case (`Authorization` included: the
    /// fake's tokens are not secrets).
    pub headers: Vec<(String, String)>,
    /// The body (its first 64 KiB).
    pub body: Vec<u8>,
    /// The body's full length.
    pub body_len: usize,
    /// The spec operation id it was routed to.
    pub operation: Option<&'static str>,
    /// The caller, when the token named a user of the tenant.
    pub user: Option<String>,
    /// The status answered; `None` when the connection was dropped without an answer.
    pub status: Option<u16>,
    /// The `X-CorrelationId` sent (or that would have been sent).
    pub correlation_id: String,
    /// The OneNote error code of an error answer.
    pub error_code: Option<&'static str>,
    /// The injected fault, described (`status 503 before processing`), if any.
    pub fault: Option<String>,
}

impl JournalEntry {
    /// A request header's value (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The bounded list of entries.
#[derive(Debug)]
pub(crate) struct Journal {
    entries: VecDeque<JournalEntry>,
    next: u64,
    capacity: usize,
    dropped: u64,
}

impl Journal {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            next: 0,
            capacity: capacity.max(1),
            dropped: 0,
        }
    }

    /// The next sequence number.
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.next = self.next.saturating_add(1);
        self.next
    }

    pub(crate) fn record(&mut self, mut entry: JournalEntry) {
        entry.body_len = entry.body.len();
        entry.body.truncate(BODY_BYTES);
        if self.entries.len() >= self.capacity {
            self.entries.pop_front();
            self.dropped = self.dropped.saturating_add(1);
        }
        self.entries.push_back(entry);
    }

    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        let mut entries: Vec<JournalEntry> = self.entries.iter().cloned().collect();
        entries.sort_by_key(|e| e.seq);
        entries
    }

    /// How many entries were dropped for space since the start.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

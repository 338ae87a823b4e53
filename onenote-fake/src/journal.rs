//! The journal: every request the fake received and how it answered, kept for assertions and,
//! when asked, written to a file as JSON lines as it goes (for a test outside the process).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use onenote_api::DateTime;
use serde::Serialize;

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
    /// The status the request's handler gave, when it was handled (its effect is in the
    /// state); `None` when it never reached a handler: a fault before processing, throttling,
    /// no valid token, no route, a body too large. A fault after processing replaces the answer
    /// ([`status`](Self::status)), not this.
    pub handled: Option<u16>,
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

/// One line of the journal file: what a test outside the process needs to tell the requests
/// apart and see what happened to each.
#[derive(Serialize)]
struct Line<'a> {
    seq: u64,
    at: String,
    method: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    operation: Option<&'a str>,
    user: Option<&'a str>,
    body_len: usize,
    /// `crc32:` and the CRC-32 of the whole body, in hex.
    body_digest: String,
    status: Option<u16>,
    handled: Option<u16>,
    fault: Option<&'a str>,
    error_code: Option<&'a str>,
    correlation_id: &'a str,
}

/// The CRC-32 of `body` as the journal file writes it.
pub(crate) fn body_digest(body: &[u8]) -> String {
    format!("crc32:{:08x}", crc32fast::hash(body))
}

/// The journal's file: one JSON line per request, written (to the operating system, not
/// buffered) as each request is answered.
#[derive(Debug)]
pub(crate) struct JournalFile {
    path: PathBuf,
    file: File,
    /// The first write that failed; later entries are not written.
    failed: Option<String>,
}

impl JournalFile {
    /// Creates (or empties) the file at `path`.
    pub(crate) fn create(path: &Path) -> io::Result<Self> {
        Ok(Self {
            path: path.to_path_buf(),
            file: File::create(path)?,
            failed: None,
        })
    }

    fn write(&mut self, entry: &JournalEntry, body_digest: String) {
        if self.failed.is_some() {
            return;
        }
        let line = Line {
            seq: entry.seq,
            at: entry.at.to_string(),
            method: &entry.method,
            path: &entry.path,
            query: entry.query.as_deref(),
            operation: entry.operation,
            user: entry.user.as_deref(),
            body_len: entry.body_len,
            body_digest,
            status: entry.status,
            handled: entry.handled,
            fault: entry.fault.as_deref(),
            error_code: entry.error_code,
            correlation_id: &entry.correlation_id,
        };
        let mut text = serde_json::to_string(&line).unwrap_or_default();
        text.push('\n');
        // One write per line: a line is never interleaved with another, and once written it
        // survives the fake being killed.
        if let Err(error) = self.file.write_all(text.as_bytes()) {
            let message = format!("journal file {}: {error}", self.path.display());
            eprintln!("onenote-fake: {message}; no more requests are written to it");
            self.failed = Some(message);
        }
    }
}

/// The bounded list of entries, and the file they are written to when there is one.
#[derive(Debug)]
pub(crate) struct Journal {
    entries: VecDeque<JournalEntry>,
    next: u64,
    capacity: usize,
    dropped: u64,
    file: Option<JournalFile>,
}

impl Journal {
    pub(crate) fn new(capacity: usize, file: Option<JournalFile>) -> Self {
        Self {
            entries: VecDeque::new(),
            next: 0,
            capacity: capacity.max(1),
            dropped: 0,
            file,
        }
    }

    /// The next sequence number.
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.next = self.next.saturating_add(1);
        self.next
    }

    pub(crate) fn record(&mut self, mut entry: JournalEntry) {
        entry.body_len = entry.body.len();
        if let Some(file) = &mut self.file {
            file.write(&entry, body_digest(&entry.body));
        }
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

    /// Why the journal file stopped being written, if it did.
    pub(crate) fn file_error(&self) -> Option<&str> {
        self.file.as_ref()?.failed.as_deref()
    }

    /// Forgets the entries kept in memory (the file keeps its lines).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

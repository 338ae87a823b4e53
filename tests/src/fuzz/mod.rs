//! The fuzz targets' checks, in ordinary code: `fuzz/fuzz_targets/<name>.rs` calls
//! `check(data)` of the module of the same name under coverage-guided fuzzing (nightly,
//! `cargo +nightly fuzz run <name>`), and `tests/tests/fuzz_corpus.rs` replays the checked-in
//! seed corpus `fuzz/corpus/<name>/` through the very same functions on stable. A check panics
//! when a property fails; it never panics for an input the code handles correctly.

pub mod error_body;
pub mod model_decode;
pub mod path_encoding;
pub mod pipeline;
pub mod retry_after;
pub mod spec_bytes;
pub mod spec_edits;

/// A target's check: panics when the input breaks a promise.
pub type Check = fn(&[u8]);

/// Every fuzz target: its name (the file in `fuzz/fuzz_targets/` and the folder in
/// `fuzz/corpus/`) and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("spec_bytes", spec_bytes::check),
    ("spec_edits", spec_edits::check),
    ("model_decode", model_decode::check),
    ("error_body", error_body::check),
    ("retry_after", retry_after::check),
    ("path_encoding", path_encoding::check),
];

/// The access token the requests of the checks sent: errors must never show it.
pub(crate) const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fuzz-token";

/// Panics if any text of `error` (its `Display`, `Debug`, body snippet or service error) holds
/// [`TOKEN`].
pub(crate) fn assert_no_token(error: &onenote_api::Error) {
    let service = error.service_error();
    let texts = [
        Some(error.to_string()),
        Some(format!("{error:?}")),
        error.body_snippet().map(str::to_owned),
        service.and_then(|s| s.code.clone()),
        service.and_then(|s| s.message.clone()),
        service.and_then(|s| s.api_url.clone()),
        service.map(|s| format!("{:?}", s.diagnostics)),
        service.map(|s| format!("{:?}", s.inner_error)),
    ];
    for text in texts.into_iter().flatten() {
        assert!(!text.contains(TOKEN), "the token shows: {text:?}");
    }
}

/// Reads fuzz input a piece at a time; every read past the end gives `None`, so any byte
/// string decodes to something.
pub(crate) struct Input<'a> {
    bytes: &'a [u8],
}

impl<'a> Input<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Input { bytes }
    }

    pub(crate) fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(*first)
    }

    /// An index below `len` from two bytes (`None` when `len` is 0 or the input is used up).
    pub(crate) fn index(&mut self, len: usize) -> Option<usize> {
        if len == 0 {
            return None;
        }
        let high = usize::from(self.byte()?);
        let low = usize::from(self.byte().unwrap_or(0));
        Some(((high << 8) | low) % len)
    }

    /// Up to `max` bytes, the count taken from the input.
    pub(crate) fn bytes(&mut self, max: usize) -> &'a [u8] {
        let len = usize::from(self.byte().unwrap_or(0)) % (max + 1);
        self.take(len)
    }

    /// The next `len` bytes (fewer at the end).
    pub(crate) fn take(&mut self, len: usize) -> &'a [u8] {
        let (head, rest) = self.bytes.split_at(len.min(self.bytes.len()));
        self.bytes = rest;
        head
    }

    /// Everything not read yet.
    pub(crate) fn rest(self) -> &'a [u8] {
        self.bytes
    }
}

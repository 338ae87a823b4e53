//! `ByteStream`: a success body handed over chunk by chunk as it arrives, under the call's size
//! limit, so a large page file never sits whole in memory.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use http_body::Body as _;

use crate::error::{Error, ErrorKind, ResponseInfo, Result};

/// The body of a successful response as a `futures_core::Stream` of [`Bytes`] chunks, in the
/// order they arrive; what [`send_stream`](crate::Request::send_stream) returns.
///
/// At most the call's size limit is yielded in all (16 MiB unless the request set
/// [`max_bytes`](crate::Request::max_bytes)): the chunk that would pass it is not yielded and
/// the stream ends with an [`ErrorKind::Decode`] error, as `send` fails for the same body. A
/// connection that breaks or times out mid-body ends it with an [`ErrorKind::Transport`] or
/// [`ErrorKind::Timeout`] error. Nothing is retried once the body has started: the request was
/// answered, and the bytes already yielded would come again.
///
/// Dropping the stream closes the connection.
///
/// ```no_run
/// # async fn run(client: onenote_api::Client) -> onenote_api::Result<()> {
/// let file = client.me().page_file("0-8a9e8b8e1a2b4c3d!1-34F3F3A4C8A1A9D2!172").content();
/// let response = file.max_bytes(64 * 1024 * 1024).send_stream().await?;
/// println!("{:?}", response.header("content-type"));
/// let mut chunks = response.into_value();
/// while let Some(chunk) = chunks.next_chunk().await {
///     let chunk = chunk?; // write it somewhere: it is not kept
///     println!("{} bytes", chunk.len());
/// }
/// # Ok(())
/// # }
/// ```
pub struct ByteStream {
    operation: &'static str,
    /// The body still to read; `None` once it ended.
    body: Option<reqwest::Body>,
    /// Bytes read before streaming began, yielded first.
    read: Bytes,
    limit: usize,
    received: usize,
    /// The response the errors report (token already redacted).
    response: ResponseInfo,
    attempts: u32,
    waited: Duration,
}

impl ByteStream {
    pub(crate) fn new(
        operation: &'static str,
        unread: Option<reqwest::Response>,
        read: Bytes,
        limit: usize,
        response: ResponseInfo,
        (attempts, waited): (u32, Duration),
    ) -> Self {
        Self {
            operation,
            body: unread.map(reqwest::Body::from),
            read,
            limit,
            received: 0,
            response,
            attempts,
            waited,
        }
    }

    /// The next chunk, for callers without a `StreamExt`: `None` at the end.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// How many bytes have been yielded so far.
    pub fn received(&self) -> usize {
        self.received
    }

    /// `chunk` if it keeps the total within the limit; otherwise the error that ends the stream.
    fn admit(&mut self, chunk: Bytes) -> Result<Bytes> {
        self.received = self.received.saturating_add(chunk.len());
        if self.received <= self.limit {
            return Ok(chunk);
        }
        self.received -= chunk.len();
        self.body = None;
        Err(self
            .error(ErrorKind::Decode)
            .with_detail(format!("the body is larger than {} bytes", self.limit)))
    }

    fn error(&self, kind: ErrorKind) -> Error {
        Error::new(kind, Some(self.operation))
            .with_response(self.response.clone())
            .with_attempts(self.attempts, self.waited, None)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if !this.read.is_empty() {
            let chunk = std::mem::take(&mut this.read);
            return Poll::Ready(Some(this.admit(chunk)));
        }
        loop {
            let Some(body) = this.body.as_mut() else {
                return Poll::Ready(None);
            };
            match ready!(Pin::new(body).poll_frame(cx)) {
                None => {
                    this.body = None;
                    return Poll::Ready(None);
                }
                Some(Err(source)) => {
                    this.body = None;
                    let kind = if source.is_timeout() {
                        ErrorKind::Timeout
                    } else {
                        ErrorKind::Transport
                    };
                    return Poll::Ready(Some(Err(this.error(kind).with_source(source))));
                }
                Some(Ok(frame)) => match frame.into_data() {
                    // Trailers and empty chunks carry nothing to yield.
                    Ok(chunk) if !chunk.is_empty() => return Poll::Ready(Some(this.admit(chunk))),
                    _ => {}
                },
            }
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("operation", &self.operation)
            .field("received", &self.received)
            .field("limit", &self.limit)
            .field("done", &self.body.is_none())
            .finish_non_exhaustive()
    }
}

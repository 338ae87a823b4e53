//! Collections: one decoded `Page<T>`, and `ItemStream<T>`, which walks `@odata.nextLink`.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use reqwest::Url;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::{Error, ErrorKind, Redact, Result};
use crate::request::{Call, Method};

/// One page of a collection, as the service sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page (`value`).
    pub value: Vec<T>,
    /// The URL of the next page (`@odata.nextLink`); `None` on the last page.
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    /// The total number of items (`@odata.count`), when `$count=true` was sent.
    #[serde(
        rename = "@odata.count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<u64>,
    /// The OData context URL (`@odata.context`).
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
}

/// A fetched page, the URL that answered and the token sent (to redact it from messages).
type Fetched<T> = (Page<T>, Url, Option<Arc<str>>);
type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Fetched<T>>> + Send>>;

/// Every item of a collection, page after page, as a `futures_core::Stream` of
/// `Result<T>`.
///
/// It follows `@odata.nextLink` (with the access token, so only links on the API origin;
/// any other link ends the stream with an [`ErrorKind::InvalidLocation`] error), stops after
/// the last page, ends with an [`ErrorKind::RepeatedLink`] error when the service repeats a
/// link (links are compared as sent, without their `#fragment`), and stops after
/// [`limit`](Self::limit) items. Items of a page are yielded before an
/// error about its link. Each page request runs under the client's retry policy.
pub struct ItemStream<T> {
    client: Client,
    operation: &'static str,
    first: Option<Call>,
    next: Option<Url>,
    fetching: Option<PageFuture<T>>,
    buffer: VecDeque<T>,
    seen: HashSet<String>,
    pending_error: Option<Error>,
    limit: Option<usize>,
    yielded: usize,
    /// Pages in a row that had no items: a service that keeps linking to new empty pages
    /// would otherwise be followed forever, whatever the limit.
    empty_pages: u32,
    done: bool,
}

/// How many empty pages in a row end the stream with an error.
const MAX_EMPTY_PAGES: u32 = 100;

// The stream never pins `T` in place (items sit in a `VecDeque`, the fetch is boxed).
impl<T> Unpin for ItemStream<T> {}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("operation", &self.operation)
            .field("buffered", &self.buffer.len())
            .field("yielded", &self.yielded)
            .field("limit", &self.limit)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> ItemStream<T> {
    /// A stream whose first page is `call`.
    pub(crate) fn new(client: Client, call: Call) -> Self {
        let mut seen = HashSet::new();
        // A nextLink pointing back at the first page is a loop too.
        if let Ok(mut url) = client.url_for(&call) {
            url.set_fragment(None);
            seen.insert(url.as_str().to_owned());
        }
        Self {
            operation: call.operation,
            client,
            first: Some(call),
            next: None,
            fetching: None,
            buffer: VecDeque::new(),
            seen,
            pending_error: None,
            limit: None,
            empty_pages: 0,
            yielded: 0,
            done: false,
        }
    }

    /// Stops after `max_items` items; no page is requested once they have been yielded.
    pub fn limit(mut self, max_items: usize) -> Self {
        self.limit = Some(max_items);
        self
    }

    /// The next item, for callers without a `StreamExt`: `None` at the end.
    pub async fn next_item(&mut self) -> Option<Result<T>> {
        std::future::poll_fn(|cx| self.poll_next_item(cx)).await
    }

    /// Collects every item, or the first error.
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut items = Vec::new();
        while let Some(item) = self.next_item().await {
            items.push(item?);
        }
        Ok(items)
    }

    fn fetch(client: Client, call: Call) -> PageFuture<T> {
        Box::pin(async move {
            let reply = client.execute(&call).await?;
            let page = reply.decode(call.operation)?;
            Ok((page, reply.url, reply.token))
        })
    }

    /// Files a fetched page: its items, then its next link or the error about it.
    fn accept(&mut self, page: Page<T>, page_url: &Url, token: Option<&str>) {
        self.empty_pages = if page.value.is_empty() {
            self.empty_pages.saturating_add(1)
        } else {
            0
        };
        self.buffer.extend(page.value);
        let Some(link) = page.next_link else {
            return;
        };
        let redact = token.map_or(Redact::NONE, Redact::secret);
        if self.empty_pages >= MAX_EMPTY_PAGES {
            self.pending_error = Some(
                Error::new(ErrorKind::RepeatedLink, Some(self.operation)).with_detail(format!(
                    "the service returned {MAX_EMPTY_PAGES} empty pages in a row, each with a new \
                     @odata.nextLink; stopping to avoid a loop"
                )),
            );
            return;
        }
        let mut url = match page_url.join(&link) {
            Ok(url) => url,
            Err(error) => {
                self.pending_error = Some(
                    Error::new(ErrorKind::InvalidLocation, Some(self.operation))
                        .with_detail(format!(
                            "the @odata.nextLink {:?} is not a URL",
                            redact.text(&link)
                        ))
                        .with_source(error),
                );
                return;
            }
        };
        // A fragment is never sent: links that differ only there name the same page.
        url.set_fragment(None);
        if let Err(error) =
            self.client
                .check_origin(self.operation, "@odata.nextLink", &redact.text(&link), &url)
        {
            self.pending_error = Some(error);
        } else if !self.seen.insert(url.as_str().to_owned()) {
            self.pending_error = Some(
                Error::new(ErrorKind::RepeatedLink, Some(self.operation)).with_detail(format!(
                    "the service returned the @odata.nextLink {:?} a second time; stopping \
                     to avoid a loop",
                    redact.text(&link)
                )),
            );
        } else {
            self.next = Some(url);
        }
    }

    fn poll_next_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        loop {
            if self.done {
                return Poll::Ready(None);
            }
            if self.limit.is_some_and(|limit| self.yielded >= limit) {
                self.done = true;
                self.fetching = None;
                return Poll::Ready(None);
            }
            if let Some(item) = self.buffer.pop_front() {
                self.yielded += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(error) = self.pending_error.take() {
                self.done = true;
                return Poll::Ready(Some(Err(error)));
            }
            if let Some(fetching) = self.fetching.as_mut() {
                let fetched = match fetching.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(fetched) => fetched,
                };
                self.fetching = None;
                match fetched {
                    Ok((page, url, token)) => self.accept(page, &url, token.as_deref()),
                    Err(error) => {
                        self.done = true;
                        return Poll::Ready(Some(Err(error)));
                    }
                }
                continue;
            }
            let call = if let Some(first) = self.first.take() {
                first
            } else if let Some(url) = self.next.take() {
                // The next page comes from the service of the first, with its token.
                let mut call = Call::absolute(self.operation, Method::Get, url, 200);
                call.audience = self.client.audience();
                call
            } else {
                self.done = true;
                return Poll::Ready(None);
            };
            self.fetching = Some(Self::fetch(self.client.clone(), call));
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> futures_core::Stream for ItemStream<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_next_item(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_unpin<S: Send + Unpin + futures_core::Stream>() {}

    #[test]
    fn item_stream_is_send_and_unpin() {
        assert_send_unpin::<ItemStream<crate::Permission>>();
        assert_send_unpin::<ItemStream<serde_json::Value>>();
    }

    #[test]
    fn page_decodes_odata_annotations() {
        let page: Page<serde_json::Value> = serde_json::from_str(
            r#"{"@odata.context":"ctx","@odata.count":3,"value":[1,2],"@odata.nextLink":"https://www.onenote.com/api/v1.0/me/notes/x?$skip=2","extra":true}"#,
        )
        .unwrap();
        assert_eq!(page.value.len(), 2);
        assert_eq!(page.count, Some(3));
        assert_eq!(page.context.as_deref(), Some("ctx"));
        assert_eq!(
            page.next_link.as_deref(),
            Some("https://www.onenote.com/api/v1.0/me/notes/x?$skip=2")
        );
        assert!(serde_json::from_str::<Page<u8>>(r#"{"@odata.count":1}"#).is_err());
        assert!(serde_json::from_str::<Page<u8>>(r#"{"value":[1],"@odata.count":-1}"#).is_err());
    }
}

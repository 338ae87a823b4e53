//! `Request<O>`: the one request builder every operation uses. Generated code declares each
//! operation as a type implementing [`Operation`] and opts it into what it supports
//! ([`HasAsyncForm`], the [`odata`](crate::odata) options); everything a builder does lives here.

use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::byte_stream::ByteStream;
use crate::client::Client;
use crate::error::Result;
use crate::odata::{
    QueryOptions, SupportsCount, SupportsExpand, SupportsFilter, SupportsOrderby, SupportsSelect,
    SupportsSkip, SupportsTop,
};
use crate::operation::{AsyncRequest, OperationHandle};
use crate::paging::{ItemStream, Page};
use crate::request::{Call, Method};
use crate::response::{Reply, Response};

/// One operation of the API: its id, method, success status, what it returns, and how it adds
/// its query parameters and body to a request.
///
/// Implemented by the generated types in [`op`](crate::op); a [`Request`] of one is what a
/// resource's method returns.
pub trait Operation: Sized {
    /// The spec's operation id (`createClassNotebook`), as errors and tracing name the call.
    const ID: &'static str;
    /// The HTTP method.
    #[doc(hidden)]
    const METHOD: Method;
    /// The success status of the synchronous form (`202` for an asynchronous-only operation).
    const STATUS: u16;
    /// What the operation takes and the rules it keeps ([`schema`](crate::schema)), checked
    /// before the request is sent.
    const SCHEMA: &'static crate::schema::OperationSchema;
    /// The `Accept` header sent.
    #[doc(hidden)]
    const ACCEPT: &'static str = "application/json";
    /// Always sent with `Prefer: respond-async` (the operation has no synchronous form).
    #[doc(hidden)]
    const ASYNC_ONLY: bool = false;
    /// What a success returns: [`Json<T>`], a [`Page<T>`], `()` for no body, `String` for
    /// text, [`Bytes`] for raw bytes, or an [`OperationHandle`] to poll.
    type Response: Receive;

    /// Adds the operation's query parameters and body to `call`.
    #[doc(hidden)]
    fn fill(self, call: &mut Call) {
        let _ = call;
    }
}

/// Operations that also have the asynchronous form (`Prefer: respond-async`), so their
/// builder has [`respond_async`](Request::respond_async).
pub trait HasAsyncForm: Operation {}

/// What a successful response becomes.
pub trait Receive {
    /// The value [`Request::send`] returns.
    type Output;

    /// Reads the value out of a successful reply, taking the body and leaving the metadata
    /// for [`Request::send_with_meta`].
    #[doc(hidden)]
    fn receive(client: &Client, call: &Call, reply: &mut Reply) -> Result<Self::Output>;
}

/// A JSON body decoded as `T` (the [`Operation::Response`] of operations that return one).
pub struct Json<T>(std::marker::PhantomData<fn() -> T>);

impl<T: DeserializeOwned> Receive for Json<T> {
    type Output = T;
    fn receive(_: &Client, call: &Call, reply: &mut Reply) -> Result<T> {
        reply.decode(call.operation)
    }
}

/// One page of an OData collection; [`Request::stream`] walks every page.
impl<T: DeserializeOwned> Receive for Page<T> {
    type Output = Page<T>;
    fn receive(_: &Client, call: &Call, reply: &mut Reply) -> Result<Page<T>> {
        reply.decode(call.operation)
    }
}

/// No body: a success body, if any, is ignored.
impl Receive for () {
    type Output = ();
    fn receive(_: &Client, _: &Call, _: &mut Reply) -> Result<()> {
        Ok(())
    }
}

/// A text body (`text/html`), returned as it came: never parsed as JSON.
impl Receive for String {
    type Output = String;
    fn receive(_: &Client, call: &Call, reply: &mut Reply) -> Result<String> {
        reply.take_text(call.operation)
    }
}

/// Raw bytes, up to the client's body size limit.
impl Receive for Bytes {
    type Output = Bytes;
    fn receive(_: &Client, _: &Call, reply: &mut Reply) -> Result<Bytes> {
        Ok(reply.take_bytes())
    }
}

/// `202 Accepted` with a `Location` to poll.
impl Receive for OperationHandle {
    type Output = OperationHandle;
    fn receive(client: &Client, call: &Call, reply: &mut Reply) -> Result<OperationHandle> {
        OperationHandle::accepted(client, call.operation, reply)
    }
}

/// A request for operation `O`: set its options, then `.send().await`.
///
/// Every generated builder is one of these (`CreateClassNotebookRequest` is
/// `Request<op::CreateClassNotebook>`). Options the operation does not support are not methods
/// of its builder, so calling one does not compile.
#[must_use = "a request does nothing until it is sent with `.send().await`"]
pub struct Request<O> {
    pub(crate) client: Client,
    pub(crate) path: String,
    pub(crate) odata: QueryOptions,
    pub(crate) op: O,
    /// The most bytes of a success body read; `None` is the client's limit.
    pub(crate) max_body_bytes: Option<usize>,
}

impl<O: fmt::Debug> fmt::Debug for Request<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("path", &self.path)
            .field("odata", &self.odata)
            .field("op", &self.op)
            .finish_non_exhaustive()
    }
}

impl<O: Operation> Request<O> {
    /// A request for `op` at `path` (encoded, relative to the version root).
    pub(crate) fn new(client: Client, path: String, op: O) -> Self {
        Self {
            client,
            path,
            odata: QueryOptions::default(),
            op,
            max_body_bytes: None,
        }
    }

    /// The call to send: method, path, the operation's query and body, then the OData options,
    /// checked against the operation's table (a broken rule refuses it when sent).
    pub(crate) fn into_call(self) -> (Client, Call) {
        let mut call = Call::new(O::ID, O::METHOD, self.path, O::STATUS);
        call.audience = self.client.audience();
        call.accept = O::ACCEPT;
        call.max_body_bytes = self.max_body_bytes;
        self.op.fill(&mut call);
        call.odata(&self.odata);
        call.finish(O::SCHEMA);
        if O::ASYNC_ONLY {
            call = call.respond_async();
        }
        (self.client, call)
    }

    /// Sends the request under the client's retry policy and returns what the operation
    /// answers: the decoded body, `()` when it has none, or an [`OperationHandle`] to poll for
    /// an asynchronous-only operation. The method that made the builder says which.
    ///
    /// Fails with [`Error`](crate::Error) on transport problems, a status that is not a
    /// success (with the service's error body), or a body that does not decode.
    pub async fn send(self) -> Result<<O::Response as Receive>::Output> {
        let (client, call) = self.into_call();
        let mut reply = client.execute(&call).await?;
        O::Response::receive(&client, &call, &mut reply)
    }

    /// Sends the request like [`send`](Self::send) and returns the value with the response's
    /// status and headers: a [`Response`]. The documents ask callers to quote its
    /// [`correlation_id`](Response::correlation_id) and [`date`](Response::date) when they
    /// contact support about a request.
    pub async fn send_with_meta(self) -> Result<Response<<O::Response as Receive>::Output>> {
        let (client, call) = self.into_call();
        let mut reply = client.execute(&call).await?;
        let value = O::Response::receive(&client, &call, &mut reply)?;
        Ok(reply.into_response(value))
    }
}

impl<O: Operation<Response = Bytes>> Request<O> {
    /// Reads at most `limit` bytes of the body (instead of the client's limit of 16 MiB): a
    /// larger body, by its `Content-Length` or as it arrives, fails the call with
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) and is not read further. The limit
    /// holds for [`send_stream`](Self::send_stream) too.
    pub fn max_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = Some(limit);
        self
    }

    /// Sends the request like [`send_with_meta`](Self::send_with_meta), but returns as soon as
    /// the response's status and headers are in, with the body as a [`ByteStream`] of chunks
    /// to read as they arrive, so a large file never sits whole in memory.
    ///
    /// The retry policy applies until a success status arrives; a body whose `Content-Length`
    /// is over the limit fails here, unread. After that the stream yields at most the limit in
    /// all and is never retried (see [`ByteStream`]).
    pub async fn send_stream(self) -> Result<Response<ByteStream>> {
        let (client, mut call) = self.into_call();
        call.stream_body = true;
        let mut reply = client.execute(&call).await?;
        let body = reply.take_stream(call.operation, call.body_limit());
        Ok(reply.into_response(body))
    }
}

impl<O: HasAsyncForm> Request<O> {
    /// Switches to the asynchronous form (`Prefer: respond-async`): the service answers
    /// `202 Accepted` with a `Location` to poll instead of the result.
    pub fn respond_async(self) -> AsyncRequest {
        let (client, call) = self.into_call();
        AsyncRequest::new(client, call)
    }
}

impl<O, T> Request<O>
where
    O: Operation<Response = Page<T>>,
    T: DeserializeOwned + Send + 'static,
{
    /// Streams every item of every page, following `@odata.nextLink`.
    ///
    /// Stops at the last page, at a repeated link (reported as an error), or at the limit
    /// set with [`ItemStream::limit`].
    pub fn stream(self) -> ItemStream<T> {
        let (client, call) = self.into_call();
        ItemStream::new(client, call)
    }
}

impl<O: SupportsFilter> Request<O> {
    /// `$filter`: an OData filter expression over the items' properties; the operation's
    /// documentation says what the service supports. Quote string literals with
    /// [`odata::string_literal`](crate::odata::string_literal).
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.odata.filter = Some(expression.into());
        self
    }
}

impl<O: SupportsOrderby> Request<O> {
    /// `$orderby`: properties, each optionally followed by `asc` or `desc`, separated by
    /// commas. The operation's documentation gives the service's default order where the
    /// documents name one.
    pub fn orderby(mut self, order: impl Into<String>) -> Self {
        self.odata.orderby = Some(order.into());
        self
    }
}

impl<O: SupportsSelect> Request<O> {
    /// `$select`: only these properties are returned. A name that is not a property of the
    /// response type makes `send` fail with
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before anything is sent.
    pub fn select<I, S>(mut self, properties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.odata.select = properties.into_iter().map(Into::into).collect();
        self
    }
}

impl<O: SupportsTop> Request<O> {
    /// `$top`: at most this many items. Where the operation has a maximum (the page lists take
    /// at most 100), a larger value makes `send` fail with
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before anything is sent.
    pub fn top(mut self, count: u32) -> Self {
        self.odata.top = Some(count);
        self
    }
}

impl<O: SupportsSkip> Request<O> {
    /// `$skip`: skip this many items. Where the operation has a maximum, a larger value makes
    /// `send` fail with [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before
    /// anything is sent.
    pub fn skip(mut self, count: u32) -> Self {
        self.odata.skip = Some(count);
        self
    }
}

impl<O: SupportsExpand> Request<O> {
    /// `$expand`: include these related entities inline; the operation's documentation says
    /// which it takes, and another makes `send` fail with
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before anything is sent.
    pub fn expand<I, S>(mut self, properties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.odata.expand = properties.into_iter().map(Into::into).collect();
        self
    }
}

impl<O: SupportsCount> Request<O> {
    /// `$count`: ask for the total number of items (`@odata.count`).
    pub fn count(mut self, count: bool) -> Self {
        self.odata.count = Some(count);
        self
    }
}

//! `Client` and `ClientBuilder`: configuration, and sending one call with authentication,
//! retries and error mapping.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::Url;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, LOCATION, RETRY_AFTER,
    USER_AGENT,
};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::{StaticToken, TokenProvider};
use crate::clock::{Clock, TokioClock};
use crate::error::{Error, ErrorKind, GaveUp, ResponseInfo, Result};
use crate::operation::OperationHandle;
use crate::origin::ApiRoot;
use crate::request::{Call, Target};
use crate::retry::{
    RetryPolicy, Retryable, classify_status, classify_transport, parse_retry_after,
};
use crate::{DEFAULT_BASE_URL, Version};

/// The default user agent: `onenote-api/<crate version>`.
const DEFAULT_USER_AGENT: &str = concat!("onenote-api/", env!("CARGO_PKG_VERSION"));
/// Default time to establish a connection.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time for one whole attempt (connect, send, read).
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest success body read; OneNote JSON is far smaller.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Largest error body read: enough for any error document, bounded against hostile servers.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;
/// Most redirects followed for one attempt.
const MAX_REDIRECTS: usize = 10;

/// A client for the OneNote API. Cheap to clone (an `Arc` inside); clones share the
/// connection pool, token provider and configuration.
///
/// Requests start from a location: [`me`](Client::me), [`user`](Client::user),
/// [`site`](Client::site) or [`group`](Client::group).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    root: ApiRoot,
    version: Version,
    tokens: Box<dyn TokenProvider>,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    user_agent: HeaderValue,
    /// Set per request only for a caller-supplied reqwest client (ours has it built in).
    per_request_timeout: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.root.base())
            .field("version", &self.inner.version)
            .field("user_agent", &self.inner.user_agent)
            .field("retry", &self.inner.retry)
            .field("token_provider", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with every default: [`DEFAULT_BASE_URL`], [`Version::default()`], 10 s connect
    /// and 60 s request timeouts, user agent `onenote-api/<version>`, [`RetryPolicy::default()`].
    /// A token provider must be set before [`build`](ClientBuilder::build).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client with every default and `token_provider`.
    ///
    /// Fails only if TLS cannot be set up.
    pub fn new(token_provider: impl TokenProvider + 'static) -> Result<Client> {
        Self::builder().token_provider(token_provider).build()
    }

    /// The base URL, without a trailing slash (`https://www.onenote.com/api`).
    pub fn base_url(&self) -> &str {
        self.inner.root.base()
    }

    /// The API version requests go to.
    pub fn version(&self) -> Version {
        self.inner.version
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.inner.clock.as_ref()
    }

    /// Sends an asynchronous call and returns the operation its `202 Accepted` names.
    pub(crate) async fn send_accepted(&self, call: Call) -> Result<OperationHandle> {
        let reply = self.execute(&call).await?;
        self.accepted(&call, reply)
    }

    /// The operation a `202 Accepted` names in its `Location`, which must be on the API origin.
    pub(crate) fn accepted(&self, call: &Call, reply: Reply) -> Result<OperationHandle> {
        if reply.status != 202 {
            let mut error = Error::from_status(call.operation, reply.info.clone(), &reply.body)
                .with_detail("expected 202 Accepted with a Location to poll");
            error.set_attempts(reply.attempts, reply.waited, None);
            return Err(error);
        }
        let Some(location) = reply.location.clone() else {
            return Err(Error::new(ErrorKind::InvalidLocation, Some(call.operation))
                .with_detail("202 Accepted without a Location header")
                .with_response(reply.info));
        };
        let url = reply.url.join(&location).map_err(|error| {
            Error::new(ErrorKind::InvalidLocation, Some(call.operation))
                .with_detail(format!("the Location {location:?} is not a URL"))
                .with_source(error)
                .with_response(reply.info.clone())
        })?;
        self.check_origin(call.operation, "operation Location", &location, &url)
            .map_err(|error| error.with_response(reply.info.clone()))?;
        Ok(OperationHandle::new(
            self.clone(),
            call.operation,
            location,
            url,
            reply.info.retry_after,
        ))
    }

    /// Refuses `url` unless it is on the API origin, so the token never leaves it.
    pub(crate) fn check_origin(
        &self,
        operation: &'static str,
        what: &str,
        text: &str,
        url: &Url,
    ) -> Result<()> {
        if self.inner.root.is_same_origin(url) {
            return Ok(());
        }
        Err(Error::new(ErrorKind::InvalidLocation, Some(operation)).with_detail(format!(
            "refusing the {what} {:?}: it is not on the API origin {} (scheme, host and port must \
             match the base URL), so it is not sent the access token",
            truncate(text, 200),
            self.inner.root.origin_text()
        )))
    }

    /// The URL a call goes to, refusing paths URL normalisation would rewrite.
    pub(crate) fn url_for(&self, call: &Call) -> Result<Url> {
        let path = match &call.target {
            Target::Absolute(url) => return Ok(url.clone()),
            Target::Path(path) => path,
        };
        let invalid = |detail: String| {
            Err(Error::new(ErrorKind::InvalidRequest, Some(call.operation)).with_detail(detail))
        };
        if path.starts_with('/') || path.ends_with('/') || path.contains("//") {
            return invalid(format!(
                "the path {path:?} has an empty segment (an empty id?); refusing to send it"
            ));
        }
        let text = call.url_text(self.inner.root.version_root());
        let url = match Url::parse(&text) {
            Ok(url) => url,
            Err(error) => return invalid(format!("the URL {text:?} does not parse: {error}")),
        };
        // `.`/`..` ids (even as `%2E`) are dot-segments to URL parsers: the parsed path would
        // name another endpoint. Compare instead of trusting the encoder alone.
        let expected = format!("{}{path}", self.inner.root.version_root_path());
        if url.path() != expected {
            return invalid(format!(
                "the path {path:?} would be sent as {:?} after URL normalisation (an id of `.` or \
                 `..`?); refusing to send it",
                url.path()
            ));
        }
        Ok(url)
    }

    /// Sends `call` under the retry policy and returns the successful (2xx) reply.
    pub(crate) async fn execute(&self, call: &Call) -> Result<Reply> {
        let invalid = |detail: String| {
            Error::new(ErrorKind::InvalidRequest, Some(call.operation)).with_detail(detail)
        };
        let body = match &call.body {
            None => None,
            Some(Ok(body)) => {
                let content_type = HeaderValue::from_str(&body.content_type()).map_err(|_| {
                    invalid(format!(
                        "{:?} is not a valid Content-Type",
                        body.content_type()
                    ))
                })?;
                Some((body.bytes(), content_type))
            }
            Some(Err(reason)) => return Err(invalid(reason.clone())),
        };
        let url = self.url_for(call)?;
        let accept = HeaderValue::from_str(call.accept)
            .map_err(|_| invalid(format!("{:?} is not a valid Accept header", call.accept)))?;
        let policy = &self.inner.retry;
        let mut waited = Duration::ZERO;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let span = tracing::debug_span!(
                "onenote.request",
                operation = call.operation,
                method = call.method.as_str(),
                attempt,
                status = tracing::field::Empty,
            );
            let outcome = self
                .attempt(call, &url, &accept, body.clone())
                .instrument(span.clone())
                .await;
            if let Some(status) = outcome.status() {
                span.record("status", status);
            }
            let (mut error, retryable, delay) = match outcome {
                Attempt::Done(mut reply) => {
                    reply.attempts = attempt;
                    reply.waited = waited;
                    return Ok(*reply);
                }
                Attempt::Refused(mut error) => {
                    // Nothing was sent on this attempt.
                    error.set_attempts(attempt - 1, waited, None);
                    return Err(error);
                }
                Attempt::Failed {
                    error,
                    retryable,
                    retry_after,
                } => {
                    let retries_so_far = attempt - 1;
                    let delay = retry_after.unwrap_or_else(|| policy.backoff(retries_so_far));
                    (error, retryable, delay)
                }
            };
            error.set_retryable(retryable == Retryable::Yes);
            if retryable == Retryable::No {
                error.set_attempts(attempt, waited, None);
                return Err(error);
            }
            let gave_up = if attempt >= policy.attempts_limit() {
                Some(GaveUp::Attempts)
            } else if waited.saturating_add(delay) > policy.wait_budget() {
                Some(GaveUp::Budget {
                    next: delay,
                    budget: policy.wait_budget(),
                })
            } else {
                None
            };
            if gave_up.is_some() {
                error.set_attempts(attempt, waited, gave_up);
                tracing::debug!(parent: &span, "giving up: {error}");
                return Err(error);
            }
            tracing::info!(parent: &span, ?delay, "retrying after: {error}");
            self.inner.clock.sleep(delay).await;
            waited = waited.saturating_add(delay);
        }
    }

    /// One attempt: fetch a token, send, read the reply.
    async fn attempt(
        &self,
        call: &Call,
        url: &Url,
        accept: &HeaderValue,
        body: Option<(&bytes::Bytes, HeaderValue)>,
    ) -> Attempt {
        let operation = Some(call.operation);
        let token = match self.inner.tokens.token().await {
            Ok(token) => token,
            Err(source) => {
                return Attempt::Refused(
                    Error::new(ErrorKind::Auth, operation).with_source(source),
                );
            }
        };
        if token.is_empty() {
            return Attempt::Refused(
                Error::new(ErrorKind::Auth, operation)
                    .with_detail("the token provider returned an empty token"),
            );
        }
        let Ok(mut authorization) = HeaderValue::from_str(&format!("Bearer {token}")) else {
            // The value is not shown: it is the secret.
            return Attempt::Refused(Error::new(ErrorKind::Auth, operation).with_detail(
                "the token provider returned a token that is not a valid header value",
            ));
        };
        authorization.set_sensitive(true);

        let mut request = self
            .inner
            .http
            .request(call.method.to_reqwest(), url.clone())
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, accept.clone())
            .header(USER_AGENT, self.inner.user_agent.clone());
        if let Some((body, content_type)) = body {
            request = request
                .header(CONTENT_TYPE, content_type)
                // A cheap reference-counted clone, not a copy of the body.
                .body(body.clone());
        }
        if call.respond_async {
            request = request.header("Prefer", HeaderValue::from_static("respond-async"));
        }
        if let Some(timeout) = self.inner.per_request_timeout {
            request = request.timeout(timeout);
        }

        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return transport_failure(call, error),
        };
        let status = response.status().as_u16();
        let final_url = response.url().clone();
        let info = response_info(status, response.headers());
        let location = header_text(response.headers(), LOCATION.as_str());
        tracing::debug!(status, "response");

        if response.status().is_success() {
            let (body, cut) = match read_body(response, MAX_BODY_BYTES).await {
                Ok(read) => read,
                Err(error) => return transport_failure(call, error),
            };
            if cut {
                return Attempt::Failed {
                    error: Error::decode(
                        call.operation,
                        info,
                        &body,
                        format!("the body is larger than {MAX_BODY_BYTES} bytes"),
                    ),
                    retryable: Retryable::No,
                    retry_after: None,
                };
            }
            if status != call.status {
                tracing::debug!(
                    expected = call.status,
                    status,
                    "success with another status"
                );
            }
            return Attempt::Done(Box::new(Reply {
                status,
                info,
                location,
                body,
                url: final_url,
                attempts: 0,
                waited: Duration::ZERO,
            }));
        }

        // An error body is read best-effort: a broken one must not hide the status.
        let body = read_body(response, MAX_ERROR_BODY_BYTES)
            .await
            .map(|(body, _)| body)
            .unwrap_or_default();
        let retry_after = info.retry_after;
        Attempt::Failed {
            error: Error::from_status(call.operation, info, &body),
            retryable: classify_status(status, call.method),
            retry_after,
        }
    }
}

/// The outcome of one attempt.
enum Attempt {
    /// A 2xx reply (boxed: it is much larger than the other variants).
    Done(Box<Reply>),
    /// Not sent (no usable token).
    Refused(Error),
    /// Failed; `retryable` says whether the policy may repeat it.
    Failed {
        error: Error,
        retryable: Retryable,
        retry_after: Option<Duration>,
    },
}

impl Attempt {
    /// The HTTP status the attempt got, if a response arrived.
    fn status(&self) -> Option<u16> {
        match self {
            Attempt::Done(reply) => Some(reply.status),
            Attempt::Refused(error) | Attempt::Failed { error, .. } => error.status(),
        }
    }
}

fn transport_failure(call: &Call, error: reqwest::Error) -> Attempt {
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    };
    Attempt::Failed {
        error: Error::new(kind, Some(call.operation)).with_source(error),
        retryable: classify_transport(call.method),
        retry_after: None,
    }
}

/// A successful response, read.
///
/// `pub` only so [`Receive`](crate::Receive) can name it; this module is private.
#[derive(Debug)]
pub struct Reply {
    pub(crate) status: u16,
    pub(crate) info: ResponseInfo,
    pub(crate) location: Option<String>,
    pub(crate) body: Vec<u8>,
    /// The URL that answered (after redirects), for resolving relative links.
    pub(crate) url: Url,
    pub(crate) attempts: u32,
    pub(crate) waited: Duration,
}

impl Reply {
    /// The body as UTF-8 text, or a `Decode` error with a snippet of it.
    pub(crate) fn text(self, operation: &'static str) -> Result<String> {
        String::from_utf8(self.body).map_err(|error| {
            let reason = format!("the body is not UTF-8 text: {}", error.utf8_error());
            let mut error = Error::decode(operation, self.info, error.as_bytes(), reason);
            error.set_attempts(self.attempts, self.waited, None);
            error
        })
    }

    /// Decodes the body as `T`, or a `Decode` error with a snippet of it.
    pub(crate) fn decode<T: DeserializeOwned>(&self, operation: &'static str) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|error| {
            let mut error =
                Error::decode(operation, self.info.clone(), &self.body, error.to_string());
            error.set_attempts(self.attempts, self.waited, None);
            error
        })
    }
}

/// Status and support headers of a response.
fn response_info(status: u16, headers: &HeaderMap) -> ResponseInfo {
    let date = header_text(headers, DATE.as_str());
    // An HTTP-date Retry-After is measured from the server's own Date when it sent one, so
    // clock skew does not matter; the Date is only parsed when there is a Retry-After.
    let retry_after = header_text(headers, RETRY_AFTER.as_str()).and_then(|value| {
        let now = date
            .as_deref()
            .and_then(|d| httpdate::parse_http_date(d).ok())
            .unwrap_or_else(SystemTime::now);
        parse_retry_after(&value, now)
    });
    ResponseInfo {
        status: Some(status),
        correlation_id: header_text(headers, "x-correlationid"),
        retry_after,
        date,
    }
}

/// A header as text (bounded), if present and visible ASCII.
fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?;
    Some(truncate(value, 2048).to_owned())
}

fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Reads at most `limit` bytes of the body; `true` when more was available.
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    // Size the buffer once from Content-Length (bounded by the limit) instead of regrowing it.
    let expected = response
        .content_length()
        .map_or(0, |length| usize::try_from(length).unwrap_or(usize::MAX));
    let mut body = Vec::with_capacity(expected.min(limit));
    while let Some(chunk) = response.chunk().await? {
        let room = limit.saturating_sub(body.len());
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// Configures a [`Client`]. Get one from [`Client::builder`].
pub struct ClientBuilder {
    base_url: String,
    version: Version,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    request_timeout_set: bool,
    user_agent: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    tokens: Option<Box<dyn TokenProvider>>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("version", &self.version)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http.is_some())
            .field("retry", &self.retry)
            .field(
                "token_provider",
                &self.tokens.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// A builder with every default (see [`Client::builder`]).
    pub fn new() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            version: Version::default(),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            request_timeout_set: false,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http: None,
            retry: RetryPolicy::default(),
            tokens: None,
            clock: Arc::new(TokioClock),
        }
    }

    /// The base URL without the version (default [`DEFAULT_BASE_URL`]). It must be `https`;
    /// plain `http` is accepted only for loopback hosts (127.0.0.0/8, `::1`, `localhost`), for
    /// tests.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The API version (default `v1.0`).
    pub fn version(mut self, version: Version) -> Self {
        self.version = version;
        self
    }

    /// Time allowed to connect (default 10 s); `None` for no limit. Ignored with
    /// [`http_client`](Self::http_client), whose own settings apply.
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// Time allowed for each attempt, from sending to the end of the body (default 60 s);
    /// `None` for no limit. With [`http_client`](Self::http_client) it applies only if set here.
    ///
    /// reqwest measures it with `tokio::time`: under `tokio::time::pause()` a paused clock
    /// auto-advances while waiting for a real server, so such tests should pass `None` (or
    /// use [`clock`](Self::clock) instead of pausing).
    pub fn request_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.request_timeout = timeout.into();
        self.request_timeout_set = true;
        self
    }

    /// The `User-Agent` header (default `onenote-api/<crate version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends through this reqwest client instead of building one. Its TLS, proxy, timeout and
    /// redirect settings apply (reqwest's default redirect policy already drops
    /// `Authorization` when a redirect leaves the host).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// How failed requests are retried (default [`RetryPolicy::default()`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Where access tokens come from; asked before every attempt.
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.tokens = Some(Box::new(provider));
        self
    }

    /// A fixed access token ([`StaticToken`]).
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.token_provider(StaticToken::new(token))
    }

    /// The clock for retry and poll waits (default [`TokioClock`]).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig) for a missing
    /// token provider, a bad or plain-`http` base URL, an invalid user agent, or TLS that cannot
    /// be set up.
    pub fn build(self) -> Result<Client> {
        let tokens = self.tokens.ok_or_else(|| {
            Error::config("no token provider: call token_provider or bearer_token")
        })?;
        let root = ApiRoot::new(&self.base_url, self.version.as_str()).map_err(Error::config)?;
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::config(format!(
                "user agent {:?} is not a valid header value",
                self.user_agent
            ))
        })?;
        let (http, per_request_timeout) = match self.http {
            Some(http) => (
                http,
                self.request_timeout.filter(|_| self.request_timeout_set),
            ),
            None => (
                build_http(self.connect_timeout, self.request_timeout)?,
                None,
            ),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                root,
                version: self.version,
                tokens,
                retry: self.retry,
                clock: self.clock,
                user_agent,
                per_request_timeout,
            }),
        })
    }
}

/// The reqwest client this crate builds: TLS per feature, timeouts, no `Referer`, and a redirect
/// policy that refuses to leave https for http.
fn build_http(
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
) -> Result<reqwest::Client> {
    let redirects = reqwest::redirect::Policy::custom(|attempt| {
        let downgrade = attempt.url().scheme() == "http"
            && attempt
                .previous()
                .last()
                .is_some_and(|previous| previous.scheme() == "https");
        if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if downgrade {
            attempt.error("refusing a redirect from https to http")
        } else {
            // reqwest drops Authorization itself when the redirect changes scheme, host or port.
            attempt.follow()
        }
    });
    let mut builder = reqwest::Client::builder()
        .redirect(redirects)
        .referer(false);
    if let Some(timeout) = connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    if let Some(timeout) = request_timeout {
        builder = builder.timeout(timeout);
    }
    crate::tls::configure(builder)?
        .build()
        .map_err(|error| Error::config("could not build the HTTP client").with_source(error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Method;

    fn client() -> Client {
        Client::builder()
            .base_url("http://127.0.0.1:9/api/")
            .bearer_token("s3cr3t-token")
            .build()
            .unwrap()
    }

    #[test]
    fn debug_never_shows_the_token() {
        let client = client();
        let debug = format!("{client:?} {client:#?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("token_provider: \"<redacted>\""), "{debug}");
        let builder = Client::builder().bearer_token("s3cr3t-token");
        let debug = format!("{builder:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
    }

    #[test]
    fn clients_errors_and_request_futures_are_thread_safe() {
        fn assert_send_sync<T: Send + Sync>() {}
        fn assert_send<T: Send>(_: &T) {}
        assert_send_sync::<Client>();
        assert_send_sync::<Error>();
        let client = client();
        assert_send(&client.me().class_notebooks().list().send());
        assert_send(&client.me().class_notebook("1").delete().send());
    }

    #[test]
    fn defaults() {
        let client = Client::new(StaticToken::new("t")).unwrap();
        assert_eq!(client.base_url(), "https://www.onenote.com/api");
        assert_eq!(client.version(), Version::V1_0);
        assert_eq!(client.retry_policy(), &RetryPolicy::default());
        assert_eq!(
            DEFAULT_USER_AGENT,
            format!("onenote-api/{}", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn configuration_errors_are_clear() {
        let missing = Client::builder().build().unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::InvalidConfig);
        assert_eq!(
            missing.to_string(),
            "invalid client configuration: no token provider: call token_provider or bearer_token"
        );
        let http = Client::builder()
            .base_url("http://example.com/api")
            .bearer_token("t")
            .build()
            .unwrap_err();
        assert_eq!(
            http.to_string(),
            "invalid client configuration: base URL \"http://example.com/api\" uses plain http; \
             only https is allowed (http only for loopback hosts: 127.0.0.0/8, ::1, localhost)"
        );
        let agent = Client::builder()
            .bearer_token("t")
            .user_agent("bad\nagent")
            .build()
            .unwrap_err();
        assert_eq!(
            agent.to_string(),
            "invalid client configuration: user agent \"bad\\nagent\" is not a valid header value"
        );
    }

    #[test]
    fn urls_join_the_version_root() {
        let client = client();
        let call = Call::new("op", Method::Get, "me/notes/classNotebooks".into(), 200);
        assert_eq!(
            client.url_for(&call).unwrap().as_str(),
            "http://127.0.0.1:9/api/v1.0/me/notes/classNotebooks"
        );
        let beta = Client::builder()
            .base_url("http://localhost:9")
            .version(Version::Beta)
            .bearer_token("t")
            .build()
            .unwrap();
        assert_eq!(
            beta.url_for(&call).unwrap().as_str(),
            "http://localhost:9/beta/me/notes/classNotebooks"
        );
    }

    #[test]
    fn hostile_ids_never_reach_another_endpoint() {
        let client = client();
        for id in ["..", "."] {
            let path = client.me().class_notebook(id).path().to_owned();
            let call = Call::new("getClassNotebook", Method::Get, path.clone(), 200);
            let error = client.url_for(&call).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidRequest);
            assert_eq!(error.attempts(), 0);
            assert!(error.to_string().contains("refusing to send it"), "{error}");
        }
        let path = client.me().class_notebook("").path().to_owned();
        let error = client
            .url_for(&Call::new("getClassNotebook", Method::Get, path, 200))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "getClassNotebook: the path \"me/notes/classNotebooks/\" has an empty segment (an \
             empty id?); refusing to send it"
        );
        for id in [
            "a/b", "?x", "#", "%41", "a b", "u@x", "é", "'", "...", "%2E%2E",
        ] {
            let path = client.me().class_notebook(id).path().to_owned();
            let url = client
                .url_for(&Call::new(
                    "getClassNotebook",
                    Method::Get,
                    path.clone(),
                    200,
                ))
                .unwrap();
            assert_eq!(url.path(), format!("/api/v1.0/{path}"), "{id}");
            assert_eq!(url.query(), None, "{id}");
            assert_eq!(url.fragment(), None, "{id}");
        }
    }

    #[test]
    fn foreign_urls_are_refused() {
        let client = client();
        let foreign = Url::parse("http://127.0.0.2:9/api/v1.0/me/notes/operations/x").unwrap();
        let error = client
            .check_origin("op", "operation Location", foreign.as_str(), &foreign)
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidLocation);
        assert_eq!(
            error.to_string(),
            "op: refusing the operation Location \"http://127.0.0.2:9/api/v1.0/me/notes/operations/x\": \
             it is not on the API origin http://127.0.0.1:9 (scheme, host and port must match the \
             base URL), so it is not sent the access token"
        );
    }

    #[test]
    fn garbage_pages_never_panic_the_decoder() {
        for body in crate::error::tests::garbage(0x05EE_D0F9_A9E5, 20_000) {
            let reply = Reply {
                status: 200,
                info: ResponseInfo::default(),
                location: None,
                body,
                url: Url::parse("http://127.0.0.1/").unwrap(),
                attempts: 1,
                waited: Duration::ZERO,
            };
            match reply.decode::<crate::Page<serde_json::Value>>("listPermissions") {
                Ok(page) => assert!(page.value.len() <= reply.body.len()),
                Err(error) => {
                    assert_eq!(error.kind(), ErrorKind::Decode);
                    assert!(!error.to_string().contains('\n'));
                }
            }
            let _ = reply.decode::<crate::OperationModel>("getOperation");
            let _ = reply.decode::<crate::Permission>("getPermission");
        }
    }
}

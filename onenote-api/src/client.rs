//! `Client` and `ClientBuilder`: configuration, and sending one call: token, pacing slot,
//! attempt, and what the retry policy says to do next.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderValue;
use tracing::Instrument;

use crate::auth::{Audience, StaticToken, TokenCache, TokenError, TokenProvider};
use crate::clock::{Clock, TokioClock};
use crate::error::{Error, ErrorCode, ErrorKind, GaveUp, Redact, Result};
use crate::origin::ApiRoot;
use crate::pacing::{Outcome, Pacer, Pacing, Permit};
use crate::request::{Call, Target};
use crate::response::{Reply, response_info, retry_after, truncate};
use crate::retry::{Answer, Attempts, Failure, Next, RetryPolicy, Retryable};
use crate::service::GRAPH_BASE_URL;
use crate::transport::{Exchange, SentBody, Transport};
use crate::{DEFAULT_BASE_URL, Version};

/// The default user agent: `onenote-api/<crate version>`.
const DEFAULT_USER_AGENT: &str = concat!("onenote-api/", env!("CARGO_PKG_VERSION"));
/// Default time to establish a connection.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time for one whole attempt (connect, send, read).
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Most redirects followed for one attempt.
const MAX_REDIRECTS: usize = 10;

/// A client for the OneNote API. Cheap to clone (an `Arc` inside); clones share the
/// connection pool, token cache, pacing budget and configuration.
///
/// Requests start from a location: [`me`](Client::me), [`user`](Client::user),
/// [`site`](Client::site) or [`group`](Client::group).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// The service this client's requests go to ([`Client::graph`] makes a Graph one): the
    /// root their paths join and the audience of their tokens.
    audience: Audience,
}

struct Inner {
    transport: Transport,
    root: ApiRoot,
    graph_root: ApiRoot,
    version: Version,
    tokens: TokenCache,
    retry: RetryPolicy,
    /// `None` when pacing is off.
    pacer: Option<Pacer>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.root().base())
            .field("audience", &self.audience)
            .field("version", &self.inner.version)
            .field("user_agent", &self.inner.transport.user_agent)
            .field("retry", &self.inner.retry)
            .field("pacer", &self.inner.pacer)
            .field("token_provider", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with every default: [`DEFAULT_BASE_URL`], [`Version::default()`], 10 s connect
    /// and 60 s request timeouts, user agent `onenote-api/<version>`, [`RetryPolicy::default()`],
    /// [`Pacing::delegated()`]. A token provider must be set before
    /// [`build`](ClientBuilder::build).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client with every default and `token_provider`.
    ///
    /// Fails only if TLS cannot be set up.
    pub fn new(token_provider: impl TokenProvider + 'static) -> Result<Client> {
        Self::builder().token_provider(token_provider).build()
    }

    /// The base URL of this client's service, without a trailing slash
    /// (`https://www.onenote.com/api`; on [`graph`](Client::graph) handles
    /// `https://graph.microsoft.com`).
    pub fn base_url(&self) -> &str {
        self.root().base()
    }

    /// The service this client's requests go to: [`Audience::OneNote`], or
    /// [`Audience::Graph`] for the client of a handle reached through [`graph`](Client::graph).
    pub fn audience(&self) -> Audience {
        self.audience
    }

    /// The same client (pool, tokens, pacing) sending to `audience`'s service.
    pub(crate) fn for_audience(&self, audience: Audience) -> Client {
        Client {
            inner: self.inner.clone(),
            audience,
        }
    }

    /// The root of this client's service.
    fn root(&self) -> &ApiRoot {
        match self.audience {
            Audience::OneNote => &self.inner.root,
            Audience::Graph => &self.inner.graph_root,
        }
    }

    /// The API version requests go to.
    pub fn version(&self) -> Version {
        self.inner.version
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The pacing budget this client's requests wait in, unless pacing is off.
    pub fn pacer(&self) -> Option<&Pacer> {
        self.inner.pacer.as_ref()
    }

    pub(crate) fn clock_arc(&self) -> Arc<dyn Clock> {
        self.inner.clock.clone()
    }

    /// Refuses `url` unless it is on the API origin, so the token never leaves it.
    pub(crate) fn check_origin(
        &self,
        operation: &'static str,
        what: &str,
        text: &str,
        url: &Url,
    ) -> Result<()> {
        if self.root().is_same_origin(url) {
            return Ok(());
        }
        Err(Error::new(ErrorKind::InvalidLocation, Some(operation)).with_detail(format!(
            "refusing the {what} {:?}: it is not on the API origin {} (scheme, host and port must \
             match the base URL), so it is not sent the access token",
            truncate(text, 200),
            self.root().origin_text()
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
        if crate::path::has_empty_segment(path) {
            return invalid(format!(
                "the path {path:?} has an empty segment (an empty id?); refusing to send it"
            ));
        }
        let text = call.url_text(self.root().version_root());
        let url = match Url::parse(&text) {
            Ok(url) => url,
            Err(error) => return invalid(format!("the URL {text:?} does not parse: {error}")),
        };
        // `.`/`..` ids (even as `%2E`) are dot-segments to URL parsers: the parsed path would
        // name another endpoint. Compare instead of trusting the encoder alone.
        let expected = format!("{}{path}", self.root().version_root_path());
        if url.path() != expected {
            return invalid(format!(
                "the path {path:?} would be sent as {:?} after URL normalisation (an id of `.` or \
                 `..`?); refusing to send it",
                url.path()
            ));
        }
        Ok(url)
    }

    /// Sends `call` until it succeeds (2xx) or the retry policy gives up.
    ///
    /// Each attempt: a token from the cache, a slot from the pacer, one exchange on the wire;
    /// a failure is handed to the policy, whose answer is the next step. The error is built
    /// once, when the policy gives up, with everything known about the attempts.
    pub(crate) async fn execute(&self, call: &Call) -> Result<Reply> {
        let invalid = |detail: String| {
            Error::new(ErrorKind::InvalidRequest, Some(call.operation)).with_detail(detail)
        };
        if let Some(refusal) = &call.refused {
            return Err(invalid(refusal.reason.clone()).with_rule_code(refusal.code));
        }
        // The body and both media types are checked once, before the first attempt; every
        // attempt then sends the same bytes (a reference-counted clone, not a copy).
        let body = match &call.body {
            None => None,
            Some(body) => {
                let content_type = HeaderValue::from_str(&body.content_type()).map_err(|_| {
                    invalid(format!(
                        "{:?} is not a valid Content-Type",
                        body.content_type()
                    ))
                })?;
                Some(SentBody {
                    bytes: body.bytes(),
                    content_type,
                })
            }
        };
        let accept = HeaderValue::from_str(call.accept)
            .map_err(|_| invalid(format!("{:?} is not a valid Accept header", call.accept)))?;
        let url = self.url_for(call)?;
        let inner = &*self.inner;
        let mut attempts = Attempts::default();
        let mut paced = Duration::ZERO;
        // The 401 that made the client refresh its token, returned if the refresh changes nothing.
        let mut rejected: Option<(Arc<str>, Error)> = None;
        loop {
            let credential = match inner
                .tokens
                .credential(call.audience, inner.clock.as_ref())
                .await
            {
                Ok(credential) => credential,
                Err(error) => {
                    return Err(token_error(call.operation, error).with_attempts(
                        attempts.sent,
                        attempts.waited,
                        None,
                    ));
                }
            };
            if let Some((secret, error)) = rejected.take()
                && secret == credential.secret
            {
                // Sending the rejected token again cannot succeed.
                return Err(error);
            }
            let permit = self.pacing_slot(call, &attempts, &mut paced).await?;
            attempts.sent += 1;
            let span = tracing::debug_span!(
                "onenote.request",
                operation = call.operation,
                method = call.method.as_str(),
                attempt = attempts.sent,
                status = tracing::field::Empty,
            );
            let sent = inner
                .transport
                .send(
                    call,
                    &url,
                    &accept,
                    body.as_ref(),
                    credential.authorization.clone(),
                )
                .instrument(span.clone())
                .await;
            let failed = match sent {
                Ok(exchange) if exchange.is_success() && !exchange.too_large => {
                    span.record("status", exchange.status);
                    if let Some(permit) = permit {
                        permit.finish(Outcome::Success);
                    }
                    if exchange.status != call.status {
                        tracing::debug!(parent: &span, expected = call.status, status = exchange.status, "success with another status");
                    }
                    return Ok(Reply {
                        audience: call.audience,
                        status: exchange.status,
                        headers: exchange.headers,
                        body: exchange.body,
                        unread: exchange.unread,
                        url: exchange.redirected_to.unwrap_or(url),
                        attempts: attempts.sent,
                        waited: attempts.waited,
                        token: Some(credential.secret),
                    });
                }
                Ok(exchange) => {
                    span.record("status", exchange.status);
                    FailedAttempt::response(call, exchange, Redact::secret(&credential.secret))
                }
                Err(error) => FailedAttempt::transport(call, error),
            };
            if let Some(permit) = permit {
                permit.finish(failed.pacing_outcome());
            }
            let retryable = inner.retry.classify(&failed.failure) == Retryable::Yes;
            match inner.retry.next(&failed.failure, &attempts) {
                Next::GiveUp(gave_up) => {
                    let error = failed
                        .into_error(call, &url, &credential.secret, retryable)
                        .with_attempts(attempts.sent, attempts.waited, Some(gave_up));
                    tracing::debug!(parent: &span, "giving up: {error}");
                    return Err(error);
                }
                Next::RetryAfter(delay) => {
                    tracing::info!(parent: &span, ?delay, status = failed.failure.status(), "retrying");
                    self.back_off(delay, &mut attempts).await;
                }
                Next::RefreshToken => {
                    tracing::info!(parent: &span, "401: retrying once with a fresh token");
                    inner.tokens.reject(call.audience, &credential.secret);
                    attempts.refreshed = true;
                    let error = failed
                        .into_error(call, &url, &credential.secret, retryable)
                        .with_attempts(attempts.sent, attempts.waited, Some(GaveUp::NotRetryable));
                    rejected = Some((credential.secret, error));
                }
            }
        }
    }

    /// Waits for a pacing slot (when pacing is on), counting the wait against `paced`.
    async fn pacing_slot(
        &self,
        call: &Call,
        attempts: &Attempts,
        paced: &mut Duration,
    ) -> Result<Option<Permit>> {
        let inner = &*self.inner;
        let Some(pacer) = &inner.pacer else {
            return Ok(None);
        };
        let budget = pacer.pacing().wait_limit().saturating_sub(*paced);
        let waiting = tracing::debug_span!(
            "onenote.pacing",
            operation = call.operation,
            attempt = attempts.sent + 1,
        );
        match pacer
            .acquire(inner.clock.clone(), budget)
            .instrument(waiting)
            .await
        {
            Ok(permit) => {
                *paced = paced.saturating_add(permit.waited());
                Ok(Some(permit))
            }
            Err(refusal) => Err(Error::new(ErrorKind::PacingLimit, Some(call.operation))
                .with_detail(refusal.to_string())
                .with_attempts(attempts.sent, attempts.waited, None)),
        }
    }

    async fn back_off(&self, delay: Duration, attempts: &mut Attempts) {
        self.inner.clock.sleep(delay).await;
        attempts.waited = attempts.waited.saturating_add(delay);
        attempts.backoffs += 1;
    }
}

/// An attempt that did not give a usable success: what the policy decides on, and what the
/// error is built from if it gives up.
struct FailedAttempt {
    failure: Failure,
    code: Option<ErrorCode>,
    cause: Cause,
}

enum Cause {
    /// No response: connecting, sending or reading failed, or timed out.
    Transport(reqwest::Error),
    /// A non-success response, or a success whose body was too large (boxed: far larger than
    /// the other variant, and only ever on the failure path).
    Response(Box<Exchange>),
}

/// OneNote codes that mean the service is throttling or busy: the request was refused.
fn is_throttling(code: &ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::Throttled
            | ErrorCode::TooManyActiveRequests
            | ErrorCode::ServerBusy
            | ErrorCode::ResourceConsumptionTooHigh
    )
}

impl FailedAttempt {
    fn transport(call: &Call, error: reqwest::Error) -> Self {
        // A connect error comes before any byte of the request is written; anything later may
        // have reached the service.
        let answer = if error.is_connect() {
            Answer::NotConnected
        } else {
            Answer::Lost
        };
        Self {
            failure: Failure {
                method: call.method,
                answer,
                throttled_code: false,
                service_retriable: None,
                retry_after: None,
                unusable_success: false,
            },
            code: None,
            cause: Cause::Transport(error),
        }
    }

    fn response(call: &Call, exchange: Exchange, redact: Redact<'_>) -> Self {
        let service = (!exchange.is_success())
            .then(|| crate::ServiceError::from_body_redacted(&exchange.body, redact))
            .flatten();
        let code = service.as_ref().and_then(|service| service.error_code());
        Self {
            failure: Failure {
                method: call.method,
                answer: Answer::Status(exchange.status),
                throttled_code: code.as_ref().is_some_and(is_throttling),
                service_retriable: service.as_ref().and_then(|service| service.retriable),
                retry_after: retry_after(&exchange.headers),
                unusable_success: exchange.is_success(),
            },
            code,
            cause: Cause::Response(Box::new(exchange)),
        }
    }

    /// What the attempt tells the pacer.
    fn pacing_outcome(&self) -> Outcome {
        if self.code == Some(ErrorCode::TooManyActiveRequests) {
            Outcome::TooManyActive(self.failure.retry_after)
        } else if self.failure.status() == Some(429) || self.failure.throttled_code {
            Outcome::Throttled(self.failure.retry_after)
        } else {
            Outcome::Other
        }
    }

    /// The request's error, built once, with the sent token redacted from the response. A
    /// write that may have been processed is [`ErrorKind::OutcomeUnknown`], whatever the
    /// failure.
    fn into_error(self, call: &Call, url: &Url, secret: &str, retryable: bool) -> Error {
        let unknown = self.failure.outcome_unknown();
        let error = match self.cause {
            Cause::Transport(error) => {
                let timed_out = error.is_timeout();
                let kind = match (unknown, timed_out) {
                    (true, _) => ErrorKind::OutcomeUnknown,
                    (false, true) => ErrorKind::Timeout,
                    (false, false) => ErrorKind::Transport,
                };
                let error = Error::new(kind, Some(call.operation)).with_source(error);
                match (unknown, timed_out) {
                    (true, true) => error.with_detail("timed out after it was sent"),
                    (true, false) => error.with_detail("lost its connection after it was sent"),
                    (false, _) => error,
                }
            }
            Cause::Response(exchange) => {
                let info = response_info(call.audience, exchange.status, &exchange.headers);
                let redact = Redact::secret(secret);
                if exchange.is_success() {
                    Error::decode(
                        call.operation,
                        info,
                        &exchange.body,
                        &format!("the body is larger than {} bytes", call.body_limit()),
                        redact,
                    )
                } else {
                    let error = Error::from_status(call.operation, info, &exchange.body, redact);
                    if unknown {
                        error.with_kind(ErrorKind::OutcomeUnknown)
                    } else {
                        error
                    }
                }
            }
        };
        error
            .with_request(call.method.as_str(), url)
            .with_retryable(retryable)
    }
}

fn token_error(operation: &'static str, error: TokenError) -> Error {
    let auth = Error::new(ErrorKind::Auth, Some(operation));
    match error {
        TokenError::Provider(source) => auth.with_source(source),
        TokenError::Empty => auth.with_detail("the token provider returned an empty token"),
        TokenError::NotAHeader => {
            auth.with_detail("the token provider returned a token that is not a valid header value")
        }
    }
}

/// Configures a [`Client`]. Get one from [`Client::builder`].
pub struct ClientBuilder {
    base_url: String,
    graph_base_url: String,
    version: Version,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    request_timeout_set: bool,
    user_agent: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    pacing: PacingChoice,
    tokens: Option<Box<dyn TokenProvider>>,
    clock: Arc<dyn Clock>,
}

/// Where a client's pacing budget comes from.
#[derive(Clone, Debug)]
enum PacingChoice {
    /// A budget of its own.
    Own(Pacing),
    /// A budget shared with other clients of the same principal.
    Shared(Pacer),
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("graph_base_url", &self.graph_base_url)
            .field("version", &self.version)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http.is_some())
            .field("retry", &self.retry)
            .field("pacing", &self.pacing)
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
            graph_base_url: GRAPH_BASE_URL.to_owned(),
            version: Version::default(),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            request_timeout_set: false,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http: None,
            retry: RetryPolicy::default(),
            pacing: PacingChoice::Own(Pacing::default()),
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

    /// Microsoft Graph's base URL without the version (default [`GRAPH_BASE_URL`](crate::GRAPH_BASE_URL)),
    /// for [`Client::graph`]; the same rules as [`base_url`](Self::base_url).
    pub fn graph_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.graph_base_url = base_url.into();
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

    /// How requests are paced (default [`Pacing::delegated()`]: 120 requests a minute, 400 an
    /// hour, 5 at once). The client and its clones share one budget, whichever service a call
    /// goes to (see [`Pacer`]); use [`pacer`](Self::pacer) to share one with other clients of
    /// the same user, and [`Pacing::off()`] to send without pacing.
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = PacingChoice::Own(pacing);
        self
    }

    /// Shares `pacer`'s budget with the other clients built with it: for several clients that
    /// act for the same signed-in user (OneNote counts its limits per app and user).
    pub fn pacer(mut self, pacer: Pacer) -> Self {
        self.pacing = PacingChoice::Shared(pacer);
        self
    }

    /// Where access tokens come from, for each service's [`Audience`](crate::Audience) (see
    /// [`TokenProvider`] for caching and refresh).
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.tokens = Some(Box::new(provider));
        self
    }

    /// A fixed access token, sent to every service ([`StaticToken::new`]; a real token is for
    /// one audience: [`StaticToken::for_audience`] gives each its own).
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.token_provider(StaticToken::new(token))
    }

    /// The clock for retry, pacing and poll waits and token refresh times (default
    /// [`TokioClock`]).
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
        let graph_root = ApiRoot::new(&self.graph_base_url, self.version.as_str())
            .map_err(|e| Error::config(format!("Graph {e}")))?;
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
        let pacer = match self.pacing {
            PacingChoice::Own(pacing) if pacing.is_off() => None,
            PacingChoice::Own(pacing) => Some(Pacer::new(pacing)),
            PacingChoice::Shared(pacer) if pacer.pacing().is_off() => None,
            PacingChoice::Shared(pacer) => Some(pacer),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                transport: Transport {
                    http,
                    user_agent,
                    per_request_timeout,
                },
                root,
                graph_root,
                version: self.version,
                tokens: TokenCache::new(tokens),
                retry: self.retry,
                pacer,
                clock: self.clock,
            }),
            audience: Audience::OneNote,
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
    use wiremock::matchers::{header, method};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::auth::Audience;
    use crate::auth::tests::PerAudience;
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
                audience: crate::Audience::OneNote,
                status: 200,
                headers: reqwest::header::HeaderMap::new(),
                body,
                unread: None,
                url: Url::parse("http://127.0.0.1/").unwrap(),
                attempts: 1,
                waited: Duration::ZERO,
                token: None,
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

    /// A call to Microsoft Graph as the Graph surface will make it: the audience is the
    /// call's (the root stays this client's until the Graph root exists).
    fn graph_call() -> Call {
        let mut call = Call::new(
            "listNotebooks",
            Method::Get,
            "me/onenote/notebooks".into(),
            200,
        );
        call.audience = Audience::Graph;
        call
    }

    fn onenote_call() -> Call {
        Call::new(
            "listNotebooks",
            Method::Get,
            "me/notes/notebooks".into(),
            200,
        )
    }

    fn client_at(server: &MockServer, tokens: impl TokenProvider + 'static) -> Client {
        Client::builder()
            .base_url(server.uri())
            .token_provider(tokens)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
    }

    async fn authorizations(server: &MockServer) -> Vec<String> {
        let received = server.received_requests().await.unwrap();
        received
            .iter()
            .map(|r| r.headers["authorization"].to_str().unwrap().to_owned())
            .collect()
    }

    #[tokio::test]
    async fn a_graph_call_sends_the_graph_token_and_quotes_request_id() {
        let server = MockServer::start().await;
        let both_ids = |template: ResponseTemplate, graph_id: &str| {
            template
                .insert_header("x-correlationid", "onenote-header-id")
                .insert_header("request-id", graph_id)
        };
        Mock::given(method("GET"))
            .respond_with(both_ids(
                ResponseTemplate::new(200).set_body_string("{}"),
                "graph-ok-id",
            ))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(both_ids(
                ResponseTemplate::new(404).set_body_string(
                    r#"{"error":{"code":"20102","message":"The requested resource does not exist.","innerError":{"date":"2025-06-23T16:24:20","request-id":"graph-failed-id","client-request-id":"c-1"}}}"#,
                ),
                "graph-failed-id",
            ))
            .mount(&server)
            .await;
        let tokens = StaticToken::for_audience(Audience::OneNote, "onenote-token")
            .with_audience(Audience::Graph, "graph-token");
        let client = client_at(&server, tokens);

        let response = client
            .execute(&graph_call())
            .await
            .unwrap()
            .into_response(());
        assert_eq!(response.audience(), Audience::Graph);
        assert_eq!(response.correlation_id(), Some("graph-ok-id"));
        let error = client.execute(&graph_call()).await.unwrap_err();
        assert_eq!(error.correlation_id(), Some("graph-failed-id"));
        assert_eq!(
            error.to_string(),
            "listNotebooks: HTTP 404 Not Found, code 20102: The requested resource does not \
             exist. (request-id graph-failed-id)"
        );
        assert_eq!(
            error.inner_error().unwrap().client_request_id.as_deref(),
            Some("c-1")
        );
        // The same answer to a OneNote call: its own header and token.
        let error = client.execute(&onenote_call()).await.unwrap_err();
        assert_eq!(error.correlation_id(), Some("onenote-header-id"));
        assert!(
            error
                .to_string()
                .ends_with("(X-CorrelationId onenote-header-id)"),
            "{error}"
        );
        assert_eq!(
            authorizations(&server).await,
            [
                "Bearer graph-token",
                "Bearer graph-token",
                "Bearer onenote-token"
            ]
        );
    }

    #[tokio::test]
    async fn a_401_on_a_graph_call_refreshes_only_the_graph_token() {
        let server = MockServer::start().await;
        Mock::given(header("authorization", "Bearer graph-1"))
            .respond_with(ResponseTemplate::new(401).set_body_string(
                r#"{"error":{"code":"40001","message":"The request does not contain a valid authentication token."}}"#,
            ))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .mount(&server)
            .await;
        let tokens = Arc::new(PerAudience::default());
        let client = client_at(&server, tokens.clone());
        client.execute(&onenote_call()).await.unwrap();
        client.execute(&graph_call()).await.unwrap();
        client.execute(&onenote_call()).await.unwrap();
        client.execute(&graph_call()).await.unwrap();
        assert_eq!(
            *tokens.asked.lock().unwrap(),
            [Audience::OneNote, Audience::Graph, Audience::Graph]
        );
        assert_eq!(
            authorizations(&server).await,
            [
                "Bearer onenote-1",
                "Bearer graph-1",
                "Bearer graph-2",
                "Bearer onenote-1",
                "Bearer graph-2"
            ]
        );
    }
}

//! The HTTP side: accepting connections (hyper's HTTP/1 driver), and taking each request
//! through the same steps: read the body (bounded), draw faults, route, authenticate,
//! throttle, handle, answer with `X-CorrelationId` and `Date`, and journal it.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, HeaderName, HeaderValue};
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use onenote_api::Audience;
use onenote_api::schema::Api;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::api::{self, Call, Content, Ctx, Reply, Settings};
use crate::clock::FakeTime;
use crate::error::ApiError;
use crate::faults::{Fault, Injector};
use crate::journal::{Journal, JournalEntry};
use crate::rng::Rng;
use crate::route;
use crate::store::State;
use crate::throttle::Throttle;

/// Everything that changes, behind one lock (held only between awaits).
pub(crate) struct World {
    pub(crate) state: State,
    pub(crate) journal: Journal,
    pub(crate) throttle: Throttle,
    pub(crate) faults: Injector,
    /// Correlation ids.
    pub(crate) ids: Rng,
}

/// What every connection shares.
pub(crate) struct Shared {
    pub(crate) world: Mutex<World>,
    pub(crate) time: FakeTime,
    pub(crate) settings: Settings,
    pub(crate) max_body: usize,
    /// The identity platform served beside the API (`identity.rs`).
    pub(crate) identity: crate::identity::Identity,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        // A poisoned lock means a handler panicked; the state is still the best there is.
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the state as a request would (time-paced operations moved along first).
    pub(crate) fn with_state<R>(&self, f: impl FnOnce(&mut Ctx<'_>) -> R) -> R {
        let mut world = self.lock();
        let mut ctx = Ctx {
            state: &mut world.state,
            settings: &self.settings,
            now: self.time.timestamp(),
            instant: self.time.instant(),
        };
        api::operations::advance(&mut ctx);
        f(&mut ctx)
    }
}

/// The connection is closed without an answer (an injected fault).
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// Accepts connections until `shutdown` says stop, then lets open connections finish their
/// current request (for up to a second).
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors and the like: wait a little and go on.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                connections.spawn(connection(stream, shared.clone(), shutdown.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(1), drain)
        .await
        .is_err()
    {
        connections.abort_all();
    }
}

async fn connection(stream: TcpStream, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| handle(shared.clone(), request));
    let connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = shutdown.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

type Answer = Response<Full<Bytes>>;

/// The pieces of an answer, before it becomes a hyper response.
struct Outcome {
    status: u16,
    body: Option<Content>,
    headers: Vec<(&'static str, String)>,
    retry_after: Option<u64>,
    error_code: Option<&'static str>,
}

impl Outcome {
    fn error(error: &ApiError) -> Self {
        Self {
            status: error.status,
            body: Some(Content::Json(error.body())),
            headers: Vec::new(),
            retry_after: None,
            error_code: Some(error.code),
        }
    }

    fn reply(reply: Reply) -> Self {
        Self {
            status: reply.status,
            body: reply.body,
            headers: reply.headers,
            retry_after: None,
            error_code: None,
        }
    }
}

/// Releases a throttled user's concurrency slot when the request ends, however it ends.
struct Slot {
    shared: Arc<Shared>,
    user: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.shared.lock().throttle.release(&self.user);
    }
}

/// A request as received: everything [`respond`] needs, owned, so it can run on a task of its
/// own.
struct Received {
    method: String,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
    /// The declared or counted body was over the limit (then `body` is empty).
    too_large: bool,
}

/// Reads the request (the part that needs the connection), then answers it on a task of its
/// own: a request that arrived whole is processed and journaled even if its client goes away
/// while it waits (latency) or is handled.
async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Answer, Dropped> {
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let headers = parts.headers;

    // A declared length over the limit is refused without reading; a body without one is
    // counted as it arrives.
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut too_large = declared.is_some_and(|n| n > shared.max_body as u64);
    let body = if too_large {
        Bytes::new()
    } else {
        match Limited::new(body, shared.max_body).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
                too_large = true;
                Bytes::new()
            }
            // The client went away mid-body: the request never arrived, nothing is processed.
            Err(_) => {
                let received = Received {
                    method,
                    path,
                    query,
                    headers,
                    body: Bytes::new(),
                    too_large: false,
                };
                let mut arrival = Arrival::of(&shared, &received);
                arrival.entry.fault = Some("the client closed the connection mid-body".to_owned());
                shared.lock().journal.record(arrival.entry);
                return Err(Dropped);
            }
        }
    };
    if let Some(answer) = crate::identity::answer(&shared, &method, &path, &body) {
        return Ok(answer);
    }
    let received = Received {
        method,
        path,
        query,
        headers,
        body,
        too_large,
    };
    match tokio::spawn(respond(shared, received)).await {
        Ok(answer) => answer,
        Err(_) => Err(Dropped),
    }
}

/// What is known of a request when it arrives: its journal entry (without the outcome yet),
/// the faults drawn for it, where it goes and who sent it.
struct Arrival {
    entry: JournalEntry,
    decision: crate::faults::Decision,
    target: Option<route::Target>,
    /// The tenant's user the token names.
    user: Option<String>,
    /// Whether there was a bearer token at all.
    has_token: bool,
    /// The audience the identity platform issued the token for (`None`: a `fake:{upn}`
    /// token, good for every audience).
    token_audience: Option<Audience>,
}

impl Arrival {
    fn of(shared: &Shared, received: &Received) -> Self {
        let target = route::parse(&received.method, &received.path);
        let operation = target.as_ref().map(|t| t.endpoint.operation_id());
        let bearer = bearer(shared, &received.headers);
        let mut world = shared.lock();
        let user = bearer
            .as_ref()
            .and_then(|(upn, _)| world.state.user(upn))
            .map(|u| u.upn.clone());
        let decision = world.faults.decide(operation, user.as_deref());
        let entry = JournalEntry {
            seq: world.journal.next_seq(),
            at: shared.time.timestamp(),
            method: received.method.clone(),
            path: received.path.clone(),
            query: received.query.clone(),
            headers: received
                .headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: received.body.to_vec(),
            body_len: received.body.len(),
            operation,
            user: user.clone(),
            status: None,
            handled: None,
            correlation_id: world.ids.guid(),
            error_code: None,
            fault: None,
        };
        Self {
            entry,
            decision,
            target,
            user,
            has_token: bearer.is_some(),
            token_audience: bearer.and_then(|(_, audience)| audience),
        }
    }
}

/// Answers one received request: latency, faults before, processing, faults after, the
/// journal, latency after, the answer.
async fn respond(shared: Arc<Shared>, received: Received) -> Result<Answer, Dropped> {
    let Arrival {
        mut entry,
        decision,
        target,
        user,
        has_token,
        token_audience,
    } = Arrival::of(&shared, &received);
    let correlation_id = entry.correlation_id.clone();
    let graph = crate::graph::is_graph_path(&received.path).then(|| GraphAnswer {
        api: shared.settings.api,
        origin: shared.settings.origin.clone(),
        site_host: site_host(&shared),
        client_request_id: received
            .headers
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| correlation_id.clone(), str::to_owned),
        date: entry.at.to_string().chars().take(19).collect(),
    });

    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }

    let mut late = None;
    let mut slot = None;
    let outcome = match &decision.before {
        Some(Fault::Status(status)) => {
            entry.fault = Some(format!("status {status} before processing"));
            Outcome::error(&ApiError::injected(*status))
        }
        Some(Fault::DropConnection) => {
            entry.fault = Some("connection dropped before processing".to_owned());
            shared.lock().journal.record(entry);
            return Err(Dropped);
        }
        before => {
            if let Some(Fault::LateResponse(by)) = before {
                entry.fault = Some(format!("answered {by:?} late"));
                late = Some(*by);
            }
            if graph.is_some()
                && (received.too_large || received.body.len() > crate::graph::MAX_BODY)
            {
                Outcome::error(&ApiError::new(
                    413,
                    "20008",
                    "The request is larger than 4 MB, the most Microsoft Graph takes (request too \
                     large).",
                ))
            } else if received.too_large {
                Outcome::error(&ApiError::new(
                    413,
                    "20016",
                    format!(
                        "The request body is larger than {} bytes, the most the service takes.",
                        shared.max_body
                    ),
                ))
            } else {
                let (outcome, admitted) = process(
                    &shared,
                    &received,
                    target.as_ref(),
                    user.as_deref(),
                    has_token,
                    token_audience,
                );
                if admitted {
                    entry.handled = Some(outcome.status);
                    if let Some(user) = &user {
                        slot = Some(Slot {
                            shared: shared.clone(),
                            user: user.clone(),
                        });
                    }
                }
                outcome
            }
        }
    };

    let outcome = match &decision.after {
        Some(Fault::Status(status)) => {
            entry.fault = Some(format!("status {status} after processing"));
            Outcome::error(&after_processing(*status))
        }
        Some(Fault::DropConnection) => {
            entry.fault = Some("connection dropped after processing".to_owned());
            shared.lock().journal.record(entry);
            return Err(Dropped);
        }
        Some(Fault::LateResponse(by)) => {
            entry.fault = Some(format!("answered {by:?} late"));
            late = Some(*by);
            outcome
        }
        _ => outcome,
    };
    if !decision.latency_after.is_zero() {
        let note = format!("{:?} latency after processing", decision.latency_after);
        entry.fault = Some(match entry.fault.take() {
            Some(fault) => format!("{fault}, {note}"),
            None => note,
        });
        late = Some(late.unwrap_or_default() + decision.latency_after);
    }

    let mut outcome = outcome;
    if let Some(Content::Json(body)) = outcome.body.as_mut() {
        crate::error::add_diagnostics(entry.operation, body);
    }
    entry.status = Some(outcome.status);
    entry.error_code = outcome.error_code;
    let wall = shared.time.wall();
    shared.lock().journal.record(entry);
    if let Some(late) = late {
        tokio::time::sleep(late).await;
    }
    drop(slot);
    Ok(answer(outcome, &correlation_id, wall, graph.as_ref()))
}

/// What a request through Microsoft Graph's root is answered with (see [`crate::graph`]).
struct GraphAnswer {
    /// The tables the fake answers with.
    api: &'static Api,
    origin: String,
    site_host: String,
    client_request_id: String,
    /// The request's time as Graph's `innerError.date` writes it (no offset).
    date: String,
}

/// The hostname of the tenant's SharePoint, as Graph's composite site ids name it.
fn site_host(shared: &Shared) -> String {
    let world = shared.lock();
    let domain = &world.state.tenant().domain;
    let tenant = domain.split('.').next().unwrap_or(domain);
    format!("{tenant}.sharepoint.com")
}

/// The error an after-processing status fault answers: the injected status with a code that
/// does not claim the request was refused (after processing it was not: a throttling or busy
/// code there would tell a client it may safely send it again).
fn after_processing(status: u16) -> ApiError {
    let error = ApiError::injected(status);
    if matches!(error.code, "20166" | "10003" | "10007" | "30103") {
        ApiError::new(
            status,
            "10001",
            "An unexpected error occurred after the request was processed (fault injected by \
             onenote-fake).",
        )
        .retriable()
    } else {
        error
    }
}

/// Routes, authenticates, throttles and handles one request; the flag says whether the
/// caller took a concurrency slot.
fn process(
    shared: &Shared,
    received: &Received,
    target: Option<&route::Target>,
    user: Option<&str>,
    has_token: bool,
    token_audience: Option<Audience>,
) -> (Outcome, bool) {
    let (method, path, headers) = (&received.method, &received.path, &received.headers);
    let Some(target) = target else {
        let (error, allow) = api::unrouted(method, path);
        let mut outcome = Outcome::error(&error);
        outcome
            .headers
            .extend(allow.map(|methods| ("allow", methods)));
        return (outcome, false);
    };
    let Some(user) = user else {
        let message = if has_token {
            "The bearer token names no user of the tenant. The fake takes tokens of the form \
             fake:{upn}, for a user of its tenant (e.g. Authorization: Bearer \
             fake:teacher1@contoso.com), and the tokens its identity platform issued until they \
             expire."
        } else {
            "The request has no bearer token. Send Authorization: Bearer fake:{upn} with a user \
             of the fake's tenant (e.g. fake:teacher1@contoso.com)."
        };
        return (Outcome::error(&ApiError::unauthorized(message)), false);
    };
    if let Some(message) = crate::identity::wrong_audience(token_audience, target.audience) {
        return (Outcome::error(&ApiError::unauthorized(message)), false);
    }
    let mut world = shared.lock();
    if let Err(refusal) = world.throttle.admit(user, shared.time.instant()) {
        let mut outcome = Outcome::error(&refusal.error);
        outcome.retry_after = refusal.retry_after;
        return (outcome, false);
    }
    let api = shared.settings.api;
    let id = target.endpoint.operation_id();
    let Some(operation) = api.operation(id) else {
        let error = ApiError::new(
            500,
            "10001",
            format!("The fake's tables have no operation '{id}' (its router and tables disagree)."),
        );
        return (Outcome::error(&error), false);
    };
    // A Graph request reaches the handlers in onenote.com's names.
    let graph = target.audience == Audience::Graph;
    let graph_body = graph
        .then(|| crate::graph::request_body(&api.graph, &received.body))
        .flatten();
    let graph_query = received
        .query
        .as_deref()
        .filter(|_| graph)
        .map(|query| crate::graph::request_query(&api.graph, query));
    let call = Call {
        api,
        operation,
        path,
        query: graph_query.as_deref().or(received.query.as_deref()),
        body: graph_body.as_deref().unwrap_or(&received.body),
        content_type: headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        respond_async: prefers_async(headers),
        user,
        target,
    };
    let mut ctx = Ctx {
        state: &mut world.state,
        settings: &shared.settings,
        now: shared.time.timestamp(),
        instant: shared.time.instant(),
    };
    api::operations::advance(&mut ctx);
    let outcome = match api::dispatch(&mut ctx, &call) {
        Ok(reply) => Outcome::reply(reply),
        Err(error) => Outcome::error(&error),
    };
    (outcome, true)
}

/// The UPN of a `Bearer fake:{upn}` token (for every audience), or of a token the identity
/// platform issued that has not expired, with its audience (else an empty UPN), if the
/// request has one.
fn bearer(shared: &Shared, headers: &HeaderMap) -> Option<(String, Option<Audience>)> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Some((String::new(), None));
    }
    let token = token.trim();
    Some(match token.strip_prefix("fake:") {
        Some(upn) => (upn.to_owned(), None),
        None => shared
            .identity
            .holder_of(token, shared.time.instant())
            .map_or((String::new(), None), |(upn, audience)| {
                (upn, Some(audience))
            }),
    })
}

/// An answer as Graph's root writes it: Graph's shapes and URLs, Graph's error body, and no
/// `Retry-After` (Graph's OneNote limits send none).
fn graph_outcome(mut outcome: Outcome, request_id: &str, graph: &GraphAnswer) -> Outcome {
    let rewrite = crate::graph::Rewrite {
        api: graph.api,
        origin: &graph.origin,
        site_host: &graph.site_host,
    };
    if let Some(Content::Json(body)) = outcome.body.as_mut() {
        if outcome.error_code.is_some() {
            *body =
                crate::graph::error_body(body, request_id, &graph.client_request_id, &graph.date);
        } else {
            rewrite.json(body);
        }
    }
    for (name, value) in &mut outcome.headers {
        if matches!(*name, "location" | "operation-location")
            && let Some(url) = rewrite.url(value)
        {
            *value = url;
        }
    }
    outcome.retry_after = None;
    outcome
}

/// Whether a `Prefer` header asks for `respond-async`.
fn prefers_async(headers: &HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case("respond-async"))
}

fn answer(
    mut outcome: Outcome,
    correlation_id: &str,
    wall: std::time::SystemTime,
    graph: Option<&GraphAnswer>,
) -> Answer {
    if let Some(graph) = graph {
        outcome = graph_outcome(outcome, correlation_id, graph);
    }
    let (body, content_type) = match outcome.body {
        Some(Content::Json(value)) => (
            Bytes::from(value.to_string()),
            Some("application/json; charset=utf-8".to_owned()),
        ),
        Some(Content::Bytes {
            content_type,
            bytes,
        }) => (bytes, Some(content_type)),
        None => (Bytes::new(), None),
    };
    let mut response = Response::new(Full::new(body));
    *response.status_mut() =
        StatusCode::from_u16(outcome.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    let mut put = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    };
    match graph {
        Some(graph) => {
            put("request-id", correlation_id);
            put("client-request-id", &graph.client_request_id);
        }
        None => put("x-correlationid", correlation_id),
    }
    put("date", &httpdate::fmt_http_date(wall));
    if let Some(content_type) = &content_type {
        put("content-type", content_type);
    }
    for (name, value) in &outcome.headers {
        put(name, value);
    }
    if let Some(seconds) = outcome.retry_after {
        put("retry-after", &seconds.to_string());
    }
    if outcome.status == 401 {
        put("www-authenticate", "Bearer realm=\"onenote-fake\"");
    }
    response
}

//! Asynchronous operations: sending a call the service answers with `202 Accepted`, then
//! polling the URL its `Operation-Location` or `Location` header names until the operation
//! completes or fails — once (`poll`), as a `Stream` of updates (`updates`), or awaited (`wait`,
//! `.await`).

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use reqwest::Url;

use crate::client::Client;
use crate::error::{Error, ErrorKind, ResponseInfo, Result, ServiceError};
use crate::request::{Call, Method};
use crate::response::{Reply, Response, retry_after, truncate};
use crate::{OperationModel, OperationStatus};

/// The operation id used for poll requests (the spec's id for `GET operations/{id}`).
const POLL_OPERATION: &str = "getOperation";
/// Where copy operations name their status URL (checked before `Location`).
const OPERATION_LOCATION: &str = "operation-location";

/// A request switched to its asynchronous form. Send it to get an [`OperationHandle`].
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent with `.send().await`"]
pub struct AsyncRequest {
    client: Client,
    call: Call,
}

impl AsyncRequest {
    /// Wraps a synchronous call; it is sent with `Prefer: respond-async` and must get `202`.
    pub(crate) fn new(client: Client, call: Call) -> Self {
        Self {
            client,
            call: call.respond_async(),
        }
    }

    /// Sends the request with `Prefer: respond-async`. The service answers `202 Accepted` and a
    /// `Location` to poll, which must be on the API origin.
    pub async fn send(self) -> Result<OperationHandle> {
        self.client.send_accepted(self.call).await
    }

    /// [`send`](Self::send), returning the `202 Accepted`'s status and headers too
    /// (`X-CorrelationId`, `Date`, `Retry-After`).
    pub async fn send_with_meta(self) -> Result<Response<OperationHandle>> {
        self.client.send_accepted_with_meta(self.call).await
    }
}

impl Client {
    /// Sends an asynchronous call and returns the operation its `202 Accepted` names.
    pub(crate) async fn send_accepted(&self, call: Call) -> Result<OperationHandle> {
        self.send_accepted_with_meta(call)
            .await
            .map(Response::into_value)
    }

    /// [`send_accepted`](Self::send_accepted) with the `202`'s metadata.
    pub(crate) async fn send_accepted_with_meta(
        &self,
        call: Call,
    ) -> Result<Response<OperationHandle>> {
        let reply = self.execute(&call).await?;
        let handle = OperationHandle::accepted(self, call.operation, &reply)?;
        Ok(reply.into_response(handle))
    }
}

/// An asynchronous operation the service accepted: the absolute URL its `202 Accepted` named.
///
/// Both families OneNote uses are accepted: class-notebook calls sent with
/// `Prefer: respond-async` name it in `Location` (status `notStarted`, `running`, `completed`,
/// `failed`), copy operations in `Operation-Location` (`NotStarted`, `Running`, `Completed`,
/// `Failed`, with `percentComplete`). A relative URL is resolved against the URL that answered.
///
/// Keep [`location`](Self::location) to resume after a restart with
/// [`from_location`](Self::from_location). Polls go to that URL verbatim, with the access token
/// (it was checked to be on the API origin).
///
/// Await a handle to wait for the result (the same as [`wait`](Self::wait)), or walk its
/// [`updates`](Self::updates) to see every status on the way.
#[derive(Clone, Debug)]
pub struct OperationHandle {
    client: Client,
    operation: &'static str,
    url: Url,
    retry_after: Option<Duration>,
}

impl OperationHandle {
    /// The operation a `202 Accepted` reply names.
    pub(crate) fn accepted(
        client: &Client,
        operation: &'static str,
        reply: &Reply,
    ) -> Result<Self> {
        if reply.status != 202 {
            return Err(
                Error::from_status(operation, reply.info(), &reply.body, reply.redact())
                    .with_detail("expected 202 Accepted with a Location to poll")
                    .with_attempts(reply.attempts, reply.waited, None),
            );
        }
        let Some(location) = reply
            .header(OPERATION_LOCATION)
            .or_else(|| reply.header("location"))
        else {
            return Err(Error::new(ErrorKind::InvalidLocation, Some(operation))
                .with_detail("202 Accepted without an Operation-Location or Location header")
                .with_response(reply.info()));
        };
        let url = reply.url.join(location).map_err(|error| {
            Error::new(ErrorKind::InvalidLocation, Some(operation))
                .with_detail(format!(
                    "the Location {:?} is not a URL",
                    reply.redact().text(truncate(location, 200))
                ))
                .with_source(error)
                .with_response(reply.info())
        })?;
        client
            .check_origin(
                operation,
                "operation Location",
                &reply.redact().text(location),
                &url,
            )
            .map_err(|error| error.with_response(reply.info()))?;
        Ok(Self {
            client: client.clone(),
            operation,
            url,
            retry_after: retry_after(&reply.headers),
        })
    }

    /// Resumes an operation from a location saved earlier (what [`location`](Self::location)
    /// returned).
    ///
    /// Fails with [`ErrorKind::InvalidLocation`] unless `location` is an absolute URL on the
    /// client's API origin (same scheme, host and port as the base URL): the token is sent
    /// only there.
    pub fn from_location(client: &Client, location: &str) -> Result<OperationHandle> {
        let url = Url::parse(location).map_err(|error| {
            Error::new(ErrorKind::InvalidLocation, Some(POLL_OPERATION))
                .with_detail(format!(
                    "the operation Location {:?} is not an absolute URL",
                    truncate(location, 200)
                ))
                .with_source(error)
        })?;
        client.check_origin(POLL_OPERATION, "operation Location", location, &url)?;
        Ok(Self {
            client: client.clone(),
            operation: POLL_OPERATION,
            url,
            retry_after: None,
        })
    }

    /// The absolute URL polled: store it to resume with [`from_location`](Self::from_location).
    pub fn location(&self) -> &str {
        self.url.as_str()
    }

    /// The operation id of the request that started it (`createClassNotebook`), or
    /// `getOperation` for a handle made with [`from_location`](Self::from_location).
    pub fn operation(&self) -> &str {
        self.operation
    }

    /// The `Retry-After` of the `202 Accepted`, if it had one: how long to wait before the
    /// first poll.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Polls once: `GET` the location and return the operation's current state, whatever its
    /// status.
    pub async fn poll(&self) -> Result<OperationModel> {
        self.poll_once().await.map(|(model, _)| model)
    }

    /// Waits until the operation completes, with the default [`WaitOptions`] (1 s interval
    /// doubling to 15 s, 10 minute timeout). `handle.await` does the same.
    pub async fn wait(&self) -> Result<OperationModel> {
        self.wait_with(WaitOptions::default()).await
    }

    /// Polls until the operation completes and returns its final state (with
    /// `resource_location` and `resource_id`).
    ///
    /// Between polls it waits the poll response's `Retry-After`, or else the current interval
    /// (doubling up to the maximum); the first poll waits for the `202`'s `Retry-After` when it
    /// had one. Fails with [`ErrorKind::OperationFailed`] when the status is failed (the error
    /// carries the operation's `error` and `@api.diagnostics`),
    /// [`ErrorKind::OperationTimedOut`] when the timeout passes, [`ErrorKind::Cancelled`] when
    /// the cancel signal fires, or the poll request's own error. Unknown statuses keep it
    /// waiting.
    pub async fn wait_with(&self, options: WaitOptions) -> Result<OperationModel> {
        let mut poller = Poller::new(self.clone(), options);
        loop {
            let (next, update) = poller.next().await;
            poller = next;
            match update {
                Some(Ok(model)) if is_status(&model, &OperationStatus::Completed) => {
                    return Ok(model);
                }
                Some(Ok(model)) if is_status(&model, &OperationStatus::Failed) => {
                    return Err(self.failed(model, poller.last_info));
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(error),
                // The poller ends only after a terminal status or an error.
                None => return Err(self.cancelled(poller.last.take())),
            }
        }
    }

    /// Every status the operation reports, as a `futures_core::Stream` of
    /// `Result<OperationModel>`, polled with the default [`WaitOptions`]. The stream ends after
    /// the first completed or failed status (yielded as an item: check its `status`), after an
    /// error (a poll that failed, the wait timing out or being cancelled), or when dropped.
    pub fn updates(&self) -> OperationUpdates {
        self.updates_with(WaitOptions::default())
    }

    /// [`updates`](Self::updates) polled with `options`.
    pub fn updates_with(&self, options: WaitOptions) -> OperationUpdates {
        OperationUpdates {
            idle: Some(Poller::new(self.clone(), options)),
            running: None,
        }
    }

    async fn poll_once(&self) -> Result<(OperationModel, ResponseInfo)> {
        // The poll goes to the service that accepted the operation, with its token.
        let mut call = Call::absolute(POLL_OPERATION, Method::Get, self.url.clone(), 200);
        call.audience = self.client.audience();
        let reply = self.client.execute(&call).await?;
        let model = reply.decode(POLL_OPERATION)?;
        Ok((model, reply.info()))
    }

    /// How to name the operation in messages: its id, else the location.
    fn describe(&self, model: Option<&OperationModel>) -> String {
        truncate(
            model
                .and_then(|model| model.id.as_deref())
                .unwrap_or(self.url.as_str()),
            200,
        )
        .to_owned()
    }

    fn failed(&self, model: OperationModel, info: ResponseInfo) -> Error {
        let service = ServiceError::from_operation(&model);
        let transient = service.error_code().is_some_and(|code| code.is_transient());
        Error::new(ErrorKind::OperationFailed, Some(self.operation))
            .with_response(info)
            .with_service(service)
            .with_retryable(transient)
            .with_operation_model(model)
    }

    fn timed_out(
        &self,
        last: Option<OperationModel>,
        elapsed: Duration,
        timeout: Duration,
    ) -> Error {
        let error = Error::new(ErrorKind::OperationTimedOut, Some(self.operation))
            .with_detail(format!(
                "operation {:?} still {} after {elapsed:?} (wait timeout {timeout:?})",
                self.describe(last.as_ref()),
                status_text(last.as_ref())
            ))
            .with_retryable(true);
        match last {
            Some(model) => error.with_operation_model(model),
            None => error,
        }
    }

    fn cancelled(&self, last: Option<OperationModel>) -> Error {
        let error = Error::new(ErrorKind::Cancelled, Some(self.operation)).with_detail(format!(
            "stopped waiting for operation {:?}: cancelled (last status: {})",
            self.describe(last.as_ref()),
            status_text(last.as_ref())
        ));
        match last {
            Some(model) => error.with_operation_model(model),
            None => error,
        }
    }
}

impl IntoFuture for OperationHandle {
    type Output = Result<OperationModel>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<OperationModel>> + Send>>;

    /// `handle.await` is [`handle.wait()`](OperationHandle::wait).
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.wait().await })
    }
}

fn is_status(model: &OperationModel, status: &OperationStatus) -> bool {
    model.status.as_ref() == Some(status)
}

/// The polling loop behind [`OperationHandle::wait_with`] and [`OperationUpdates`]: one step per
/// poll, owning its state so a stream can hold it between steps.
struct Poller {
    handle: OperationHandle,
    options: WaitOptions,
    started: Option<Instant>,
    /// The wait before the next poll.
    delay: Option<Duration>,
    interval: Duration,
    last: Option<OperationModel>,
    last_info: ResponseInfo,
    done: bool,
}

impl Poller {
    fn new(handle: OperationHandle, options: WaitOptions) -> Self {
        Self {
            delay: handle.retry_after,
            interval: options.interval,
            handle,
            options,
            started: None,
            last: None,
            last_info: ResponseInfo::default(),
            done: false,
        }
    }

    /// Waits, polls once and returns the update; `None` once finished.
    async fn next(mut self) -> (Self, Option<Result<OperationModel>>) {
        let update = self.step().await;
        if !matches!(&update, Some(Ok(model)) if !is_terminal(model)) {
            self.done = true;
        }
        (self, update)
    }

    async fn step(&mut self) -> Option<Result<OperationModel>> {
        if self.done {
            return None;
        }
        let clock = self.handle.client.clock_arc();
        let start = *self.started.get_or_insert_with(|| clock.now());
        let deadline = self
            .options
            .timeout
            .and_then(|timeout| start.checked_add(timeout));
        if self.last.is_some() && deadline.is_some_and(|deadline| clock.now() >= deadline) {
            let elapsed = clock.now().saturating_duration_since(start);
            let timeout = self.options.timeout.unwrap_or_default();
            return Some(Err(self
                .handle
                .timed_out(self.last.take(), elapsed, timeout)
                .with_response(self.last_info.clone())));
        }
        if let Some(delay) = self.delay {
            let remaining =
                deadline.map(|deadline| deadline.saturating_duration_since(clock.now()));
            let delay = remaining.map_or(delay, |remaining| delay.min(remaining));
            if race(&mut self.options.cancel, clock.sleep(delay))
                .await
                .is_none()
            {
                return Some(Err(self.cancelled()));
            }
        }
        let Some(polled) = race(&mut self.options.cancel, self.handle.poll_once()).await else {
            return Some(Err(self.cancelled()));
        };
        let (model, info) = match polled {
            Ok(polled) => polled,
            Err(error) => return Some(Err(error)),
        };
        tracing::debug!(
            operation = self.handle.operation,
            status = model
                .status
                .as_ref()
                .map_or("absent", OperationStatus::as_str),
            percent_complete = model.percent_complete.as_deref(),
            "operation polled"
        );
        self.delay = Some(info.retry_after.unwrap_or(self.interval));
        self.interval = self
            .interval
            .saturating_mul(2)
            .min(self.options.max_interval.max(self.interval));
        self.last_info = info;
        if !is_terminal(&model) {
            self.last = Some(model.clone());
        }
        Some(Ok(model))
    }

    fn cancelled(&mut self) -> Error {
        self.handle
            .cancelled(self.last.take())
            .with_response(self.last_info.clone())
    }
}

fn is_terminal(model: &OperationModel) -> bool {
    is_status(model, &OperationStatus::Completed) || is_status(model, &OperationStatus::Failed)
}

type PollStep = Pin<Box<dyn Future<Output = (Poller, Option<Result<OperationModel>>)> + Send>>;

/// The status updates of an operation, from [`OperationHandle::updates`]: a
/// `futures_core::Stream` of `Result<OperationModel>` that ends after a completed or failed
/// status, or after an error. Dropping it stops polling.
#[must_use = "a stream does nothing until polled"]
pub struct OperationUpdates {
    idle: Option<Poller>,
    running: Option<PollStep>,
}

impl fmt::Debug for OperationUpdates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationUpdates")
            .field("polling", &self.running.is_some())
            .finish_non_exhaustive()
    }
}

impl OperationUpdates {
    /// The next update, for callers without a `StreamExt`: `None` at the end.
    pub async fn next_update(&mut self) -> Option<Result<OperationModel>> {
        std::future::poll_fn(|cx| self.poll_update(cx)).await
    }

    fn poll_update(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<OperationModel>>> {
        if self.running.is_none() {
            let Some(poller) = self.idle.take() else {
                return Poll::Ready(None);
            };
            self.running = Some(Box::pin(poller.next()));
        }
        let Some(running) = self.running.as_mut() else {
            return Poll::Ready(None);
        };
        let (poller, update) = std::task::ready!(running.as_mut().poll(cx));
        self.running = None;
        if update.is_some() {
            self.idle = Some(poller);
        }
        Poll::Ready(update)
    }
}

impl futures_core::Stream for OperationUpdates {
    type Item = Result<OperationModel>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_update(cx)
    }
}

fn status_text(model: Option<&OperationModel>) -> &str {
    match model {
        None => "not polled yet",
        Some(model) => model
            .status
            .as_ref()
            .map_or("without a status", OperationStatus::as_str),
    }
}

/// Runs `future` unless `cancel` fires first (`None` then).
async fn race<F: Future>(cancel: &mut Option<CancelSignal>, future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    std::future::poll_fn(|cx| {
        if let Some(signal) = cancel.as_mut()
            && signal.as_mut().poll(cx).is_ready()
        {
            // A finished future must not be polled again.
            *cancel = None;
            return Poll::Ready(None);
        }
        future.as_mut().poll(cx).map(Some)
    })
    .await
}

type CancelSignal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// How [`OperationHandle::wait_with`] polls.
///
/// ```
/// use std::time::Duration;
/// use onenote_api::WaitOptions;
///
/// let options = WaitOptions::new()
///     .timeout(Duration::from_secs(120))
///     .interval(Duration::from_millis(500))
///     .max_interval(Duration::from_secs(5));
/// ```
pub struct WaitOptions {
    timeout: Option<Duration>,
    interval: Duration,
    max_interval: Duration,
    cancel: Option<CancelSignal>,
}

impl Default for WaitOptions {
    /// 10 minute timeout, 1 s first interval doubling up to 15 s, no cancel signal.
    fn default() -> Self {
        Self {
            timeout: Some(Duration::from_secs(600)),
            interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
            cancel: None,
        }
    }
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("timeout", &self.timeout)
            .field("interval", &self.interval)
            .field("max_interval", &self.max_interval)
            .field("cancel", &self.cancel.is_some())
            .finish()
    }
}

impl WaitOptions {
    /// The defaults (see [`Default`](#impl-Default-for-WaitOptions)).
    pub fn new() -> Self {
        Self::default()
    }

    /// Give up after this long overall (measured with the client's [`Clock`](crate::Clock));
    /// `None` waits indefinitely.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// The wait before the second poll when the service sends no `Retry-After`; it doubles
    /// after every poll.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The longest wait between polls when the service sends no `Retry-After`.
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval;
        self
    }

    /// Stops waiting with [`ErrorKind::Cancelled`] when `signal` completes (for example a
    /// shutdown notification). Dropping the `wait` future cancels too, but without an error
    /// that carries the last status.
    pub fn cancel_on(mut self, signal: impl Future<Output = ()> + Send + 'static) -> Self {
        self.cancel = Some(Box::pin(signal));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        Client::builder()
            .base_url("https://www.onenote.com/api")
            .bearer_token("t")
            .build()
            .unwrap()
    }

    #[test]
    fn from_location_accepts_the_documented_location() {
        let location = "https://www.onenote.com/api/v1.0/me/notes/operations/classnotebook-ee91aafb-5685-4357-9465-77d611ef064c";
        let handle = OperationHandle::from_location(&client(), location).unwrap();
        assert_eq!(handle.location(), location);
        assert_eq!(handle.operation(), "getOperation");
        assert_eq!(handle.retry_after(), None);
    }

    #[test]
    fn from_location_refuses_the_documented_typos_and_other_origins() {
        for location in [
            "https://www.onenotecom/api/v1.0/me/notes/operations/classnotebookmember-e364e1fe",
            "https://www.onenote/api/v1.0/me/notes/operations/x",
            "http://www.onenote.com/api/v1.0/me/notes/operations/x",
            "https://www.onenote.com:8443/api/v1.0/me/notes/operations/x",
        ] {
            let error = OperationHandle::from_location(&client(), location).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidLocation, "{location}");
        }
        let error = OperationHandle::from_location(&client(), "/api/v1.0/me/notes/operations/x")
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "getOperation: the operation Location \"/api/v1.0/me/notes/operations/x\" is not an \
             absolute URL: relative URL without a base"
        );
    }

    #[test]
    fn handles_and_futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let handle = OperationHandle::from_location(
            &client(),
            "https://www.onenote.com/api/v1.0/me/notes/operations/x",
        )
        .unwrap();
        assert_send(&handle.wait());
        assert_send(&handle.poll());
        assert_send(&handle.clone().into_future());
        fn assert_stream<S: futures_core::Stream + Send + Unpin>(_: &S) {}
        assert_stream(&handle.updates());
    }

    #[tokio::test]
    async fn race_prefers_the_cancel_signal() {
        let mut cancel: Option<CancelSignal> = Some(Box::pin(async {}));
        assert_eq!(race(&mut cancel, std::future::pending::<()>()).await, None);
        assert!(cancel.is_none());
        let mut none: Option<CancelSignal> = None;
        assert_eq!(race(&mut none, async { 5 }).await, Some(5));
    }
}

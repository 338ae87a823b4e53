//! Asynchronous operations: sending with `Prefer: respond-async`, then polling the `Location`
//! until the operation completes, fails, times out or is cancelled.

use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Duration;

use reqwest::Url;

use crate::client::Client;
use crate::error::{Error, ErrorKind, ResponseInfo, Result, ServiceError};
use crate::request::{Call, Method};
use crate::{OperationModel, OperationStatus};

/// The operation id used for poll requests (the spec's id for `GET operations/{id}`).
const POLL_OPERATION: &str = "getOperation";

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
}

/// An asynchronous operation the service accepted: the URL from its `Location` header.
///
/// Keep [`location`](Self::location) to resume after a restart with
/// [`from_location`](Self::from_location). Polls go to that URL verbatim, with the access token
/// (it was checked to be on the API origin).
#[derive(Clone, Debug)]
pub struct OperationHandle {
    client: Client,
    operation: &'static str,
    location: String,
    url: Url,
    retry_after: Option<Duration>,
}

impl OperationHandle {
    pub(crate) fn new(
        client: Client,
        operation: &'static str,
        location: String,
        url: Url,
        retry_after: Option<Duration>,
    ) -> Self {
        Self {
            client,
            operation,
            location,
            url,
            retry_after,
        }
    }

    /// Resumes an operation from a `Location` saved earlier.
    ///
    /// Fails with [`ErrorKind::InvalidLocation`] unless `location` is an absolute URL on the
    /// client's API origin (same scheme, host and port as the base URL): the token is sent
    /// only there.
    pub fn from_location(client: &Client, location: &str) -> Result<OperationHandle> {
        let url = Url::parse(location).map_err(|error| {
            Error::new(ErrorKind::InvalidLocation, Some(POLL_OPERATION))
                .with_detail(format!(
                    "the operation Location {:?} is not an absolute URL",
                    location.chars().take(200).collect::<String>()
                ))
                .with_source(error)
        })?;
        client.check_origin(POLL_OPERATION, "operation Location", location, &url)?;
        Ok(Self::new(
            client.clone(),
            POLL_OPERATION,
            location.to_owned(),
            url,
            None,
        ))
    }

    /// The `Location` URL, as the service sent it.
    pub fn location(&self) -> &str {
        &self.location
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

    /// Polls once: `GET` the `Location` and return the operation's current state, whatever its
    /// status.
    pub async fn poll(&self) -> Result<OperationModel> {
        self.poll_once().await.map(|(model, _)| model)
    }

    /// Waits until the operation completes, with the default [`WaitOptions`] (1 s interval
    /// doubling to 15 s, 10 minute timeout). Equivalent to `wait_with(WaitOptions::default())`.
    pub async fn wait(&self) -> Result<OperationModel> {
        self.wait_with(WaitOptions::default()).await
    }

    /// Polls until the operation completes and returns its final state (with
    /// `resource_location` and `resource_id`).
    ///
    /// Between polls it waits the poll response's `Retry-After`, or else the current interval
    /// (doubling up to the maximum); the first poll waits for the `202`'s `Retry-After` when it
    /// had one. Fails with [`ErrorKind::OperationFailed`] when the status is `failed` (the error
    /// carries the operation's `error` and `@api.diagnostics`),
    /// [`ErrorKind::OperationTimedOut`] when the timeout passes, [`ErrorKind::Cancelled`] when
    /// the cancel signal fires, or the poll request's own error. Unknown statuses keep it
    /// waiting.
    pub async fn wait_with(&self, options: WaitOptions) -> Result<OperationModel> {
        let WaitOptions {
            timeout,
            interval,
            max_interval,
            cancel,
        } = options;
        let mut cancel = cancel;
        let clock = self.client.clock();
        let start = clock.now();
        let deadline = timeout.and_then(|timeout| start.checked_add(timeout));
        let mut interval = interval;
        let mut delay = self.retry_after;
        let mut last: Option<OperationModel> = None;
        let mut last_info = ResponseInfo::default();
        loop {
            if let Some(delay) = delay {
                let remaining =
                    deadline.map(|deadline| deadline.saturating_duration_since(clock.now()));
                let delay = remaining.map_or(delay, |remaining| delay.min(remaining));
                if race(&mut cancel, clock.sleep(delay)).await.is_none() {
                    return Err(self.cancelled(last).with_response(last_info));
                }
            }
            let Some(polled) = race(&mut cancel, self.poll_once()).await else {
                return Err(self.cancelled(last).with_response(last_info));
            };
            let (model, info) = polled?;
            tracing::debug!(
                operation = self.operation,
                status = model
                    .status
                    .as_ref()
                    .map_or("absent", OperationStatus::as_str),
                "operation polled"
            );
            match &model.status {
                Some(OperationStatus::Completed) => return Ok(model),
                Some(OperationStatus::Failed) => return Err(self.failed(model, info)),
                _ => {}
            }
            last = Some(model);
            delay = Some(info.retry_after.unwrap_or(interval));
            last_info = info;
            if deadline.is_some_and(|deadline| clock.now() >= deadline) {
                let elapsed = clock.now().saturating_duration_since(start);
                return Err(self
                    .timed_out(last, elapsed, timeout.unwrap_or_default())
                    .with_response(last_info));
            }
            interval = interval.saturating_mul(2).min(max_interval.max(interval));
        }
    }

    async fn poll_once(&self) -> Result<(OperationModel, ResponseInfo)> {
        let call = Call::absolute(POLL_OPERATION, Method::Get, self.url.clone(), 200);
        let reply = self.client.execute(&call).await?;
        let model = reply.decode(POLL_OPERATION)?;
        Ok((model, reply.info))
    }

    /// How to name the operation in messages: its id, else the `Location`.
    fn describe(&self, model: Option<&OperationModel>) -> String {
        model
            .and_then(|model| model.id.as_deref())
            .unwrap_or(&self.location)
            .chars()
            .take(200)
            .collect()
    }

    fn failed(&self, model: OperationModel, info: ResponseInfo) -> Error {
        let service = ServiceError::from_operation(&model);
        let mut error = Error::new(ErrorKind::OperationFailed, Some(self.operation))
            .with_response(info)
            .with_service(service);
        let transient = error.code().is_some_and(|code| code.is_transient());
        error.set_retryable(transient);
        error.with_operation_model(model)
    }

    fn timed_out(
        &self,
        last: Option<OperationModel>,
        elapsed: Duration,
        timeout: Duration,
    ) -> Error {
        let mut error =
            Error::new(ErrorKind::OperationTimedOut, Some(self.operation)).with_detail(format!(
                "operation {:?} still {} after {elapsed:?} (wait timeout {timeout:?})",
                self.describe(last.as_ref()),
                status_text(last.as_ref())
            ));
        error.set_retryable(true);
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

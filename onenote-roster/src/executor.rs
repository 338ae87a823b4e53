//! `Executor`: the writes and reads the apply engine needs, as a trait, so the engine's logic
//! runs the same against the service (`ClientExecutor`) and against a test double;
//! `WriteError`, which says whether a failed write may have taken effect; and `Progress`, the
//! handle an executor reports quota waits through.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use onenote_api::{CreateClassNotebook, ErrorKind, WaitCause};

use crate::actual::ActualClass;
use crate::roster::{Member, Role};

/// What a failed write means for the state of the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The service refused the write, and sending it again will not help (4xx).
    Rejected,
    /// The write did not take effect but may succeed later (throttled, no token, the
    /// operation reported `failed`).
    NotApplied,
    /// Nobody knows: the connection dropped, the request timed out, the service answered 5xx.
    /// The engine checks the actual state before sending it again.
    Unknown,
}

/// A failed read or write: whether it may have taken effect, the message, and what support
/// needs to find the request.
#[derive(Debug)]
pub struct WriteError {
    /// What the failure means for the service's state.
    pub outcome: Outcome,
    /// What went wrong, one line.
    pub message: String,
    /// The HTTP status, when there was a response.
    pub status: Option<u16>,
    /// The `X-CorrelationId` of the response, when there was one.
    pub correlation_id: Option<String>,
    /// The client's error, when the failure came from the client.
    pub source: Option<onenote_api::Error>,
}

impl WriteError {
    /// A failure with `outcome` and `message`.
    pub fn new(outcome: Outcome, message: impl Into<String>) -> Self {
        Self {
            outcome,
            message: message.into(),
            status: None,
            correlation_id: None,
            source: None,
        }
    }

    /// Adds the response's status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds the response's correlation id.
    pub fn with_correlation_id(mut self, id: impl Into<String>) -> Self {
        self.correlation_id = Some(id.into());
        self
    }

    /// Classifies a client error: what it means for whether the write took effect.
    ///
    /// 429 and errors raised before sending (no token) did not take effect; other 4xx were
    /// refused; [`ErrorKind::OutcomeUnknown`] (the client's word for a write that may have
    /// worked), 408, 5xx, transport errors, timeouts and undecodable success bodies may have
    /// taken effect. An asynchronous operation that reported `failed` did not take effect.
    pub fn from_api(error: onenote_api::Error) -> Self {
        let outcome = match (error.kind(), error.status()) {
            (ErrorKind::Auth, _) => Outcome::NotApplied,
            (ErrorKind::Status, Some(429)) => Outcome::NotApplied,
            (ErrorKind::Status, Some(408)) => Outcome::Unknown,
            (ErrorKind::Status, Some(status)) if (400..500).contains(&status) => Outcome::Rejected,
            (ErrorKind::OperationFailed, _) => Outcome::NotApplied,
            (
                ErrorKind::InvalidConfig | ErrorKind::InvalidRequest | ErrorKind::InvalidLocation,
                _,
            ) => Outcome::Rejected,
            _ => Outcome::Unknown,
        };
        Self::classified(outcome, error)
    }

    /// Classifies a failure to learn how an accepted asynchronous create ended (its poll):
    /// what it means for the create.
    ///
    /// Only a final answer is [`Outcome::NotApplied`]: the operation reported `failed` (the
    /// notebook was not created by it, say because the name is taken), or the service no
    /// longer knows the operation (404). Another refusal of the poll (403, …) is
    /// [`Outcome::Rejected`]. Every other failure (throttled past the retry budget, 5xx, a
    /// timeout, the wait running out) says nothing about the create: [`Outcome::Unknown`], and
    /// the operation is asked again.
    pub fn from_poll(error: onenote_api::Error) -> Self {
        let outcome = match (error.kind(), error.status()) {
            (ErrorKind::OperationFailed, _) | (ErrorKind::Status, Some(404)) => Outcome::NotApplied,
            (ErrorKind::Status, Some(status))
                if (400..500).contains(&status) && !matches!(status, 408 | 429) =>
            {
                Outcome::Rejected
            }
            (ErrorKind::InvalidLocation | ErrorKind::InvalidConfig, _) => Outcome::Rejected,
            _ => Outcome::Unknown,
        };
        Self::classified(outcome, error)
    }

    fn classified(outcome: Outcome, error: onenote_api::Error) -> Self {
        Self {
            outcome,
            message: error.to_string(),
            status: error.status(),
            correlation_id: error.correlation_id().map(str::to_owned),
            source: Some(error),
        }
    }
}

/// The handle an [`Executor`] reports through that a request waits for quota; the run turns
/// each report into an [`Event::WaitingForQuota`](crate::Event::WaitingForQuota).
#[derive(Clone)]
pub struct Progress {
    on_wait: Arc<dyn Fn(Duration, WaitCause) + Send + Sync>,
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Progress").finish_non_exhaustive()
    }
}

impl Progress {
    /// A handle that calls `on_wait` with each report.
    pub fn new(on_wait: impl Fn(Duration, WaitCause) + Send + Sync + 'static) -> Self {
        Self {
            on_wait: Arc::new(on_wait),
        }
    }

    /// Reports that a request waits at least `wait` for `limit`.
    pub fn waiting_for_quota(&self, wait: Duration, limit: WaitCause) {
        (self.on_wait)(wait, limit);
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        // The client's own message already names the correlation id.
        if let (Some(id), None) = (&self.correlation_id, &self.source) {
            write!(f, " (correlation id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The requests the apply engine sends. Every write sends one request (the engine never
/// repeats one whose effect may already be in place without reading the state first).
///
/// Implemented over the OneNote client by `ClientExecutor`; tests implement it with a double
/// that records calls.
pub trait Executor: Send + Sync + 'static {
    /// Creates a class notebook (the plain form); returns its id.
    fn create(
        &self,
        body: CreateClassNotebook,
    ) -> impl Future<Output = Result<String, WriteError>> + Send;

    /// Starts an asynchronous create (`Prefer: respond-async`); returns the operation's
    /// `Location`.
    fn start_create(
        &self,
        body: CreateClassNotebook,
    ) -> impl Future<Output = Result<String, WriteError>> + Send;

    /// Waits for the asynchronous create at `location` to finish; returns the notebook id when
    /// the service says it. A failure is [`Outcome::Unknown`] unless the operation gave its
    /// final answer (see [`WriteError::from_poll`]): the engine then keeps the operation and
    /// asks again.
    fn finish_create(
        &self,
        location: &str,
    ) -> impl Future<Output = Result<Option<String>, WriteError>> + Send;

    /// Adds one member in `role`.
    fn add(
        &self,
        notebook_id: &str,
        role: Role,
        member: &Member,
    ) -> impl Future<Output = Result<(), WriteError>> + Send;

    /// Removes one member from `role`; `principal_id` is the id as the service listed it.
    fn remove(
        &self,
        notebook_id: &str,
        role: Role,
        principal_id: &str,
    ) -> impl Future<Output = Result<(), WriteError>> + Send;

    /// Reads one notebook with its teachers and students; `None` when it no longer exists.
    fn class(
        &self,
        notebook_id: &str,
    ) -> impl Future<Output = Result<Option<ActualClass>, WriteError>> + Send;

    /// The notebooks named `name` (trimmed, without regard to case), with their members.
    fn find(&self, name: &str)
    -> impl Future<Output = Result<Vec<ActualClass>, WriteError>> + Send;

    /// Waits `duration` (the engine giving a lost asynchronous create's operation time to
    /// complete before it looks for its notebook again). The default returns at once, which
    /// suits a double that answers at once.
    fn pause(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        let _ = duration;
        std::future::ready(())
    }

    /// Called once when a run starts, with the handle through which the executor reports that
    /// it waits for request quota. The default ignores it.
    fn attach(&self, progress: Progress) {
        let _ = progress;
    }
}

//! Asynchronous operations (`Prefer: respond-async`, and copies): accepting work with
//! `202 Accepted` and a `Location` (or `Operation-Location`), then moving the operation from
//! `notStarted` through `running` to `completed` or `failed` at a configurable pace. The work is
//! a [`Job`] the handler that accepted it hands over, done when the operation finishes by the
//! same code as the synchronous form, so a failure (an unknown student, a name taken) is the
//! operation's `error` and `@api.diagnostics` instead of the request's status.

use std::fmt::Debug;
use std::sync::Arc;

use super::request::{AsyncPace, Call, Ctx, Reply};
use super::urls::location_path;
use crate::error::ApiError;
use crate::store::{Operation, OperationFamily, OperationStatus};

/// The work an accepted operation does when it finishes.
pub(crate) trait Job: Debug + Send + Sync {
    /// Does the work as `by` (who started it) on API version `version`; returns the URL and
    /// the id of the resource it made or changed (`resourceLocation`, `resourceId`).
    fn run(&self, ctx: &mut Ctx<'_>, by: &str, version: &str)
    -> Result<(String, String), ApiError>;
}

/// A job as an operation holds it (shared, so the state can be copied).
pub(crate) type Work = Arc<dyn Job>;

/// Accepts `work`: a new operation `{prefix}-{guid}` and its `202 Accepted`.
///
/// The `Location` is under `me/notes/operations/`, as every example in the documents has it
/// (even for a group's `UpdateMembership`); the operation can be polled from any location by
/// the user who started it.
pub(crate) fn accept(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    prefix: &str,
    work: impl Job + 'static,
) -> Reply {
    let id = format!("{prefix}-{}", ctx.state.rng().guid());
    let location = format!(
        "{}/me/notes/operations/{id}",
        ctx.version_root(call.version())
    );
    start(
        ctx,
        call,
        id,
        OperationFamily::ClassNotebook,
        Arc::new(work),
    );
    Reply {
        status: 202,
        headers: vec![("location", location)],
        body: None,
    }
}

/// Accepts a copy: a new operation `copy-{guid}` and its `202 Accepted` with an
/// `Operation-Location` under the location the call was made at.
pub(crate) fn accept_copy(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    copy: impl Job + 'static,
) -> Result<Reply, ApiError> {
    let id = format!("copy-{}", ctx.state.rng().guid());
    let location = format!(
        "{}/{}/notes/operations/{id}",
        ctx.version_root(call.version()),
        location_path(call.location()?)
    );
    start(ctx, call, id, OperationFamily::Copy, Arc::new(copy));
    Ok(Reply {
        status: 202,
        headers: vec![("operation-location", location)],
        body: None,
    })
}

fn start(ctx: &mut Ctx<'_>, call: &Call<'_>, id: String, family: OperationFamily, work: Work) {
    ctx.state.add_operation(Operation {
        id,
        family,
        started_by_operation: call.target.endpoint.operation_id(),
        started_by: call.user.to_owned(),
        status: OperationStatus::NotStarted,
        created: ctx.now,
        last_action: ctx.now,
        resource_location: None,
        resource_id: None,
        error: None,
        diagnostics: None,
        polls: 0,
        accepted_at: ctx.instant,
        work: Some(work),
        version: call.version(),
    });
}

/// Moves time-paced operations along; called before every request is handled.
pub(crate) fn advance(ctx: &mut Ctx<'_>) {
    let AsyncPace::Time {
        not_started,
        running,
    } = ctx.settings.pace
    else {
        return;
    };
    for id in ctx.state.operation_ids() {
        let Some(operation) = ctx.state.operation(&id) else {
            continue;
        };
        if operation.work.is_none() {
            continue;
        }
        let age = ctx.instant.saturating_duration_since(operation.accepted_at);
        let status = if age < not_started {
            OperationStatus::NotStarted
        } else if age < not_started.saturating_add(running) {
            OperationStatus::Running
        } else {
            finish(ctx, &id);
            continue;
        };
        set_status(ctx, &id, status);
    }
}

fn set_status(ctx: &mut Ctx<'_>, id: &str, status: OperationStatus) {
    let now = ctx.now;
    if let Some(operation) = ctx.state.operation_mut(id)
        && operation.status != status
    {
        operation.status = status;
        operation.last_action = now;
    }
}

/// Does the operation's work and records how it ended.
fn finish(ctx: &mut Ctx<'_>, id: &str) {
    let Some(operation) = ctx.state.operation_mut(id) else {
        return;
    };
    let Some(work) = operation.work.take() else {
        return;
    };
    let by = operation.started_by.clone();
    let version = operation.version;
    let outcome = work.run(ctx, &by, version);
    let now = ctx.now;
    if let Some(operation) = ctx.state.operation_mut(id) {
        operation.last_action = now;
        match outcome {
            Ok((location, resource)) => {
                operation.status = OperationStatus::Completed;
                operation.resource_location = Some(location);
                operation.resource_id = Some(resource);
            }
            Err(error) => {
                operation.status = OperationStatus::Failed;
                operation.error = Some(error.error_object());
                operation.diagnostics = Some(error.diagnostics());
            }
        }
    }
}

/// Counts a poll of the operation and, when the pace is by polls, moves it along.
pub(crate) fn polled(ctx: &mut Ctx<'_>, id: &str) {
    if let AsyncPace::Polls {
        not_started,
        running,
    } = ctx.settings.pace
    {
        let polls = ctx.state.operation_mut(id).map_or(0, |o| {
            o.polls = o.polls.saturating_add(1);
            o.polls
        });
        if polls <= not_started {
            set_status(ctx, id, OperationStatus::NotStarted);
        } else if polls <= not_started.saturating_add(running) {
            set_status(ctx, id, OperationStatus::Running);
        } else {
            finish(ctx, id);
        }
    }
}

//! Asynchronous operations (`Prefer: respond-async`): `202 Accepted` with a `Location`, then
//! an operation that moves from `notStarted` through `running` to `completed` or `failed` at a
//! configurable pace. The work itself is done when the operation finishes, by the same code
//! as the synchronous form, so a failure (an unknown student, a name taken) is the operation's
//! `error` and `@api.diagnostics` instead of the request's status.

use std::time::Duration;

use serde_json::{Value, json};

use super::class_notebooks::{self, CreateRequest, TransferRequest};
use super::copies::{self, Copy};
use super::{Call, Ctx, Reply, location_path, members};
use crate::error::ApiError;
use crate::route::{Location, MemberRole};
use crate::store::{Container, Member, Operation, OperationFamily, OperationStatus};

/// How fast asynchronous operations move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsyncPace {
    /// By polls: the first `not_started` polls see `notStarted`, the next `running` see
    /// `running`, and the one after that finishes the operation. `Polls { not_started: 0,
    /// running: 0 }` finishes on the first poll. An operation nobody polls never finishes.
    Polls {
        /// Polls that see `notStarted`.
        not_started: u32,
        /// Polls after those that see `running`.
        running: u32,
    },
    /// By the fake's clock: `notStarted` for `not_started` after acceptance, `running` for
    /// `running` more, then finished at the next request the fake receives (or the next
    /// state snapshot).
    Time {
        /// How long it stays `notStarted`.
        not_started: Duration,
        /// How long it then stays `running`.
        running: Duration,
    },
}

impl Default for AsyncPace {
    /// One poll sees `notStarted`, the next `running`, the third the result.
    fn default() -> Self {
        AsyncPace::Polls {
            not_started: 1,
            running: 1,
        }
    }
}

/// The work an accepted operation does when it finishes.
#[derive(Clone, Debug)]
pub(crate) enum Work {
    Create {
        location: Location,
        container: Container,
        request: CreateRequest,
    },
    AddMember {
        location: Location,
        notebook: String,
        role: MemberRole,
        member: Member,
    },
    RemoveMember {
        location: Location,
        notebook: String,
        role: MemberRole,
        member: String,
    },
    Transfer {
        notebook: String,
        request: TransferRequest,
    },
    UpdateMembership {
        location: Location,
        group: String,
    },
    Copy(Copy),
}

/// Accepts `work`: a new operation `{prefix}-{guid}` and its `202 Accepted`.
///
/// The `Location` is under `me/notes/operations/`, as every example in the documents has it
/// (even for a group's `UpdateMembership`); the operation can be polled from any location by
/// the user who started it.
pub(crate) fn accept(ctx: &mut Ctx<'_>, call: &Call<'_>, prefix: &str, work: Work) -> Reply {
    let id = format!("{prefix}-{}", ctx.state.rng().guid());
    let location = format!(
        "{}/me/notes/operations/{id}",
        ctx.version_root(call.version())
    );
    start(ctx, call, id, OperationFamily::ClassNotebook, work);
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
    copy: Copy,
) -> Result<Reply, ApiError> {
    let id = format!("copy-{}", ctx.state.rng().guid());
    let location = format!(
        "{}/{}/notes/operations/{id}",
        ctx.version_root(call.version()),
        location_path(call.location()?)
    );
    start(ctx, call, id, OperationFamily::Copy, Work::Copy(copy));
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
    let outcome = run(ctx, &by, version, &work);
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

/// Carries out the work; returns the resource's URL and id.
fn run(
    ctx: &mut Ctx<'_>,
    by: &str,
    version: &str,
    work: &Work,
) -> Result<(String, String), ApiError> {
    let notebook_url = |ctx: &Ctx<'_>, location: &Location, id: &str| {
        let mut url = format!("{}/classNotebooks/", ctx.notes_root(version, location));
        onenote_api::path::push_segment(&mut url, id);
        url
    };
    match work {
        Work::Create {
            location,
            container,
            request,
        } => {
            let id = class_notebooks::create_now(ctx.state, ctx.now, container, by, request, None)?;
            Ok((notebook_url(ctx, location, &id), id))
        }
        Work::AddMember {
            location,
            notebook,
            role,
            member,
        } => {
            members::add_member(ctx.state, ctx.now, by, notebook, *role, member)?;
            let mut url = format!(
                "{}/{}s/",
                notebook_url(ctx, location, notebook),
                role.noun()
            );
            onenote_api::path::push_segment(&mut url, &member.id);
            Ok((url, member.id.clone()))
        }
        Work::RemoveMember {
            location,
            notebook,
            role,
            member,
        } => {
            members::remove_member(ctx.state, ctx.now, by, notebook, *role, member)?;
            Ok((notebook_url(ctx, location, notebook), notebook.clone()))
        }
        Work::Transfer { notebook, request } => {
            let container =
                class_notebooks::transfer_now(ctx.state, ctx.now, by, notebook, request)?;
            let owner = match container {
                Container::OneDrive(upn) => upn,
                _ => String::new(),
            };
            let at = Location::User(owner);
            Ok((notebook_url(ctx, &at, notebook), notebook.clone()))
        }
        Work::UpdateMembership { location, group } => {
            let id = members::update_membership_now(ctx.state, ctx.now, by, group)?;
            Ok((notebook_url(ctx, location, &id), id))
        }
        Work::Copy(copy) => copies::run(ctx, by, version, copy),
    }
}

/// `GET operations/{id}`.
pub(crate) fn get(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    let owned = ctx
        .state
        .operation(id)
        .is_some_and(|o| o.started_by.eq_ignore_ascii_case(call.user));
    if !owned {
        return Err(ApiError::not_found(format!(
            "There is no operation '{id}' started by {}.",
            call.user
        )));
    }
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
    let operation = ctx
        .state
        .operation(id)
        .ok_or_else(|| ApiError::not_found(format!("There is no operation '{id}'.")))?;
    let mut body = serde_json::Map::new();
    body.insert(
        "@odata.context".into(),
        json!(ctx.context(call.version(), "me/notes/operations/$entity")),
    );
    body.insert("id".into(), json!(operation.id));
    match operation.family {
        OperationFamily::ClassNotebook => {
            body.insert("status".into(), json!(operation.status.as_str()));
        }
        OperationFamily::Copy => {
            body.insert("status".into(), json!(operation.status.as_copy_str()));
            body.insert(
                "percentComplete".into(),
                json!(operation.status.percent_complete()),
            );
        }
    }
    body.insert(
        "createdDateTime".into(),
        json!(operation.created.to_string()),
    );
    body.insert(
        "lastActionDateTime".into(),
        json!(operation.last_action.to_string()),
    );
    if let Some(location) = &operation.resource_location {
        body.insert("resourceLocation".into(), json!(location));
    }
    if let Some(resource) = &operation.resource_id {
        body.insert("resourceId".into(), json!(resource));
    }
    if let Some(error) = &operation.error {
        body.insert("error".into(), error.clone());
    }
    if let Some(diagnostics) = &operation.diagnostics {
        body.insert("@api.diagnostics".into(), diagnostics.clone());
    }
    Ok(Reply::json(200, Value::Object(body)))
}

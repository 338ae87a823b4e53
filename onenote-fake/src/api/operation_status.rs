//! `GET operations/{id}`: where an asynchronous operation stands, in the form of its family
//! (class-notebook calls: lower-case `status`; copies: capitalised, with `percentComplete`).

use serde_json::{Value, json};

use super::operations::polled;
use super::request::{Call, Ctx, Reply};
use crate::error::ApiError;
use crate::store::OperationFamily;

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
    polled(ctx, id);
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

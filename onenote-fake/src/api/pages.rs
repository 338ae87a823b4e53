//! Pages: their metadata, and the class-notebook page lock (`blockEditsInClientStartDate`),
//! set, cleared and read.

use serde_json::{Value, json};

use super::{Call, Ctx, Reply, container, location_context, require};
use crate::error::ApiError;
use crate::odata::{self, Supported};
use crate::store::{Page, Role};

/// The page `id` at the request's location, if the caller can read it.
fn visible_page(ctx: &Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Page, ApiError> {
    let container = container(ctx.state, call.user, call.location()?)?;
    let in_place = ctx
        .state
        .notebook_of(id)
        .is_some_and(|n| n.container == container);
    ctx.state
        .page(id)
        .filter(|_| in_place && ctx.state.role(call.user, id).is_some())
        .cloned()
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "There is no page with id '{id}' at this location that {} can read.",
                call.user
            ))
        })
}

/// `GET pages/{id}` (with `blockEditsInClientStartDate=true`, the lock start date is included
/// when the page has one).
pub(crate) fn get(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    let query = odata::parse(call.query, &Supported::NONE, &[])?;
    let page = visible_page(ctx, call, id)?;
    let location = call.location()?;
    let root = ctx.notes_root(call.version(), location);
    let mut page_id = String::new();
    onenote_api::path::push_segment(&mut page_id, &page.id);
    let section = ctx.state.section(&page.section_id);
    let mut section_id = String::new();
    onenote_api::path::push_segment(&mut section_id, &page.section_id);
    let mut body = json!({
        "@odata.context": ctx.context(
            call.version(),
            &format!("{}/notes/pages/$entity", location_context(location)),
        ),
        "id": page.id,
        "title": page.title,
        "self": format!("{root}/pages/{page_id}"),
        "contentUrl": format!("{root}/pages/{page_id}/content"),
        "createdTime": page.created.to_string(),
        "lastModifiedTime": page.last_modified.to_string(),
        "parentSection": {
            "id": page.section_id,
            "name": section.map(|s| s.name.clone()),
            "self": format!("{root}/sections/{section_id}"),
        },
    });
    let asked = query
        .param("blockEditsInClientStartDate")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if asked && let (Some(lock), Value::Object(body)) = (page.lock, &mut body) {
        body.insert(
            "blockEditsInClientStartDate".into(),
            json!(lock.to_string()),
        );
    }
    Ok(Reply::json(200, body))
}

/// `PATCH pages/{id}` with `{"blockEditsInClientStartDate": date}` (set) or `null` (clear).
/// In a class notebook only its teachers and owners may lock pages.
pub(crate) fn update_lock(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    let page = visible_page(ctx, call, id)?;
    require(
        ctx.state,
        call.user,
        id,
        Role::Contributor,
        "locking a page",
    )?;
    if let Some(notebook) = ctx.state.notebook_of(id).filter(|n| n.class.is_some()) {
        let notebook_id = notebook.id.clone();
        require(
            ctx.state,
            call.user,
            &notebook_id,
            Role::Contributor,
            "locking a page of a class notebook (a teacher's task)",
        )?;
    }
    let body = call.json_object()?;
    let mut lock = None;
    for (key, value) in &body {
        if key.starts_with('@') {
            continue;
        }
        if key != "blockEditsInClientStartDate" {
            return Err(ApiError::invalid_body(format!(
                "Only blockEditsInClientStartDate can be changed this way, not '{key}'."
            )));
        }
        lock = Some(match value {
            Value::Null => None,
            Value::String(text) => Some(text.parse::<onenote_api::DateTime>().map_err(|e| {
                ApiError::invalid_body(format!(
                    "blockEditsInClientStartDate {text:?} is not an RFC 3339 date and time: {e}."
                ))
            })?),
            other => {
                return Err(ApiError::invalid_body(format!(
                    "blockEditsInClientStartDate must be a date and time or null, not {}.",
                    super::json_kind(other)
                )));
            }
        });
    }
    if let Some(lock) = lock {
        let now = ctx.now;
        if let Some(page) = ctx.state.page_mut(&page.id) {
            page.lock = lock;
            page.last_modified = now;
        }
    }
    Ok(Reply::empty(204))
}

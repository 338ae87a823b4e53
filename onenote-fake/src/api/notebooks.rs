//! Notebooks (class notebooks included, without their class properties): list, get and
//! create at a location.

use serde_json::{Map, Value, json};

use super::creation::create_notebook;
use super::lookup::{container, visible};
use super::representation::{notebook_json, section_group_json, section_json, unread_fields};
use super::request::{Call, Ctx, Reply};
use super::urls::location_context;
use crate::error::ApiError;
use crate::odata;
use crate::route::Holder;
use crate::store::Notebook;

/// A notebook's JSON with the children `$expand` asked for.
fn expanded(
    ctx: &Ctx<'_>,
    call: &Call<'_>,
    notebook: &Notebook,
    query: &odata::Query,
) -> Result<Map<String, Value>, ApiError> {
    let location = call.location()?;
    let mut body = notebook_json(
        ctx,
        call.version(),
        location,
        call.user,
        notebook,
        "notebooks",
    );
    let state = &*ctx.state;
    if query.expands("sections") {
        let sections: Vec<Value> = state
            .sections_in(&notebook.id)
            .into_iter()
            .filter(|s| state.can_see(call.user, &s.id))
            .map(|s| Value::Object(section_json(ctx, call.version(), location, s)))
            .collect();
        body.insert("sections".into(), Value::Array(sections));
    }
    if query.expands("sectionGroups") {
        let groups: Vec<Value> = state
            .section_groups_in(&notebook.id)
            .filter(|g| state.can_see(call.user, &g.id))
            .map(|g| Value::Object(section_group_json(ctx, call.version(), location, g)))
            .collect();
        body.insert("sectionGroups".into(), Value::Array(groups));
    }
    Ok(body)
}

/// `GET notebooks`.
pub(crate) fn list(ctx: &mut Ctx<'_>, call: &Call<'_>) -> Result<Reply, ApiError> {
    let location = call.location()?;
    let container = container(ctx.state, call.user, location)?;
    let query = call.odata()?;
    let mut items = Vec::new();
    for notebook in ctx.state.notebooks() {
        if notebook.container == container && ctx.state.can_see(call.user, &notebook.id) {
            items.push(expanded(ctx, call, notebook, &query)?);
        }
    }
    let context = ctx.context(
        call.version(),
        &format!("{}/notes/notebooks", location_context(location)),
    );
    let page = query.collection(
        items,
        odata::BY_NAME,
        ctx.settings.page_size,
        context,
        |q| ctx.same_path(call, q),
    );
    Ok(Reply::json(200, page))
}

/// `GET notebooks/{id}`.
pub(crate) fn get(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    let query = call.odata()?;
    visible(ctx.state, call, Holder::Notebook, id)?;
    let notebook = ctx
        .state
        .notebook(id)
        .ok_or_else(|| ApiError::not_found(format!("There is no notebook with id '{id}'.")))?;
    let mut body = expanded(ctx, call, notebook, &query)?;
    body.insert(
        "@odata.context".into(),
        json!(ctx.context(
            call.version(),
            &format!(
                "{}/notes/notebooks/$entity",
                location_context(call.location()?)
            )
        )),
    );
    Ok(Reply::json(200, Value::Object(query.select(body))))
}

/// `POST notebooks` with `{"name": …}`.
pub(crate) fn create(ctx: &mut Ctx<'_>, call: &Call<'_>) -> Result<Reply, ApiError> {
    let location = call.location()?;
    let container = container(ctx.state, call.user, location)?;
    call.odata()?;
    let body: onenote_api::CreateNotebook = call.json_as("CreateNotebook")?;
    let sent = unread_fields(&call.json_object()?, &["name"]);
    let id = create_notebook(ctx.state, ctx.now, &container, call.user, &body.name, None)?;
    ctx.state.keep_sent_fields(&id, sent);
    let notebook = ctx
        .state
        .notebook(&id)
        .ok_or_else(|| ApiError::not_found("The notebook went away."))?;
    let mut reply = notebook_json(
        ctx,
        call.version(),
        location,
        call.user,
        notebook,
        "notebooks",
    );
    reply.insert(
        "@odata.context".into(),
        json!(ctx.context(
            call.version(),
            &format!("{}/notes/notebooks/$entity", location_context(location))
        )),
    );
    Ok(Reply::json(201, Value::Object(reply)))
}

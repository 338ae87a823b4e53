//! Pages: listing (every page at a location, or a section's), metadata (with `pagelevel`
//! and the class-notebook lock date when asked), delete, content changes, and the page lock
//! set and cleared.

use serde_json::{Map, Value, json};

use super::lookup::{container, require, require_teacher, visible};
use super::page_content;
use super::representation::{Extras, page_json};
use super::request::{Call, Ctx, Reply};
use super::urls::location_context;
use crate::error::ApiError;
use crate::odata;
use crate::route::Holder;
use crate::store::{Page, RESOURCE_REF, Role};

fn flag(query: &odata::Query, name: &str) -> Result<bool, ApiError> {
    match query.param(name) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(other) => Err(ApiError::bad_request(format!(
            "{name} takes true or false, not {other:?}."
        ))),
    }
}

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

fn listing(ctx: &mut Ctx<'_>, call: &Call<'_>, section: Option<&str>) -> Result<Reply, ApiError> {
    let query = call.odata()?;
    let extras = Extras {
        level: flag(&query, "pagelevel")?,
        lock: false,
    };
    let location = call.location()?;
    let container = container(ctx.state, call.user, location)?;
    let state = &*ctx.state;
    let items: Vec<Map<String, Value>> = state
        .pages()
        .filter(|p| section.is_none_or(|s| p.section_id == s))
        .filter(|p| {
            state
                .notebook_of(&p.id)
                .is_some_and(|n| n.container == container)
        })
        .filter(|p| state.role(call.user, &p.id).is_some())
        .map(|p| {
            page_json(
                ctx,
                call.version(),
                location,
                p,
                extras,
                query.expands("parentNotebook"),
            )
        })
        .collect();
    let context = ctx.context(
        call.version(),
        &format!("{}/notes/pages", location_context(location)),
    );
    let page = query.collection(
        items,
        odata::NEWEST_FIRST,
        ctx.settings.page_size,
        context,
        |q| ctx.same_path(call, q),
    );
    Ok(Reply::json(200, page))
}

/// `GET pages`: every page the caller can read at the location, newest change first.
pub(crate) fn list_all(ctx: &mut Ctx<'_>, call: &Call<'_>) -> Result<Reply, ApiError> {
    listing(ctx, call, None)
}

/// `GET sections/{id}/pages`.
pub(crate) fn list(ctx: &mut Ctx<'_>, call: &Call<'_>, section: &str) -> Result<Reply, ApiError> {
    visible(ctx.state, call, Holder::Section, section)?;
    require(
        ctx.state,
        call.user,
        section,
        Role::Reader,
        "listing a section's pages",
    )?;
    listing(ctx, call, Some(section))
}

/// `GET pages/{id}` (`pagelevel=true` adds `level` and `order`; `blockEditsInClientStartDate=true`
/// the lock date, when the page has one).
pub(crate) fn get(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    let query = call.odata()?;
    let extras = Extras {
        level: flag(&query, "pagelevel")?,
        lock: flag(&query, "blockEditsInClientStartDate")?,
    };
    let page = visible_page(ctx, call, id)?;
    let location = call.location()?;
    let mut body = page_json(
        ctx,
        call.version(),
        location,
        &page,
        extras,
        query.expands("parentNotebook"),
    );
    body.insert(
        "@odata.context".into(),
        json!(ctx.context(
            call.version(),
            &format!("{}/notes/pages/$entity", location_context(location))
        )),
    );
    Ok(Reply::json(200, Value::Object(query.select(body))))
}

/// `DELETE pages/{id}`.
pub(crate) fn delete(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    visible_page(ctx, call, id)?;
    require(
        ctx.state,
        call.user,
        id,
        Role::Contributor,
        "deleting a page",
    )?;
    ctx.state.remove_page(id);
    Ok(Reply::empty(204))
}

/// `PATCH pages/{id}/content`: change commands, all checked before any is applied.
pub(crate) fn update_content(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    id: &str,
) -> Result<Reply, ApiError> {
    let page = visible_page(ctx, call, id)?;
    require(
        ctx.state,
        call.user,
        id,
        Role::Contributor,
        "changing a page",
    )?;
    if !call.body.iter().all(u8::is_ascii_whitespace) && call.body.first() != Some(&b'[') {
        let trimmed = String::from_utf8_lossy(call.body);
        if !trimmed.trim_start().starts_with('[') {
            return Err(ApiError::new(
                400,
                "20109",
                "The PATCH body must be a JSON array of change commands ({\"target\", \"action\", \
                 \"position\", \"content\"}).",
            ));
        }
    }
    let commands: Vec<onenote_api::PatchContentCommand> = call.json_array_as("change commands")?;
    let (title, content) = page_content::apply(&page.title, &page.content, &commands)?;
    let now = ctx.now;
    if let Some(stored) = ctx.state.page_mut(id) {
        stored.title = title;
        stored.content = content;
        stored.last_modified = now;
    }
    Ok(Reply::empty(204))
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
        require_teacher(
            ctx.state,
            call.user,
            &notebook_id,
            "locking a page of a class notebook",
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
                    super::request::json_kind(other)
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

/// `GET pages/{id}/content`: the stored HTML, resources as `…/resources/{id}/$value` URLs.
/// With `includeIDs=true` every element that content changes can target carries a generated
/// `id`; the ids are kept with the page, so a later PATCH can target them, and left out of the
/// HTML served without `includeIDs`.
pub(crate) fn get_content(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    let query = call.odata()?;
    let include_ids = flag(&query, "includeIDs")?;
    let page = visible_page(ctx, call, id)?;
    let mut html = page.content.clone();
    if include_ids {
        let with_ids = page_content::with_generated_ids(&html, || ctx.state.rng().guid());
        if with_ids != html {
            if let Some(stored) = ctx.state.page_mut(id) {
                stored.content.clone_from(&with_ids);
            }
            html = with_ids;
        }
    } else {
        html = page_content::without_generated_ids(&html);
    }
    let root = ctx.notes_root(call.version(), call.location()?);
    for resource in ctx.state.resources_of(id) {
        let mut url = format!("{root}/resources/");
        onenote_api::path::push_segment(&mut url, &resource.id);
        url.push_str("/$value");
        html = html.replace(&format!("{RESOURCE_REF}{}", resource.id), &url);
    }
    Ok(Reply::bytes(
        200,
        "text/html; charset=utf-8",
        bytes::Bytes::from(html),
    ))
}

/// `GET resources/{id}/$value`: the image or file's bytes, with the type they were sent as.
pub(crate) fn get_file(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    call.odata()?;
    let missing = || {
        ApiError::not_found(format!(
            "There is no resource with id '{id}' at this location that {} can read.",
            call.user
        ))
    };
    let resource = ctx.state.resource(id).cloned().ok_or_else(missing)?;
    visible_page(ctx, call, &resource.page_id).map_err(|_| missing())?;
    Ok(Reply::bytes(200, &resource.content_type, resource.bytes))
}

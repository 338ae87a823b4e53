//! Section groups and sections: every one at a location, those directly in a notebook or
//! section group, one by id, and creating one in a parent. They are alike, so one module
//! serves both.

use serde_json::{Map, Value, json};

use super::lookup::{container, require, visible};
use super::representation::{section_group_json, section_json, unread_fields};
use super::request::{Call, Ctx, Reply};
use super::urls::location_context;
use crate::error::ApiError;
use crate::odata;
use crate::route::Holder;
use crate::store::Role;

/// Which of the two a request is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entity {
    SectionGroup,
    Section,
}

impl Entity {
    fn set(self) -> &'static str {
        match self {
            Entity::SectionGroup => "sectiongroups",
            Entity::Section => "sections",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Entity::SectionGroup => "section group",
            Entity::Section => "section",
        }
    }

    fn holder(self) -> Holder {
        match self {
            Entity::SectionGroup => Holder::SectionGroup,
            Entity::Section => Holder::Section,
        }
    }
}

/// One item's JSON, with a section group's children when `$expand` asks.
fn item(
    ctx: &Ctx<'_>,
    call: &Call<'_>,
    kind: Entity,
    id: &str,
    query: &odata::Query,
) -> Result<Option<Map<String, Value>>, ApiError> {
    let location = call.location()?;
    let version = call.version();
    let state = &*ctx.state;
    Ok(match kind {
        Entity::Section => state
            .section(id)
            .map(|s| section_json(ctx, version, location, s)),
        Entity::SectionGroup => state.section_group(id).map(|group| {
            let mut body = section_group_json(ctx, version, location, group);
            if query.expands("sections") {
                let sections = state
                    .sections_in(&group.id)
                    .into_iter()
                    .filter(|s| state.can_see(call.user, &s.id))
                    .map(|s| Value::Object(section_json(ctx, version, location, s)))
                    .collect();
                body.insert("sections".into(), Value::Array(sections));
            }
            if query.expands("sectionGroups") {
                let groups = state
                    .section_groups_in(&group.id)
                    .filter(|g| state.can_see(call.user, &g.id))
                    .map(|g| Value::Object(section_group_json(ctx, version, location, g)))
                    .collect();
                body.insert("sectionGroups".into(), Value::Array(groups));
            }
            body
        }),
    })
}

/// The ids the caller can see: every one at the location, or those directly in `parent`.
fn ids(
    ctx: &Ctx<'_>,
    call: &Call<'_>,
    kind: Entity,
    parent: Option<&str>,
) -> Result<Vec<String>, ApiError> {
    let container = container(ctx.state, call.user, call.location()?)?;
    let state = &*ctx.state;
    let candidates: Vec<(String, String, String)> = match kind {
        Entity::Section => state
            .sections()
            .map(|s| (s.id.clone(), s.notebook_id.clone(), s.parent_id.clone()))
            .collect(),
        Entity::SectionGroup => state
            .section_groups()
            .map(|g| (g.id.clone(), g.notebook_id.clone(), g.parent_id.clone()))
            .collect(),
    };
    Ok(candidates
        .into_iter()
        .filter(|(id, notebook, parent_id)| {
            parent.is_none_or(|p| p == parent_id)
                && state
                    .notebook(notebook)
                    .is_some_and(|n| n.container == container)
                && state.can_see(call.user, id)
        })
        .map(|(id, _, _)| id)
        .collect())
}

fn listing(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    kind: Entity,
    parent: Option<&str>,
) -> Result<Reply, ApiError> {
    let query = call.odata()?;
    let mut items = Vec::new();
    for id in ids(ctx, call, kind, parent)? {
        items.extend(item(ctx, call, kind, &id, &query)?);
    }
    let location = call.location()?;
    let context = ctx.context(
        call.version(),
        &format!("{}/notes/{}", location_context(location), kind.set()),
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

/// `GET sectiongroups` and `GET sections`: every one at the location.
pub(crate) fn list_all(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    kind: Entity,
) -> Result<Reply, ApiError> {
    listing(ctx, call, kind, None)
}

/// `GET {notebooks|sectiongroups}/{id}/{sectiongroups|sections}`.
pub(crate) fn list_in(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    kind: Entity,
    parent: Holder,
    parent_id: &str,
) -> Result<Reply, ApiError> {
    visible(ctx.state, call, parent, parent_id)?;
    listing(ctx, call, kind, Some(parent_id))
}

/// `GET sectiongroups/{id}` and `GET sections/{id}`.
pub(crate) fn get(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    kind: Entity,
    id: &str,
) -> Result<Reply, ApiError> {
    let query = call.odata()?;
    visible(ctx.state, call, kind.holder(), id)?;
    let mut body = item(ctx, call, kind, id, &query)?.ok_or_else(|| {
        ApiError::not_found(format!("There is no {} with id '{id}'.", kind.noun()))
    })?;
    body.insert(
        "@odata.context".into(),
        json!(ctx.context(
            call.version(),
            &format!(
                "{}/notes/{}/$entity",
                location_context(call.location()?),
                kind.set()
            )
        )),
    );
    Ok(Reply::json(200, Value::Object(query.select(body))))
}

/// `POST {notebooks|sectiongroups}/{id}/{sectiongroups|sections}` with `{"name": …}`.
pub(crate) fn create(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    kind: Entity,
    parent: Holder,
    parent_id: &str,
) -> Result<Reply, ApiError> {
    visible(ctx.state, call, parent, parent_id)?;
    require(
        ctx.state,
        call.user,
        parent_id,
        Role::Contributor,
        &format!("creating a {}", kind.noun()),
    )?;
    call.odata()?;
    let name = match kind {
        Entity::SectionGroup => {
            call.json_as::<onenote_api::CreateSectionGroup>("CreateSectionGroup")?
                .name
        }
        Entity::Section => {
            call.json_as::<onenote_api::CreateSection>("CreateSection")?
                .name
        }
    };
    let taken = match kind {
        Entity::SectionGroup => ctx
            .state
            .section_groups_in(parent_id)
            .any(|g| g.name.eq_ignore_ascii_case(&name)),
        Entity::Section => ctx
            .state
            .sections_in(parent_id)
            .iter()
            .any(|s| s.name.eq_ignore_ascii_case(&name)),
    };
    if taken {
        return Err(ApiError::name_exists(&name));
    }
    let id = match kind {
        Entity::SectionGroup => ctx
            .state
            .add_section_group(None, parent_id, &name, None, call.user, ctx.now)?,
        Entity::Section => ctx
            .state
            .add_section(None, parent_id, &name, call.user, ctx.now)?,
    };
    ctx.state
        .keep_sent_fields(&id, unread_fields(&call.json_object()?, &["name"]));
    if let Some(notebook) = ctx.state.notebook_of(&id).map(|n| n.id.clone()) {
        ctx.state.touch(&notebook, call.user, ctx.now);
    }
    let empty = odata::Query::default();
    let mut body = item(ctx, call, kind, &id, &empty)?.unwrap_or_default();
    body.insert(
        "@odata.context".into(),
        json!(ctx.context(
            call.version(),
            &format!(
                "{}/notes/{}/$entity",
                location_context(call.location()?),
                kind.set()
            )
        )),
    );
    Ok(Reply::json(201, Value::Object(body)))
}

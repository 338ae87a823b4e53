//! Section groups and sections: every one at a location, those directly in a notebook or
//! section group, one by id, and creating one in a parent. They are alike, so one module
//! serves both.

use serde_json::{Map, Value, json};

use super::class_notebooks::check_name;
use super::notebooks::{entity_url, links, parent_ref, web_url};
use super::{Call, Ctx, Reply, container, display_name, location_context, require, visible};
use crate::error::ApiError;
use crate::odata::{self, Kind, Schema, Supported};
use crate::route::{Holder, Location};
use crate::store::{Role, Section, SectionGroup};

/// The longest section or section group name.
pub(crate) const MAX_NAME: usize = 50;

pub(crate) const SECTION_GROUP_SCHEMA: Schema = &[
    ("id", Kind::Text),
    ("name", Kind::Text),
    ("self", Kind::Text),
    ("createdBy", Kind::Text),
    ("createdTime", Kind::DateTime),
    ("lastModifiedBy", Kind::Text),
    ("lastModifiedTime", Kind::DateTime),
    ("sectionsUrl", Kind::Text),
    ("sectionGroupsUrl", Kind::Text),
    ("parentNotebook", Kind::Other),
    ("parentSectionGroup", Kind::Other),
    ("sections", Kind::Other),
    ("sectionGroups", Kind::Other),
];

pub(crate) const SECTION_SCHEMA: Schema = &[
    ("id", Kind::Text),
    ("name", Kind::Text),
    ("self", Kind::Text),
    ("createdBy", Kind::Text),
    ("createdTime", Kind::DateTime),
    ("lastModifiedBy", Kind::Text),
    ("lastModifiedTime", Kind::DateTime),
    ("isDefault", Kind::Boolean),
    ("pagesUrl", Kind::Text),
    ("links", Kind::Other),
    ("parentNotebook", Kind::Other),
    ("parentSectionGroup", Kind::Other),
];

const GROUP_EXPANDABLE: &[&str] = &[
    "sections",
    "sectionGroups",
    "parentNotebook",
    "parentSectionGroup",
];
const SECTION_EXPANDABLE: &[&str] = &["parentNotebook", "parentSectionGroup"];

/// Which of the two a request is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entity {
    SectionGroup,
    Section,
}

impl Entity {
    fn schema(self) -> Schema {
        match self {
            Entity::SectionGroup => SECTION_GROUP_SCHEMA,
            Entity::Section => SECTION_SCHEMA,
        }
    }

    fn expandable(self) -> &'static [&'static str] {
        match self {
            Entity::SectionGroup => GROUP_EXPANDABLE,
            Entity::Section => SECTION_EXPANDABLE,
        }
    }

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

/// `parentNotebook` and, when the parent is a section group, `parentSectionGroup`.
fn parents(
    ctx: &Ctx<'_>,
    version: &str,
    location: &Location,
    notebook_id: &str,
    parent_id: &str,
    body: &mut Map<String, Value>,
) {
    body.insert(
        "parentNotebook".into(),
        parent_ref(ctx, version, location, notebook_id),
    );
    let group = if ctx.state.section_group(parent_id).is_some() {
        parent_ref(ctx, version, location, parent_id)
    } else {
        Value::Null
    };
    body.insert("parentSectionGroup".into(), group);
}

/// A section group's JSON form.
pub(crate) fn section_group_json(
    ctx: &Ctx<'_>,
    version: &str,
    location: &Location,
    group: &SectionGroup,
) -> Map<String, Value> {
    let url = entity_url(ctx, version, location, "sectiongroups", &group.id);
    let by = display_name(ctx.state, &group.created_by);
    let mut body = Map::new();
    for (key, value) in [
        ("id", json!(group.id)),
        ("name", json!(group.name)),
        ("self", json!(url)),
        ("createdBy", json!(by)),
        ("createdTime", json!(group.created.to_string())),
        ("lastModifiedBy", json!(by)),
        ("lastModifiedTime", json!(group.created.to_string())),
        ("sectionsUrl", json!(format!("{url}/sections"))),
        ("sectionGroupsUrl", json!(format!("{url}/sectiongroups"))),
    ] {
        body.insert(key.to_owned(), value);
    }
    parents(
        ctx,
        version,
        location,
        &group.notebook_id,
        &group.parent_id,
        &mut body,
    );
    body
}

/// A section's JSON form.
pub(crate) fn section_json(
    ctx: &Ctx<'_>,
    version: &str,
    location: &Location,
    section: &Section,
) -> Map<String, Value> {
    let url = entity_url(ctx, version, location, "sections", &section.id);
    let by = display_name(ctx.state, &section.created_by);
    let web = ctx
        .state
        .notebook(&section.notebook_id)
        .map_or_else(String::new, |n| {
            let mut web = web_url(ctx.state, n);
            web.push('/');
            onenote_api::path::push_segment(&mut web, &section.name);
            web
        });
    let mut body = Map::new();
    for (key, value) in [
        ("id", json!(section.id)),
        ("name", json!(section.name)),
        ("self", json!(url)),
        ("createdBy", json!(by)),
        ("createdTime", json!(section.created.to_string())),
        ("lastModifiedBy", json!(by)),
        ("lastModifiedTime", json!(section.created.to_string())),
        ("isDefault", json!(false)),
        ("pagesUrl", json!(format!("{url}/pages"))),
        ("links", links(&web)),
    ] {
        body.insert(key.to_owned(), value);
    }
    parents(
        ctx,
        version,
        location,
        &section.notebook_id,
        &section.parent_id,
        &mut body,
    );
    body
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
    let supported = Supported {
        expand: kind.expandable(),
        ..Supported::LIST
    };
    let query = odata::parse(call.query, &supported, kind.schema())?;
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
    let supported = Supported {
        expand: kind.expandable(),
        ..Supported::SELECT
    };
    let query = odata::parse(call.query, &supported, kind.schema())?;
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
    odata::parse(call.query, &Supported::NONE, kind.schema())?;
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
    check_name(&name, kind.noun(), MAX_NAME)?;
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

//! Notebooks (class notebooks included, without their class properties): list, get and
//! create at a location, and the JSON every notebook shares.

use onenote_api::DateTime;
use serde_json::{Map, Value, json};

use super::sections::{section_group_json, section_json};
use super::{
    Call, Ctx, Reply, container, container_owners, display_name, location_context, may_create_in,
    visible,
};
use crate::error::ApiError;
use crate::odata::{self, Kind, Schema, Supported};
use crate::route::{Holder, Location};
use crate::store::{Container, Grantee, Notebook, Role, State};

/// The properties of a notebook's JSON form.
pub(crate) const SCHEMA: Schema = &[
    ("id", Kind::Text),
    ("name", Kind::Text),
    ("self", Kind::Text),
    ("createdBy", Kind::Text),
    ("createdTime", Kind::DateTime),
    ("lastModifiedBy", Kind::Text),
    ("lastModifiedTime", Kind::DateTime),
    ("isDefault", Kind::Boolean),
    ("isShared", Kind::Boolean),
    ("userRole", Kind::Text),
    ("sectionsUrl", Kind::Text),
    ("sectionGroupsUrl", Kind::Text),
    ("links", Kind::Other),
    ("sections", Kind::Other),
    ("sectionGroups", Kind::Other),
];

const EXPANDABLE: &[&str] = &["sections", "sectionGroups"];

const LIST: Supported = Supported {
    expand: EXPANDABLE,
    ..Supported::LIST
};

const GET: Supported = Supported {
    expand: EXPANDABLE,
    ..Supported::SELECT
};

/// The longest notebook name.
pub(crate) const MAX_NAME: usize = 128;

/// `{notes root}/{set}/{id}`, the id encoded as one segment.
pub(crate) fn entity_url(
    ctx: &Ctx<'_>,
    version: &str,
    location: &Location,
    set: &str,
    id: &str,
) -> String {
    let mut url = format!("{}/{set}/", ctx.notes_root(version, location));
    onenote_api::path::push_segment(&mut url, id);
    url
}

/// `{"id", "name", "self"}` of a parent, as the service expands parents by default.
pub(crate) fn parent_ref(ctx: &Ctx<'_>, version: &str, location: &Location, id: &str) -> Value {
    let state = &*ctx.state;
    let (set, name) = if let Some(notebook) = state.notebook(id) {
        ("notebooks", notebook.name.clone())
    } else if let Some(group) = state.section_group(id) {
        ("sectiongroups", group.name.clone())
    } else if let Some(section) = state.section(id) {
        ("sections", section.name.clone())
    } else {
        return Value::Null;
    };
    json!({ "id": id, "name": name, "self": entity_url(ctx, version, location, set, id) })
}

/// Where OneNote on the web would open the notebook (a plausible SharePoint URL).
pub(crate) fn web_url(state: &State, notebook: &Notebook) -> String {
    let domain = &state.tenant().domain;
    let tenant = domain.split('.').next().unwrap_or(domain);
    let mut name = String::new();
    onenote_api::path::push_segment(&mut name, &notebook.name);
    match &notebook.container {
        Container::OneDrive(upn) => {
            let alias: String = upn
                .chars()
                .map(|c| if c == '@' || c == '.' { '_' } else { c })
                .collect();
            format!(
                "https://{tenant}-my.sharepoint.com/personal/{alias}/Documents/Notebooks/{name}"
            )
        }
        Container::Group(id) => {
            format!("https://{tenant}.sharepoint.com/sites/{id}/SiteAssets/{name}")
        }
        Container::Site { collection, site } => {
            state.tenant().find_site(collection, site).map_or_else(
                || format!("https://{tenant}.sharepoint.com/SiteAssets/{name}"),
                |s| format!("{}/SiteAssets/{name}", s.url.trim_end_matches('/')),
            )
        }
    }
}

/// `links` for a web URL.
pub(crate) fn links(web: &str) -> Value {
    json!({
        "oneNoteClientUrl": { "href": format!("onenote:{web}") },
        "oneNoteWebUrl": { "href": web },
    })
}

/// The properties every notebook has, as they look to `user`; `set` is the entity set its
/// `self` names (`notebooks`, or `classNotebooks` for the class form).
pub(crate) fn notebook_json(
    ctx: &Ctx<'_>,
    version: &str,
    location: &Location,
    user: &str,
    notebook: &Notebook,
    set: &str,
) -> Map<String, Value> {
    let state = &*ctx.state;
    let url = |set: &str| entity_url(ctx, version, location, set, &notebook.id);
    // A student holds roles only inside a class notebook; they see it as a Reader.
    let role = state.role(user, &notebook.id).unwrap_or(Role::Reader);
    let shared = state
        .permissions(&notebook.id)
        .keys()
        .any(|g| *g != Grantee::user(&notebook.created_by));
    let mut body = Map::new();
    for (key, value) in [
        ("id", json!(notebook.id)),
        ("name", json!(notebook.name)),
        ("self", json!(url(set))),
        (
            "createdBy",
            json!(display_name(state, &notebook.created_by)),
        ),
        ("createdTime", json!(notebook.created.to_string())),
        (
            "lastModifiedBy",
            json!(display_name(state, &notebook.last_modified_by)),
        ),
        (
            "lastModifiedTime",
            json!(notebook.last_modified.to_string()),
        ),
        ("isDefault", json!(false)),
        ("isShared", json!(shared || notebook.class.is_some())),
        ("userRole", json!(role.as_str())),
        (
            "sectionsUrl",
            json!(format!("{}/sections", url("notebooks"))),
        ),
        (
            "sectionGroupsUrl",
            json!(format!("{}/sectionGroups", url("notebooks"))),
        ),
        ("links", links(&web_url(state, notebook))),
    ] {
        body.insert(key.to_owned(), value);
    }
    body
}

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

/// Makes a regular notebook: the container's owners and its creator own it; a group's or
/// site's members may edit it (its library's roles, inherited).
pub(crate) fn create_now(
    state: &mut State,
    now: DateTime,
    container: &Container,
    creator: &str,
    name: &str,
    wanted_id: Option<&str>,
) -> Result<String, ApiError> {
    may_create_in(state, creator, container)?;
    super::class_notebooks::check_name(name, "notebook", MAX_NAME)?;
    if state
        .notebooks()
        .any(|n| n.container == *container && n.name.eq_ignore_ascii_case(name))
    {
        return Err(ApiError::name_exists(name));
    }
    let id = state.add_notebook(wanted_id, name, container.clone(), creator, now)?;
    for owner in container_owners(state, container) {
        state.grant(&id, Grantee::user(&owner), Role::Owner);
    }
    state.grant(&id, Grantee::user(creator), Role::Owner);
    match container {
        Container::Group(group) => state.grant(&id, Grantee::group(group), Role::Contributor),
        Container::Site { collection, site } => {
            let members = state
                .tenant()
                .find_site(collection, site)
                .map(|s| s.members.clone())
                .unwrap_or_default();
            for member in members {
                state.grant(&id, Grantee::user(&member), Role::Contributor);
            }
        }
        Container::OneDrive(_) => {}
    }
    Ok(id)
}

/// `GET notebooks`.
pub(crate) fn list(ctx: &mut Ctx<'_>, call: &Call<'_>) -> Result<Reply, ApiError> {
    let location = call.location()?;
    let container = container(ctx.state, call.user, location)?;
    let query = odata::parse(call.query, &LIST, SCHEMA)?;
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
    let query = odata::parse(call.query, &GET, SCHEMA)?;
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
    odata::parse(call.query, &Supported::NONE, SCHEMA)?;
    let body: onenote_api::CreateNotebook = call.json_as("CreateNotebook")?;
    let id = create_now(ctx.state, ctx.now, &container, call.user, &body.name, None)?;
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

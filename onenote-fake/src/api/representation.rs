//! The JSON forms of notebooks, class notebooks, section groups, sections, pages and
//! principals as the service writes them, made to the response type's table: every answer
//! carries the fields its table names and no other ([`conform`]), and a created entity's
//! fields the fake computes nothing for are answered as they were sent.

use onenote_api::schema::{Api, ResponseSchema, Shape};
use serde_json::{Map, Value, json};

use super::lookup::display_name;
use super::request::Ctx;
use super::urls::{links, web_url};
use crate::route::Location;
use crate::store::{Grantee, Member, Notebook, Page, Role, Section, SectionGroup, State};

/// Keeps, in `body`, the fields the response's table names (recursively: a list's items, an
/// object's object fields), and the OData annotations (`@odata.context`, …), which are not
/// fields. A page keeps its `@odata` links and conforms each of its `value` items.
pub(crate) fn conform(api: &Api, response: &ResponseSchema, body: &mut Value) {
    match response {
        ResponseSchema::Json(shape) => conform_value(api, *shape, body),
        ResponseSchema::Page(shape) => {
            if let Some(Value::Array(items)) = body.get_mut("value") {
                for item in items {
                    conform_value(api, *shape, item);
                }
            }
        }
        ResponseSchema::Empty | ResponseSchema::Text | ResponseSchema::Bytes => {}
    }
}

fn conform_value(api: &Api, shape: Shape, value: &mut Value) {
    match (shape, value) {
        (Shape::List(inner), Value::Array(items)) => {
            for item in items {
                conform_value(api, *inner, item);
            }
        }
        (Shape::Named(_), Value::Object(members)) => {
            let Some((_, fields)) = api.object_of(shape) else {
                return;
            };
            members.retain(|key, _| {
                key.starts_with('@')
                    || fields
                        .iter()
                        .any(|f| f.name == key || f.aliases.contains(&key.as_str()))
            });
            for field in fields {
                if let Some(value) = members.get_mut(field.name) {
                    conform_value(api, field.shape, value);
                }
            }
        }
        _ => {}
    }
}

/// The body's fields other than `read` (the ones a create's handler interprets), to keep
/// with the entity and answer back ([`State::keep_sent_fields`]).
pub(crate) fn unread_fields(body: &Map<String, Value>, read: &[&str]) -> Map<String, Value> {
    body.iter()
        .filter(|(key, _)| !read.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// Adds the fields `id` was created with that the fake does not compute, where `body` has
/// none of that name.
fn with_sent_fields(state: &State, id: &str, body: &mut Map<String, Value>) {
    for (key, value) in state.sent_fields(id).into_iter().flatten() {
        body.entry(key.clone()).or_insert_with(|| value.clone());
    }
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
    json!({ "id": id, "name": name, "self": ctx.entity_url(version, location, set, id) })
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
    let url = |set: &str| ctx.entity_url(version, location, set, &notebook.id);
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
    with_sent_fields(state, &notebook.id, &mut body);
    body
}

/// The class notebook's JSON form, as `userRole` etc. look to `user`: a notebook's
/// properties and the class ones.
pub(crate) fn class_notebook_json(
    ctx: &Ctx<'_>,
    version: &str,
    location: &Location,
    user: &str,
    notebook: &Notebook,
    teachers: bool,
    students: bool,
) -> Map<String, Value> {
    let mut body = notebook_json(ctx, version, location, user, notebook, "classNotebooks");
    if let Some(class) = &notebook.class {
        body.insert("studentSections".into(), json!(class.student_sections));
        if teachers {
            let teachers = class.teachers.iter().map(principal_json).collect();
            body.insert("teachers".into(), Value::Array(teachers));
        }
        if students {
            let students = class.students.iter().map(principal_json).collect();
            body.insert("students".into(), Value::Array(students));
        }
        body.insert(
            "hasTeacherOnlySectionGroup".into(),
            json!(class.has_teacher_only_section_group),
        );
    }
    body
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
    let url = ctx.entity_url(version, location, "sectiongroups", &group.id);
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
    with_sent_fields(ctx.state, &group.id, &mut body);
    body
}

/// A section's JSON form.
pub(crate) fn section_json(
    ctx: &Ctx<'_>,
    version: &str,
    location: &Location,
    section: &Section,
) -> Map<String, Value> {
    let url = ctx.entity_url(version, location, "sections", &section.id);
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
    with_sent_fields(ctx.state, &section.id, &mut body);
    body
}

/// What a page's JSON includes besides its metadata.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Extras {
    /// `pagelevel=true`: `level` and `order`.
    pub(crate) level: bool,
    /// `blockEditsInClientStartDate=true`: the lock date, when there is one.
    pub(crate) lock: bool,
}

/// A page's JSON form; `parentSection` always (the service's default expansion),
/// `parentNotebook` when expanded.
pub(crate) fn page_json(
    ctx: &Ctx<'_>,
    version: &str,
    location: &Location,
    page: &Page,
    extras: Extras,
    notebook: bool,
) -> Map<String, Value> {
    let state = &*ctx.state;
    let url = ctx.entity_url(version, location, "pages", &page.id);
    let web = state.notebook_of(&page.id).map_or_else(String::new, |n| {
        let mut web = web_url(state, n);
        web.push_str("?wdpageid=");
        onenote_api::path::push_segment(&mut web, &page.id);
        web
    });
    let mut body = Map::new();
    for (key, value) in [
        ("id", json!(page.id)),
        ("self", json!(url)),
        ("title", json!(page.title)),
        ("createdByAppId", json!("onenote-fake")),
        ("createdTime", json!(page.created.to_string())),
        ("lastModifiedTime", json!(page.last_modified.to_string())),
        ("contentUrl", json!(format!("{url}/content"))),
        ("links", links(&web)),
        (
            "parentSection",
            parent_ref(ctx, version, location, &page.section_id),
        ),
    ] {
        body.insert(key.to_owned(), value);
    }
    if notebook && let Some(parent) = state.notebook_of(&page.id) {
        body.insert(
            "parentNotebook".into(),
            parent_ref(ctx, version, location, &parent.id),
        );
    }
    if extras.level {
        let order = state
            .pages_in_order(&page.section_id)
            .iter()
            .position(|p| p.id == page.id)
            .unwrap_or(0);
        body.insert("level".into(), json!(0));
        body.insert("order".into(), json!(order));
    }
    if extras.lock
        && let Some(lock) = page.lock
    {
        body.insert(
            "blockEditsInClientStartDate".into(),
            json!(lock.to_string()),
        );
    }
    body
}

/// A page's metadata as `createPage` answers it.
pub(crate) fn metadata_json(
    ctx: &Ctx<'_>,
    version: &str,
    location: &Location,
    page: &Page,
) -> Map<String, Value> {
    page_json(ctx, version, location, page, Extras::default(), false)
}

/// The JSON of a principal (`teachers`, `students`).
pub(crate) fn principal_json(member: &Member) -> Value {
    json!({ "id": member.id, "principalType": member.kind.as_str() })
}

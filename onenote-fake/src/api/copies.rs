//! Copies: a notebook (`copyNotebook`), a section into a notebook or a section group
//! (`copyToNotebook`, `copyToSectionGroup`) and a page into a section (`copyToSection`). Each is
//! asynchronous: the request is checked (the source, the body, the destination's group or
//! site), answered `202 Accepted` with an `Operation-Location`, and the copy is made when the
//! operation finishes, so a destination that is missing or not writable, or a name that is
//! taken, is the operation's `error`.

use onenote_api::DateTime;

use super::creation::create_notebook;
use super::lookup::{container, require, visible};
use super::operations::{Job, accept_copy};
use super::request::{Call, Ctx, Reply};
use crate::error::ApiError;
use crate::route::{Holder, Location};
use crate::store::{Container, RESOURCE_REF, Role, State};

/// What to copy where, as accepted.
#[derive(Clone, Debug)]
struct Copy {
    kind: Kind,
    source: String,
    /// Where the copy goes, and the location its URL is written at.
    location: Location,
    container: Container,
    rename: Option<String>,
}

#[derive(Clone, Debug)]
enum Kind {
    Notebook,
    /// Into the notebook or section group `destination`.
    Section {
        into: Holder,
        destination: String,
    },
    /// Into the section `destination`.
    Page {
        destination: String,
    },
}

/// `POST notebooks/{id}/copyNotebook`; `{}` or no body copies to the call's location.
pub(crate) fn copy_notebook(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    id: &str,
) -> Result<Reply, ApiError> {
    visible(ctx.state, call, Holder::Notebook, id)?;
    require(ctx.state, call.user, id, Role::Reader, "copying a notebook")?;
    let body: onenote_api::CopyNotebook = if call.body.iter().all(u8::is_ascii_whitespace) {
        onenote_api::CopyNotebook::default()
    } else {
        call.json_as("CopyNotebook")?
    };
    let (location, container) = destination(
        ctx,
        call,
        body.group_id.as_deref(),
        body.site_collection_id.as_deref(),
        body.site_id.as_deref(),
    )?;
    let copy = Copy {
        kind: Kind::Notebook,
        source: id.to_owned(),
        location,
        container,
        rename: body.rename_as,
    };
    accept_copy(ctx, call, copy)
}

/// `POST sections/{id}/copyToNotebook` and `…/copyToSectionGroup`.
pub(crate) fn copy_section(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    id: &str,
    into: Holder,
) -> Result<Reply, ApiError> {
    visible(ctx.state, call, Holder::Section, id)?;
    require(ctx.state, call.user, id, Role::Reader, "copying a section")?;
    let body: onenote_api::CopySection = call.json_as("CopySection")?;
    let (location, container) = destination(
        ctx,
        call,
        body.group_id.as_deref(),
        body.site_collection_id.as_deref(),
        body.site_id.as_deref(),
    )?;
    let copy = Copy {
        kind: Kind::Section {
            into,
            destination: body.id,
        },
        source: id.to_owned(),
        location,
        container,
        rename: body.rename_as,
    };
    accept_copy(ctx, call, copy)
}

/// `POST pages/{id}/copyToSection`.
pub(crate) fn copy_page(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    let here = container(ctx.state, call.user, call.location()?)?;
    let readable = ctx.state.page(id).is_some()
        && ctx
            .state
            .notebook_of(id)
            .is_some_and(|n| n.container == here)
        && ctx.state.role(call.user, id).is_some();
    if !readable {
        return Err(ApiError::not_found(format!(
            "There is no page with id '{id}' at this location that {} can read.",
            call.user
        )));
    }
    let body: onenote_api::CopyPage = call.json_as("CopyPage")?;
    let (location, container) = destination(
        ctx,
        call,
        body.group_id.as_deref(),
        body.site_collection_id.as_deref(),
        body.site_id.as_deref(),
    )?;
    let copy = Copy {
        kind: Kind::Page {
            destination: body.id,
        },
        source: id.to_owned(),
        location,
        container,
        rename: None,
    };
    accept_copy(ctx, call, copy)
}

/// The destination a copy body names: a group, a site (both ids), or the call's location.
fn destination(
    ctx: &Ctx<'_>,
    call: &Call<'_>,
    group: Option<&str>,
    collection: Option<&str>,
    site: Option<&str>,
) -> Result<(Location, Container), ApiError> {
    let location = match (group, collection, site) {
        (None, None, None) => call.location()?.clone(),
        (Some(group), None, None) => Location::Group(group.to_owned()),
        (None, Some(collection), Some(site)) => Location::Site {
            collection: collection.to_owned(),
            site: site.to_owned(),
        },
        (None, _, _) => {
            return Err(ApiError::invalid_body(
                "siteCollectionId and siteId go together: send both to copy to a SharePoint \
                 site, or neither.",
            ));
        }
        (Some(_), _, _) => {
            return Err(ApiError::invalid_body(
                "Send groupId to copy to a group, or siteCollectionId and siteId to copy to a \
                 site, not both.",
            ));
        }
    };
    let container = container(ctx.state, call.user, &location)?;
    Ok((location, container))
}

impl Job for Copy {
    /// Makes the copy; returns the new entity's URL and id.
    fn run(
        &self,
        ctx: &mut Ctx<'_>,
        by: &str,
        version: &str,
    ) -> Result<(String, String), ApiError> {
        run(ctx, by, version, self)
    }
}

fn run(
    ctx: &mut Ctx<'_>,
    by: &str,
    version: &str,
    copy: &Copy,
) -> Result<(String, String), ApiError> {
    let now = ctx.now;
    let state = &mut *ctx.state;
    let size = state.subtree(&copy.source).len();
    if size == 0 {
        return Err(ApiError::not_found(format!(
            "The copy's source '{}' no longer exists.",
            copy.source
        )));
    }
    state.ensure_room(size)?;
    let (set, id) = match &copy.kind {
        Kind::Notebook => {
            let name = match &copy.rename {
                Some(name) => name.clone(),
                None => state
                    .notebook(&copy.source)
                    .map(|n| n.name.clone())
                    .unwrap_or_default(),
            };
            let id = create_notebook(state, now, &copy.container, by, &name, None)?;
            copy_children(state, &copy.source, &id, by, now)?;
            ("notebooks", id)
        }
        Kind::Section { into, destination } => {
            writable(state, by, &copy.container, *into, destination)?;
            let name = match &copy.rename {
                Some(name) => name.clone(),
                None => state
                    .section(&copy.source)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
            };
            if state
                .sections_in(destination)
                .iter()
                .any(|s| s.name.eq_ignore_ascii_case(&name))
            {
                return Err(ApiError::name_exists(&name));
            }
            let id = copy_section_into(state, &copy.source, destination, &name, by, now)?;
            ("sections", id)
        }
        Kind::Page { destination } => {
            writable(state, by, &copy.container, Holder::Section, destination)?;
            let id = copy_page_into(state, &copy.source, destination, now)?;
            ("pages", id)
        }
    };
    if let Some(notebook) = state.notebook_of(&id).map(|n| n.id.clone()) {
        state.touch(&notebook, by, now);
    }
    let mut url = format!("{}/{set}/", ctx.notes_root(version, &copy.location));
    onenote_api::path::push_segment(&mut url, &id);
    Ok((url, id))
}

/// Checks that the destination exists in the destination's container and that `by` may add
/// to it.
fn writable(
    state: &State,
    by: &str,
    container: &Container,
    holder: Holder,
    id: &str,
) -> Result<(), ApiError> {
    let exists = match holder {
        Holder::Notebook => state.notebook(id).is_some(),
        Holder::SectionGroup => state.section_group(id).is_some(),
        Holder::Section => state.section(id).is_some(),
    };
    let in_place = state
        .notebook_of(id)
        .is_some_and(|n| n.container == *container);
    if !exists || !in_place || !state.can_see(by, id) {
        return Err(ApiError::not_found(format!(
            "There is no destination {} with id '{id}' that {by} can see.",
            holder.noun()
        )));
    }
    require(state, by, id, Role::Contributor, "copying into it")
}

/// Copies the section groups and sections directly in `from` (and all inside them) into `to`.
fn copy_children(
    state: &mut State,
    from: &str,
    to: &str,
    by: &str,
    now: DateTime,
) -> Result<(), ApiError> {
    let groups: Vec<(String, String)> = state
        .section_groups_in(from)
        .map(|g| (g.id.clone(), g.name.clone()))
        .collect();
    for (group, name) in groups {
        let copy = state.add_section_group(None, to, &name, None, by, now)?;
        copy_children(state, &group, &copy, by, now)?;
    }
    let sections: Vec<(String, String)> = state
        .sections_in(from)
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    for (section, name) in sections {
        copy_section_into(state, &section, to, &name, by, now)?;
    }
    Ok(())
}

/// A new section `name` in `parent` with copies of the pages of `section`.
fn copy_section_into(
    state: &mut State,
    section: &str,
    parent: &str,
    name: &str,
    by: &str,
    now: DateTime,
) -> Result<String, ApiError> {
    let copy = state.add_section(None, parent, name, by, now)?;
    let pages: Vec<String> = state
        .pages_in_order(section)
        .iter()
        .map(|p| p.id.clone())
        .collect();
    for page in pages {
        copy_page_into(state, &page, &copy, now)?;
    }
    Ok(copy)
}

/// A copy of the page (title, HTML, images and files, under new ids) in `section`.
fn copy_page_into(
    state: &mut State,
    page: &str,
    section: &str,
    now: DateTime,
) -> Result<String, ApiError> {
    let Some(source) = state.page(page).cloned() else {
        return Err(ApiError::not_found(format!(
            "The page '{page}' no longer exists."
        )));
    };
    let copy = state.add_page(None, section, &source.title, Some(&source.content), now)?;
    let resources: Vec<_> = state.resources_of(page).cloned().collect();
    let mut content = source.content;
    for resource in resources {
        let id = state.add_resource(&copy, &resource.content_type, resource.bytes);
        content = content.replace(
            &format!("{}{}", RESOURCE_REF, resource.id),
            &format!("{}{id}", RESOURCE_REF),
        );
    }
    if let Some(stored) = state.page_mut(&copy) {
        stored.content = content;
    }
    Ok(copy)
}

//! Finding what a call names, as the caller may see it: the container behind a location, a
//! notebook, section group, section or class notebook by id, and the role a call needs.

use super::request::Call;
use crate::error::ApiError;
use crate::route::{Holder, Location};
use crate::store::{Container, Notebook, Role, State};

/// The container a location names for this caller, checking that it exists and that the
/// caller may use it (a member of the group or site; any user's OneDrive can be addressed,
/// what is shared there decides what they see).
pub(crate) fn container(
    state: &State,
    user: &str,
    location: &Location,
) -> Result<Container, ApiError> {
    let tenant = state.tenant();
    let is = |list: &[String]| list.iter().any(|u| u.eq_ignore_ascii_case(user));
    match location {
        Location::Me => Ok(Container::OneDrive(user.to_ascii_lowercase())),
        Location::User(id) => match state.user(id) {
            Some(found) => Ok(Container::OneDrive(found.upn.to_ascii_lowercase())),
            None => Err(ApiError::not_found(format!(
                "There is no user '{id}' in the tenant."
            ))),
        },
        Location::Group(id) => {
            let Some(group) = tenant.find_group(id) else {
                return Err(ApiError::new(
                    404,
                    "20160",
                    format!("There is no unified group with id '{id}'."),
                ));
            };
            if !is(&group.owners) && !is(&group.members) {
                return Err(ApiError::access_denied(format!(
                    "{user} is not a member of the group '{}'.",
                    group.display_name
                )));
            }
            Ok(Container::Group(group.id.to_ascii_lowercase()))
        }
        Location::Site { collection, site } => {
            let Some(found) = tenant.find_site(collection, site) else {
                return Err(ApiError::not_found(format!(
                    "There is no site with site collection id '{collection}' and site id '{site}'."
                )));
            };
            if !is(&found.owners) && !is(&found.members) {
                return Err(ApiError::access_denied(format!(
                    "{user} is not a member of the site {}.",
                    found.url
                )));
            }
            Ok(Container::Site {
                collection: found.site_collection_id.to_ascii_lowercase(),
                site: found.site_id.to_ascii_lowercase(),
            })
        }
    }
}

/// Checks that the notebook, section group or section `id` exists at the request's location
/// and that the caller can see it (404 otherwise, so its existence is not revealed).
pub(crate) fn visible(
    state: &State,
    call: &Call<'_>,
    holder: Holder,
    id: &str,
) -> Result<(), ApiError> {
    let container = container(state, call.user, call.location()?)?;
    let exists = match holder {
        Holder::Notebook => state.notebook(id).is_some(),
        Holder::SectionGroup => state.section_group(id).is_some(),
        Holder::Section => state.section(id).is_some(),
    };
    let in_place = state
        .notebook_of(id)
        .is_some_and(|n| n.container == container);
    if exists && in_place && state.can_see(call.user, id) {
        return Ok(());
    }
    Err(ApiError::not_found(format!(
        "There is no {} with id '{id}' at this location that {} can see.",
        holder.noun(),
        call.user
    )))
}

/// Requires the caller's role on an entity to be at least `needed`.
pub(crate) fn require(
    state: &State,
    user: &str,
    entity_id: &str,
    needed: Role,
    doing: &str,
) -> Result<(), ApiError> {
    let role = state.role(user, entity_id);
    if role.is_some_and(|r| r >= needed) {
        return Ok(());
    }
    let has = role.map_or("no role".to_owned(), |r| format!("the role {}", r.as_str()));
    let message = format!("{user} has {has} here; {doing} needs {}.", needed.as_str());
    Err(if needed == Role::Owner || needed == Role::Reader {
        ApiError::access_denied(message)
    } else {
        ApiError::write_denied(message)
    })
}

/// Requires the caller to teach the class notebook (or own it): Contributor of the notebook
/// itself, which its students never are (they hold roles only inside it). Locking pages and
/// distributing them are a teacher's task.
pub(crate) fn require_teacher(
    state: &State,
    user: &str,
    notebook_id: &str,
    doing: &str,
) -> Result<(), ApiError> {
    require(
        state,
        user,
        notebook_id,
        Role::Contributor,
        &format!("{doing} (a teacher's task)"),
    )
}

/// The display name of a UPN, or the UPN when it is not a user of the tenant.
pub(crate) fn display_name(state: &State, upn: &str) -> String {
    state
        .user(upn)
        .map_or_else(|| upn.to_owned(), |u| u.display_name.clone())
}

/// The class notebook with this id, wherever it is.
pub(crate) fn class_notebook_by_id<'s>(
    state: &'s State,
    notebook_id: &str,
) -> Result<&'s Notebook, ApiError> {
    state
        .notebook(notebook_id)
        .filter(|n| n.class.is_some())
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "There is no class notebook with id '{notebook_id}'."
            ))
        })
}

/// The class notebook `id` at the request's location, if the caller can see it.
pub(crate) fn visible_class_notebook<'s>(
    state: &'s State,
    call: &Call<'_>,
    id: &str,
) -> Result<&'s Notebook, ApiError> {
    let container = container(state, call.user, call.location()?)?;
    state
        .notebook(id)
        .filter(|n| n.class.is_some() && n.container == container && state.can_see(call.user, id))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "There is no class notebook with id '{id}' at this location that {} can see.",
                call.user
            ))
        })
}

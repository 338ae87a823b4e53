//! What every create checks: that the caller may create where they ask (the names were
//! checked on receipt, against the spec's rules); and making a regular notebook, which
//! notebooks and their copies share.

use onenote_api::DateTime;

use crate::error::ApiError;
use crate::store::{Container, Grantee, Role, State};

/// Whether the caller may create notebooks in the container: their own OneDrive, a group or
/// site they belong to (checked by [`container`]); another user's OneDrive only as a tenant
/// administrator.
pub(crate) fn may_create_in(
    state: &State,
    user: &str,
    container: &Container,
) -> Result<(), ApiError> {
    match container {
        Container::OneDrive(owner) if !owner.eq_ignore_ascii_case(user) => {
            if state.user(user).is_some_and(|u| u.admin) {
                Ok(())
            } else {
                Err(ApiError::write_denied(format!(
                    "{user} cannot create notebooks in {owner}'s OneDrive; only {owner} or a \
                     tenant administrator can."
                )))
            }
        }
        _ => Ok(()),
    }
}

/// Makes a regular notebook: the document library's roles apply to it (see
/// [`State::library_grants`]), and its creator owns it.
pub(crate) fn create_notebook(
    state: &mut State,
    now: DateTime,
    container: &Container,
    creator: &str,
    name: &str,
    wanted_id: Option<&str>,
) -> Result<String, ApiError> {
    may_create_in(state, creator, container)?;
    if state
        .notebooks()
        .any(|n| n.container == *container && n.name.eq_ignore_ascii_case(name))
    {
        return Err(ApiError::name_exists(name));
    }
    let id = state.add_notebook(wanted_id, name, container.clone(), creator, now)?;
    grant_creator(state, &id, creator);
    Ok(id)
}

/// The creator owns the notebook they made: Owner of it, unless the document library already
/// makes them its Owner (then there is nothing to grant, and nothing to delete later).
pub(crate) fn grant_creator(state: &mut State, notebook_id: &str, creator: &str) {
    let by_library = state
        .library_grants(notebook_id)
        .contains(&(Grantee::user(creator), Role::Owner));
    if !by_library {
        state.grant(notebook_id, Grantee::user(creator), Role::Owner);
    }
}

//! Turns a tenant's seeded notebooks into state: class notebooks exactly as
//! `POST classNotebooks` makes them, regular ones with the roles their container gives.

use onenote_api::DateTime;

use crate::api::class_notebooks::{CreateRequest, create_now};
use crate::api::creation::create_notebook;
use crate::error::ApiError;
use crate::store::{Container, State};
use crate::tenant::{
    ConfigError, LocationSeed, NotebookSeed, SectionGroupSeed, SectionSeed, Tenant,
};

/// The state a tenant starts with.
pub(crate) fn state(
    tenant: &Tenant,
    seed: u64,
    max_entities: usize,
    now: DateTime,
) -> Result<State, ConfigError> {
    tenant
        .check()
        .map_err(|message| ConfigError::new("tenant", message))?;
    let mut state = State::new(tenant.clone(), seed, max_entities);
    for (i, notebook) in tenant.notebooks.iter().enumerate() {
        seed_notebook(&mut state, notebook, now).map_err(|error| {
            ConfigError::new("tenant", format!("notebooks[{i}]: {}", error.message))
        })?;
    }
    Ok(state)
}

fn seed_notebook(state: &mut State, seed: &NotebookSeed, now: DateTime) -> Result<(), ApiError> {
    let tenant = state.tenant();
    let container = match &seed.location {
        LocationSeed::User(upn) => Container::OneDrive(upn.to_ascii_lowercase()),
        LocationSeed::Group(id) => Container::Group(id.to_ascii_lowercase()),
        LocationSeed::Site(url) => {
            let site = tenant
                .find_site_by_url(url)
                .ok_or_else(|| ApiError::not_found(format!("no site at {url}")))?;
            Container::Site {
                collection: site.site_collection_id.to_ascii_lowercase(),
                site: site.site_id.to_ascii_lowercase(),
            }
        }
    };
    let creator = seed
        .created_by
        .clone()
        .or_else(|| state.container_owners(&container).into_iter().next())
        .or_else(|| state.tenant().users.first().map(|u| u.upn.clone()))
        .unwrap_or_default();
    let id = match &seed.class {
        Some(class) => {
            let request = CreateRequest::from_seed(&seed.name, class);
            create_now(
                state,
                now,
                &container,
                &creator,
                &request,
                seed.id.as_deref(),
            )?
        }
        None => create_notebook(
            state,
            now,
            &container,
            &creator,
            &seed.name,
            seed.id.as_deref(),
        )?,
    };
    for section in &seed.sections {
        seed_section(state, &id, section, &creator, now)?;
    }
    for group in &seed.section_groups {
        seed_section_group(state, &id, group, &creator, now, 0)?;
    }
    Ok(())
}

fn seed_section_group(
    state: &mut State,
    parent: &str,
    seed: &SectionGroupSeed,
    by: &str,
    now: DateTime,
    depth: usize,
) -> Result<(), ApiError> {
    if depth > 16 {
        return Err(ApiError::bad_request("section groups nest deeper than 16"));
    }
    let id = state.add_section_group(seed.id.as_deref(), parent, &seed.name, None, by, now)?;
    for section in &seed.sections {
        seed_section(state, &id, section, by, now)?;
    }
    for group in &seed.section_groups {
        seed_section_group(state, &id, group, by, now, depth + 1)?;
    }
    Ok(())
}

fn seed_section(
    state: &mut State,
    parent: &str,
    seed: &SectionSeed,
    by: &str,
    now: DateTime,
) -> Result<(), ApiError> {
    let id = state.add_section(seed.id.as_deref(), parent, &seed.name, by, now)?;
    for page in &seed.pages {
        state.add_page(
            page.id.as_deref(),
            &id,
            &page.title,
            page.content.as_deref(),
            now,
        )?;
    }
    Ok(())
}

//! URLs and OData contexts: a location as a path and as a context, and where OneNote on the
//! web would open a notebook.

use serde_json::{Value, json};

use crate::route::Location;
use crate::store::{Container, Notebook, State};

/// A location's path, encoded as the client encodes it (`users/teacher1%40contoso.com`).
pub(crate) fn location_path(location: &Location) -> String {
    let mut path = String::new();
    match location {
        Location::Me => path.push_str("me"),
        Location::User(id) => {
            path.push_str("users/");
            onenote_api::path::push_segment(&mut path, id);
        }
        Location::Group(id) => {
            path.push_str("myOrganization/groups/");
            onenote_api::path::push_segment(&mut path, id);
        }
        Location::Site { collection, site } => {
            path.push_str("myOrganization/siteCollections/");
            onenote_api::path::push_segment(&mut path, collection);
            path.push_str("/sites/");
            onenote_api::path::push_segment(&mut path, site);
        }
    }
    path
}

/// A location as OData contexts write it (`users('teacher1%40contoso.com')`).
pub(crate) fn location_context(location: &Location) -> String {
    let literal = |value: &str| {
        let mut text = String::from("('");
        onenote_api::path::push_odata_string(&mut text, value);
        text.push_str("')");
        text
    };
    match location {
        Location::Me => "me".to_owned(),
        Location::User(id) => format!("users{}", literal(id)),
        Location::Group(id) => format!("myOrganization/groups{}", literal(id)),
        Location::Site { collection, site } => format!(
            "myOrganization/siteCollections{}/sites{}",
            literal(collection),
            literal(site)
        ),
    }
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

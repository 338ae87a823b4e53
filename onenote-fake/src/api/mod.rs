//! The API's behaviour: one routed, authenticated request against the state, answered as the
//! service answers. One module per area of the spec; this one dispatches and holds what they
//! share (the request, the reply, URLs, locations).

pub(crate) mod class_notebooks;
mod copies;
pub(crate) mod members;
mod multipart;
pub(crate) mod notebooks;
pub(crate) mod operations;
mod page_content;
mod page_create;
pub(crate) mod pages;
pub(crate) mod permissions;
pub(crate) mod sections;
pub(crate) mod sites;

use std::time::Instant;

use onenote_api::DateTime;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::route::{Endpoint, Holder, Location, Target};
use crate::store::{Container, Role, State};

pub use operations::AsyncPace;
pub(crate) use operations::Work;

/// Server settings the handlers need.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// `http://127.0.0.1:{port}`.
    pub(crate) origin: String,
    /// Items per page before `@odata.nextLink`.
    pub(crate) page_size: usize,
    pub(crate) pace: AsyncPace,
}

/// One request, routed and authenticated.
pub(crate) struct Call<'a> {
    /// The path as sent (for next links).
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) body: &'a [u8],
    pub(crate) content_type: Option<&'a str>,
    /// `Prefer: respond-async` was sent.
    pub(crate) respond_async: bool,
    /// The caller's UPN, as the tenant spells it.
    pub(crate) user: &'a str,
    pub(crate) target: &'a Target,
}

impl Call<'_> {
    pub(crate) fn version(&self) -> &'static str {
        self.target.version
    }

    /// The notes location (every endpoint but the version-root `FromUrl` has one).
    pub(crate) fn location(&self) -> Result<&Location, ApiError> {
        self.target
            .location
            .as_ref()
            .ok_or_else(|| ApiError::not_found("This endpoint has no location."))
    }

    /// The body as a JSON object; a clear 400 otherwise.
    pub(crate) fn json_object(&self) -> Result<Map<String, Value>, ApiError> {
        if let Some(content_type) = self.content_type {
            let essence = content_type
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if essence != "application/json" {
                return Err(ApiError::new(
                    415,
                    "20131",
                    format!(
                        "The Content-Type '{content_type}' is not supported here: send \
                         application/json."
                    ),
                ));
            }
        }
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::missing(
                "The request needs a JSON body, and it has none.",
            ));
        }
        match serde_json::from_slice::<Value>(self.body) {
            Ok(Value::Object(object)) => Ok(object),
            Ok(other) => Err(ApiError::invalid_body(format!(
                "The body must be a JSON object, not {}.",
                json_kind(&other)
            ))),
            Err(error) => Err(ApiError::invalid_body(format!(
                "The body is not valid JSON: {error}."
            ))),
        }
    }

    /// The body as a JSON array of `T` (content change commands); 400 with code 20109 when it
    /// is not an array.
    pub(crate) fn json_array_as<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
    ) -> Result<Vec<T>, ApiError> {
        let value: Value = serde_json::from_slice(self.body).map_err(|error| {
            ApiError::new(
                400,
                "20109",
                format!("The PATCH body is not valid JSON: {error}."),
            )
        })?;
        if !value.is_array() {
            return Err(ApiError::new(
                400,
                "20109",
                format!(
                    "The PATCH body must be a JSON array of {what}, not {}.",
                    json_kind(&value)
                ),
            ));
        }
        serde_json::from_value(value).map_err(|error| {
            ApiError::new(
                400,
                "20109",
                format!("The PATCH body is not a list of {what}: {error}."),
            )
        })
    }

    /// The body decoded as one of the client's (spec-generated) request types.
    pub(crate) fn json_as<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
    ) -> Result<T, ApiError> {
        let object = self.json_object()?;
        serde_json::from_value(Value::Object(object)).map_err(|error| {
            ApiError::invalid_body(format!("The body is not a valid {what}: {error}."))
        })
    }
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A reply's body: JSON (most answers), or bytes of a given type (page HTML, page files).
#[derive(Debug)]
pub(crate) enum Content {
    Json(Value),
    Bytes {
        content_type: String,
        bytes: bytes::Bytes,
    },
}

/// What a handler answers.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// Headers beyond the ones every answer has: `Location` or `Operation-Location` of a
    /// 202 Accepted (absolute URLs).
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Content>,
}

impl Reply {
    pub(crate) fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(Content::Json(body)),
        }
    }

    pub(crate) fn bytes(status: u16, content_type: &str, bytes: bytes::Bytes) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(Content::Bytes {
                content_type: content_type.to_owned(),
                bytes,
            }),
        }
    }

    pub(crate) fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: None,
        }
    }
}

/// The state and settings one request runs against.
pub(crate) struct Ctx<'a> {
    pub(crate) state: &'a mut State,
    pub(crate) settings: &'a Settings,
    pub(crate) now: DateTime,
    pub(crate) instant: Instant,
}

impl Ctx<'_> {
    /// `{origin}/api/{version}`: the version root URLs are built from.
    pub(crate) fn version_root(&self, version: &str) -> String {
        format!("{}/api/{version}", self.settings.origin)
    }

    /// `{version root}/{location}/notes`.
    pub(crate) fn notes_root(&self, version: &str, location: &Location) -> String {
        format!(
            "{}/{}/notes",
            self.version_root(version),
            location_path(location)
        )
    }

    /// An OData context URL: `{version root}/$metadata#{fragment}`.
    pub(crate) fn context(&self, version: &str, fragment: &str) -> String {
        format!("{}/$metadata#{fragment}", self.version_root(version))
    }

    /// The absolute URL of the request's own path with another query (for next links).
    pub(crate) fn same_path(&self, call: &Call<'_>, query: &str) -> String {
        if query.is_empty() {
            format!("{}{}", self.settings.origin, call.path)
        } else {
            format!("{}{}?{query}", self.settings.origin, call.path)
        }
    }
}

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

/// The UPNs that own everything in a container: the OneDrive's user, the group's or the
/// site's owners.
pub(crate) fn container_owners(state: &State, container: &Container) -> Vec<String> {
    let tenant = state.tenant();
    match container {
        Container::OneDrive(upn) => vec![upn.clone()],
        Container::Group(id) => tenant
            .find_group(id)
            .map(|g| g.owners.iter().map(|o| o.to_ascii_lowercase()).collect())
            .unwrap_or_default(),
        Container::Site { collection, site } => tenant
            .find_site(collection, site)
            .map(|s| s.owners.iter().map(|o| o.to_ascii_lowercase()).collect())
            .unwrap_or_default(),
    }
}

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

/// The display name of a UPN, or the UPN when it is not a user of the tenant.
pub(crate) fn display_name(state: &State, upn: &str) -> String {
    state
        .user(upn)
        .map_or_else(|| upn.to_owned(), |u| u.display_name.clone())
}

/// Answers one request.
pub(crate) fn dispatch(ctx: &mut Ctx<'_>, call: &Call<'_>) -> Result<Reply, ApiError> {
    use Endpoint as E;
    match &call.target.endpoint {
        E::ListClassNotebooks => class_notebooks::list(ctx, call),
        E::CreateClassNotebook => class_notebooks::create(ctx, call),
        E::GetClassNotebook(id) => class_notebooks::get(ctx, call, id),
        E::UpdateClassNotebook(id) => class_notebooks::update(ctx, call, id),
        E::DeleteClassNotebook(id) => class_notebooks::delete(ctx, call, id),
        E::CopySectionsToContentLibrary(id) => class_notebooks::copy_sections(ctx, call, id),
        E::DistributePageToStudent { notebook, page } => {
            class_notebooks::distribute_page(ctx, call, notebook, page)
        }
        E::RepairNotebook(id) => class_notebooks::repair(ctx, call, id),
        E::TransferClassNotebook(id) => class_notebooks::transfer(ctx, call, id),
        E::UpdateMembership => members::update_membership(ctx, call),
        E::AddMember(id, role) => members::add(ctx, call, id, *role),
        E::RemoveMember(id, role, member) => members::remove(ctx, call, id, *role, member),
        E::ListPermissions(holder, id) => permissions::list(ctx, call, *holder, id),
        E::CreatePermission(holder, id) => permissions::create(ctx, call, *holder, id),
        E::GetPermission(holder, id, permission) => {
            permissions::get(ctx, call, *holder, id, permission)
        }
        E::DeletePermission(holder, id, permission) => {
            permissions::delete(ctx, call, *holder, id, permission)
        }
        E::GetOperation(id) => operations::get(ctx, call, id),
        E::ListNotebooks => notebooks::list(ctx, call),
        E::CreateNotebook => notebooks::create(ctx, call),
        E::GetNotebook(id) => notebooks::get(ctx, call, id),
        E::ListAllSectionGroups => sections::list_all(ctx, call, sections::Entity::SectionGroup),
        E::GetSectionGroup(id) => sections::get(ctx, call, sections::Entity::SectionGroup, id),
        E::ListSectionGroups(parent, id) => {
            sections::list_in(ctx, call, sections::Entity::SectionGroup, *parent, id)
        }
        E::CreateSectionGroup(parent, id) => {
            sections::create(ctx, call, sections::Entity::SectionGroup, *parent, id)
        }
        E::ListAllSections => sections::list_all(ctx, call, sections::Entity::Section),
        E::GetSection(id) => sections::get(ctx, call, sections::Entity::Section, id),
        E::ListSections(parent, id) => {
            sections::list_in(ctx, call, sections::Entity::Section, *parent, id)
        }
        E::CreateSection(parent, id) => {
            sections::create(ctx, call, sections::Entity::Section, *parent, id)
        }
        E::ListAllPages => pages::list_all(ctx, call),
        E::ListPages(section) => pages::list(ctx, call, section),
        E::GetPage(id) => pages::get(ctx, call, id),
        E::DeletePage(id) => pages::delete(ctx, call, id),
        E::UpdatePageContent(id) => pages::update_content(ctx, call, id),
        E::UpdatePageLock(id) => pages::update_lock(ctx, call, id),
        E::GetSiteMetadataFromUrl(url) => sites::from_url(ctx, call, url),
        E::CreatePage(section) => page_create::create(ctx, call, Some(section)),
        E::CreatePageInDefaultNotebook => page_create::create(ctx, call, None),
        E::GetPageContent(id) => pages::get_content(ctx, call, id),
        E::GetPageFileContent(id) => pages::get_file(ctx, call, id),
        E::CopyNotebook(id) => copies::copy_notebook(ctx, call, id),
        E::CopySection(id, into) => copies::copy_section(ctx, call, id, *into),
        E::CopyPage(id) => copies::copy_page(ctx, call, id),
    }
}

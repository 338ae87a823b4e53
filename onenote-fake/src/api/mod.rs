//! The API's behaviour: one routed, authenticated request against the state, answered as the
//! service answers.
//!
//! Two layers, imported one way. The handlers, one module per area of the spec, each answer
//! their requests and import no other handler: `class_notebooks`, `members`, `notebooks`,
//! `sections`, `pages`, `page_create`, `permissions`, `copies`, `sites`, `operation_status`.
//! Below them, what they share: `request` (the call, the reply, the context), `urls`,
//! `lookup` (what a call names, as the caller may see it), `creation` (names and where one may
//! create), `representation` (the JSON forms), `classroom` (teachers' and students' roles),
//! `operations` (the asynchronous engine, which runs the [`operations::Job`] a handler gives
//! it), and the parsers `multipart` and `page_content`. This module only dispatches.

pub(crate) mod class_notebooks;
mod classroom;
mod copies;
pub(crate) mod creation;
mod lookup;
mod members;
mod multipart;
mod notebooks;
mod operation_status;
pub(crate) mod operations;
mod page_content;
mod page_create;
mod pages;
mod permissions;
mod representation;
mod request;
mod sections;
mod sites;
mod urls;

pub(crate) use operations::Work;
pub use request::AsyncPace;
pub(crate) use request::{Call, Content, Ctx, Reply, Settings};

use crate::error::ApiError;
use crate::route::{self, Endpoint};

/// What a request that routes nowhere gets: `405 Method Not Allowed` and the methods served
/// there (for `Allow`) when the path is served for other methods, `404` otherwise.
pub(crate) fn unrouted(method: &str, path: &str) -> (ApiError, Option<String>) {
    let allowed = route::allowed(path);
    if allowed.is_empty() {
        let error = ApiError::not_found(format!(
            "The OneNote API has no {method} endpoint at '{path}' (the fake serves the routes of \
             the spec: https://www.onenote.com/api/{{version}}/{{location}}/notes/…)."
        ));
        return (error, None);
    }
    let allow = allowed.join(", ");
    let error = ApiError::new(
        405,
        "10017",
        format!("The OneNote API has no {method} endpoint at '{path}'; it takes {allow} there."),
    );
    (error, Some(allow))
}

/// Answers one request, once it keeps its operation's rules, with the fields its response's
/// table names.
pub(crate) fn dispatch(ctx: &mut Ctx<'_>, call: &Call<'_>) -> Result<Reply, ApiError> {
    call.check()?;
    let mut reply = handle(ctx, call)?;
    if let Some(Content::Json(body)) = &mut reply.body
        && (200..300).contains(&reply.status)
    {
        representation::conform(call.api, &call.operation.response, body);
    }
    Ok(reply)
}

/// The handler of the request's endpoint.
fn handle(ctx: &mut Ctx<'_>, call: &Call<'_>) -> Result<Reply, ApiError> {
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
        E::GetOperation(id) => operation_status::get(ctx, call, id),
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

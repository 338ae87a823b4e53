//! Class notebooks: create (with a section group per student, the content library, the
//! collaboration space and, when asked, the teacher-only section group), list and get with
//! OData, update, delete, copy sections into the content library, distribute a page to a
//! student, repair, and transfer.

use onenote_api::DateTime;
use serde_json::{Map, Value, json};

use super::classroom::{
    dedupe, ensure_student_group, grant_class_roles, grant_roles_of, member_from, unknown,
};
use super::creation::{grant_creator, may_create_in};
use super::lookup::{
    class_notebook_by_id, container, require, require_teacher, visible_class_notebook,
};
use super::operations::{self, Job};
use super::representation::{class_notebook_json, unread_fields};
use super::request::{Call, Ctx, Reply};
use super::urls::location_context;
use crate::error::ApiError;
use crate::odata;
use crate::route::Location;
use crate::store::{
    ClassNotebookInfo, ClassSectionGroup, Container, Grantee, Member, PrincipalKind, Role, State,
};

/// A `POST classNotebooks`, checked for shape (the rest is checked when it is carried out).
#[derive(Clone, Debug)]
pub(crate) struct CreateRequest {
    pub(crate) name: String,
    pub(crate) student_sections: Vec<String>,
    pub(crate) teachers: Vec<Member>,
    pub(crate) students: Vec<Member>,
    pub(crate) teacher_only: bool,
    pub(crate) language: String,
    pub(crate) send_email: bool,
    /// The body's fields this module does not read, kept with the notebook.
    pub(crate) sent: Map<String, Value>,
}

impl CreateRequest {
    /// A request from a seed file (people are persons).
    pub(crate) fn from_seed(name: &str, class: &crate::tenant::ClassSeed) -> Self {
        let people = |upns: &[String]| {
            upns.iter()
                .map(|upn| Member {
                    id: upn.clone(),
                    kind: PrincipalKind::Person,
                })
                .collect()
        };
        Self {
            name: name.to_owned(),
            student_sections: class.student_sections.clone(),
            teachers: people(&class.teachers),
            students: people(&class.students),
            teacher_only: class.has_teacher_only_section_group,
            language: "en-us".to_owned(),
            send_email: false,
            sent: Map::new(),
        }
    }
}

/// One of the 38 languages for `omkt`, as 001's list writes it (checked on receipt against
/// the spec's closed list, as the client checks it before sending).
fn language(code: &str) -> Result<onenote_api::Language, ApiError> {
    match onenote_api::Language::from(code) {
        onenote_api::Language::Unknown(_) => Err(ApiError::bad_request(format!(
            "omkt={code} is not one of the 38 supported languages (bg-bg, cs-cz, de-de, \
             en-us, …, sr-Latn-RS, zh-tw); the default is en-us."
        ))),
        known => Ok(known),
    }
}

fn parse_create(call: &Call<'_>) -> Result<CreateRequest, ApiError> {
    let query = call.odata()?;
    let language = match query.param("omkt") {
        None => "en-us".to_owned(),
        Some(code) => language(code)?.as_str().to_owned(),
    };
    let send_email = match query.param("sendemail") {
        None => false,
        Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "sendemail takes true or false, not {other:?}."
            )));
        }
    };
    let body: onenote_api::CreateClassNotebook = call.json_as("CreateClassNotebook")?;
    let sent = unread_fields(
        &call.json_object()?,
        &[
            "name",
            "studentSections",
            "teachers",
            "students",
            "hasTeacherOnlySectionGroup",
        ],
    );
    let people = |list: Option<Vec<onenote_api::Principal>>| -> Result<Vec<Member>, ApiError> {
        let members = list
            .unwrap_or_default()
            .iter()
            .map(member_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(dedupe(members))
    };
    Ok(CreateRequest {
        name: body.name,
        student_sections: body.student_sections.unwrap_or_default(),
        teachers: people(body.teachers)?,
        students: people(body.students)?,
        teacher_only: body.has_teacher_only_section_group.unwrap_or(false),
        language,
        send_email,
        sent,
    })
}

/// Carries out a create: checks names, people and room, then makes the notebook, its
/// section groups and sections, and grants the roles. Nothing is made when a check fails.
pub(crate) fn create_now(
    state: &mut State,
    now: DateTime,
    container: &Container,
    creator: &str,
    request: &CreateRequest,
    wanted_id: Option<&str>,
) -> Result<String, ApiError> {
    may_create_in(state, creator, container)?;
    if state
        .notebooks()
        .any(|n| n.container == *container && n.name.eq_ignore_ascii_case(&request.name))
    {
        return Err(ApiError::name_exists(&request.name));
    }
    let everyone: Vec<Member> = request
        .teachers
        .iter()
        .chain(&request.students)
        .cloned()
        .collect();
    let missing = unknown(state, &everyone);
    if !missing.is_empty() {
        return Err(ApiError::users_not_found(&missing));
    }
    let per_student = 1usize.saturating_add(request.student_sections.len());
    state.ensure_room(4usize.saturating_add(request.students.len().saturating_mul(per_student)))?;

    let id = state.add_notebook(wanted_id, &request.name, container.clone(), creator, now)?;
    state.keep_sent_fields(&id, request.sent.clone());
    let library = state.add_section_group(
        None,
        &id,
        "_Content Library",
        Some(ClassSectionGroup::ContentLibrary),
        creator,
        now,
    )?;
    let space = state.add_section_group(
        None,
        &id,
        "_Collaboration Space",
        Some(ClassSectionGroup::CollaborationSpace),
        creator,
        now,
    )?;
    let teacher_only = if request.teacher_only {
        Some(state.add_section_group(
            None,
            &id,
            "_Teacher Only",
            Some(ClassSectionGroup::TeacherOnly),
            creator,
            now,
        )?)
    } else {
        None
    };
    if let Some(notebook) = state.notebook_mut(&id) {
        notebook.class = Some(ClassNotebookInfo {
            language: request.language.clone(),
            student_sections: request.student_sections.clone(),
            teachers: request.teachers.clone(),
            students: request.students.clone(),
            has_teacher_only_section_group: teacher_only.is_some(),
            content_library: library,
            collaboration_space: space,
            teacher_only,
        });
    }
    for student in &request.students {
        ensure_student_group(state, &id, student, creator, now)?;
    }
    grant_class_roles(state, &id);
    grant_creator(state, &id, creator);
    if request.send_email {
        for person in &everyone {
            state.record_email(&person.id, &id);
        }
    }
    Ok(id)
}

fn entity_context(ctx: &Ctx<'_>, call: &Call<'_>, location: &Location) -> String {
    ctx.context(
        call.version(),
        &format!(
            "{}/notes/classNotebooks/$entity",
            location_context(location)
        ),
    )
}

/// `POST classNotebooks`.
pub(crate) fn create(ctx: &mut Ctx<'_>, call: &Call<'_>) -> Result<Reply, ApiError> {
    let location = call.location()?;
    let container = container(ctx.state, call.user, location)?;
    may_create_in(ctx.state, call.user, &container)?;
    let request = parse_create(call)?;
    if call.respond_async {
        let job = CreateJob {
            location: location.clone(),
            container,
            request,
        };
        return Ok(operations::accept(ctx, call, "classnotebook", job));
    }
    let id = create_now(ctx.state, ctx.now, &container, call.user, &request, None)?;
    let notebook = class_notebook_by_id(ctx.state, &id)?;
    let mut body = class_notebook_json(
        ctx,
        call.version(),
        location,
        call.user,
        notebook,
        true,
        true,
    );
    body.insert(
        "@odata.context".into(),
        json!(entity_context(ctx, call, location)),
    );
    Ok(Reply::json(201, Value::Object(body)))
}

/// `GET classNotebooks`.
pub(crate) fn list(ctx: &mut Ctx<'_>, call: &Call<'_>) -> Result<Reply, ApiError> {
    let location = call.location()?;
    let container = container(ctx.state, call.user, location)?;
    let query = call.odata()?;
    let items: Vec<Map<String, Value>> = ctx
        .state
        .notebooks()
        .filter(|n| n.class.is_some() && n.container == container)
        .filter(|n| ctx.state.can_see(call.user, &n.id))
        .map(|n| {
            class_notebook_json(
                ctx,
                call.version(),
                location,
                call.user,
                n,
                query.expands("teachers"),
                query.expands("students"),
            )
        })
        .collect();
    let context = ctx.context(
        call.version(),
        &format!("{}/notes/classNotebooks", location_context(location)),
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

/// `GET classNotebooks/{id}`.
pub(crate) fn get(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    let location = call.location()?;
    let query = call.odata()?;
    let notebook = visible_class_notebook(ctx.state, call, id)?;
    let mut body = class_notebook_json(
        ctx,
        call.version(),
        location,
        call.user,
        notebook,
        query.expands("teachers"),
        query.expands("students"),
    );
    body.insert(
        "@odata.context".into(),
        json!(entity_context(ctx, call, location)),
    );
    Ok(Reply::json(200, Value::Object(query.select(body))))
}

/// `PATCH classNotebooks/{id}`: only `{"hasTeacherOnlySectionGroup": true}`.
pub(crate) fn update(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    visible_class_notebook(ctx.state, call, id)?;
    require(
        ctx.state,
        call.user,
        id,
        Role::Contributor,
        "changing a class notebook",
    )?;
    let body = call.json_object()?;
    let mut teacher_only = None;
    for (key, value) in &body {
        if key.starts_with('@') {
            continue;
        }
        if key != "hasTeacherOnlySectionGroup" {
            return Err(ApiError::invalid_body(format!(
                "Only hasTeacherOnlySectionGroup can be changed on a class notebook, not '{key}'."
            )));
        }
        match value {
            Value::Bool(true) => teacher_only = Some(true),
            Value::Bool(false) => {
                return Err(ApiError::bad_request(
                    "hasTeacherOnlySectionGroup: false is not supported; a teacher-only section \
                     group cannot be removed this way.",
                ));
            }
            other => {
                return Err(ApiError::invalid_body(format!(
                    "hasTeacherOnlySectionGroup must be true, not {}.",
                    super::request::json_kind(other)
                )));
            }
        }
    }
    if teacher_only.is_none() {
        return Err(ApiError::missing(
            "The body names nothing to change: send {\"hasTeacherOnlySectionGroup\": true}.",
        ));
    }
    let exists = class_notebook_by_id(ctx.state, id)?
        .class
        .as_ref()
        .is_some_and(|c| c.teacher_only.is_some());
    if !exists {
        let group = ctx.state.add_section_group(
            None,
            id,
            "_Teacher Only",
            Some(ClassSectionGroup::TeacherOnly),
            call.user,
            ctx.now,
        )?;
        if let Some(class) = ctx.state.notebook_mut(id).and_then(|n| n.class.as_mut()) {
            class.teacher_only = Some(group);
            class.has_teacher_only_section_group = true;
        }
    }
    ctx.state.touch(id, call.user, ctx.now);
    Ok(Reply::empty(204))
}

/// `DELETE classNotebooks/{id}`.
pub(crate) fn delete(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    visible_class_notebook(ctx.state, call, id)?;
    require(
        ctx.state,
        call.user,
        id,
        Role::Contributor,
        "deleting a class notebook",
    )?;
    ctx.state.remove_notebook(id);
    Ok(Reply::empty(204))
}

/// `POST classNotebooks/{id}/copySectionsToContentLibrary`.
pub(crate) fn copy_sections(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    id: &str,
) -> Result<Reply, ApiError> {
    let notebook = visible_class_notebook(ctx.state, call, id)?;
    let library = notebook
        .class
        .as_ref()
        .map(|c| c.content_library.clone())
        .unwrap_or_default();
    require(
        ctx.state,
        call.user,
        &library,
        Role::Contributor,
        "copying into the content library",
    )?;
    let body: onenote_api::CopySectionsToContentLibrary =
        call.json_as("CopySectionsToContentLibrary")?;
    let mut ids: Vec<String> = Vec::new();
    for section in body.section_ids {
        if !ids.contains(&section) {
            ids.push(section);
        }
    }
    if ids.is_empty() {
        return Err(ApiError::missing(
            "sectionIds is empty: name at least one section.",
        ));
    }
    let state = &*ctx.state;
    let mut names: Vec<String> = state
        .sections_in(&library)
        .iter()
        .map(|s| s.name.to_lowercase())
        .collect();
    let mut needed = 0usize;
    for section_id in &ids {
        let readable = state
            .section(section_id)
            .filter(|_| state.role(call.user, section_id).is_some());
        let Some(section) = readable else {
            return Err(ApiError::not_found(format!(
                "There is no section with id '{section_id}' that {} can read.",
                call.user
            )));
        };
        let name = section.name.to_lowercase();
        if names.contains(&name) {
            return Err(ApiError::name_exists(&section.name));
        }
        names.push(name);
        needed = needed
            .saturating_add(1)
            .saturating_add(state.pages_in(section_id).len());
    }
    ctx.state.ensure_room(needed)?;
    for section_id in &ids {
        copy_section(ctx.state, section_id, &library, call.user, ctx.now)?;
    }
    ctx.state.touch(id, call.user, ctx.now);
    Ok(Reply::empty(201))
}

fn copy_section(
    state: &mut State,
    section_id: &str,
    into: &str,
    by: &str,
    now: DateTime,
) -> Result<String, ApiError> {
    let name = state
        .section(section_id)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let pages: Vec<(String, String)> = state
        .pages_in(section_id)
        .iter()
        .map(|p| (p.title.clone(), p.content.clone()))
        .collect();
    let copy = state.add_section(None, into, &name, by, now)?;
    for (title, content) in pages {
        state.add_page(None, &copy, &title, Some(&content), now)?;
    }
    Ok(copy)
}

/// `POST classNotebooks/{id}/pages('{page}')/Microsoft.OneNote.Api.DistributePageToStudent`.
pub(crate) fn distribute_page(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    notebook_id: &str,
    page_id: &str,
) -> Result<Reply, ApiError> {
    let notebook = visible_class_notebook(ctx.state, call, notebook_id)?;
    require_teacher(
        ctx.state,
        call.user,
        notebook_id,
        "distributing a page to a student",
    )?;
    let class = notebook.class.clone().unwrap_or_else(unreachable_class);
    let page = ctx
        .state
        .page(page_id)
        .filter(|_| ctx.state.role(call.user, page_id).is_some())
        .cloned()
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "There is no page with id '{page_id}' that {} can read.",
                call.user
            ))
        })?;
    let body: onenote_api::DistributePageToStudent = call.json_as("DistributePageToStudent")?;
    let upn = body.student_user_principal_name;
    let Some(student) = class
        .students
        .iter()
        .find(|m| m.kind == PrincipalKind::Person && m.is(&upn))
        .cloned()
    else {
        return Err(ApiError::not_found(format!(
            "'{upn}' is not a student of the class notebook '{}'.",
            notebook.name
        )));
    };
    let group = ensure_student_group(ctx.state, notebook_id, &student, call.user, ctx.now)?;
    require(
        ctx.state,
        call.user,
        &group,
        Role::Contributor,
        "distributing a page to a student",
    )?;
    let assignment = body.assignment_id.filter(|a| !a.is_empty());
    if body.ignore_if_student_page_exists == Some(true)
        && let Some(assignment) = &assignment
    {
        let subtree = ctx.state.subtree(&group);
        let existing = ctx
            .state
            .pages()
            .find(|p| subtree.contains(&p.id) && p.assignment_id.as_ref() == Some(assignment));
        if let Some(existing) = existing {
            return Ok(student_page(ctx, call, &existing.id.clone()));
        }
    }
    let target = ctx
        .state
        .sections_in(&group)
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(&body.target_section_name))
        .map(|s| s.id.clone());
    ctx.state.ensure_room(2)?;
    let section = match target {
        Some(section) => section,
        None => {
            ctx.state
                .add_section(None, &group, &body.target_section_name, call.user, ctx.now)?
        }
    };
    let copy = ctx
        .state
        .add_page(None, &section, &page.title, Some(&page.content), ctx.now)?;
    if let Some(made) = ctx.state.page_mut(&copy) {
        made.lock = Some(body.lock_start_date);
        made.assignment_id = assignment;
        made.distributed_from = Some(page.id.clone());
    }
    ctx.state.touch(notebook_id, call.user, ctx.now);
    Ok(student_page(ctx, call, &copy))
}

fn unreachable_class() -> ClassNotebookInfo {
    // `visible_class_notebook` only returns class notebooks; an empty class is a safe default.
    ClassNotebookInfo {
        language: String::new(),
        student_sections: Vec::new(),
        teachers: Vec::new(),
        students: Vec::new(),
        has_teacher_only_section_group: false,
        content_library: String::new(),
        collaboration_space: String::new(),
        teacher_only: None,
    }
}

fn student_page(ctx: &Ctx<'_>, call: &Call<'_>, id: &str) -> Reply {
    Reply::json(
        200,
        json!({ "@odata.context": ctx.context(call.version(), "Edm.String"), "value": id }),
    )
}

/// `POST classNotebooks/{id}/Microsoft.OneNote.Api.RepairNotebook`.
pub(crate) fn repair(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    let students = visible_class_notebook(ctx.state, call, id)?
        .class
        .as_ref()
        .map(|c| c.students.clone())
        .unwrap_or_default();
    require(
        ctx.state,
        call.user,
        id,
        Role::Contributor,
        "repairing a class notebook",
    )?;
    for student in &students {
        ensure_student_group(ctx.state, id, student, call.user, ctx.now)?;
    }
    grant_class_roles(ctx.state, id);
    Ok(Reply::empty(204))
}

/// A transfer, checked for shape.
#[derive(Clone, Debug)]
pub(crate) struct TransferRequest {
    pub(crate) source: Member,
    pub(crate) destination: Member,
    pub(crate) name: String,
}

/// `POST classNotebooks/{id}/Microsoft.OneNote.Api.classnotebooktransfer` (asynchronous only;
/// tenant administrators only). The notebook is found by id anywhere in the tenant: the
/// documents' example calls it on `me` as an administrator.
pub(crate) fn transfer(ctx: &mut Ctx<'_>, call: &Call<'_>, id: &str) -> Result<Reply, ApiError> {
    let admin = ctx.state.user(call.user).is_some_and(|u| u.admin);
    if !admin {
        return Err(ApiError::access_denied(format!(
            "Transferring a class notebook requires tenant administrator privileges; {} is not \
             a tenant administrator.",
            call.user
        )));
    }
    class_notebook_by_id(ctx.state, id)?;
    let body: onenote_api::ClassNotebookTransferBody = call.json_as("ClassNotebookTransferBody")?;
    let transfer = body.class_notebook_transfer;
    let request = TransferRequest {
        source: member_from(&transfer.source_teacher)?,
        destination: member_from(&transfer.destination_teacher)?,
        name: transfer.destination_notebook_name,
    };
    let job = TransferJob {
        notebook: id.to_owned(),
        request,
    };
    Ok(operations::accept(ctx, call, "transfer", job))
}

/// Carries out a transfer: the notebook moves to the destination teacher's OneDrive under its
/// new name (keeping its id and content); the destination teacher replaces the source one.
pub(crate) fn transfer_now(
    state: &mut State,
    now: DateTime,
    by: &str,
    notebook_id: &str,
    request: &TransferRequest,
) -> Result<Container, ApiError> {
    let notebook = class_notebook_by_id(state, notebook_id)?;
    let class = notebook.class.clone().unwrap_or_else(unreachable_class);
    let source = &request.source;
    let owns = notebook.container == Container::OneDrive(source.id.to_ascii_lowercase());
    if source.kind != PrincipalKind::Person
        || !(owns || class.teachers.iter().any(|t| t.is(&source.id)))
    {
        return Err(ApiError::bad_request(format!(
            "'{}' is not a teacher of the class notebook '{}'.",
            source.id, notebook.name
        )));
    }
    let destination = &request.destination;
    let Some(user) = state
        .user(&destination.id)
        .filter(|_| destination.kind == PrincipalKind::Person)
    else {
        return Err(ApiError::users_not_found(std::slice::from_ref(
            &destination.id,
        )));
    };
    let target = Container::OneDrive(user.upn.to_ascii_lowercase());
    if state.notebooks().any(|n| {
        n.id != notebook_id && n.container == target && n.name.eq_ignore_ascii_case(&request.name)
    }) {
        return Err(ApiError::name_exists(&request.name));
    }
    let user_upn = user.upn.clone();
    let destination = Member {
        id: user_upn.clone(),
        kind: PrincipalKind::Person,
    };
    if let Some(notebook) = state.notebook_mut(notebook_id) {
        notebook.container = target.clone();
        notebook.name = request.name.clone();
        if let Some(class) = notebook.class.as_mut() {
            class.teachers.retain(|t| !t.is(&source.id));
            if !class.teachers.iter().any(|t| t.is(&destination.id)) {
                class.teachers.push(destination);
            }
        }
    }
    let source = Grantee::user(&source.id);
    state.revoke_below(notebook_id, &source);
    grant_roles_of(state, notebook_id, &source);
    grant_roles_of(state, notebook_id, &Grantee::user(&user_upn));
    state.touch(notebook_id, by, now);
    Ok(target)
}

/// An asynchronous create: made when the operation finishes.
#[derive(Debug)]
struct CreateJob {
    location: Location,
    container: Container,
    request: CreateRequest,
}

impl Job for CreateJob {
    fn run(
        &self,
        ctx: &mut Ctx<'_>,
        by: &str,
        version: &str,
    ) -> Result<(String, String), ApiError> {
        let id = create_now(ctx.state, ctx.now, &self.container, by, &self.request, None)?;
        Ok((
            ctx.entity_url(version, &self.location, "classNotebooks", &id),
            id,
        ))
    }
}

/// A transfer (always asynchronous): the notebook is at the destination teacher's OneDrive
/// when it finishes.
#[derive(Debug)]
struct TransferJob {
    notebook: String,
    request: TransferRequest,
}

impl Job for TransferJob {
    fn run(
        &self,
        ctx: &mut Ctx<'_>,
        by: &str,
        version: &str,
    ) -> Result<(String, String), ApiError> {
        let container = transfer_now(ctx.state, ctx.now, by, &self.notebook, &self.request)?;
        let owner = match container {
            Container::OneDrive(upn) => upn,
            _ => String::new(),
        };
        let at = Location::User(owner);
        Ok((
            ctx.entity_url(version, &at, "classNotebooks", &self.notebook),
            self.notebook.clone(),
        ))
    }
}

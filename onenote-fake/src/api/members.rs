//! Teachers and students of class notebooks: adding and removing them, the section group
//! each student gets, the roles the documents give each of them, and `UpdateMembership`.
//!
//! Roles, as the documents describe them (`RepairNotebook` re-applies exactly these):
//! - the container's owners (the OneDrive's user, the group's or site's owners): Owner of
//!   the notebook; its creator also gets Owner when it is made;
//! - teachers: Contributor of the notebook ("read/write"), so of everything in it;
//! - each student: Contributor of their own section group, Reader of `_Content Library`,
//!   Contributor of `_Collaboration Space`, nothing else: they see their own section group and
//!   not each other's, and nothing of `_Teacher Only`.

use onenote_api::DateTime;
use serde_json::{Value, json};

use super::operations::{self, Work};
use super::{
    Call, Ctx, Reply, container, container_owners, display_name, location_context, require,
};
use crate::error::ApiError;
use crate::route::{Location, MemberRole};
use crate::store::{ClassSectionGroup, Container, Grantee, Member, PrincipalKind, Role, State};

/// A `Principal` from a request, checked for its type.
pub(crate) fn member_from(principal: &onenote_api::Principal) -> Result<Member, ApiError> {
    let kind = match &principal.principal_type {
        onenote_api::PrincipalType::Person => PrincipalKind::Person,
        onenote_api::PrincipalType::Group => PrincipalKind::Group,
        other => {
            return Err(ApiError::invalid_body(format!(
                "principalType is '{}'; it must be Person or Group.",
                other.as_str()
            )));
        }
    };
    if principal.id.trim().is_empty() {
        return Err(ApiError::missing(
            "A principal's id (its user principal name) is empty.",
        ));
    }
    Ok(Member {
        id: principal.id.clone(),
        kind,
    })
}

/// The members that are not users (persons) or groups of the tenant.
pub(crate) fn unknown(state: &State, members: &[Member]) -> Vec<String> {
    members
        .iter()
        .filter(|m| match m.kind {
            PrincipalKind::Person => state.user(&m.id).is_none(),
            PrincipalKind::Group => state.tenant().find_group(&m.id).is_none(),
        })
        .map(|m| m.id.clone())
        .collect()
}

/// The members without repeats (ids compared in any case), in their first order.
pub(crate) fn dedupe(members: Vec<Member>) -> Vec<Member> {
    let mut kept: Vec<Member> = Vec::with_capacity(members.len());
    for member in members {
        if !kept.iter().any(|k| k.is(&member.id)) {
            kept.push(member);
        }
    }
    kept
}

fn member_name(state: &State, member: &Member) -> String {
    match member.kind {
        PrincipalKind::Person => display_name(state, &member.id),
        PrincipalKind::Group => state
            .tenant()
            .find_group(&member.id)
            .map_or_else(|| member.id.clone(), |g| g.display_name.clone()),
    }
}

/// The student's section group, made (with the notebook's student sections) if it does not
/// exist yet; a student who comes back finds the one they had.
pub(crate) fn ensure_student_group(
    state: &mut State,
    notebook_id: &str,
    member: &Member,
    by: &str,
    now: DateTime,
) -> Result<String, ApiError> {
    let grantee = member.grantee();
    if let Some(group) = state.section_group_for(notebook_id, &grantee) {
        return Ok(group.id.clone());
    }
    let sections = state
        .notebook(notebook_id)
        .and_then(|n| n.class.as_ref())
        .map(|c| c.student_sections.clone())
        .unwrap_or_default();
    state.ensure_room(1 + sections.len())?;
    let name = member_name(state, member);
    let group = state.add_section_group(
        None,
        notebook_id,
        &name,
        Some(ClassSectionGroup::Student(grantee)),
        by,
        now,
    )?;
    for section in &sections {
        state.add_section(None, &group, section, by, now)?;
    }
    Ok(group)
}

/// (Re-)applies every role the class notebook's metadata implies; never lowers one.
pub(crate) fn grant_class_roles(state: &mut State, notebook_id: &str) {
    let Some(notebook) = state.notebook(notebook_id) else {
        return;
    };
    let Some(class) = notebook.class.clone() else {
        return;
    };
    for owner in container_owners(state, &notebook.container) {
        state.grant(notebook_id, Grantee::user(&owner), Role::Owner);
    }
    for teacher in &class.teachers {
        state.grant(notebook_id, teacher.grantee(), Role::Contributor);
    }
    for student in &class.students {
        let grantee = student.grantee();
        if let Some(group) = state
            .section_group_for(notebook_id, &grantee)
            .map(|g| g.id.clone())
        {
            state.grant(&group, grantee.clone(), Role::Contributor);
        }
        state.grant(&class.content_library, grantee.clone(), Role::Reader);
        state.grant(&class.collaboration_space, grantee, Role::Contributor);
    }
}

/// Adds one teacher or student (again: re-adding one who is there re-applies their roles).
pub(crate) fn add_member(
    state: &mut State,
    now: DateTime,
    by: &str,
    notebook_id: &str,
    role: MemberRole,
    member: &Member,
) -> Result<(), ApiError> {
    class_notebook_by_id(state, notebook_id)?;
    require(
        state,
        by,
        notebook_id,
        Role::Contributor,
        "adding teachers and students",
    )?;
    let missing = unknown(state, std::slice::from_ref(member));
    if !missing.is_empty() {
        return Err(ApiError::users_not_found(&missing));
    }
    if role == MemberRole::Student {
        ensure_student_group(state, notebook_id, member, by, now)?;
    }
    if let Some(class) = state
        .notebook_mut(notebook_id)
        .and_then(|n| n.class.as_mut())
    {
        let list = match role {
            MemberRole::Student => &mut class.students,
            MemberRole::Teacher => &mut class.teachers,
        };
        if !list.iter().any(|m| m.is(&member.id)) {
            list.push(member.clone());
        }
    }
    grant_class_roles(state, notebook_id);
    state.touch(notebook_id, by, now);
    Ok(())
}

/// Removes one teacher or student: their roles in the notebook go, its content stays.
pub(crate) fn remove_member(
    state: &mut State,
    now: DateTime,
    by: &str,
    notebook_id: &str,
    role: MemberRole,
    member_id: &str,
) -> Result<(), ApiError> {
    let name = class_notebook_by_id(state, notebook_id)?.name.clone();
    require(
        state,
        by,
        notebook_id,
        Role::Contributor,
        "removing teachers and students",
    )?;
    let removed = state
        .notebook_mut(notebook_id)
        .and_then(|n| n.class.as_mut())
        .and_then(|class| {
            let list = match role {
                MemberRole::Student => &mut class.students,
                MemberRole::Teacher => &mut class.teachers,
            };
            let at = list.iter().position(|m| m.is(member_id))?;
            Some(list.remove(at))
        });
    let Some(removed) = removed else {
        return Err(ApiError::not_found(format!(
            "'{member_id}' is not a {} of the class notebook '{name}'.",
            role.noun()
        )));
    };
    state.revoke_below(notebook_id, &removed.grantee());
    // Whatever else they still are (the OneDrive's owner, also a teacher) keeps its roles.
    grant_class_roles(state, notebook_id);
    state.touch(notebook_id, by, now);
    Ok(())
}

/// The class notebook with this id, wherever it is.
pub(crate) fn class_notebook_by_id<'s>(
    state: &'s State,
    notebook_id: &str,
) -> Result<&'s crate::store::Notebook, ApiError> {
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
) -> Result<&'s crate::store::Notebook, ApiError> {
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

/// `POST …/students` and `POST …/teachers`.
pub(crate) fn add(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    notebook_id: &str,
    role: MemberRole,
) -> Result<Reply, ApiError> {
    visible_class_notebook(ctx.state, call, notebook_id)?;
    require(
        ctx.state,
        call.user,
        notebook_id,
        Role::Contributor,
        "adding teachers and students",
    )?;
    let principal: onenote_api::Principal = call.json_as("Principal")?;
    let member = member_from(&principal)?;
    let location = call.location()?.clone();
    if call.respond_async {
        let work = Work::AddMember {
            location,
            notebook: notebook_id.to_owned(),
            role,
            member,
        };
        return Ok(operations::accept(ctx, call, "classnotebookmember", work));
    }
    add_member(ctx.state, ctx.now, call.user, notebook_id, role, &member)?;
    let mut id = String::new();
    onenote_api::path::push_odata_string(&mut id, notebook_id);
    let context = ctx.context(
        call.version(),
        &format!(
            "{}/notes/classNotebooks('{id}')/{}s/$entity",
            location_context(&location),
            role.noun()
        ),
    );
    Ok(Reply::json(
        201,
        json!({
            "@odata.context": context,
            "id": member.id,
            "principalType": member.kind.as_str(),
        }),
    ))
}

/// `DELETE …/students/{id}` and `DELETE …/teachers/{id}`.
pub(crate) fn remove(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    notebook_id: &str,
    role: MemberRole,
    member_id: &str,
) -> Result<Reply, ApiError> {
    visible_class_notebook(ctx.state, call, notebook_id)?;
    require(
        ctx.state,
        call.user,
        notebook_id,
        Role::Contributor,
        "removing teachers and students",
    )?;
    if call.respond_async {
        let work = Work::RemoveMember {
            location: call.location()?.clone(),
            notebook: notebook_id.to_owned(),
            role,
            member: member_id.to_owned(),
        };
        return Ok(operations::accept(ctx, call, "classnotebookmember", work));
    }
    remove_member(ctx.state, ctx.now, call.user, notebook_id, role, member_id)?;
    Ok(Reply::empty(204))
}

/// The group's default class notebook: the first one created there.
fn default_class_notebook(state: &State, group: &Container) -> Option<String> {
    state
        .notebooks()
        .filter(|n| n.class.is_some() && n.container == *group)
        .min_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)))
        .map(|n| n.id.clone())
}

/// Syncs the group's default class notebook with the group: owners become its teachers,
/// the other members its students; people who left are removed. Returns the notebook's id.
pub(crate) fn update_membership_now(
    state: &mut State,
    now: DateTime,
    by: &str,
    group_id: &str,
) -> Result<String, ApiError> {
    let Some(group) = state.tenant().find_group(group_id).cloned() else {
        return Err(ApiError::new(
            404,
            "20160",
            format!("There is no unified group with id '{group_id}'."),
        ));
    };
    let container = Container::Group(group.id.to_ascii_lowercase());
    let Some(notebook_id) = default_class_notebook(state, &container) else {
        return Err(ApiError::not_found(format!(
            "The group '{}' has no class notebook to update.",
            group.display_name
        )));
    };
    let is_owner = |upn: &str| group.owners.iter().any(|o| o.eq_ignore_ascii_case(upn));
    let person = |upn: &String| Member {
        id: upn.clone(),
        kind: PrincipalKind::Person,
    };
    let teachers: Vec<Member> = group.owners.iter().map(person).collect();
    let students: Vec<Member> = group
        .members
        .iter()
        .filter(|m| !is_owner(m))
        .map(person)
        .collect();
    let class = state
        .notebook(&notebook_id)
        .and_then(|n| n.class.clone())
        .ok_or_else(|| ApiError::not_found("The class notebook went away."))?;
    let leaving = |current: &[Member], wanted: &[Member]| -> Vec<String> {
        current
            .iter()
            .filter(|m| m.kind == PrincipalKind::Person && !wanted.iter().any(|w| w.is(&m.id)))
            .map(|m| m.id.clone())
            .collect()
    };
    for id in leaving(&class.teachers, &teachers) {
        remove_member(state, now, by, &notebook_id, MemberRole::Teacher, &id)?;
    }
    for id in leaving(&class.students, &students) {
        remove_member(state, now, by, &notebook_id, MemberRole::Student, &id)?;
    }
    for teacher in teachers
        .iter()
        .filter(|t| !class.teachers.iter().any(|c| c.is(&t.id)))
    {
        add_member(state, now, by, &notebook_id, MemberRole::Teacher, teacher)?;
    }
    for student in students
        .iter()
        .filter(|s| !class.students.iter().any(|c| c.is(&s.id)))
    {
        add_member(state, now, by, &notebook_id, MemberRole::Student, student)?;
    }
    Ok(notebook_id)
}

/// `POST …/classNotebooks/Microsoft.OneNote.Api.UpdateMembership` (group locations only).
pub(crate) fn update_membership(ctx: &mut Ctx<'_>, call: &Call<'_>) -> Result<Reply, ApiError> {
    let location = call.location()?;
    let Location::Group(group_id) = location else {
        return Err(ApiError::bad_request(
            "UpdateMembership syncs a unified group's class notebook: call it on \
             myOrganization/groups/{group-id}/notes/classNotebooks/Microsoft.OneNote.Api.UpdateMembership.",
        ));
    };
    container(ctx.state, call.user, location)?;
    let owner = ctx
        .state
        .tenant()
        .find_group(group_id)
        .is_some_and(|g| g.owners.iter().any(|o| o.eq_ignore_ascii_case(call.user)));
    if !owner {
        return Err(ApiError::write_denied(format!(
            "{} is not an owner of the group; only its owners (the teachers) can sync its \
             class notebook.",
            call.user
        )));
    }
    if !call.body.iter().all(u8::is_ascii_whitespace) {
        call.json_object()?;
    }
    if call.respond_async {
        let work = Work::UpdateMembership {
            location: location.clone(),
            group: group_id.clone(),
        };
        return Ok(operations::accept(ctx, call, "updatemembership", work));
    }
    update_membership_now(ctx.state, ctx.now, call.user, group_id)?;
    Ok(Reply::empty(204))
}

/// The JSON of a principal (`teachers`, `students`).
pub(crate) fn principal_json(member: &Member) -> Value {
    json!({ "id": member.id, "principalType": member.kind.as_str() })
}

//! Who is who in a class notebook: teachers and students from requests, each student's
//! section group, and the roles the documents give each of them.
//!
//! Roles, as the documents describe them (`RepairNotebook` re-applies exactly these):
//! - the container's owners (the OneDrive's user, the group's or site's owners): Owner of
//!   everything, from the document library ([`State::library_grants`]); its creator also gets
//!   Owner when it is made;
//! - teachers: Contributor of the notebook ("read/write"), so of everything in it;
//! - each student: Contributor of their own section group, Reader of `_Content Library`,
//!   Contributor of `_Collaboration Space`, nothing else: they see their own section group and
//!   not each other's, and nothing of `_Teacher Only`.

use onenote_api::DateTime;

use super::lookup::display_name;
use crate::error::ApiError;
use crate::route::MemberRole;
use crate::store::{ClassSectionGroup, Grantee, Member, PrincipalKind, Role, State};

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

/// (Re-)applies every role the class notebook's metadata implies to every teacher and student
/// (`RepairNotebook`); never lowers one.
pub(crate) fn grant_class_roles(state: &mut State, notebook_id: &str) {
    let Some(class) = state.notebook(notebook_id).and_then(|n| n.class.clone()) else {
        return;
    };
    for teacher in &class.teachers {
        grant_member_roles(state, notebook_id, MemberRole::Teacher, teacher);
    }
    for student in &class.students {
        grant_member_roles(state, notebook_id, MemberRole::Student, student);
    }
}

/// Applies the roles of every membership `grantee` has in the class notebook (after their
/// roles were revoked for one of them: whatever else they still are keeps its roles).
pub(crate) fn grant_roles_of(state: &mut State, notebook_id: &str, grantee: &Grantee) {
    let Some(class) = state.notebook(notebook_id).and_then(|n| n.class.clone()) else {
        return;
    };
    for teacher in class.teachers.iter().filter(|t| t.grantee() == *grantee) {
        grant_member_roles(state, notebook_id, MemberRole::Teacher, teacher);
    }
    for student in class.students.iter().filter(|s| s.grantee() == *grantee) {
        grant_member_roles(state, notebook_id, MemberRole::Student, student);
    }
}

/// Applies the roles one teacher or student holds in the class notebook: a teacher
/// Contributor of the notebook (pushed down to everything in it); a student Contributor of
/// their own section group and of `_Collaboration Space`, Reader of `_Content Library`.
pub(crate) fn grant_member_roles(
    state: &mut State,
    notebook_id: &str,
    role: MemberRole,
    member: &Member,
) {
    let Some((library, space)) = state
        .notebook(notebook_id)
        .and_then(|n| n.class.as_ref())
        .map(|c| (c.content_library.clone(), c.collaboration_space.clone()))
    else {
        return;
    };
    let grantee = member.grantee();
    match role {
        MemberRole::Teacher => state.grant(notebook_id, grantee, Role::Contributor),
        MemberRole::Student => {
            if let Some(group) = state
                .section_group_for(notebook_id, &grantee)
                .map(|g| g.id.clone())
            {
                state.grant(&group, grantee.clone(), Role::Contributor);
            }
            state.grant(&library, grantee.clone(), Role::Reader);
            state.grant(&space, grantee, Role::Contributor);
        }
    }
}

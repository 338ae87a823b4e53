//! Teachers and students of class notebooks: adding and removing them (at once or as an
//! operation), and `UpdateMembership`, which syncs a group's class notebook with the group.

use onenote_api::DateTime;
use serde_json::json;

use super::classroom::{
    ensure_student_group, grant_member_roles, grant_roles_of, member_from, unknown,
};
use super::lookup::{class_notebook_by_id, container, require, visible_class_notebook};
use super::operations::{self, Job};
use super::request::{Call, Ctx, Reply};
use super::urls::location_context;
use crate::error::ApiError;
use crate::route::{Location, MemberRole};
use crate::store::{Container, Member, PrincipalKind, Role, State};

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
    grant_member_roles(state, notebook_id, role, member);
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
    let grantee = removed.grantee();
    state.revoke_below(notebook_id, &grantee);
    // Whatever else they still are (also a teacher) keeps its roles; the library's (the
    // OneDrive's owner) are not revoked.
    grant_roles_of(state, notebook_id, &grantee);
    state.touch(notebook_id, by, now);
    Ok(())
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
        let job = MemberJob {
            location,
            notebook: notebook_id.to_owned(),
            role,
            change: MemberChange::Add(member),
        };
        return Ok(operations::accept(ctx, call, "classnotebookmember", job));
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
        let job = MemberJob {
            location: call.location()?.clone(),
            notebook: notebook_id.to_owned(),
            role,
            change: MemberChange::Remove(member_id.to_owned()),
        };
        return Ok(operations::accept(ctx, call, "classnotebookmember", job));
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
        let job = UpdateMembershipJob {
            location: location.clone(),
            group: group_id.clone(),
        };
        return Ok(operations::accept(ctx, call, "updatemembership", job));
    }
    update_membership_now(ctx.state, ctx.now, call.user, group_id)?;
    Ok(Reply::empty(204))
}

/// An asynchronous add or remove of one teacher or student. Its `resourceLocation` is the
/// class notebook's endpoint either way (000: "the endpoint for the resource"; a student or
/// teacher has no endpoint of their own to GET).
#[derive(Debug)]
struct MemberJob {
    location: Location,
    notebook: String,
    role: MemberRole,
    change: MemberChange,
}

/// What a [`MemberJob`] does.
#[derive(Debug)]
enum MemberChange {
    Add(Member),
    /// Remove the member with this id.
    Remove(String),
}

impl Job for MemberJob {
    fn run(
        &self,
        ctx: &mut Ctx<'_>,
        by: &str,
        version: &str,
    ) -> Result<(String, String), ApiError> {
        let (state, now, notebook) = (&mut *ctx.state, ctx.now, self.notebook.as_str());
        match &self.change {
            MemberChange::Add(member) => add_member(state, now, by, notebook, self.role, member)?,
            MemberChange::Remove(id) => remove_member(state, now, by, notebook, self.role, id)?,
        }
        Ok((
            ctx.entity_url(version, &self.location, "classNotebooks", notebook),
            self.notebook.clone(),
        ))
    }
}

/// An asynchronous `UpdateMembership`.
#[derive(Debug)]
struct UpdateMembershipJob {
    location: Location,
    group: String,
}

impl Job for UpdateMembershipJob {
    fn run(
        &self,
        ctx: &mut Ctx<'_>,
        by: &str,
        version: &str,
    ) -> Result<(String, String), ApiError> {
        let id = update_membership_now(ctx.state, ctx.now, by, &self.group)?;
        Ok((
            ctx.entity_url(version, &self.location, "classNotebooks", &id),
            id,
        ))
    }
}

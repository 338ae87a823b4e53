//! Permissions on notebooks, section groups and sections: list (the highest role per
//! principal: the document library's, and those granted there or pushed down from a parent),
//! get one, create (appends: raises, never lowers; pushed down to everything inside) and
//! delete (from the entity and everything inside it; the library's roles cannot be). Only an
//! Owner may do any of it.
//!
//! A permission's id is `1-{member id}`, the member id being the principal's number in the
//! tenant (users from 10 in seed order, groups from 1000); `userId` is always in claims format
//! (`i:0#.f|membership|{upn}`, `c:0o.c|federateddirectoryclaimprovider|{group id}`).

use serde_json::{Map, Value, json};

use super::lookup::{display_name, require, visible};
use super::request::{Call, Ctx, Reply};
use super::urls::location_context;
use crate::error::ApiError;
use crate::odata;
use crate::route::Holder;
use crate::store::{Container, Grantee, Role, State};

const USER_CLAIM: &str = "i:0#.f|membership|";
const GROUP_CLAIM: &str = "c:0o.c|federateddirectoryclaimprovider|";

/// The entity at the request's location, if the caller can see it, and that it is an Owner.
fn owned_holder(
    ctx: &Ctx<'_>,
    call: &Call<'_>,
    holder: Holder,
    id: &str,
    doing: &str,
) -> Result<(), ApiError> {
    visible(ctx.state, call, holder, id)?;
    require(ctx.state, call.user, id, Role::Owner, doing)
}

/// The principal's number in the tenant.
fn member_number(state: &State, grantee: &Grantee) -> Option<usize> {
    let tenant = state.tenant();
    match grantee {
        Grantee::User(upn) => tenant
            .users
            .iter()
            .position(|u| u.upn.eq_ignore_ascii_case(upn))
            .map(|i| i + 10),
        Grantee::Group(id) => tenant
            .groups
            .iter()
            .position(|g| g.id.eq_ignore_ascii_case(id))
            .map(|i| i + 1000),
    }
}

/// The grantee a permission id names.
fn grantee_of(state: &State, permission_id: &str) -> Option<Grantee> {
    let number: usize = permission_id.strip_prefix("1-")?.parse().ok()?;
    let tenant = state.tenant();
    if number >= 1000 {
        let group = tenant.groups.get(number - 1000)?;
        Some(Grantee::group(&group.id))
    } else {
        let user = tenant.users.get(number.checked_sub(10)?)?;
        Some(Grantee::user(&user.upn))
    }
}

/// The grantee a `userId` names: claims format or a bare UPN (or group id).
fn grantee_from_user_id(state: &State, user_id: &str) -> Option<Grantee> {
    let lower = user_id.to_ascii_lowercase();
    let tenant = state.tenant();
    if let Some(upn) = lower.strip_prefix(USER_CLAIM) {
        return state.user(upn).map(|u| Grantee::user(&u.upn));
    }
    if let Some(id) = lower.strip_prefix(GROUP_CLAIM) {
        return tenant.find_group(id).map(|g| Grantee::group(&g.id));
    }
    state
        .user(user_id)
        .map(|u| Grantee::user(&u.upn))
        .or_else(|| tenant.find_group(user_id).map(|g| Grantee::group(&g.id)))
}

fn entity_url(
    ctx: &Ctx<'_>,
    call: &Call<'_>,
    holder: Holder,
    id: &str,
) -> Result<String, ApiError> {
    let mut url = format!(
        "{}/{}/",
        ctx.notes_root(call.version(), call.location()?),
        holder.segment()
    );
    onenote_api::path::push_segment(&mut url, id);
    Ok(url)
}

fn context(
    ctx: &Ctx<'_>,
    call: &Call<'_>,
    holder: Holder,
    id: &str,
    suffix: &str,
) -> Result<String, ApiError> {
    let mut literal = String::new();
    onenote_api::path::push_odata_string(&mut literal, id);
    Ok(ctx.context(
        call.version(),
        &format!(
            "{}/notes/{}('{literal}')/permissions{suffix}",
            location_context(call.location()?),
            holder.segment()
        ),
    ))
}

fn representation(
    state: &State,
    entity_url: &str,
    grantee: &Grantee,
    role: Role,
) -> Map<String, Value> {
    let (user_id, name) = match grantee {
        Grantee::User(upn) => {
            let spelled = state
                .user(upn)
                .map_or_else(|| upn.clone(), |u| u.upn.clone());
            (format!("{USER_CLAIM}{spelled}"), display_name(state, upn))
        }
        Grantee::Group(id) => {
            let group = state.tenant().find_group(id);
            (
                format!(
                    "{GROUP_CLAIM}{}",
                    group.map_or(id.as_str(), |g| g.id.as_str())
                ),
                group.map_or_else(|| id.clone(), |g| g.display_name.clone()),
            )
        }
    };
    let id = member_number(state, grantee).map_or_else(|| "1-0".to_owned(), |n| format!("1-{n}"));
    let mut body = Map::new();
    body.insert("userRole".into(), json!(role.as_str()));
    body.insert("userId".into(), json!(user_id));
    body.insert("name".into(), json!(name));
    body.insert(
        "self".into(),
        json!(format!("{entity_url}/permissions/{id}")),
    );
    body.insert("id".into(), json!(id));
    body
}

/// `GET {entity}/{id}/permissions`.
pub(crate) fn list(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    holder: Holder,
    id: &str,
) -> Result<Reply, ApiError> {
    owned_holder(ctx, call, holder, id, "listing permissions")?;
    let query = call.odata()?;
    let url = entity_url(ctx, call, holder, id)?;
    let items = ctx
        .state
        .permissions(id)
        .iter()
        .map(|(grantee, role)| representation(ctx.state, &url, grantee, *role))
        .collect();
    let context = context(ctx, call, holder, id, "")?;
    let page = query.collection(
        items,
        odata::BY_NAME,
        ctx.settings.page_size,
        context,
        |q| ctx.same_path(call, q),
    );
    Ok(Reply::json(200, page))
}

/// `GET {entity}/{id}/permissions/{permission-id}`.
pub(crate) fn get(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    holder: Holder,
    id: &str,
    permission_id: &str,
) -> Result<Reply, ApiError> {
    owned_holder(ctx, call, holder, id, "reading permissions")?;
    let query = call.odata()?;
    let found = grantee_of(ctx.state, permission_id)
        .and_then(|g| ctx.state.permissions(id).get(&g).map(|role| (g, *role)));
    let Some((grantee, role)) = found else {
        return Err(ApiError::not_found(format!(
            "There is no permission '{permission_id}' on this {}.",
            holder.noun()
        )));
    };
    let url = entity_url(ctx, call, holder, id)?;
    let mut body = representation(ctx.state, &url, &grantee, role);
    body.insert(
        "@odata.context".into(),
        json!(context(ctx, call, holder, id, "/$entity")?),
    );
    Ok(Reply::json(200, Value::Object(query.select(body))))
}

/// `POST {entity}/{id}/permissions`: appends a role; answers with the principal's highest.
pub(crate) fn create(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    holder: Holder,
    id: &str,
) -> Result<Reply, ApiError> {
    owned_holder(ctx, call, holder, id, "granting permissions")?;
    let body: onenote_api::CreatePermission = call.json_as("CreatePermission")?;
    let Some(role) = Role::parse(body.user_role.as_str()) else {
        return Err(ApiError::invalid_body(format!(
            "userRole is '{}'; it must be Owner, Contributor or Reader.",
            body.user_role.as_str()
        )));
    };
    let Some(grantee) = grantee_from_user_id(ctx.state, &body.user_id) else {
        return Err(ApiError::users_not_found(std::slice::from_ref(
            &body.user_id,
        )));
    };
    ctx.state.grant(id, grantee.clone(), role);
    let highest = ctx
        .state
        .permissions(id)
        .get(&grantee)
        .copied()
        .unwrap_or(role);
    let url = entity_url(ctx, call, holder, id)?;
    let mut reply = representation(ctx.state, &url, &grantee, highest);
    reply.insert(
        "@odata.context".into(),
        json!(context(ctx, call, holder, id, "/$entity")?),
    );
    Ok(Reply::json(201, Value::Object(reply)))
}

/// `DELETE {entity}/{id}/permissions/{permission-id}`: removes the principal's role from the
/// entity and everything inside it; the same principal's roles on its parents stay (002: "it
/// is deleted from all the OneNote entities down the inheritance chain"). A role that only the
/// document library gives (the OneDrive's owner, a group's or site's owners and members) is
/// not the notebook's to delete: that is a 400 saying where it is managed.
pub(crate) fn delete(
    ctx: &mut Ctx<'_>,
    call: &Call<'_>,
    holder: Holder,
    id: &str,
    permission_id: &str,
) -> Result<Reply, ApiError> {
    owned_holder(ctx, call, holder, id, "deleting permissions")?;
    let shown = grantee_of(ctx.state, permission_id)
        .and_then(|g| ctx.state.permissions(id).get(&g).map(|role| (g, *role)));
    let Some((grantee, role)) = shown else {
        return Err(ApiError::not_found(format!(
            "There is no permission '{permission_id}' on this {}.",
            holder.noun()
        )));
    };
    if ctx.state.revoke_below(id, &grantee) == 0 {
        return Err(from_the_library(
            ctx.state,
            holder,
            id,
            permission_id,
            &grantee,
            role,
        ));
    }
    Ok(Reply::empty(204))
}

/// The refusal to delete a role the document library gives: which library, and where its
/// roles are managed.
fn from_the_library(
    state: &State,
    holder: Holder,
    id: &str,
    permission_id: &str,
    grantee: &Grantee,
    role: Role,
) -> ApiError {
    let who = match grantee {
        Grantee::User(upn) => upn.clone(),
        Grantee::Group(group) => format!("the group {group}"),
    };
    let tenant = state.tenant();
    let (library, managed) = match state.notebook_of(id).map(|n| &n.container) {
        Some(Container::OneDrive(owner)) => (
            format!("{owner}'s OneDrive"),
            "The OneDrive's owner always owns what is in it.".to_owned(),
        ),
        Some(Container::Group(group)) => (
            format!(
                "the site of the group '{}'",
                tenant
                    .find_group(group)
                    .map_or(group.as_str(), |g| g.display_name.as_str())
            ),
            "Change the group's owners and members instead (Azure AD, Microsoft 365 groups)."
                .to_owned(),
        ),
        Some(Container::Site { collection, site }) => (
            format!(
                "the SharePoint site {}",
                tenant
                    .find_site(collection, site)
                    .map_or(site.as_str(), |s| s.url.as_str())
            ),
            "Change the site's owners and members instead (the site's permissions in \
             SharePoint)."
                .to_owned(),
        ),
        None => (String::from("its document library"), String::new()),
    };
    ApiError::new(
        409,
        "10017",
        format!(
            "Permission '{permission_id}' ({who}, {}) comes from the document library that holds \
         this {}, {library}: it cannot be deleted through the notebook. {managed}",
            role.as_str(),
            holder.noun()
        ),
    )
}

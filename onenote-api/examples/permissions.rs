//! Permissions on a notebook: grant a co-teacher Contributor, list (the highest role per
//! principal), see that POST can raise but never lower a role, delete it.
//!
//! ```sh
//! cargo run --example permissions
//! ```
//!
//! It runs against an in-process fake OneNote unless `ONENOTE_TOKEN` is set; see
//! `examples/common/mod.rs` for the variables.

mod common;

use onenote_api::{CreateClassNotebook, CreatePermission, Location, Notes, UserRole};

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::setup("permissions").await?;
    at_place!(setup, permissions)
}

// `cargo test` runs it against the fake: the co-teacher's grant is gone, the owner's stays.
#[cfg(test)]
#[tokio::test]
async fn permissions_runs_against_the_fake() {
    use onenote_fake::{Grantee, Role};
    let setup = common::setup("permissions").await.unwrap();
    assert!(setup.fake.is_some(), "run the tests without ONENOTE_TOKEN");
    at_place!(setup, permissions).unwrap();
    let state = setup.fake.as_ref().unwrap().state();
    let notebook = state.notebook_named("Art 3").unwrap();
    assert_eq!(state.role(&setup.co_teacher, &notebook.id), None);
    assert_eq!(
        state
            .permissions(&notebook.id)
            .into_iter()
            .collect::<Vec<_>>(),
        [(Grantee::user(&setup.teacher), Role::Owner)]
    );
}

async fn permissions<L: Location>(notes: Notes<L>, setup: &common::Setup) -> common::Result {
    let name = setup.unique("Art 3");
    let body = CreateClassNotebook::new(&name).with_teachers(vec![common::person(&setup.teacher)]);
    let created = notes
        .class_notebooks()
        .create(body)
        .send_with_meta()
        .await?;
    let id = created.value.id.clone().unwrap_or_default();
    setup.done(
        format!("created  {name:?}, id {id}"),
        created.correlation_id(),
    );

    let permissions = notes.notebook(&id).permissions();
    let granted = permissions
        .create(CreatePermission::new(
            UserRole::Contributor,
            &setup.co_teacher,
        ))
        .send_with_meta()
        .await?;
    let permission_id = granted.value.id.clone().unwrap_or_default();
    setup.done(
        format!(
            "granted  {} Contributor: permission {permission_id}",
            granted.value.user_id.clone().unwrap_or_default()
        ),
        granted.correlation_id(),
    );

    let lowered = permissions
        .create(CreatePermission::new(UserRole::Reader, &setup.co_teacher))
        .send_with_meta()
        .await?;
    let role = lowered
        .value
        .user_role
        .as_ref()
        .map(|r| r.as_str().to_owned());
    setup.done(
        format!(
            "asked    for Reader: still {} (POST appends a role; the most permissive wins)",
            role.unwrap_or_default()
        ),
        lowered.correlation_id(),
    );

    let listed = permissions.list().send_with_meta().await?;
    setup.done(
        "listed   the notebook's permissions:",
        listed.correlation_id(),
    );
    for permission in &listed.value.value {
        println!(
            "           {:<12} {:<16} {}",
            permission
                .user_role
                .as_ref()
                .map(|r| r.as_str())
                .unwrap_or_default(),
            permission.name.as_deref().unwrap_or_default(),
            permission.user_id.as_deref().unwrap_or_default()
        );
    }

    let deleted = notes
        .notebook(&id)
        .permission(&permission_id)
        .delete()
        .send_with_meta()
        .await?;
    setup.done(
        format!("deleted  permission {permission_id} (from the notebook and all inside it)"),
        deleted.correlation_id(),
    );
    let left = permissions.list().send_with_meta().await?;
    setup.done(
        format!("listed   {} permission(s) left", left.value.value.len()),
        left.correlation_id(),
    );
    Ok(())
}

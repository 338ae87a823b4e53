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

async fn permissions<L: Location>(notes: Notes<L>, setup: &common::Setup) -> common::Result {
    let name = setup.unique("Art 3");
    let body = CreateClassNotebook::new(&name).with_teachers(vec![common::person(&setup.teacher)]);
    let id = notes
        .class_notebooks()
        .create(body)
        .send()
        .await?
        .id
        .unwrap_or_default();
    setup.done(format!("created  {name:?}, id {id}"));

    let permissions = notes.notebook(&id).permissions();
    let granted = permissions
        .create(CreatePermission::new(
            UserRole::Contributor,
            &setup.co_teacher,
        ))
        .send()
        .await?;
    let permission_id = granted.id.clone().unwrap_or_default();
    setup.done(format!(
        "granted  {} Contributor: permission {permission_id}",
        granted.user_id.unwrap_or_default()
    ));

    let lowered = permissions
        .create(CreatePermission::new(UserRole::Reader, &setup.co_teacher))
        .send()
        .await?;
    setup.done(format!(
        "asked    for Reader: still {} (POST appends a role; the most permissive wins)",
        lowered
            .user_role
            .map(|r| r.as_str().to_owned())
            .unwrap_or_default()
    ));

    for permission in permissions.list().send().await?.value {
        println!(
            "           {:<12} {:<16} {}",
            permission
                .user_role
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            permission.name.unwrap_or_default(),
            permission.user_id.unwrap_or_default()
        );
    }

    notes
        .notebook(&id)
        .permission(&permission_id)
        .delete()
        .send()
        .await?;
    setup.done(format!(
        "deleted  permission {permission_id} (from the notebook and all inside it)"
    ));
    let left = permissions.list().send().await?.value.len();
    setup.done(format!("listed   {left} permission(s) left"));
    Ok(())
}

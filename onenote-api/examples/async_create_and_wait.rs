//! The asynchronous form: `Prefer: respond-async` answers `202 Accepted` with a `Location`;
//! polling it shows the operation move from notStarted through running to completed, and a
//! failed operation's error carries the service's code and diagnostics.
//!
//! ```sh
//! cargo run --example async_create_and_wait
//! ```
//!
//! It runs against an in-process fake OneNote unless `ONENOTE_TOKEN` is set; see
//! `examples/common/mod.rs` for the variables.

mod common;

use std::time::Duration;

use onenote_api::{CreateClassNotebook, Location, Notes, OperationStatus};

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::setup("async create and wait").await?;
    at_place!(setup, async_create)
}

async fn async_create<L: Location>(notes: Notes<L>, setup: &common::Setup) -> common::Result {
    let name = setup.unique("History 9");
    let body = CreateClassNotebook::new(&name)
        .with_teachers(vec![common::person(&setup.teacher)])
        .with_students(setup.students.iter().map(|s| common::person(s)).collect());
    let accepted = notes
        .class_notebooks()
        .create(body)
        .respond_async()
        .send_with_meta()
        .await?;
    let operation = accepted.value.clone();
    setup.done(
        format!(
            "accepted {}, Location {}",
            accepted.status(),
            operation.location()
        ),
        accepted.correlation_id(),
    );

    // Poll by hand to show each status (awaiting `operation.wait()` does this with back-off).
    let interval = if setup.fake.is_some() {
        Duration::from_millis(20)
    } else {
        Duration::from_secs(2)
    };
    let mut id = None;
    for poll in 1..=60 {
        let model = operation.poll().await?;
        let status = model
            .status
            .as_ref()
            .map_or("(none)", OperationStatus::as_str);
        println!("poll {poll:<3} {status}");
        match model.status {
            Some(OperationStatus::Completed) => {
                println!(
                    "           resource {}",
                    model.resource_location.unwrap_or_default()
                );
                id = model.resource_id;
                break;
            }
            Some(OperationStatus::Failed) => {
                return Err(format!("the create failed: {:?}", model.error).into());
            }
            _ => tokio::time::sleep(interval).await,
        }
    }
    let Some(id) = id else {
        return Err("the create did not finish in 60 polls".into());
    };

    // A failure: adding someone the tenant does not have. `wait()` polls until it ends.
    let domain = setup.teacher.split('@').nth(1).unwrap_or("contoso.com");
    let nobody = format!("nobody-{}@{domain}", std::process::id());
    let failed = notes
        .class_notebook(&id)
        .students()
        .add(common::person(&nobody))
        .respond_async()
        .send()
        .await?
        .wait()
        .await;
    match failed {
        Ok(_) => println!("added    {nobody}?! (the tenant has them)"),
        Err(error) => {
            println!("failed   adding {nobody}, as it should:\n           {error}");
            if let Some(model) = error.operation_model() {
                let diagnostics = model.api_diagnostics.clone().unwrap_or_default();
                println!("           @api.diagnostics {diagnostics}");
            }
        }
    }
    Ok(())
}

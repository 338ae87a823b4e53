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

use onenote_api::{CreateClassNotebook, Location, Notes, OperationStatus, WaitOptions};

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::setup("async create and wait").await?;
    at_place!(setup, async_create)
}

// `cargo test` runs it against the fake: one operation completed, one failed, no stray student.
#[cfg(test)]
#[tokio::test]
async fn async_create_and_wait_runs_against_the_fake() {
    use onenote_fake::OperationStatus;
    let setup = common::setup("async create and wait").await.unwrap();
    assert!(setup.fake.is_some(), "run the tests without ONENOTE_TOKEN");
    at_place!(setup, async_create).unwrap();
    let state = setup.fake.as_ref().unwrap().state();
    let notebook = state.notebook_named("History 9").unwrap();
    let class = notebook.class.as_ref().unwrap();
    assert_eq!(
        class.students.len(),
        setup.students.len(),
        "the unknown user was not added"
    );
    let mut statuses: Vec<(&str, OperationStatus)> = state
        .operations()
        .map(|o| (o.started_by_operation, o.status))
        .collect();
    statuses.sort_by_key(|(operation, _)| *operation);
    assert_eq!(
        statuses,
        [
            ("addStudent", OperationStatus::Failed),
            ("createClassNotebook", OperationStatus::Completed)
        ]
    );
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

    // Poll by hand to show each status (`operation.wait()` does this with back-off: from
    // 1 s, doubling, against the service; the fake's operations move on every poll).
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

    // A failure: adding someone the tenant does not have. `wait_with()` polls until it ends.
    let domain = setup.teacher.split('@').nth(1).unwrap_or("contoso.com");
    let nobody = format!("nobody-{}@{domain}", std::process::id());
    let failed = notes
        .class_notebook(&id)
        .students()
        .add(common::person(&nobody))
        .respond_async()
        .send()
        .await?
        .wait_with(WaitOptions::new().interval(interval))
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

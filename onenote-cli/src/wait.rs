//! Waiting for an asynchronous operation with an indicatif progress bar: `percentComplete`
//! where the service gives it, a spinner with the status otherwise.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use onenote_api::{OperationHandle, OperationModel, OperationStatus};

use crate::failure::Failure;

/// The columns of an operation's table.
pub(crate) const COLUMNS: &[&str] = &[
    "id",
    "status",
    "percentComplete",
    "resourceId",
    "resourceLocation",
    "createdDateTime",
    "lastActionDateTime",
];

/// Polls `handle` until it completes (its final state) or fails (an error with the service's
/// reason). The bar is drawn on stderr when it is a terminal, and nowhere otherwise.
pub(crate) async fn wait(handle: &OperationHandle) -> Result<OperationModel, Failure> {
    let bar = ProgressBar::new(100);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg:20} [{bar:30}] {pos:>3}%")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message("waiting");
    let mut updates = handle.updates();
    let mut last = None;
    while let Some(update) = updates.next_update().await {
        let model = match update {
            Ok(model) => model,
            Err(error) => {
                bar.abandon();
                return Err(error.into());
            }
        };
        if let Some(percent) = percent(&model) {
            bar.set_position(percent);
        }
        bar.set_message(
            model
                .status
                .as_ref()
                .map_or_else(|| "unknown".to_owned(), |s| s.as_str().to_owned()),
        );
        last = Some(model);
    }
    bar.finish_and_clear();
    match last {
        Some(model) if model.status == Some(OperationStatus::Failed) => {
            // The client's own error for a failed operation names its reason and support ids.
            Err(handle
                .wait()
                .await
                .err()
                .map_or_else(|| Failure::other("the operation failed"), Failure::from))
        }
        Some(model) => Ok(model),
        None => Err(Failure::other("the operation reported nothing")),
    }
}

/// `percentComplete` as a whole percentage (the service sends it as text: `"50"`, `"50.0"`).
fn percent(model: &OperationModel) -> Option<u64> {
    let text = model.percent_complete.as_deref()?;
    let value: f64 = text.trim().trim_end_matches('%').parse().ok()?;
    (value.is_finite() && value >= 0.0).then(|| value.min(100.0) as u64)
}

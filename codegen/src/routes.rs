//! Lists every operation route the spec defines, one line each, with mounts expanded.

use std::collections::BTreeSet;

use crate::model::{AsyncForm, Model, Root};

/// One line per operation and mount: `METHOD path-template operationId [async] [locations]`;
/// `accepted` marks a call the service always answers with `202 Accepted` and an operation.
///
/// The lines come from [`Model::routes`], one per operation and path under the notes root
/// (the locations an operation is allowed at are the bracketed flag, not separate lines).
/// Paths outside the notes root are shown from the version root and marked `(version root)`.
pub fn list(model: &Model) -> String {
    let mut lines: BTreeSet<(String, &str, &str, String)> = BTreeSet::new();
    for route in &model.routes {
        let op = model.operation(route.operation);
        let mut flags = Vec::new();
        match op.async_form {
            // Always answered with an operation to poll, without being asked (copies).
            AsyncForm::None if op.status == 202 => flags.push("accepted".to_owned()),
            AsyncForm::None => {}
            AsyncForm::Optional => flags.push("async".to_owned()),
            AsyncForm::Only => flags.push("async-only".to_owned()),
        }
        if let Some(locations) = &op.locations {
            let keys: Vec<&str> = locations
                .iter()
                .map(|id| model.location(*id).key.as_str())
                .collect();
            flags.push(format!("[{}]", keys.join(", ")));
        }
        if op.root == Root::Version {
            flags.push("(version root)".to_owned());
        }
        lines.insert((
            route.relative.to_template(),
            op.method.as_str(),
            op.id.as_str(),
            flags.join(" "),
        ));
    }
    let method_width = lines.iter().map(|l| l.1.len()).max().unwrap_or(0);
    let path_width = lines.iter().map(|l| l.0.len()).max().unwrap_or(0);
    let id_width = lines.iter().map(|l| l.2.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (path, method, id, flags) in lines {
        let line = format!("{method:method_width$}  {path:path_width$}  {id:id_width$}  {flags}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

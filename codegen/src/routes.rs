//! Lists every operation route the spec defines, one line each, with mounts expanded.

use crate::model::{AsyncForm, Model, Root};

/// One line per operation and mount: `METHOD path-template operationId [async] [locations]`.
///
/// Paths under the notes root are shown relative to `{location}/notes/`; paths outside it
/// are shown from the version root and marked `(version root)`.
pub fn list(model: &Model) -> String {
    let mut lines: Vec<(String, String, String, String)> = Vec::new();
    for module in &model.modules {
        for op in &module.operations {
            let flags = {
                let mut flags = Vec::new();
                match op.async_form {
                    AsyncForm::None => {}
                    AsyncForm::Optional => flags.push("async".to_owned()),
                    AsyncForm::Only => flags.push("async-only".to_owned()),
                }
                if let Some(locations) = &op.locations {
                    flags.push(format!("[{}]", locations.join(", ")));
                }
                if op.root == Root::Version {
                    flags.push("(version root)".to_owned());
                }
                flags.join(" ")
            };
            for path in &op.full_paths {
                lines.push((
                    path.clone(),
                    op.method.as_str().to_owned(),
                    op.id.clone(),
                    flags.clone(),
                ));
            }
        }
    }
    lines.sort();
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

//! Checks the decoded spec for meaning and builds the model, in phases, one module each:
//! `api` (base URL, versions, locations) → `types` → `resources` (the resource table, hosts
//! and mounts) → `operations` (with `content`: bodies, statuses, responses) → `usage` (which
//! types requests and responses carry) → `routes` (every operation at every location and
//! mount) → `seam` (what the runtime requires of the spec). `constraints` resolves the rules
//! written on inputs for the phases that read them; `services` gives Microsoft Graph's form of
//! what it serves.
//!
//! Every check reports and carries on, so one run lists every problem; the model is only
//! returned when nothing was found. `names` records every name generated code defines and
//! where it comes from, so a collision names both places.

mod api;
mod checker;
mod constraints;
mod content;
mod names;
mod operations;
mod resources;
mod routes;
mod seam;
mod services;
mod types;
mod usage;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::Diagnostics;
use crate::json::Pos;
use crate::model::{GraphModel, Model, Module, OperationModel};
use crate::names::{Case, ident};
use crate::spec::SpecFile;

use self::checker::{Checker, spec_claim};
use self::names::{Names, Scope, Source, taken_by};

/// Validates decoded spec files (sorted by name) and builds the model.
///
/// `incomplete` says some file could not be read at all (already reported), so checks that
/// need every file (is there an "api" section?) stay quiet rather than mislead.
pub fn model(
    files: &[(String, SpecFile)],
    incomplete: bool,
    diagnostics: &mut Diagnostics,
) -> Option<Model> {
    let mut cx = Checker {
        diagnostics: Diagnostics::default(),
        names: Names::new(),
        incomplete,
        types: BTreeMap::new(),
        broken_types: BTreeSet::new(),
        broken_resources: false,
        broken_locations: false,
    };
    let api = api::check(&mut cx, files);
    let mut modules = modules(&mut cx, files);
    types::check(&mut cx, files, &mut modules);
    let table = resources::check(&mut cx, files, &mut modules);
    let operations = operations::check(&mut cx, files, &mut modules, api.as_ref(), &table);
    usage::mark(&mut modules, &operations);
    let graph = api
        .as_ref()
        .and_then(|api| services::check(&mut cx, files, &modules, api, &operations));
    // The runtime's needs are judged on a spec that is otherwise sound: a spec with other
    // mistakes may lack a required type only because its entry was dropped.
    if cx.diagnostics.is_empty() && diagnostics.is_empty() && !incomplete {
        seam::check(&mut cx, files, &modules, &operations);
    }
    let found = std::mem::take(&mut cx.diagnostics);
    let ok = found.is_empty();
    diagnostics.extend(found);
    let api = api.filter(|_| ok)?;
    let (mut operations, routes) = routes::expand(&api, operations);
    let resources = table.into_models();
    let mut graph = graph.map(|draft| services::finish(draft, &operations, &resources));
    number_tables(&mut operations, graph.as_mut());
    Some(Model {
        api,
        modules,
        resources,
        operations,
        routes,
        graph,
    })
}

/// Gives every operation, Graph's forms too, its place in the generated tables: the order of
/// their table ids.
fn number_tables(operations: &mut [OperationModel], graph: Option<&mut GraphModel>) {
    let graph = graph
        .map(|graph| graph.operations.as_mut_slice())
        .unwrap_or_default();
    let mut ids: Vec<String> = operations
        .iter()
        .chain(graph.iter())
        .map(|op| op.table_id.clone())
        .collect();
    ids.sort();
    for op in operations.iter_mut().chain(graph.iter_mut()) {
        op.table = ids.binary_search(&op.table_id).unwrap_or_default();
    }
}

/// One module per file, its name checked against the others and the runtime's.
fn modules(cx: &mut Checker, files: &[(String, SpecFile)]) -> Vec<Module> {
    let mut modules = Vec::new();
    for (file, spec) in files {
        let name = module_name(file);
        let start = Pos { line: 1, column: 1 };
        match ident(&name, Case::Snake) {
            Some(rust) if rust == name.replace('-', "_") => {
                let claim = spec_claim(file, start, &format!("file {file}"));
                if let Err(first) = cx.names.claim(Scope::Module, &rust, claim) {
                    let message = match &first.source {
                        Source::Spec { file: other, .. } => {
                            format!("file name gives module `{rust}`, as {other} does: rename one")
                        }
                        _ => format!(
                            "file name gives module `{rust}`, {}: rename the file",
                            taken_by(&first)
                        ),
                    };
                    cx.error(file, start, message);
                }
            }
            _ => cx.error(
                file,
                start,
                format!(
                    "file name \"{name}\" does not make a Rust module name: use lowercase letters, digits, `-` and `_`"
                ),
            ),
        }
        modules.push(Module {
            source: file.clone(),
            name: name.replace('-', "_"),
            doc: spec.doc.clone(),
            types: Vec::new(),
            resources: Vec::new(),
            operations: Vec::new(),
            declares_api: spec.api.is_some(),
        });
    }
    modules
}

/// `spec/class-notebooks.json` → `class-notebooks`.
fn module_name(file: &str) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.strip_suffix(".json").unwrap_or(name).to_owned()
}

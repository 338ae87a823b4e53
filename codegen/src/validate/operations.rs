//! Phase 4: operations: the id and method name, where the method lives and the path from
//! there, status and response, body, query and OData options, scopes and locations.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::did_you_mean;
use crate::json::Pos;
use crate::model::{
    ApiModel, Host, LocationId, Method, Module, OperationId, OperationModel, ParamOrigin,
    QueryModel, QueryValue, ResponseModel, Rule, TypeKind, TypeRef,
};
use crate::names::{Case, ident};
use crate::runtime::BUILDER_SUFFIX;
use crate::spec::{self, Spanned, SpecFile};

use super::checker::{Checker, is_keyword, spec_claim};
use super::constraints::{self, Target};
use super::content;
use super::names::Scope;
use super::resources::{Base, Chain, Placement, ResourceTable, groups};

/// An operation that passed every check, with the ways to reach it under the notes root.
pub(super) struct OperationDraft {
    pub model: OperationModel,
    /// One per way to reach it (per mount of its group): path and parameters under the notes
    /// root (or under the version root, for `"root": "version"`).
    pub chains: Vec<Chain>,
    /// Where each `$expand` value is written, to report one the response lacks.
    pub expand_at: Vec<(Pos, String)>,
}

/// One operation as written, with its file and group.
struct Written<'a> {
    file: &'a str,
    module: usize,
    id: &'a Spanned<String>,
    op: &'a Spanned<spec::Operation>,
    group: Option<usize>,
}

/// Checks every operation; the valid ones come back sorted by module, then id, which is the
/// order of their ids (and `modules[_].operations` lists them).
pub(super) fn check(
    cx: &mut Checker,
    files: &[(String, SpecFile)],
    modules: &mut [Module],
    api: Option<&ApiModel>,
    table: &ResourceTable,
) -> Vec<OperationDraft> {
    let mut ids: BTreeMap<String, (String, Pos)> = BTreeMap::new();
    let mut drafts: Vec<(usize, OperationDraft)> = Vec::new();
    for (index, written) in written(files).into_iter().enumerate() {
        if let Some(draft) = operation(cx, &written, index, &mut ids, api, table)
            && expand_fits(cx, written.file, &draft, modules)
        {
            drafts.push((written.module, draft));
        }
    }
    drafts.sort_by(|(a_module, a), (b_module, b)| {
        (a_module, &a.model.id).cmp(&(b_module, &b.model.id))
    });
    for (id, (module, _)) in drafts.iter().enumerate() {
        modules[*module].operations.push(OperationId(id));
    }
    drafts.into_iter().map(|(_, draft)| draft).collect()
}

/// Each `$expand` value names a field of the response's object type.
fn expand_fits(cx: &mut Checker, file: &str, draft: &OperationDraft, modules: &[Module]) -> bool {
    if draft.expand_at.is_empty() {
        return true;
    }
    let element = match &draft.model.response {
        ResponseModel::Json(ty) | ResponseModel::Page(ty) => Some(ty),
        _ => None,
    };
    let object = element.and_then(|ty| match ty {
        TypeRef::Named(name) => modules
            .iter()
            .flat_map(|m| &m.types)
            .find(|t| &t.name == name)
            .and_then(|t| match &t.kind {
                TypeKind::Object { fields } => Some((t.name.as_str(), fields)),
                TypeKind::Enum { .. } => None,
            }),
        _ => None,
    });
    let Some((name, fields)) = object else {
        let (pos, _) = &draft.expand_at[0];
        cx.error(
            file,
            *pos,
            "`$expand` names properties of the response, and this operation's response is not an object type: remove \"expand\"",
        );
        return false;
    };
    let mut ok = true;
    for (pos, value) in &draft.expand_at {
        if !fields.iter().any(|f| &f.wire == value) {
            let names = fields.iter().map(|f| f.wire.as_str());
            cx.error(
                file,
                *pos,
                format!(
                    "`$expand` value \"{value}\" is not a field of \"{name}\", the response{}",
                    did_you_mean(value, names)
                ),
            );
            ok = false;
        }
    }
    ok
}

/// Every operation in file order: a file's own operations, then its groups'.
fn written(files: &[(String, SpecFile)]) -> Vec<Written<'_>> {
    let mut out = Vec::new();
    let mut group_index = 0;
    let all_groups: Vec<_> = groups(files).collect();
    for (module, (file, spec)) in files.iter().enumerate() {
        for (id, op) in spec.operations.iter() {
            out.push(Written {
                file,
                module,
                id,
                op,
                group: None,
            });
        }
        while let Some((group_file, _, group)) = all_groups.get(group_index) {
            if *group_file != file.as_str() {
                break;
            }
            for (id, op) in group.operations.iter() {
                out.push(Written {
                    file,
                    module,
                    id,
                    op,
                    group: Some(group_index),
                });
            }
            group_index += 1;
        }
    }
    out
}

/// Checks one operation. Every check runs even when an earlier one failed, so one run reports
/// every mistake of the operation.
fn operation(
    cx: &mut Checker,
    written: &Written<'_>,
    index: usize,
    ids: &mut BTreeMap<String, (String, Pos)>,
    api: Option<&ApiModel>,
    table: &ResourceTable,
) -> Option<OperationDraft> {
    let (file, id, op) = (written.file, written.id, &written.op.value);
    let mut ok = identity(cx, file, id, ids);
    let call = call_name(cx, file, id, op, ok);
    ok &= call.is_some();
    let call = call.unwrap_or_default();
    let path = cx.path(file, &op.path);
    ok &= path.is_some();
    let path = path.unwrap_or_default();
    ok &= root(cx, written);
    let placement = match op.root {
        spec::Root::Version => Placement {
            hosts: vec![Host::Client],
            path_from_host: path.clone(),
            base: Base::Root,
        },
        spec::Root::Notes => table.host_for(written.group, &path, &path),
    };
    let params = if ok || !path.is_empty() {
        cx.params_exactly(
            file,
            &op.path,
            &placement.path_from_host,
            &op.params,
            "operation",
        )
    } else {
        Vec::new()
    };
    if !call.is_empty() {
        ok &= claim_calls(cx, written, &call, &placement.hosts, table);
    }
    let outcome = content::outcome(cx, file, op);
    let body = content::body(cx, file, op);
    let query = query(cx, file, op, index);
    let odata = odata(cx, file, op);
    let scopes = scopes(cx, file, op);
    let locations = restriction(cx, file, op, written.op.pos, api);
    let (
        Some((status, response, response_doc)),
        Some(body),
        Some(query),
        Some(odata),
        Some(scopes),
        Some(locations),
    ) = (outcome, body, query, odata, scopes, locations)
    else {
        return None;
    };
    if !ok {
        return None;
    }
    let chains = placement.chains(table, &params, ParamOrigin::Operation);
    let pascal = ident(&id.value, Case::Pascal).unwrap_or_default();
    Some(OperationDraft {
        model: OperationModel {
            id: id.value.clone(),
            table_id: id.value.clone(),
            // Numbered by validate once every operation, Graph's forms too, exists.
            table: 0,
            call,
            builder: format!("{pascal}{BUILDER_SUFFIX}"),
            doc: op.doc.clone(),
            method: op.method.value,
            hosts: placement.hosts,
            path_from_host: placement.path_from_host,
            params,
            routes: 0..0,
            root: op.root,
            query,
            odata: odata.list.into_iter().collect(),
            odata_docs: odata.docs,
            odata_max: odata.max,
            expand: odata.expand.iter().map(|v| v.value.clone()).collect(),
            body: body.model,
            body_doc: body.doc,
            body_constraints: body.constraints,
            body_required: body.required,
            status,
            response,
            response_doc,
            scopes,
            async_form: op.async_form,
            locations,
        },
        chains,
        expand_at: odata
            .expand
            .iter()
            .map(|v| (v.pos, v.value.clone()))
            .collect(),
    })
}

/// The id: lowerCamelCase ASCII letters and digits, unique; claims the builder's name.
fn identity(
    cx: &mut Checker,
    file: &str,
    id: &Spanned<String>,
    ids: &mut BTreeMap<String, (String, Pos)>,
) -> bool {
    let well_formed = id.value.starts_with(|c: char| c.is_ascii_lowercase())
        && id.value.chars().all(|c| c.is_ascii_alphanumeric())
        && !is_keyword(&id.value);
    let pascal = ident(&id.value, Case::Pascal).filter(|_| well_formed);
    if pascal.is_none() {
        cx.error(
            file,
            id.pos,
            format!(
                "operation id \"{}\" must be lowerCamelCase ASCII letters and digits, not a Rust keyword (e.g. \"createClassNotebook\")",
                id.value
            ),
        );
    }
    if let Some((first_file, first_pos)) = ids.get(&id.value) {
        cx.error(
            file,
            id.pos,
            format!(
                "duplicate operation \"{}\": first defined at {first_file}:{first_pos}: rename or remove one",
                id.value
            ),
        );
        return false;
    }
    ids.insert(id.value.clone(), (file.to_owned(), id.pos));
    let Some(pascal) = pascal else {
        return false;
    };
    cx.claim_root(
        file,
        id.pos,
        &format!("{pascal}{BUILDER_SUFFIX}"),
        &format!("the request builder of operation \"{}\"", id.value),
    );
    true
}

/// The method name: `call`, or the id in snake_case.
fn call_name(
    cx: &mut Checker,
    file: &str,
    id: &Spanned<String>,
    op: &spec::Operation,
    id_ok: bool,
) -> Option<String> {
    match &op.call {
        Some(call) => cx.canonical(file, call, Case::Snake, "call"),
        None if id_ok => ident(&id.value, Case::Snake),
        None => None,
    }
}

/// `"root": "version"` is for top-level operations without a location restriction.
fn root(cx: &mut Checker, written: &Written<'_>) -> bool {
    let op = &written.op.value;
    if op.root != spec::Root::Version {
        return true;
    }
    let mut ok = true;
    if written.group.is_some() {
        cx.error(
            written.file,
            written.op.pos,
            "an operation in a group cannot use \"root\": \"version\"",
        );
        ok = false;
    }
    if op.locations.is_some() {
        cx.error(
            written.file,
            written.op.pos,
            "\"locations\" has no meaning with \"root\": \"version\" (the path has no location): remove it",
        );
        ok = false;
    }
    ok
}

/// Claims the method name on every host, reporting what holds it already.
fn claim_calls(
    cx: &mut Checker,
    written: &Written<'_>,
    call: &str,
    hosts: &[Host],
    table: &ResourceTable,
) -> bool {
    let (file, id, op) = (written.file, written.id, &written.op.value);
    let mut ok = true;
    for host in hosts {
        let claim = spec_claim(file, id.pos, &format!("operation \"{}\"", id.value));
        if let Err(first) = cx.names.claim(Scope::Methods(host.clone()), call, claim) {
            cx.error(
                file,
                op.call.as_ref().map_or(id.pos, |c| c.pos),
                format!(
                    "method `{call}` on {} is already {}{}: set a different \"call\"",
                    table.describe(host),
                    first.what,
                    first.place()
                ),
            );
            ok = false;
        }
    }
    ok
}

/// Query parameters: typed (a builder setter) or constant (always sent).
fn query(
    cx: &mut Checker,
    file: &str,
    op: &spec::Operation,
    index: usize,
) -> Option<Vec<QueryModel>> {
    let mut ok = true;
    let mut query = Vec::new();
    for (key, param) in op.query.iter() {
        let param = &param.value;
        let rust = match &param.rust_name {
            Some(name) => cx.canonical(file, name, Case::Snake, "rustName"),
            None => ident(&key.value, Case::Snake),
        };
        let Some(rust) = rust else {
            ok = false;
            continue;
        };
        let value = match (&param.ty, &param.constant) {
            (Some(ty), None) => match cx.type_ref(file, ty) {
                Some(
                    t @ (TypeRef::String | TypeRef::Boolean | TypeRef::Integer | TypeRef::Number),
                ) => QueryValue::Typed(t),
                Some(t) if cx.is_enum(&t) => QueryValue::Typed(t),
                Some(_) => {
                    cx.error(
                        file,
                        ty.pos,
                        format!(
                            "query parameter \"{}\" has type \"{}\": use a scalar or an enum type",
                            key.value, ty.value
                        ),
                    );
                    ok = false;
                    continue;
                }
                None => {
                    ok = false;
                    continue;
                }
            },
            (None, Some(constant)) => QueryValue::Const(constant.value.clone()),
            _ => {
                cx.error(
                    file,
                    key.pos,
                    format!(
                        "query parameter \"{}\" needs exactly one of \"type\" (set by the caller) or \"const\" (always sent)",
                        key.value
                    ),
                );
                ok = false;
                continue;
            }
        };
        let what = format!("query parameter \"{}\"", key.value);
        let written = constraints::Written::query(param);
        let constraints = match &value {
            QueryValue::Typed(ty) => cx.constraints(file, &what, Target::Value(ty), &written),
            QueryValue::Const(_) => match written.first().or(written.source.map(|s| s.pos)) {
                Some(pos) => {
                    cx.error(
                        file,
                        pos,
                        format!("{what} is a constant: it takes no rules, remove them"),
                    );
                    None
                }
                None => Some(Default::default()),
            },
        };
        let Some(constraints) = constraints else {
            ok = false;
            continue;
        };
        if matches!(value, QueryValue::Typed(_)) {
            let claim = spec_claim(file, key.pos, &what);
            if let Err(first) = cx.names.claim(Scope::Setters(index), &rust, claim) {
                // The OData setters are the builder's own; their file says nothing more.
                let place = if first.what.starts_with("OData") {
                    String::new()
                } else {
                    first.place()
                };
                cx.error(
                    file,
                    key.pos,
                    format!(
                        "query parameter \"{}\" becomes setter `{rust}`, as {}{place} does: set \"rustName\"",
                        key.value, first.what
                    ),
                );
                ok = false;
                continue;
            }
        }
        query.push(QueryModel {
            wire: key.value.clone(),
            rust,
            doc: param.doc.clone(),
            value,
            constraints,
        });
    }
    ok.then_some(query)
}

/// The OData options with their docs: each once, GET only, names known.
fn odata(cx: &mut Checker, file: &str, op: &spec::Operation) -> Option<ODataOptions> {
    let mut ok = true;
    let mut listed: Vec<(Pos, spec::ODataOption, Option<&spec::ODataDoc>)> = Vec::new();
    match &op.odata {
        spec::ODataSpec::List(options) => {
            listed.extend(options.iter().map(|o| (o.pos, o.value, None)));
        }
        spec::ODataSpec::Documented(entries) => {
            ok &= entries.broken.is_empty();
            for (key, doc) in entries.iter() {
                match spec::ODataOption::ALL
                    .into_iter()
                    .find(|option| option.as_str() == key.value)
                {
                    Some(option) => listed.push((key.pos, option, Some(&doc.value))),
                    None => {
                        let names = spec::ODataOption::ALL.map(spec::ODataOption::as_str);
                        let list = names.map(|n| format!("\"{n}\"")).join(", ");
                        cx.error(
                            file,
                            key.pos,
                            format!(
                                "unknown OData option \"{}\"{}: expected one of {list}",
                                key.value,
                                did_you_mean(&key.value, names)
                            ),
                        );
                        ok = false;
                    }
                }
            }
        }
    }
    let mut options = ODataOptions::default();
    for (pos, option, doc) in &listed {
        if !options.list.insert(*option) {
            cx.error(
                file,
                *pos,
                format!("OData option \"{}\" is listed twice", option.as_str()),
            );
            ok = false;
        }
        // An empty doc lists the option with nothing to add to its general docs.
        if let Some(doc) = doc.filter(|doc| !doc.doc.trim().is_empty()) {
            options.docs.insert(*option, doc.doc.clone());
        }
        if let Some(values) = doc.and_then(|doc| doc.values.as_ref()) {
            if *option == spec::ODataOption::Expand {
                options.expand = values.value.clone();
                if values.value.is_empty() {
                    cx.error(
                        file,
                        values.pos,
                        "\"values\" is empty: list the properties `$expand` takes, or remove \"expand\"",
                    );
                    ok = false;
                }
            } else {
                cx.error(
                    file,
                    values.pos,
                    format!(
                        "\"values\" lists what `$expand` takes, and this is \"{}\": remove it",
                        option.as_str()
                    ),
                );
                ok = false;
            }
        } else if *option == spec::ODataOption::Expand {
            cx.error(
                file,
                *pos,
                "\"expand\" needs the properties it takes, checked before sending: write `\"expand\": { \"doc\": \"…\", \"values\": [\"…\"] }`",
            );
            ok = false;
        }
        if let Some(max) = doc.and_then(|doc| doc.max.as_ref()) {
            if matches!(option, spec::ODataOption::Top | spec::ODataOption::Skip) {
                let code = max.value.code.as_ref().map(|code| code.value.clone());
                let rule = Rule {
                    value: max.value.value,
                    code,
                };
                options.max.insert(*option, rule);
            } else {
                cx.error(
                    file,
                    max.pos,
                    format!(
                        "\"max\" limits a number, and \"{}\" takes none: remove it (only \"top\" and \"skip\" have a maximum)",
                        option.as_str()
                    ),
                );
                ok = false;
            }
        }
    }
    if let (false, Some((pos, _, _))) = (op.method.value == Method::Get, listed.first()) {
        cx.error(
            file,
            *pos,
            format!(
                "OData query options apply to GET requests, not {}: remove \"odata\"",
                op.method.value.as_str()
            ),
        );
        ok = false;
    }
    ok.then_some(options)
}

/// An operation's OData options, sorted, and the docs some of them have.
#[derive(Default)]
struct ODataOptions {
    list: BTreeSet<spec::ODataOption>,
    docs: BTreeMap<spec::ODataOption, String>,
    max: BTreeMap<spec::ODataOption, Rule<u32>>,
    /// What `$expand` takes, as written (checked against the response type by the caller).
    expand: Vec<Spanned<String>>,
}

/// Permission scopes: names without spaces, each once.
fn scopes(cx: &mut Checker, file: &str, op: &spec::Operation) -> Option<Vec<String>> {
    let mut ok = true;
    let mut scopes: Vec<String> = Vec::new();
    for scope in &op.scopes {
        if scope.value.trim().is_empty() || scope.value.contains(char::is_whitespace) {
            cx.error(
                file,
                scope.pos,
                format!(
                    "scope \"{}\" is not a scope name (e.g. \"Notes.Read\")",
                    scope.value
                ),
            );
            ok = false;
        } else if scopes.contains(&scope.value) {
            cx.error(
                file,
                scope.pos,
                format!("scope \"{}\" is listed twice", scope.value),
            );
            ok = false;
        } else {
            scopes.push(scope.value.clone());
        }
    }
    ok.then_some(scopes)
}

/// `"locations"`: the locations the operation exists at, in API order.
fn restriction(
    cx: &mut Checker,
    file: &str,
    op: &spec::Operation,
    op_pos: Pos,
    api: Option<&ApiModel>,
) -> Option<Option<Vec<LocationId>>> {
    let Some(list) = &op.locations else {
        return Some(None);
    };
    let mut ok = true;
    if list.is_empty() {
        cx.error(
            file,
            op_pos,
            "\"locations\" is empty, so the operation could never be called: remove it or name a location",
        );
        ok = false;
    }
    let known: Vec<&str> = api
        .map(|api| api.locations.iter().map(|l| l.key.as_str()).collect())
        .unwrap_or_default();
    let mut ids = Vec::new();
    for location in list {
        match known.iter().position(|key| *key == location.value) {
            Some(index) => ids.push(LocationId(index)),
            None if cx.broken_locations || api.is_none() => ok = false,
            None => {
                let suggestion = did_you_mean(&location.value, known.iter().copied());
                cx.error(
                    file,
                    location.pos,
                    format!(
                        "operation is restricted to location \"{}\", which the API does not define{suggestion}",
                        location.value
                    ),
                );
                ok = false;
            }
        }
    }
    ids.sort();
    ids.dedup();
    ok.then_some(Some(ids))
}

//! Phase 5: where each type is carried: in requests (bodies, multipart JSON parts, query
//! parameters) or responses, directly or inside another type. A request's enum is closed and
//! its rules apply; a response's enum keeps values it does not know.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{BodyModel, Module, PartContent, QueryValue, ResponseModel, TypeKind, TypeRef};

use super::operations::OperationDraft;

/// Sets [`Usage`](crate::model::Usage) on every type of `modules`.
pub(super) fn mark(modules: &mut [Module], operations: &[OperationDraft]) {
    let mut inner: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ty in modules.iter().flat_map(|m| &m.types) {
        if let TypeKind::Object { fields } = &ty.kind {
            let names = fields.iter().filter_map(|f| named(&f.ty)).collect();
            inner.insert(ty.name.clone(), names);
        }
    }
    let mut sent = Vec::new();
    let mut received = Vec::new();
    for op in operations.iter().map(|draft| &draft.model) {
        match &op.body {
            Some(BodyModel::Json(ty)) => sent.extend(named(ty)),
            Some(BodyModel::Multipart(multipart)) => {
                sent.extend(
                    multipart
                        .parts
                        .iter()
                        .filter_map(|part| match &part.content {
                            PartContent::Json(ty) => named(ty),
                            PartContent::Text { .. } => None,
                        }),
                );
            }
            Some(BodyModel::Text { .. }) | None => {}
        }
        sent.extend(op.query.iter().filter_map(|q| match &q.value {
            QueryValue::Typed(ty) => named(ty),
            QueryValue::Const(_) => None,
        }));
        if let ResponseModel::Json(ty) | ResponseModel::Page(ty) = &op.response {
            received.extend(named(ty));
        }
    }
    let sent = reachable(sent, &inner);
    let received = reachable(received, &inner);
    for ty in modules.iter_mut().flat_map(|m| &mut m.types) {
        ty.usage.requests = sent.contains(&ty.name);
        ty.usage.responses = received.contains(&ty.name);
    }
}

/// The type a reference names, through lists.
fn named(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::Named(name) => Some(name.clone()),
        TypeRef::Array(inner) => named(inner),
        _ => None,
    }
}

/// `roots` and every type their fields name, transitively.
fn reachable(roots: Vec<String>, inner: &BTreeMap<String, Vec<String>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(inner.get(&name).into_iter().flatten().cloned());
        }
    }
    seen
}

//! What an operation sends and gets back: the request body, the success status and the
//! response.

use crate::model::{Method, ResponseModel, TypeRef};
use crate::spec;

use super::Checker;

/// The success status and what a success returns.
pub(super) fn outcome(
    cx: &mut Checker,
    file: &str,
    op: &spec::Operation,
) -> Option<(u16, ResponseModel)> {
    let mut ok = true;
    let response = match &op.response {
        None => ResponseModel::Empty,
        Some(text) => match cx.type_ref(file, text) {
            Some(TypeRef::Array(inner)) => ResponseModel::Page(*inner),
            Some(ty) => ResponseModel::Json(ty),
            None => {
                ok = false;
                ResponseModel::Empty
            }
        },
    };
    let status = op.status.value;
    let allowed: &[u16] = match op.async_form {
        spec::AsyncForm::Only => &[202],
        _ => &[200, 201, 204],
    };
    if !allowed.contains(&status) {
        let hint = if op.async_form == spec::AsyncForm::Only {
            "an async-only operation succeeds with 202"
        } else {
            "use 200, 201 or 204 (202 is implied by \"async\")"
        };
        cx.error(
            file,
            op.status.pos,
            format!("unsupported status {status}: {hint}"),
        );
        ok = false;
    } else if status == 204 && op.response.is_some() {
        cx.error(
            file,
            op.status.pos,
            "status 204 means no body, but the operation has a \"response\": remove one",
        );
        ok = false;
    } else if status == 202 && op.response.is_some() {
        cx.error(
            file,
            op.status.pos,
            "an async-only operation answers with a Location to poll, not a \"response\": remove it",
        );
        ok = false;
    }
    ok.then_some((status, response))
}

/// The request body, if any; GET and DELETE have none.
pub(super) fn body(cx: &mut Checker, file: &str, op: &spec::Operation) -> Option<Option<TypeRef>> {
    let Some(text) = &op.body else {
        return Some(None);
    };
    let method = op.method.value;
    let mut ok = true;
    if matches!(method, Method::Get | Method::Delete) {
        cx.error(
            file,
            text.pos,
            format!("a {} request has no body: remove \"body\"", method.as_str()),
        );
        ok = false;
    }
    let ty = cx.type_ref(file, text);
    ok &= ty.is_some();
    ok.then_some(ty)
}

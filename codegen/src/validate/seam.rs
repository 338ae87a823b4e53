//! Phase 6: what the hand-written runtime requires of the spec ([`crate::runtime::requires`]):
//! the operation-status type it polls into, with the fields and values it reads, and the id it
//! gives its polls.

use crate::json::Pos;
use crate::model::{FieldModel, Method, Module, ResponseModel, TypeKind, TypeModel, TypeRef};
use crate::runtime::{POLL_OPERATION, requires};
use crate::spec::{Spanned, SpecFile};

use super::checker::Checker;
use super::operations::OperationDraft;
use super::resources::groups;

/// Reports every requirement of the runtime the spec does not meet, each where the spec
/// should change.
pub(super) fn check(
    cx: &mut Checker,
    files: &[(String, SpecFile)],
    modules: &[Module],
    operations: &[OperationDraft],
) {
    let types: Vec<&TypeModel> = modules.iter().flat_map(|m| &m.types).collect();
    let model = operation_model(cx, files, &types);
    let status_type = model
        .and_then(|fields| fields.iter().find(|f| f.wire == "status"))
        .map(|field| &field.ty);
    operation_status(cx, files, &types, status_type);
    poll_operation(cx, files, operations);
}

/// Where the "api" section is: the place to report what the whole spec lacks.
fn api_place(files: &[(String, SpecFile)]) -> (&str, Pos) {
    files
        .iter()
        .find_map(|(file, spec)| spec.api.as_ref().map(|api| (file.as_str(), api.pos)))
        .unwrap_or(("spec", Pos { line: 1, column: 1 }))
}

/// Where a type and its fields are written.
struct TypePlace<'a> {
    file: &'a str,
    key: &'a Spanned<String>,
    /// Each field's key, and where its type is written.
    fields: Vec<(&'a Spanned<String>, Pos)>,
}

/// The positions of a type's name and fields, from the spec.
fn type_place<'a>(files: &'a [(String, SpecFile)], name: &str) -> Option<TypePlace<'a>> {
    files.iter().find_map(|(file, spec)| {
        let (key, def) = spec.types.iter().find(|(key, _)| key.value == name)?;
        let fields = def
            .value
            .fields
            .iter()
            .flat_map(|fields| fields.iter())
            .map(|(field, value)| (field, value.value.ty.pos))
            .collect();
        Some(TypePlace {
            file: file.as_str(),
            key,
            fields,
        })
    })
}

/// The object polls decode into, with the fields the runtime reads.
fn operation_model<'a>(
    cx: &mut Checker,
    files: &[(String, SpecFile)],
    types: &[&'a TypeModel],
) -> Option<&'a [FieldModel]> {
    let name = requires::OPERATION_MODEL.name;
    let needed = requires::OPERATION_MODEL_FIELDS;
    let Some(ty) = types.iter().find(|t| t.name == name) else {
        // A renamed type still has the fields: point at it.
        let renamed = types.iter().find(|t| match &t.kind {
            TypeKind::Object { fields } => needed
                .iter()
                .all(|need| fields.iter().any(|f| f.wire == need.wire)),
            TypeKind::Enum { .. } => false,
        });
        match renamed.and_then(|t| type_place(files, &t.name)) {
            Some(TypePlace { file, key, .. }) => cx.error(
                file,
                key.pos,
                format!(
                    "type \"{}\" has the fields of the operation status the runtime polls, but the runtime names that type `{name}` ({}): rename it to \"{name}\"",
                    key.value, requires::OPERATION_MODEL.file
                ),
            ),
            None => {
                let (file, pos) = api_place(files);
                cx.error(
                    file,
                    pos,
                    format!(
                        "the spec has no type \"{name}\", which the runtime decodes polled operations into ({}): add an object with the optional fields {}",
                        requires::OPERATION_MODEL.file,
                        field_list()
                    ),
                );
            }
        }
        return None;
    };
    let TypePlace {
        file,
        key,
        fields: positions,
    } = type_place(files, name)?;
    let TypeKind::Object { fields } = &ty.kind else {
        cx.error(
            file,
            key.pos,
            format!(
                "type \"{name}\" must be an object: the runtime reads its fields ({}): give it the optional fields {}",
                requires::OPERATION_MODEL.file,
                field_list()
            ),
        );
        return None;
    };
    for need in needed {
        let Some(field) = fields.iter().find(|f| f.wire == need.wire) else {
            cx.error(
                file,
                key.pos,
                format!(
                    "type \"{name}\" has no field \"{}\", which the runtime reads ({}): add it as an optional \"{}\"",
                    need.wire, need.file, need.ty
                ),
            );
            continue;
        };
        let pos = positions
            .iter()
            .find(|(field_key, _)| field_key.value == need.wire)
            .map_or(key.pos, |(field_key, _)| field_key.pos);
        let type_pos = positions
            .iter()
            .find(|(field_key, _)| field_key.value == need.wire)
            .map_or(key.pos, |(_, ty)| *ty);
        if field.rust != need.rust {
            cx.error(
                file,
                pos,
                format!(
                    "field \"{}\" of \"{name}\" is `{}` in Rust, but the runtime reads `{}` ({}): remove its \"rustName\"",
                    need.wire, field.rust, need.rust, need.file
                ),
            );
        }
        if field.ty.spec_text() != need.ty {
            cx.error(
                file,
                type_pos,
                format!(
                    "field \"{}\" of \"{name}\" has type \"{}\", but the runtime reads it as \"{}\" ({}): change its type",
                    need.wire,
                    field.ty.spec_text(),
                    need.ty,
                    need.file
                ),
            );
        }
        let remove = match (field.required, field.nullable) {
            (true, true) => "\"required\" and \"nullable\"",
            (true, false) => "\"required\"",
            (false, true) => "\"nullable\"",
            (false, false) => "",
        };
        if !remove.is_empty() {
            cx.error(
                file,
                pos,
                format!(
                    "field \"{}\" of \"{name}\" must be optional and not nullable: the runtime reads an `Option` ({}): remove {remove}",
                    need.wire, need.file
                ),
            );
        }
    }
    Some(fields)
}

/// `"id" (string), "status" (OperationStatus), …`
fn field_list() -> String {
    requires::OPERATION_MODEL_FIELDS
        .iter()
        .map(|need| format!("\"{}\" ({})", need.wire, need.ty))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The status enum, with the variants the runtime stops polling at.
fn operation_status(
    cx: &mut Checker,
    files: &[(String, SpecFile)],
    types: &[&TypeModel],
    status_type: Option<&TypeRef>,
) {
    let name = requires::OPERATION_STATUS.name;
    let file_of_need = requires::OPERATION_STATUS.file;
    let Some(ty) = types.iter().find(|t| t.name == name) else {
        // Reported with the field when the field names another type.
        if status_type.is_none() {
            let (file, pos) = api_place(files);
            cx.error(
                file,
                pos,
                format!(
                    "the spec has no enum \"{name}\", which the runtime matches to stop polling ({file_of_need}): add it with the values {}",
                    variant_list()
                ),
            );
        }
        return;
    };
    let Some(TypePlace { file, key, .. }) = type_place(files, name) else {
        return;
    };
    let TypeKind::Enum { values, .. } = &ty.kind else {
        cx.error(
            file,
            key.pos,
            format!(
                "type \"{name}\" must be an enum: the runtime matches its values ({file_of_need}): give it the values {}",
                variant_list()
            ),
        );
        return;
    };
    for variant in requires::OPERATION_STATUS_VARIANTS {
        if !values.iter().any(|v| v.variant == *variant) {
            cx.error(
                file,
                key.pos,
                format!(
                    "enum \"{name}\" has no value that becomes `{name}::{variant}`, which the runtime matches to stop polling ({file_of_need}): add one (e.g. \"{}\")",
                    variant.to_lowercase()
                ),
            );
        }
    }
}

/// `` `Completed`, `Failed` ``
fn variant_list() -> String {
    requires::OPERATION_STATUS_VARIANTS
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// A spec operation with the id the runtime gives its polls must be that poll.
fn poll_operation(cx: &mut Checker, files: &[(String, SpecFile)], operations: &[OperationDraft]) {
    let id = POLL_OPERATION.name;
    let Some(op) = operations.iter().find(|d| d.model.id == id) else {
        return;
    };
    let is_poll = op.model.method == Method::Get
        && op.model.response
            == ResponseModel::Json(TypeRef::Named(requires::OPERATION_MODEL.name.to_owned()));
    if is_poll {
        return;
    }
    let top_level = files.iter().find_map(|(file, spec)| {
        let (key, _) = spec.operations.iter().find(|(key, _)| key.value == id)?;
        Some((file.as_str(), key.pos))
    });
    let in_group = || {
        groups(files).find_map(|(file, _, group)| {
            let (key, _) = group.operations.iter().find(|(key, _)| key.value == id)?;
            Some((file, key.pos))
        })
    };
    let (file, pos) = top_level
        .or_else(in_group)
        .unwrap_or_else(|| api_place(files));
    cx.error(
        file,
        pos,
        format!(
            "operation id \"{id}\" is the one the runtime gives its polls of an operation's Location ({}), so it must be a GET answered with \"{}\": rename this operation",
            POLL_OPERATION.file,
            requires::OPERATION_MODEL.name
        ),
    );
}

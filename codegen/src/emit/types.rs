//! Emits models as text: objects as serde structs, enums as string enums that keep unknown
//! values. A model is declarations in a fixed form whose only variable parts are names, types
//! and literals, so it is written laid out (`text.rs`'s `Lines`, a list broken a line an item
//! when it would pass the width) instead of going through syn and prettyplease, where the
//! models cost more than all the other pieces together.

use super::text::{Lines, string};
use super::tokens::{rust_type_text, type_doc};
use crate::model::{EnumValueModel, FieldModel, TypeKind, TypeModel, TypeRef};
use crate::names::lenient_key;

/// Emits one named type.
pub fn text(ty: &TypeModel) -> String {
    let mut out = Lines::default();
    match &ty.kind {
        TypeKind::Object { fields } => object(ty, fields, &mut out),
        TypeKind::Enum { values, lenient } => enumeration(ty, values, *lenient, &mut out),
    }
    out.into_text()
}

fn field_type(field: &FieldModel) -> String {
    let inner = rust_type_text(&field.ty);
    match (field.required, field.nullable) {
        (true, false) => inner,
        (true, true) | (false, false) => format!("Option<{inner}>"),
        (false, true) => format!("Option<crate::Nullable<{inner}>>"),
    }
}

fn field_doc(field: &FieldModel) -> String {
    let presence = match (field.required, field.nullable) {
        (true, false) => "Always present.",
        (true, true) => "Always present; `None` is JSON `null`.",
        (false, false) => "`None` when absent (and not sent).",
        (false, true) => {
            "`None` leaves it out; `Some(Nullable::Null)` sends `null`; `Some(Nullable::Value(_))` sends the value."
        }
    };
    let rules = crate::rules::sentence(
        "Checked before sending",
        &field.constraints,
        matches!(field.ty, TypeRef::Array(_)),
    );
    let rules = if rules.is_empty() {
        String::new()
    } else {
        format!("\n\n{rules}")
    };
    format!("{}\n\nJSON `{}`. {presence}{rules}", field.doc, field.wire)
}

/// The serde attribute of a field: its JSON name and aliases, and how an optional or
/// nullable field is skipped and read.
fn serde_attribute(field: &FieldModel) -> Vec<String> {
    let mut items = vec![format!("rename = {}", string(&field.wire))];
    items.extend(
        field
            .aliases
            .iter()
            .map(|alias| format!("alias = {}", string(alias))),
    );
    if !field.required {
        items.push("default".to_owned());
        items.push("skip_serializing_if = \"Option::is_none\"".to_owned());
    }
    if !field.required && field.nullable {
        items.push("deserialize_with = \"crate::Nullable::deserialize_present\"".to_owned());
    }
    items
}

fn object(ty: &TypeModel, fields: &[FieldModel], out: &mut Lines) {
    let alternatives =
        crate::rules::exclusive_sentence("Checked before sending", ty.exclusive.as_ref());
    if alternatives.is_empty() {
        out.doc(&ty.doc);
    } else {
        out.doc(&format!("{}\n\n{alternatives}", ty.doc));
    }
    let default = if fields.iter().all(|f| !f.required) {
        "Default, "
    } else {
        ""
    };
    out.line(&format!(
        "#[derive(Clone, Debug, {default}PartialEq, serde::Serialize, serde::Deserialize)]"
    ));
    out.open(&format!("pub struct {} {{", ty.name));
    for field in fields {
        out.doc(&field_doc(field));
        out.parens("#[serde", &serde_attribute(field), "]", false);
        out.line(&format!("pub {}: {},", field.rust, field_type(field)));
    }
    out.close("}");

    let required: Vec<&FieldModel> = fields.iter().filter(|f| f.required).collect();
    let optional: Vec<&FieldModel> = fields.iter().filter(|f| !f.required).collect();
    if required.is_empty() && optional.is_empty() {
        out.line(&format!("impl {} {{}}", ty.name));
        return;
    }
    out.open(&format!("impl {} {{", ty.name));
    if !required.is_empty() {
        constructor(ty, fields, &required, out);
    }
    for field in optional {
        setter(field, out);
    }
    out.close("}");
}

/// `new`, taking the required fields; the optional ones start as `None`.
fn constructor(ty: &TypeModel, fields: &[FieldModel], required: &[&FieldModel], out: &mut Lines) {
    let into_string = |field: &FieldModel| field.ty == TypeRef::String && !field.nullable;
    out.doc(&format!(
        "Creates a `{}` from its required fields; optional fields start as `None`.",
        ty.name
    ));
    if required.len() > 7 {
        out.line(
            "#[allow(clippy::too_many_arguments, reason = \"one argument per required field\")]",
        );
    }
    let args: Vec<String> = required
        .iter()
        .map(|field| match into_string(field) {
            true => format!("{}: impl Into<String>", field.rust),
            false => format!("{}: {}", field.rust, field_type(field)),
        })
        .collect();
    out.parens("pub fn new", &args, " -> Self {", true);
    out.indented(|out| {
        let inits: Vec<String> = fields
            .iter()
            .map(|field| match (field.required, into_string(field)) {
                (false, _) => format!("{}: None", field.rust),
                (true, true) => format!("{0}: {0}.into()", field.rust),
                (true, false) => field.rust.clone(),
            })
            .collect();
        out.braces("Self", &inits, "");
    });
    out.line("}");
}

/// `with_{field}`: sets an optional field.
fn setter(field: &FieldModel, out: &mut Lines) {
    let inner = rust_type_text(&field.ty);
    let (arg, value) = match (&field.ty, field.nullable) {
        (TypeRef::String, false) => ("impl Into<String>".to_owned(), "Some(value.into())"),
        (_, false) => (inner, "Some(value)"),
        (_, true) => (
            format!("impl Into<crate::Nullable<{inner}>>"),
            "Some(value.into())",
        ),
    };
    out.doc(&if field.nullable {
        format!(
            "Sets `{}` ({}, or `Nullable::Null` to send `null`).",
            field.wire,
            type_doc(&field.ty)
        )
    } else {
        format!("Sets `{}` ({}).", field.wire, type_doc(&field.ty))
    });
    let name = format!("pub fn with_{}", field.rust.trim_start_matches("r#"));
    let params = ["mut self".to_owned(), format!("value: {arg}")];
    out.parens(&name, &params, " -> Self {", true);
    out.indented(|out| {
        out.line(&format!("self.{} = {value};", field.rust));
        out.line("self");
    });
    out.line("}");
}

fn enumeration(ty: &TypeModel, values: &[EnumValueModel], lenient: bool, out: &mut Lines) {
    let name = &ty.name;
    out.doc(&format!(
        "{}\n\nValues this crate does not know are kept in `Unknown` and sent back unchanged{}.",
        ty.doc,
        if lenient {
            "; received values match ignoring case, spaces, `_` and `-`"
        } else {
            ""
        }
    ));
    out.line("#[derive(Clone, Debug, PartialEq, Eq, Hash)]");
    out.open(&format!("pub enum {name} {{"));
    for value in values {
        out.doc(&format!("{}\n\nOn the wire: `{}`.", value.doc, value.wire));
        out.line(&format!("{},", value.variant));
    }
    out.line("/// A value this version of the crate does not know, kept exactly as received.");
    out.line("Unknown(String),");
    out.close("}");

    out.open(&format!("impl {name} {{"));
    out.line("/// Every value this crate knows, in the order the spec lists them.");
    let known: Vec<String> = values
        .iter()
        .map(|value| format!("Self::{}", value.variant))
        .collect();
    out.brackets("pub const KNOWN: &'static [Self] = &", &known, ";");
    out.line("/// The value as it is sent on the wire.");
    out.open("pub fn as_str(&self) -> &str {");
    out.open("match self {");
    for value in values {
        out.line(&format!(
            "Self::{} => {},",
            value.variant,
            string(&value.wire)
        ));
    }
    out.line("Self::Unknown(value) => value,");
    out.close("}");
    out.close("}");
    out.close("}");

    out.open(&format!("impl From<&str> for {name} {{"));
    out.open("fn from(value: &str) -> Self {");
    if lenient {
        out.open("match crate::enum_value::lenient_key(value).as_str() {");
        for value in values {
            let key = string(&lenient_key(&value.wire));
            out.line(&format!("{key} => Self::{},", value.variant));
        }
        out.line("_ => Self::Unknown(value.to_owned()),");
    } else {
        out.open("match value {");
        for value in values {
            out.line(&format!(
                "{} => Self::{},",
                string(&value.wire),
                value.variant
            ));
        }
        out.line("other => Self::Unknown(other.to_owned()),");
    }
    out.close("}");
    out.close("}");
    out.close("}");

    out.open(&format!("impl std::fmt::Display for {name} {{"));
    out.open("fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {");
    out.line("f.write_str(self.as_str())");
    out.close("}");
    out.close("}");

    out.open(&format!("impl serde::Serialize for {name} {{"));
    out.open(
        "fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {",
    );
    out.line("serializer.serialize_str(self.as_str())");
    out.close("}");
    out.close("}");

    out.open(&format!("impl<'de> serde::Deserialize<'de> for {name} {{"));
    out.open(
        "fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {",
    );
    out.line("let value = <String as serde::Deserialize>::deserialize(deserializer)?;");
    out.line("Ok(Self::from(value.as_str()))");
    out.close("}");
    out.close("}");
}

//! Emits models: objects as serde structs, enums as string enums that keep unknown values.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::Docs;
use super::tokens::{ident, rust_type, type_doc};
use crate::model::{EnumValueModel, FieldModel, TypeKind, TypeModel, TypeRef};
use crate::names::lenient_key;

/// Emits one named type.
pub fn tokens(ty: &TypeModel, docs: &Docs) -> TokenStream {
    match &ty.kind {
        TypeKind::Object { fields } => object(ty, fields, docs),
        TypeKind::Enum { values, lenient } => enumeration(ty, values, *lenient, docs),
    }
}

fn field_type(field: &FieldModel) -> TokenStream {
    let inner = rust_type(&field.ty);
    match (field.required, field.nullable) {
        (true, false) => inner,
        (true, true) | (false, false) => quote!(Option<#inner>),
        (false, true) => quote!(Option<crate::Nullable<#inner>>),
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

fn object(ty: &TypeModel, fields: &[FieldModel], docs: &Docs) -> TokenStream {
    let name = ident(&ty.name);
    let alternatives =
        crate::rules::exclusive_sentence("Checked before sending", ty.exclusive.as_ref());
    let type_doc_text = if alternatives.is_empty() {
        docs.outer(&ty.doc)
    } else {
        docs.outer(&format!("{}\n\n{alternatives}", ty.doc))
    };
    let all_optional = fields.iter().all(|f| !f.required);
    let derive_default = if all_optional {
        quote!(Default,)
    } else {
        TokenStream::new()
    };
    let field_items = fields.iter().map(|field| {
        let rust = ident(&field.rust);
        let wire = &field.wire;
        let ty = field_type(field);
        let doc = docs.outer(&field_doc(field));
        let aliases = &field.aliases;
        let serde = match (field.required, field.nullable) {
            (true, _) => quote!(#[serde(rename = #wire #(, alias = #aliases)*)]),
            (false, false) => quote!(
                #[serde(rename = #wire #(, alias = #aliases)*, default, skip_serializing_if = "Option::is_none")]
            ),
            (false, true) => quote!(
                #[serde(
                    rename = #wire #(, alias = #aliases)*,
                    default,
                    skip_serializing_if = "Option::is_none",
                    deserialize_with = "crate::Nullable::deserialize_present"
                )]
            ),
        };
        quote! {
            #doc
            #serde
            pub #rust: #ty,
        }
    });

    let required: Vec<&FieldModel> = fields.iter().filter(|f| f.required).collect();
    let constructor = if required.is_empty() {
        TokenStream::new()
    } else {
        let args = required.iter().map(|field| {
            let rust = ident(&field.rust);
            let ty = field_type(field);
            if field.ty == TypeRef::String && !field.nullable {
                quote!(#rust: impl Into<String>)
            } else {
                quote!(#rust: #ty)
            }
        });
        let inits = fields.iter().map(|field| {
            let rust = ident(&field.rust);
            if !field.required {
                quote!(#rust: None)
            } else if field.ty == TypeRef::String && !field.nullable {
                quote!(#rust: #rust.into())
            } else {
                quote!(#rust)
            }
        });
        let new_doc = docs.outer(&format!(
            "Creates a `{}` from its required fields; optional fields start as `None`.",
            ty.name
        ));
        let lint = if required.len() > 7 {
            quote!(#[allow(clippy::too_many_arguments, reason = "one argument per required field")])
        } else {
            TokenStream::new()
        };
        quote! {
            #new_doc
            #lint
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
        }
    };
    let setters = fields.iter().filter(|f| !f.required).map(|field| {
        let rust = ident(&field.rust);
        let setter = format_ident!("with_{}", field.rust.trim_start_matches("r#"));
        let inner = rust_type(&field.ty);
        let (arg, value) = match (&field.ty, field.nullable) {
            (TypeRef::String, false) => (quote!(impl Into<String>), quote!(Some(value.into()))),
            (_, false) => (inner, quote!(Some(value))),
            (_, true) => (
                quote!(impl Into<crate::Nullable<#inner>>),
                quote!(Some(value.into())),
            ),
        };
        let doc = docs.outer(&if field.nullable {
            format!(
                "Sets `{}` ({}, or `Nullable::Null` to send `null`).",
                field.wire,
                type_doc(&field.ty)
            )
        } else {
            format!("Sets `{}` ({}).", field.wire, type_doc(&field.ty))
        });
        quote! {
            #doc
            pub fn #setter(mut self, value: #arg) -> Self {
                self.#rust = #value;
                self
            }
        }
    });
    quote! {
        #type_doc_text
        #[derive(Clone, Debug, #derive_default PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#field_items)*
        }

        impl #name {
            #constructor
            #(#setters)*
        }
    }
}

fn enumeration(
    ty: &TypeModel,
    values: &[EnumValueModel],
    lenient: bool,
    docs: &Docs,
) -> TokenStream {
    let name = ident(&ty.name);
    let type_doc_text = docs.outer(&format!(
        "{}\n\nValues this crate does not know are kept in `Unknown` and sent back unchanged{}.",
        ty.doc,
        if lenient {
            "; received values match ignoring case, spaces, `_` and `-`"
        } else {
            ""
        }
    ));
    let variants: Vec<_> = values.iter().map(|v| ident(&v.variant)).collect();
    let wires: Vec<&String> = values.iter().map(|v| &v.wire).collect();
    let value_docs = values
        .iter()
        .map(|v| docs.outer(&format!("{}\n\nOn the wire: `{}`.", v.doc, v.wire)));
    let from_body = if lenient {
        let keys: Vec<String> = values.iter().map(|v| lenient_key(&v.wire)).collect();
        quote! {
            match crate::enum_value::lenient_key(value).as_str() {
                #(#keys => Self::#variants,)*
                _ => Self::Unknown(value.to_owned()),
            }
        }
    } else {
        quote! {
            match value {
                #(#wires => Self::#variants,)*
                other => Self::Unknown(other.to_owned()),
            }
        }
    };
    quote! {
        #type_doc_text
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#value_docs #variants,)*
            /// A value this version of the crate does not know, kept exactly as received.
            Unknown(String),
        }

        impl #name {
            /// Every value this crate knows, in the order the spec lists them.
            pub const KNOWN: &'static [Self] = &[#(Self::#variants),*];

            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                #from_body
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    }
}

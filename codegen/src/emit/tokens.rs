//! The token pieces every emitter shares: identifiers, and the Rust type (and its name in
//! docs) of a type reference.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::TypeRef;

/// An identifier from a name `names::ident` already made (raw identifiers included).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust type for a type reference.
pub fn rust_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::DateTime => quote!(crate::DateTime),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(crate::#name)
        }
        TypeRef::Array(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
    }
}

/// The Rust type for a type reference, as text: what [`rust_type`] is as tokens.
pub fn rust_type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::Integer => "i64".to_owned(),
        TypeRef::Number => "f64".to_owned(),
        TypeRef::DateTime => "crate::DateTime".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::Named(name) => format!("crate::{name}"),
        TypeRef::Array(inner) => format!("Vec<{}>", rust_type_text(inner)),
    }
}

/// The markdown name of a type reference, for docs.
pub fn type_doc(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "`String`".to_owned(),
        TypeRef::Boolean => "`bool`".to_owned(),
        TypeRef::Integer => "`i64`".to_owned(),
        TypeRef::Number => "`f64`".to_owned(),
        TypeRef::DateTime => "[`DateTime`](crate::DateTime)".to_owned(),
        TypeRef::Json => "JSON".to_owned(),
        TypeRef::Named(name) => format!("[`{name}`](crate::{name})"),
        TypeRef::Array(inner) => format!("a list of {}", type_doc(inner)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_is_the_same_as_text_and_as_tokens() {
        let named = TypeRef::Named("Section".to_owned());
        for ty in [
            TypeRef::String,
            TypeRef::Boolean,
            TypeRef::Integer,
            TypeRef::Number,
            TypeRef::DateTime,
            TypeRef::Json,
            TypeRef::Array(Box::new(TypeRef::Array(Box::new(named.clone())))),
            named,
        ] {
            let tokens: String = rust_type(&ty).to_string().split_whitespace().collect();
            assert_eq!(tokens, rust_type_text(&ty), "{ty:?}");
        }
    }
}

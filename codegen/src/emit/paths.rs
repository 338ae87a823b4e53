//! Emits what path parameters become: the arguments of an accessor or operation method, their
//! "# Arguments" docs, and the statements that build the request path at run time.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::ident;
use crate::model::{ParamModel, Part, PathTemplate, TypeRef};

/// The accessor's or operation method's arguments for path parameters.
pub fn param_args(params: &[ParamModel]) -> Vec<TokenStream> {
    params
        .iter()
        .map(|p| {
            let name = ident(&p.rust);
            match p.ty {
                TypeRef::Integer => quote!(#name: i64),
                _ => quote!(#name: impl AsRef<str>),
            }
        })
        .collect()
}

/// Doc lines listing path parameters, each with how it is encoded into `template`.
pub fn param_docs(params: &[ParamModel], template: &PathTemplate) -> String {
    if params.is_empty() {
        return String::new();
    }
    let list: String = params
        .iter()
        .map(|p| {
            let quoted = template.is_quoted(&p.wire);
            let encoding = if quoted {
                "an OData string literal: quotes doubled, then percent-encoded"
            } else {
                "percent-encoded as one path segment, so no value can change the endpoint"
            };
            format!(
                "\n- `{}`: {} ({encoding}).",
                p.rust.trim_start_matches("r#"),
                p.doc.trim_end_matches('.')
            )
        })
        .collect();
    format!("\n\n# Arguments\n{list}")
}

/// Statements that append `template` to a `String` named `path`, percent-encoding every
/// parameter (the Rust argument named after it in `params`).
///
/// With `from_empty`, the first segment gets no leading `/` (the path starts there).
/// An OData literal parameter is written between the template's single quotes.
pub fn push_path(template: &PathTemplate, params: &[ParamModel], from_empty: bool) -> TokenStream {
    let mut statements = Vec::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, statements: &mut Vec<TokenStream>| {
        let text = std::mem::take(literal);
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (None, _) => {}
            (Some(c), None) => statements.push(quote!(path.push(#c);)),
            _ => statements.push(quote!(path.push_str(#text);)),
        }
    };
    for (index, segment) in template.segments.iter().enumerate() {
        if index > 0 || !from_empty {
            literal.push('/');
        }
        for part in &segment.parts {
            let (name, quoted) = match part {
                Part::Literal(text) => {
                    literal.push_str(text);
                    continue;
                }
                Part::Param(name) => (name, false),
                Part::QuotedParam(name) => (name, true),
            };
            if quoted {
                literal.push('\'');
            }
            flush(&mut literal, &mut statements);
            let param = params.iter().find(|p| &p.wire == name);
            let rust = ident(param.map_or(name.as_str(), |p| p.rust.as_str()));
            let value = match param.map(|p| &p.ty) {
                Some(TypeRef::Integer) => quote!(&#rust.to_string()),
                _ => quote!(#rust.as_ref()),
            };
            statements.push(if quoted {
                quote!(crate::path::push_odata_string(&mut path, #value);)
            } else {
                quote!(crate::path::push_segment(&mut path, #value);)
            });
            if quoted {
                literal.push('\'');
            }
        }
    }
    flush(&mut literal, &mut statements);
    quote!(#(#statements)*)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> PathTemplate {
        PathTemplate::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn param(wire: &str, rust: &str, ty: TypeRef) -> ParamModel {
        ParamModel {
            wire: wire.to_owned(),
            rust: rust.to_owned(),
            doc: String::new(),
            ty,
        }
    }

    #[test]
    fn statements_encode_each_parameter_by_its_type() {
        let path = parse("schools/{schoolId}/campus/{campusNumber}/FromName(n='{name}')");
        let params = [
            param("schoolId", "school_id", TypeRef::String),
            param("campusNumber", "campus_number", TypeRef::Integer),
            param("name", "name", TypeRef::String),
        ];
        let tokens = push_path(&path, &params, true).to_string();
        assert_eq!(
            tokens,
            quote! {
                path.push_str("schools/");
                crate::path::push_segment(&mut path, school_id.as_ref());
                path.push_str("/campus/");
                crate::path::push_segment(&mut path, &campus_number.to_string());
                path.push_str("/FromName(n='");
                crate::path::push_odata_string(&mut path, name.as_ref());
                path.push_str("')");
            }
            .to_string()
        );
    }

    #[test]
    fn statements_after_a_host_start_with_a_slash() {
        let tokens = push_path(&parse("teachers"), &[], false).to_string();
        assert_eq!(tokens, quote!(path.push_str("/teachers");).to_string());
    }
}

//! `tables.rs`: the [`Tables`](crate::tables::Tables) as `onenote_api::schema` statics, which
//! the client checks requests with before sending and `onenote-fake` on receipt.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::Docs;
use crate::model::Rule;
use crate::rules::InputRules;
use crate::tables::{
    BodyTable, FieldTable, OperationTable, ParamTable, ResponseTable, Shape, Tables, TypeTable,
    TypeTableKind,
};

/// `API` and `TYPES`: one table per type. The file takes `crate::schema`'s names whole: a spec
/// without patterns or multipart bodies leaves some unused, and a glob is not an unused import.
pub fn types(tables: &Tables, docs: &Docs) -> TokenStream {
    let count = tables.types.len();
    let types = tables.types.iter().map(type_table);
    let api_doc = docs.outer(
        "Every type and operation of the API as data, for [`schema`](crate::schema)'s checks.",
    );
    let types_doc = docs.outer("One table per type, sorted by name.");
    quote! {
        use crate::schema::*;
        #api_doc
        pub static API: Api = Api {
            types: &TYPES,
            operations: &OPERATIONS,
        };
        #types_doc
        static TYPES: [TypeSchema; #count] = [#(#types),*];
    }
}

/// `OPERATIONS`: one table per operation, sorted by id.
pub fn operations(tables: &Tables, docs: &Docs) -> TokenStream {
    let count = tables.operations.len();
    let operations = tables.operations.iter().map(operation_table);
    let doc = docs.outer("One table per operation, sorted by id.");
    quote! {
        #doc
        pub(crate) static OPERATIONS: [OperationSchema; #count] = [#(#operations),*];
    }
}

fn type_table(ty: &TypeTable) -> TokenStream {
    let name = &ty.name;
    let kind = match &ty.kind {
        TypeTableKind::Object(fields) => {
            let fields = fields.iter().map(field);
            quote!(TypeKind::Object { fields: &[#(#fields),*] })
        }
        TypeTableKind::Enum { values, lenient } => {
            quote!(TypeKind::Enum { values: &[#(#values),*], lenient: #lenient })
        }
    };
    let groups = ty.exclusive.iter().map(|group| quote!(&[#(#group),*]));
    quote!(TypeSchema { name: #name, kind: #kind, exclusive: &[#(#groups),*] })
}

/// `FieldSchema::new(name, shape)`, then only what differs from an optional, never-`null`
/// field without aliases or rules: a field to a line, which lays out quicker than a struct.
fn field(field: &FieldTable) -> TokenStream {
    let name = &field.name;
    let shape = shape(&field.shape);
    let mut tokens = quote!(FieldSchema::new(#name, #shape));
    if field.required {
        tokens.extend(quote!(.required()));
    }
    if field.nullable {
        tokens.extend(quote!(.nullable()));
    }
    if !field.aliases.is_empty() {
        let aliases = &field.aliases;
        tokens.extend(quote!(.aliases(&[#(#aliases),*])));
    }
    if !field.rules.is_empty() {
        let rules = rules(&field.rules);
        tokens.extend(quote!(.rules(#rules)));
    }
    tokens
}

fn shape(shape: &Shape) -> TokenStream {
    match shape {
        Shape::String => quote!(Shape::String),
        Shape::Boolean => quote!(Shape::Boolean),
        Shape::Integer => quote!(Shape::Integer),
        Shape::Number => quote!(Shape::Number),
        Shape::DateTime => quote!(Shape::DateTime),
        Shape::Json => quote!(Shape::Json),
        Shape::Named(index) => {
            quote!(Shape::Named(TypeIndex(#index)))
        }
        Shape::List(inner) => {
            let inner = self::shape(inner);
            quote!(Shape::List(&#inner))
        }
    }
}

fn operation_table(op: &OperationTable) -> TokenStream {
    let id = &op.id;
    let query = op.query.iter().map(param);
    let body = match &op.body {
        None => quote!(None),
        Some(BodyTable::Json { shape, rules }) => {
            let shape = self::shape(shape);
            let rules = self::rules(rules);
            quote!(Some(BodySchema::Json { shape: #shape, rules: #rules }))
        }
        Some(BodyTable::Text { media_type, rules }) => {
            let rules = self::rules(rules);
            quote!(Some(BodySchema::Text { media_type: #media_type, rules: #rules }))
        }
        Some(BodyTable::Multipart {
            parts,
            binary_max_bytes,
            alone,
        }) => {
            let parts = parts.iter().map(|part| {
                let name = &part.name;
                let media_type = &part.media_type;
                let required = part.required;
                let rules = rules(&part.rules);
                quote! {
                    PartSchema {
                        name: #name,
                        media_type: #media_type,
                        required: #required,
                        rules: #rules,
                    }
                }
            });
            let binary = option(binary_max_bytes.map(|max| quote!(#max)));
            let alone = option(alone.as_ref().map(|name| quote!(#name)));
            quote! {
                Some(BodySchema::Multipart(MultipartSchema {
                    parts: &[#(#parts),*],
                    binary_max_bytes: #binary,
                    alone: #alone,
                }))
            }
        }
    };
    let response = match &op.response {
        ResponseTable::Empty => quote!(ResponseSchema::Empty),
        ResponseTable::Json(item) => {
            let item = shape(item);
            quote!(ResponseSchema::Json(#item))
        }
        ResponseTable::Page(item) => {
            let item = shape(item);
            quote!(ResponseSchema::Page(#item))
        }
        ResponseTable::Text => quote!(ResponseSchema::Text),
        ResponseTable::Bytes => quote!(ResponseSchema::Bytes),
    };
    quote! {
        OperationSchema {
            id: #id,
            query: &[#(#query),*],
            body: #body,
            response: #response,
        }
    }
}

/// `ParamSchema::new(name, shape)`, then its constant value and rules if it has them.
fn param(param: &ParamTable) -> TokenStream {
    let name = &param.name;
    let shape = shape(&param.shape);
    let mut tokens = quote!(ParamSchema::new(#name, #shape));
    if let Some(value) = &param.constant {
        tokens.extend(quote!(.constant(#value)));
    }
    if !param.rules.is_empty() {
        let rules = rules(&param.rules);
        tokens.extend(quote!(.rules(#rules)));
    }
    tokens
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

/// A `Rules` value: the rules set, the rest from `Rules::NONE`.
fn rules(rules: &InputRules) -> TokenStream {
    if rules.is_empty() {
        return quote!(Rules::NONE);
    }
    fn rule<T>(rule: &Rule<T>, value: TokenStream) -> TokenStream {
        let code = option(rule.code.as_ref().map(|code| quote!(#code)));
        quote!(Some(Rule { value: #value, code: #code }))
    }
    let mut set = Vec::new();
    if let Some(r) = &rules.min_length {
        let value = r.value;
        let rule = rule(r, quote!(#value));
        set.push(quote!(min_length: #rule,));
    }
    if let Some(r) = &rules.max_length {
        let value = r.value;
        let rule = rule(r, quote!(#value));
        set.push(quote!(max_length: #rule,));
    }
    if let Some(r) = &rules.forbidden_characters {
        let value = &r.value;
        let rule = rule(r, quote!(#value));
        set.push(quote!(forbidden_characters: #rule,));
    }
    if let Some(r) = &rules.pattern {
        let regex = &r.value.regex;
        let meaning = &r.value.meaning;
        let rule = rule(r, quote!(Pattern { regex: #regex, meaning: #meaning }));
        set.push(quote!(pattern: #rule,));
    }
    if let Some(r) = &rules.min_items {
        let value = r.value;
        let rule = rule(r, quote!(#value));
        set.push(quote!(min_items: #rule,));
    }
    if let Some(r) = &rules.one_of {
        let values = &r.value;
        let rule = rule(r, quote!(&[#(#values),*]));
        set.push(quote!(one_of: #rule,));
    }
    if let Some(r) = &rules.minimum {
        let value = r.value;
        let rule = rule(r, quote!(#value));
        set.push(quote!(minimum: #rule,));
    }
    if let Some(r) = &rules.maximum {
        let value = r.value;
        let rule = rule(r, quote!(#value));
        set.push(quote!(maximum: #rule,));
    }
    quote!(Rules { #(#set)* ..Rules::NONE })
}

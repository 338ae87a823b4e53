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

/// `API` and `TYPES`: one table per type.
pub fn types(tables: &Tables, docs: &Docs) -> TokenStream {
    let count = tables.types.len();
    let types = tables.types.iter().map(type_table);
    let api_doc = docs.outer(
        "Every type and operation of the API as data, for [`schema`](crate::schema)'s checks.",
    );
    let types_doc = docs.outer("One table per type, sorted by name.");
    quote! {
        #api_doc
        pub static API: crate::schema::Api = crate::schema::Api {
            types: &TYPES,
            operations: &OPERATIONS,
        };
        #types_doc
        static TYPES: [crate::schema::TypeSchema; #count] = [#(#types),*];
    }
}

/// `OPERATIONS`: one table per operation, sorted by id.
pub fn operations(tables: &Tables, docs: &Docs) -> TokenStream {
    let count = tables.operations.len();
    let operations = tables.operations.iter().map(operation_table);
    let doc = docs.outer("One table per operation, sorted by id.");
    quote! {
        #doc
        pub(crate) static OPERATIONS: [crate::schema::OperationSchema; #count] = [#(#operations),*];
    }
}

fn type_table(ty: &TypeTable) -> TokenStream {
    let name = &ty.name;
    let kind = match &ty.kind {
        TypeTableKind::Object(fields) => {
            let fields = fields.iter().map(field);
            quote!(crate::schema::TypeKind::Object { fields: &[#(#fields),*] })
        }
        TypeTableKind::Enum { values, lenient } => {
            quote!(crate::schema::TypeKind::Enum { values: &[#(#values),*], lenient: #lenient })
        }
    };
    let groups = ty.exclusive.iter().map(|group| quote!(&[#(#group),*]));
    quote!(crate::schema::TypeSchema { name: #name, kind: #kind, exclusive: &[#(#groups),*] })
}

fn field(field: &FieldTable) -> TokenStream {
    let name = &field.name;
    let aliases = &field.aliases;
    let shape = shape(&field.shape);
    let required = field.required;
    let nullable = field.nullable;
    let rules = rules(&field.rules);
    quote! {
        crate::schema::FieldSchema {
            name: #name,
            aliases: &[#(#aliases),*],
            shape: #shape,
            required: #required,
            nullable: #nullable,
            rules: #rules,
        }
    }
}

fn shape(shape: &Shape) -> TokenStream {
    match shape {
        Shape::String => quote!(crate::schema::Shape::String),
        Shape::Boolean => quote!(crate::schema::Shape::Boolean),
        Shape::Integer => quote!(crate::schema::Shape::Integer),
        Shape::Number => quote!(crate::schema::Shape::Number),
        Shape::DateTime => quote!(crate::schema::Shape::DateTime),
        Shape::Json => quote!(crate::schema::Shape::Json),
        Shape::Named(index) => {
            quote!(crate::schema::Shape::Named(crate::schema::TypeIndex(#index)))
        }
        Shape::List(inner) => {
            let inner = self::shape(inner);
            quote!(crate::schema::Shape::List(&#inner))
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
            quote!(Some(crate::schema::BodySchema::Json { shape: #shape, rules: #rules }))
        }
        Some(BodyTable::Text { media_type, rules }) => {
            let rules = self::rules(rules);
            quote!(Some(crate::schema::BodySchema::Text { media_type: #media_type, rules: #rules }))
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
                    crate::schema::PartSchema {
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
                Some(crate::schema::BodySchema::Multipart(crate::schema::MultipartSchema {
                    parts: &[#(#parts),*],
                    binary_max_bytes: #binary,
                    alone: #alone,
                }))
            }
        }
    };
    let response = match &op.response {
        ResponseTable::Empty => quote!(crate::schema::ResponseSchema::Empty),
        ResponseTable::Json(item) => {
            let item = shape(item);
            quote!(crate::schema::ResponseSchema::Json(#item))
        }
        ResponseTable::Page(item) => {
            let item = shape(item);
            quote!(crate::schema::ResponseSchema::Page(#item))
        }
        ResponseTable::Text => quote!(crate::schema::ResponseSchema::Text),
        ResponseTable::Bytes => quote!(crate::schema::ResponseSchema::Bytes),
    };
    quote! {
        crate::schema::OperationSchema {
            id: #id,
            query: &[#(#query),*],
            body: #body,
            response: #response,
        }
    }
}

fn param(param: &ParamTable) -> TokenStream {
    let name = &param.name;
    let shape = shape(&param.shape);
    let constant = option(param.constant.as_ref().map(|value| quote!(#value)));
    let rules = rules(&param.rules);
    quote! {
        crate::schema::ParamSchema { name: #name, shape: #shape, constant: #constant, rules: #rules }
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

/// A `crate::schema::Rules` value: the rules set, the rest from `Rules::NONE`.
fn rules(rules: &InputRules) -> TokenStream {
    if rules.is_empty() {
        return quote!(crate::schema::Rules::NONE);
    }
    fn rule<T>(rule: &Rule<T>, value: TokenStream) -> TokenStream {
        let code = option(rule.code.as_ref().map(|code| quote!(#code)));
        quote!(Some(crate::schema::Rule { value: #value, code: #code }))
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
        let rule = rule(
            r,
            quote!(crate::schema::Pattern { regex: #regex, meaning: #meaning }),
        );
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
    quote!(crate::schema::Rules { #(#set)* ..crate::schema::Rules::NONE })
}

//! `tables.rs`: the [`Tables`](crate::tables::Tables) as `onenote_api::schema` statics, which
//! the client checks requests with before sending and `onenote-fake` on receipt.
//!
//! Written as text, already laid out, not as tokens for prettyplease: the tables are plain
//! data (string and number literals in constructor calls and struct literals), so their layout
//! is one entry to a line and a level of indent per nesting, and nothing needs to measure line
//! widths. Laying them out through syn and prettyplease cost more than all the code around
//! them, on one thread, in two pieces that grow with the whole spec.

use super::text::{Lines, string, strings};
use crate::model::Rule;
use crate::rules::InputRules;
use crate::tables::{
    BodyTable, FieldTable, GraphEdgeTable, OperationTable, ParamTable, ResponseTable, Shape,
    Tables, TypeTable, TypeTableKind,
};

/// The file's items: `API`, then `TYPES` (one table per type, sorted by name) and `OPERATIONS`
/// (one per operation, sorted by id). The file takes `crate::schema`'s names whole: a spec
/// without patterns or multipart bodies leaves some unused, and a glob is not an unused import.
pub fn text(tables: &Tables) -> String {
    let mut out = Lines::default();
    out.line("use crate::schema::*;");
    out.line(
        "/// Every type and operation of the API as data, for [`schema`](crate::schema)'s checks.",
    );
    out.open("pub static API: Api = Api {");
    out.line("types: &TYPES,");
    out.line("operations: &OPERATIONS,");
    graph_edge(&tables.graph, &mut out);
    out.close("};");
    out.line("/// One table per type, sorted by name.");
    let types = format!("static TYPES: [TypeSchema; {}] = ", tables.types.len());
    out.list(&types, &tables.types, ";", type_table);
    out.line("/// One table per operation, sorted by id.");
    let operations = format!(
        "pub(crate) static OPERATIONS: [OperationSchema; {}] = ",
        tables.operations.len()
    );
    out.list(&operations, &tables.operations, ";", operation_table);
    out.into_text()
}

/// `graph: GraphEdge { … }`, a list to a line.
fn graph_edge(edge: &GraphEdgeTable, out: &mut Lines) {
    let pairs = |pairs: Vec<String>| format!("&[{}]", pairs.join(", "));
    let renamed = edge
        .renamed
        .iter()
        .map(|(main, graph)| format!("({}, {})", string(main), string(graph)))
        .collect();
    let retyped = edge
        .retyped
        .iter()
        .map(|(main, graph)| format!("({}, {})", string(main), shape(graph)))
        .collect();
    out.open("graph: GraphEdge {");
    out.line(&format!("renamed: {},", pairs(renamed)));
    out.line(&format!("retyped: {},", pairs(retyped)));
    out.line(&format!("omitted: {},", strings(&edge.omitted)));
    out.line(&format!("added: {},", strings(&edge.added)));
    out.close("},");
}

fn type_table(ty: &TypeTable, out: &mut Lines) {
    out.open("TypeSchema {");
    out.line(&format!("name: {},", string(&ty.name)));
    match &ty.kind {
        TypeTableKind::Object(fields) => {
            out.open("kind: TypeKind::Object {");
            out.list("fields: &", fields, ",", field);
            out.close("},");
        }
        TypeTableKind::Enum { values, lenient } => {
            out.open("kind: TypeKind::Enum {");
            out.list("values: &", values, ",", |value, out| {
                out.line(&format!("{},", string(value)));
            });
            out.line(&format!("lenient: {lenient},"));
            out.close("},");
        }
    }
    let groups: Vec<String> = ty.exclusive.iter().map(|group| strings(group)).collect();
    out.line(&format!("exclusive: &[{}],", groups.join(", ")));
    out.close("},");
}

/// `FieldSchema::new(name, shape)`, then only what differs from an optional, never-`null`
/// field without aliases or rules, a call to a line.
fn field(field: &FieldTable, out: &mut Lines) {
    let mut calls = Vec::new();
    if field.required {
        calls.push(".required()".to_owned());
    }
    if field.nullable {
        calls.push(".nullable()".to_owned());
    }
    if !field.aliases.is_empty() {
        calls.push(format!(".aliases({})", strings(&field.aliases)));
    }
    let new = format!(
        "FieldSchema::new({}, {})",
        string(&field.name),
        shape(&field.shape)
    );
    chain(&new, calls, &field.rules, out);
}

/// `head` and its `calls`, then `.rules(…)` when there are rules, ending the list item.
fn chain(head: &str, mut calls: Vec<String>, rules: &InputRules, out: &mut Lines) {
    if rules.is_empty() {
        match calls.last_mut() {
            Some(last) => last.push(','),
            None => return out.line(&format!("{head},")),
        }
    }
    out.line(head);
    out.indented(|out| {
        for call in &calls {
            out.line(call);
        }
        if !rules.is_empty() {
            self::rules(".rules(", rules, "),", out);
        }
    });
}

fn shape(shape: &Shape) -> String {
    match shape {
        Shape::String => "Shape::String".to_owned(),
        Shape::Boolean => "Shape::Boolean".to_owned(),
        Shape::Integer => "Shape::Integer".to_owned(),
        Shape::Number => "Shape::Number".to_owned(),
        Shape::DateTime => "Shape::DateTime".to_owned(),
        Shape::Json => "Shape::Json".to_owned(),
        Shape::Named(index) => format!("Shape::Named(TypeIndex({index}))"),
        Shape::List(inner) => format!("Shape::List(&{})", self::shape(inner)),
    }
}

fn operation_table(op: &OperationTable, out: &mut Lines) {
    out.open("OperationSchema {");
    out.line(&format!("id: {},", string(&op.id)));
    out.list("query: &", &op.query, ",", param);
    match &op.body {
        None => out.line("body: None,"),
        Some(BodyTable::Json { shape, rules }) => {
            out.open("body: Some(BodySchema::Json {");
            out.line(&format!("shape: {},", self::shape(shape)));
            self::rules("rules: ", rules, ",", out);
            out.close("}),");
        }
        Some(BodyTable::Text { media_type, rules }) => {
            out.open("body: Some(BodySchema::Text {");
            out.line(&format!("media_type: {},", string(media_type)));
            self::rules("rules: ", rules, ",", out);
            out.close("}),");
        }
        Some(BodyTable::Multipart {
            parts,
            binary_max_bytes,
            alone,
        }) => {
            out.open("body: Some(BodySchema::Multipart(MultipartSchema {");
            out.list("parts: &", parts, ",", |part, out| {
                out.open("PartSchema {");
                out.line(&format!("name: {},", string(&part.name)));
                out.line(&format!("media_type: {},", string(&part.media_type)));
                out.line(&format!("required: {},", part.required));
                rules("rules: ", &part.rules, ",", out);
                out.close("},");
            });
            let binary = option(binary_max_bytes.map(|max| max.to_string()));
            out.line(&format!("binary_max_bytes: {binary},"));
            let alone = option(alone.as_deref().map(string));
            out.line(&format!("alone: {alone},"));
            out.close("})),");
        }
    }
    let response = match &op.response {
        ResponseTable::Empty => "ResponseSchema::Empty".to_owned(),
        ResponseTable::Json(item) => format!("ResponseSchema::Json({})", shape(item)),
        ResponseTable::Page(item) => format!("ResponseSchema::Page({})", shape(item)),
        ResponseTable::Text => "ResponseSchema::Text".to_owned(),
        ResponseTable::Bytes => "ResponseSchema::Bytes".to_owned(),
    };
    out.line(&format!("response: {response},"));
    out.close("},");
}

/// `ParamSchema::new(name, shape)`, then its constant value and rules if it has them.
fn param(param: &ParamTable, out: &mut Lines) {
    let calls = param
        .constant
        .iter()
        .map(|value| format!(".constant({})", string(value)))
        .collect();
    let new = format!(
        "ParamSchema::new({}, {})",
        string(&param.name),
        shape(&param.shape)
    );
    chain(&new, calls, &param.rules, out);
}

fn option(value: Option<String>) -> String {
    match value {
        Some(value) => format!("Some({value})"),
        None => "None".to_owned(),
    }
}

/// A `Rules` value after `head` and before `tail`: `Rules::NONE`, or the rules set, a line
/// each, the rest from `Rules::NONE`.
fn rules(head: &str, rules: &InputRules, tail: &str, out: &mut Lines) {
    if rules.is_empty() {
        out.line(&format!("{head}Rules::NONE{tail}"));
        return;
    }
    fn rule<T>(name: &str, rule: &Option<Rule<T>>, value: impl Fn(&T) -> String, out: &mut Lines) {
        if let Some(rule) = rule {
            let code = option(rule.code.as_deref().map(string));
            let value = value(&rule.value);
            out.line(&format!(
                "{name}: Some(Rule {{ value: {value}, code: {code} }}),"
            ));
        }
    }
    out.open(&format!("{head}Rules {{"));
    rule("min_length", &rules.min_length, u32::to_string, out);
    rule("max_length", &rules.max_length, u32::to_string, out);
    rule(
        "forbidden_characters",
        &rules.forbidden_characters,
        |value| string(value),
        out,
    );
    rule(
        "pattern",
        &rules.pattern,
        |pattern| {
            format!(
                "Pattern {{ regex: {}, meaning: {} }}",
                string(&pattern.regex),
                string(&pattern.meaning)
            )
        },
        out,
    );
    rule("min_items", &rules.min_items, u32::to_string, out);
    rule("one_of", &rules.one_of, |values| strings(values), out);
    rule("minimum", &rules.minimum, i64::to_string, out);
    rule("maximum", &rules.maximum, i64::to_string, out);
    out.line("..Rules::NONE");
    out.close(&format!("}}{tail}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_without_calls_or_rules_is_one_line() {
        let mut out = Lines::default();
        field(&plain_field(), &mut out);
        assert_eq!(
            out.into_text(),
            "FieldSchema::new(\"name\", Shape::String),\n"
        );
    }

    #[test]
    fn a_fields_calls_and_rules_are_a_line_each() {
        let mut table = plain_field();
        table.required = true;
        table.rules.max_length = Some(Rule {
            value: 128,
            code: Some("20155".to_owned()),
        });
        let mut out = Lines::default();
        field(&table, &mut out);
        assert_eq!(
            out.into_text(),
            "FieldSchema::new(\"name\", Shape::String)\n    .required()\n    .rules(Rules {\n        max_length: Some(Rule { value: 128, code: Some(\"20155\") }),\n        ..Rules::NONE\n    }),\n"
        );
    }

    #[test]
    fn the_last_call_ends_a_field_without_rules() {
        let mut table = plain_field();
        table.nullable = true;
        let mut out = Lines::default();
        field(&table, &mut out);
        assert_eq!(
            out.into_text(),
            "FieldSchema::new(\"name\", Shape::String)\n    .nullable(),\n"
        );
    }

    fn plain_field() -> FieldTable {
        FieldTable {
            name: "name".to_owned(),
            aliases: Vec::new(),
            shape: Shape::String,
            required: false,
            nullable: false,
            rules: InputRules::default(),
        }
    }
}

//! The rules every input of a request must keep, in the one form both the static tables the
//! client and the fake check with (`emit/tables.rs`) and the OpenAPI export read: the spec's
//! constraints, and the rules of each OData option an operation takes, derived from its
//! response type (`$select` names its fields, `$orderby` sorts by them).

use crate::model::{
    Constraints, ExclusiveFields, Model, ODataOption, OperationModel, Pattern, ResponseModel, Rule,
    TypeKind, TypeRef,
};

/// OneNote's codes for OData mistakes (Microsoft's list of OneNote error codes): a property
/// that does not exist, a syntax error, and `$top` over its maximum.
const PROPERTY_NOT_FOUND: &str = "20101";
const ODATA_SYNTAX: &str = "20128";

/// What the service accepts in one input beyond its type. On a list, `min_items` counts its
/// items and the other rules apply to each item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputRules {
    /// The fewest characters of a string.
    pub min_length: Option<Rule<u32>>,
    /// The most characters of a string.
    pub max_length: Option<Rule<u32>>,
    /// Characters a string may not contain.
    pub forbidden_characters: Option<Rule<String>>,
    /// A regular expression a string must match.
    pub pattern: Option<Rule<Pattern>>,
    /// The fewest items of a list.
    pub min_items: Option<Rule<u32>>,
    /// The only values a string may take (OData property names).
    pub one_of: Option<Rule<Vec<String>>>,
    /// The smallest number.
    pub minimum: Option<Rule<i64>>,
    /// The largest number.
    pub maximum: Option<Rule<i64>>,
}

impl From<&Constraints> for InputRules {
    fn from(constraints: &Constraints) -> Self {
        InputRules {
            min_length: constraints.min_length.clone(),
            max_length: constraints.max_length.clone(),
            forbidden_characters: constraints.forbidden_characters.clone(),
            pattern: constraints.pattern.clone(),
            min_items: constraints.min_items.clone(),
            ..InputRules::default()
        }
    }
}

impl InputRules {
    /// True when no rule is set.
    pub fn is_empty(&self) -> bool {
        *self == InputRules::default()
    }

    /// The rules in words, each with its error code: `not empty (error 20152)`, `at most 128
    /// characters (error 20155)`, …; on a list (`list`), its count first and then what each
    /// item takes (for docs).
    pub fn phrases(&self, list: bool) -> Vec<String> {
        fn with_code<T>(text: String, rule: &Rule<T>) -> String {
            match &rule.code {
                Some(code) => format!("{text} (error {code})"),
                None => text,
            }
        }
        let mut items = Vec::new();
        if let Some(rule) = &self.min_length {
            let text = match rule.value {
                1 => "not empty".to_owned(),
                n => format!("at least {n} characters"),
            };
            items.push(with_code(text, rule));
        }
        if let Some(rule) = &self.max_length {
            items.push(with_code(
                format!("at most {} characters", rule.value),
                rule,
            ));
        }
        if let Some(rule) = &self.forbidden_characters {
            let list: Vec<String> = rule.value.chars().map(|c| format!("`{c}`")).collect();
            items.push(with_code(format!("none of {}", list.join(" ")), rule));
        }
        if let Some(rule) = &self.pattern {
            let text = if rule.value.meaning.is_empty() {
                format!("matching `{}`", rule.value.regex)
            } else {
                rule.value.meaning.clone()
            };
            items.push(with_code(text, rule));
        }
        if let Some(rule) = &self.one_of {
            items.push(with_code(format!("one of {}", rule.value.join(", ")), rule));
        }
        if let Some(rule) = &self.minimum {
            items.push(with_code(format!("at least {}", rule.value), rule));
        }
        if let Some(rule) = &self.maximum {
            items.push(with_code(format!("at most {}", rule.value), rule));
        }
        let mut out = Vec::new();
        if let Some(rule) = &self.min_items {
            let text = match rule.value {
                1 => "at least 1 item".to_owned(),
                n => format!("at least {n} items"),
            };
            out.push(with_code(text, rule));
        }
        if let (true, Some(first)) = (list, items.first_mut()) {
            *first = format!("each item {first}");
        }
        out.extend(items);
        out
    }
}

/// The sentence docs give an input's rules: "{lead}: not empty (error 20152), …. Source:
/// {source}."; empty without rules. `list` says the input is a list (its item rules read
/// "each item …").
pub fn sentence(lead: &str, constraints: &Constraints, list: bool) -> String {
    let phrases = InputRules::from(constraints).phrases(list);
    if phrases.is_empty() {
        return String::new();
    }
    format!(
        "{lead}: {}. Source: {}.",
        phrases.join(", "),
        constraints.source.trim_end_matches('.')
    )
}

/// The sentence docs give an object's alternative fields: "{lead}: at most one of `groupId`;
/// `siteCollectionId` with `siteId`. Source: …."; empty without them.
pub fn exclusive_sentence(lead: &str, exclusive: Option<&ExclusiveFields>) -> String {
    let Some(exclusive) = exclusive else {
        return String::new();
    };
    let groups: Vec<String> = exclusive
        .groups
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|field| format!("`{field}`"))
                .collect::<Vec<_>>()
                .join(" with ")
        })
        .collect();
    format!(
        "{lead}: at most one of {}. Source: {}.",
        groups.join("; "),
        exclusive.source.trim_end_matches('.')
    )
}

/// The JSON shape of an OData option's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ODataShape {
    /// Text (`$filter`, `$orderby`).
    String,
    /// A whole number (`$top`, `$skip`).
    Integer,
    /// `true` or `false` (`$count`).
    Boolean,
    /// A comma-separated list of names (`$select`, `$expand`).
    Names,
}

/// One OData option of an operation, as a query parameter with its rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ODataParam {
    /// The option.
    pub option: ODataOption,
    /// The name sent (`$top`).
    pub name: String,
    /// Its value's shape.
    pub shape: ODataShape,
    /// What the service accepts in it.
    pub rules: InputRules,
}

/// The OData options of `op`, in the order they are sent, each with its rules.
pub fn odata_params(model: &Model, op: &OperationModel) -> Vec<ODataParam> {
    let response = response_object(model, op);
    op.odata
        .iter()
        .map(|&option| {
            let (shape, rules) = option_rules(model, op, option, response);
            ODataParam {
                option,
                name: format!("${}", option.as_str()),
                shape,
                rules,
            }
        })
        .collect()
}

/// The response's object type, by name and fields, when it is one.
fn response_object<'m>(
    model: &'m Model,
    op: &OperationModel,
) -> Option<(&'m str, &'m [crate::model::FieldModel])> {
    let (ResponseModel::Json(TypeRef::Named(name)) | ResponseModel::Page(TypeRef::Named(name))) =
        &op.response
    else {
        return None;
    };
    // A Graph operation's response is a Graph shape.
    let graph = model.graph.iter().flat_map(|graph| &graph.types);
    let ty = model
        .modules
        .iter()
        .flat_map(|module| &module.types)
        .chain(graph)
        .find(|ty| &ty.name == name)?;
    match &ty.kind {
        TypeKind::Object { fields } => Some((ty.name.as_str(), fields)),
        TypeKind::Enum { .. } => None,
    }
}

fn option_rules(
    model: &Model,
    op: &OperationModel,
    option: ODataOption,
    response: Option<(&str, &[crate::model::FieldModel])>,
) -> (ODataShape, InputRules) {
    fn rule<T>(value: T, code: &str) -> Option<Rule<T>> {
        Some(Rule {
            value,
            code: Some(code.to_owned()),
        })
    }
    let not_empty = InputRules {
        min_length: rule(1, ODATA_SYNTAX),
        ..InputRules::default()
    };
    let names = |wanted: Vec<String>| InputRules {
        min_items: rule(1, ODATA_SYNTAX),
        one_of: (!wanted.is_empty()).then(|| Rule {
            value: wanted,
            code: Some(PROPERTY_NOT_FOUND.to_owned()),
        }),
        ..InputRules::default()
    };
    let count = |option| InputRules {
        minimum: rule(0, ODATA_SYNTAX),
        maximum: op.odata_max.get(&option).map(|max: &Rule<u32>| Rule {
            value: i64::from(max.value),
            code: max.code.clone(),
        }),
        ..InputRules::default()
    };
    match option {
        ODataOption::Filter => (ODataShape::String, not_empty),
        ODataOption::Orderby => match response.and_then(|r| orderby_pattern(model, r)) {
            Some(pattern) => (
                ODataShape::String,
                InputRules {
                    pattern: Some(Rule {
                        value: pattern,
                        code: Some(ODATA_SYNTAX.to_owned()),
                    }),
                    ..InputRules::default()
                },
            ),
            None => (ODataShape::String, not_empty),
        },
        ODataOption::Select => {
            let fields = response
                .map(|(_, fields)| selectable(fields))
                .unwrap_or_default();
            (ODataShape::Names, names(fields))
        }
        ODataOption::Expand => (ODataShape::Names, names(op.expand.clone())),
        ODataOption::Top | ODataOption::Skip => (ODataShape::Integer, count(option)),
        ODataOption::Count => (ODataShape::Boolean, InputRules::default()),
    }
}

/// The properties `$select` may name: every field but the OData annotations (`@odata.context`).
fn selectable(fields: &[crate::model::FieldModel]) -> Vec<String> {
    fields
        .iter()
        .filter(|field| !field.wire.starts_with('@'))
        .map(|field| field.wire.clone())
        .collect()
}

/// `$orderby` as a pattern: the response's sortable properties (scalars and enums), each
/// optionally followed by `asc` or `desc`, separated by commas.
fn orderby_pattern(
    model: &Model,
    (name, fields): (&str, &[crate::model::FieldModel]),
) -> Option<Pattern> {
    let sortable: Vec<&str> = fields
        .iter()
        .filter(|field| !field.wire.starts_with('@'))
        .filter(|field| match &field.ty {
            TypeRef::String
            | TypeRef::Boolean
            | TypeRef::Integer
            | TypeRef::Number
            | TypeRef::DateTime => true,
            TypeRef::Named(name) => is_enum(model, name),
            TypeRef::Json | TypeRef::Array(_) => false,
        })
        .map(|field| field.wire.as_str())
        .collect();
    if sortable.is_empty() {
        return None;
    }
    let property = format!(
        "(?:{})",
        sortable
            .iter()
            .map(|name| escape(name))
            .collect::<Vec<_>>()
            .join("|")
    );
    let item = format!("{property}(?: +(?:asc|desc))?");
    Some(Pattern {
        regex: format!("^{item}(?:, *{item})*$"),
        meaning: format!(
            "a comma-separated list of {name}'s properties ({}), each optionally followed by `asc` or `desc`",
            sortable.join(", ")
        ),
    })
}

/// Whether `name` is an enum type of the model.
fn is_enum(model: &Model, name: &str) -> bool {
    model
        .modules
        .iter()
        .flat_map(|module| &module.types)
        .any(|ty| ty.name == name && matches!(ty.kind, TypeKind::Enum { .. }))
}

/// `text` with the characters regular expressions give a meaning escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

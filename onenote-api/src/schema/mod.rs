//! The spec's request and response shapes as data, and the one check of a request against them.
//!
//! `cargo xtask codegen` writes [`API`] from `spec/`: one table per type (each field's JSON
//! name, its shape, whether it is required or may be `null`, and the rules the documents state
//! about what may be sent; the field's docs name the document each rule comes from) and one per
//! operation (its query parameters and OData options with their rules, its body and its
//! response).
//!
//! [`Api::check_query`], [`Api::check_json`] and [`check_text`] judge what a request carries.
//! The client calls them before sending: a request that breaks a rule is refused with
//! [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest), naming the field and the
//! rule, and [`Error::code`](crate::Error::code) gives the code the service answers with. The
//! `onenote-fake` test double calls them on receipt and answers `400` with the same code and
//! message, so the two cannot disagree; the OpenAPI export is written from the same model and
//! states the same rules.
//!
//! The rules are the service's for requests. Responses are not checked: a response's enum keeps
//! values it does not know, and a request's enum is closed (an `Unknown(…)` value is refused).
//!
//! ```
//! use onenote_api::schema::{API, Violation};
//!
//! let create = API.operation("createSection").unwrap();
//! let body = serde_json::json!({ "name": "Week 1/2" });
//! let refused: Violation = API.check_json(create, &body).unwrap_err();
//! assert_eq!(refused.code(), "20153");
//! assert_eq!(refused.field(), "name");
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::sync::{Mutex, OnceLock, PoisonError};

use serde_json::Value;

use self::json_body::Json;
pub use self::json_body::JsonBody;
pub use crate::generated::tables::API;

mod json_body;

/// Every type and operation of the API as data.
#[derive(Debug, PartialEq, Eq)]
pub struct Api {
    /// Every named type, objects and enums, sorted by name; [`Shape::Named`] indexes it.
    pub types: &'static [TypeSchema],
    /// Every operation, sorted by id.
    pub operations: &'static [OperationSchema],
    /// How Microsoft Graph's shapes differ from onenote.com's.
    pub graph: GraphEdge,
}

/// How Microsoft Graph's shapes differ from onenote.com's, over every type with a Graph shape
/// (`GraphNotebook` beside `Notebook`), by JSON name, each list sorted: what a server that keeps
/// one store for both roots translates at Graph's edge. A field one type changes is changed
/// wherever the name is met.
#[derive(Debug, PartialEq, Eq)]
pub struct GraphEdge {
    /// (onenote.com's name, Graph's name): `("name", "displayName")`.
    pub renamed: &'static [(&'static str, &'static str)],
    /// Fields whose value Graph writes in another shape (onenote.com's name, Graph's shape):
    /// `createdBy` is a name on onenote.com and an `identitySet` on Graph.
    pub retyped: &'static [(&'static str, Shape)],
    /// Fields onenote.com sends that Graph does not have.
    pub omitted: &'static [&'static str],
    /// Fields only Graph has.
    pub added: &'static [&'static str],
}

/// An index into [`Api::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeIndex(pub usize);

/// One named type.
#[derive(Debug, PartialEq, Eq)]
pub struct TypeSchema {
    /// The spec's name (`CreateSection`).
    pub name: &'static str,
    /// An object or an enum.
    pub kind: TypeKind,
    /// An object's groups of fields a request sends as alternatives: at most one group, and a
    /// group's fields together or not at all (a copy goes to a group or a site, not both).
    pub exclusive: &'static [&'static [&'static str]],
}

/// What a named type is.
#[derive(Debug, PartialEq, Eq)]
pub enum TypeKind {
    /// A JSON object.
    Object {
        /// Its fields in spec order (inherited ones first).
        fields: &'static [FieldSchema],
    },
    /// A string enum.
    Enum {
        /// Its values as sent.
        values: &'static [&'static str],
        /// Values match ignoring case, spaces, `_` and `-`.
        lenient: bool,
    },
}

/// One field of an object type.
#[derive(Debug, PartialEq, Eq)]
pub struct FieldSchema {
    /// The JSON name.
    pub name: &'static str,
    /// Other spellings accepted when decoding.
    pub aliases: &'static [&'static str],
    /// What it holds.
    pub shape: Shape,
    /// Always present.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// What the service accepts in it, when sent.
    pub rules: Rules,
}

impl FieldSchema {
    /// An optional field that is never `null`, without aliases or rules; the methods below
    /// say otherwise (the generated tables are written this way, a field to a line).
    pub const fn new(name: &'static str, shape: Shape) -> Self {
        FieldSchema {
            name,
            aliases: &[],
            shape,
            required: false,
            nullable: false,
            rules: Rules::NONE,
        }
    }

    /// Always present.
    pub const fn required(self) -> Self {
        FieldSchema {
            required: true,
            ..self
        }
    }

    /// May be `null`.
    pub const fn nullable(self) -> Self {
        FieldSchema {
            nullable: true,
            ..self
        }
    }

    /// Also read under these names.
    pub const fn aliases(self, aliases: &'static [&'static str]) -> Self {
        FieldSchema { aliases, ..self }
    }

    /// What the service accepts in it.
    pub const fn rules(self, rules: Rules) -> Self {
        FieldSchema { rules, ..self }
    }
}

/// The JSON shape of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    String,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// A date and time as RFC 3339 text.
    DateTime,
    /// Any JSON value.
    Json,
    /// A named type of the API.
    Named(TypeIndex),
    /// A list (a JSON array; a comma-separated value in a query).
    List(&'static Shape),
}

/// What the service accepts in one value beyond its shape, each rule with the error code the
/// service answers when it is broken, where a document names one.
///
/// On a list, `min_items` counts its items and the other rules apply to every item.
#[derive(Debug, PartialEq, Eq)]
pub struct Rules {
    /// The fewest characters (Unicode scalar values) of a string.
    pub min_length: Option<Rule<u32>>,
    /// The most characters of a string.
    pub max_length: Option<Rule<u32>>,
    /// Characters a string may not contain.
    pub forbidden_characters: Option<Rule<&'static str>>,
    /// A regular expression a string must match (anywhere, unless anchored).
    pub pattern: Option<Rule<Pattern>>,
    /// The fewest items of a list.
    pub min_items: Option<Rule<u32>>,
    /// The values a string may take (OData `$select` and `$expand` names).
    pub one_of: Option<Rule<&'static [&'static str]>>,
    /// The smallest number.
    pub minimum: Option<Rule<i64>>,
    /// The largest number.
    pub maximum: Option<Rule<i64>>,
}

impl Rules {
    /// No rule.
    pub const NONE: Rules = Rules {
        min_length: None,
        max_length: None,
        forbidden_characters: None,
        pattern: None,
        min_items: None,
        one_of: None,
        minimum: None,
        maximum: None,
    };
}

/// One rule: its value, and the code the service answers when it is broken, where a document
/// names one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule<T> {
    /// The limit, characters, pattern or values.
    pub value: T,
    /// The OneNote error code (`"20153"`).
    pub code: Option<&'static str>,
}

/// A regular expression, with what a matching value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The expression (ECMA-262 and Rust `regex` alike), matched anywhere unless anchored.
    pub regex: &'static str,
    /// What a matching value is, as a noun phrase ("a comma-separated list of …"); empty when
    /// the spec gives none.
    pub meaning: &'static str,
}

impl Pattern {
    /// Whether `text` matches. Each expression is compiled once per process, on first use;
    /// one that does not compile matches nothing (codegen refuses such a spec).
    pub fn matches(&self, text: &str) -> bool {
        type Compiled = HashMap<&'static str, Option<regex_lite::Regex>>;
        static COMPILED: OnceLock<Mutex<Compiled>> = OnceLock::new();
        let mut compiled = COMPILED
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        compiled
            .entry(self.regex)
            .or_insert_with(|| regex_lite::Regex::new(self.regex).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(text))
    }
}

/// One operation's inputs and output.
#[derive(Debug, PartialEq, Eq)]
pub struct OperationSchema {
    /// The spec's operation id (`createSection`).
    pub id: &'static str,
    /// Its query parameters, then its OData options (`$filter`, …), as sent.
    pub query: &'static [ParamSchema],
    /// Its request body.
    pub body: Option<BodySchema>,
    /// What a success carries.
    pub response: ResponseSchema,
}

/// One query parameter or OData option.
#[derive(Debug, PartialEq, Eq)]
pub struct ParamSchema {
    /// The name sent (`omkt`, `$top`). An OData option (`$…`) is also read without its `$` and
    /// in any case, as the documents write `?filter=…`.
    pub name: &'static str,
    /// What it holds.
    pub shape: Shape,
    /// The value always sent, for a constant parameter (required).
    pub constant: Option<&'static str>,
    /// What the service accepts in it.
    pub rules: Rules,
}

impl ParamSchema {
    /// A parameter without a constant value or rules; the methods below add them.
    pub const fn new(name: &'static str, shape: Shape) -> Self {
        ParamSchema {
            name,
            shape,
            constant: None,
            rules: Rules::NONE,
        }
    }

    /// The value always sent.
    pub const fn constant(self, value: &'static str) -> Self {
        ParamSchema {
            constant: Some(value),
            ..self
        }
    }

    /// What the service accepts in it.
    pub const fn rules(self, rules: Rules) -> Self {
        ParamSchema { rules, ..self }
    }
}

/// A request body.
#[derive(Debug, PartialEq, Eq)]
pub enum BodySchema {
    /// JSON of this shape, with rules on the whole (`min_items` of a list body).
    Json {
        /// Its shape.
        shape: Shape,
        /// Rules on the whole body.
        rules: Rules,
    },
    /// Text of a media type.
    Text {
        /// The `Content-Type`.
        media_type: &'static str,
        /// Rules on the text.
        rules: Rules,
    },
    /// `multipart/form-data`.
    Multipart(MultipartSchema),
}

/// What an operation declares about its multipart body.
#[derive(Debug, PartialEq, Eq)]
pub struct MultipartSchema {
    /// The parts the spec names.
    pub parts: &'static [PartSchema],
    /// The limit per caller-named binary part; `None` allows none.
    pub binary_max_bytes: Option<u64>,
    /// The declared text part sent as the whole body (its media type, no framing) when it is
    /// the only part.
    pub alone: Option<&'static str>,
}

/// One part the spec names.
#[derive(Debug, PartialEq, Eq)]
pub struct PartSchema {
    /// The name in `Content-Disposition`.
    pub name: &'static str,
    /// Its `Content-Type`.
    pub media_type: &'static str,
    /// The request cannot be sent without it.
    pub required: bool,
    /// What the service accepts in a text part.
    pub rules: Rules,
}

/// What a success carries.
#[derive(Debug, PartialEq, Eq)]
pub enum ResponseSchema {
    /// No body.
    Empty,
    /// JSON of this shape.
    Json(Shape),
    /// One page of an OData collection of this item shape.
    Page(Shape),
    /// Text.
    Text,
    /// Bytes.
    Bytes,
}

/// Codes for what breaks a shape rather than a documented rule (from Microsoft's list of
/// OneNote error codes): a body of the wrong form, a missing field, a bad query value.
const BODY_CODE: &str = "20126";
const MISSING_CODE: &str = "30114";
const QUERY_CODE: &str = "10017";

impl Api {
    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&OperationSchema> {
        self.operations
            .binary_search_by(|op| op.id.cmp(id))
            .ok()
            .map(|index| &self.operations[index])
    }

    /// The type an index names.
    pub fn ty(&self, index: TypeIndex) -> Option<&TypeSchema> {
        self.types.get(index.0)
    }

    /// The object type at the heart of a shape (`Notebook` for `Notebook`, `Notebook[]` or a
    /// page of notebooks), if it is one.
    pub fn object_of(&self, shape: Shape) -> Option<(&TypeSchema, &'static [FieldSchema])> {
        match shape {
            Shape::Named(index) => {
                let ty = self.ty(index)?;
                match ty.kind {
                    TypeKind::Object { fields } => Some((ty, fields)),
                    TypeKind::Enum { .. } => None,
                }
            }
            Shape::List(inner) => self.object_of(*inner),
            _ => None,
        }
    }

    /// Checks decoded query parameters (`name`, `value`) against the operation's: each declared
    /// one that is present must hold what it takes, and constant ones must be there. Others are
    /// not judged here.
    pub fn check_query<'a>(
        &self,
        operation: &OperationSchema,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
    ) -> Result<(), Violation> {
        for param in operation.query {
            let value = pairs
                .clone()
                .into_iter()
                .find(|(name, _)| param.is_named(name))
                .map(|(_, value)| value);
            let at = Place::query(param.name);
            match (value, param.constant) {
                (None, None) => {}
                (None, Some(_)) => {
                    return Err(at.violation(MISSING_CODE, "is required and missing".to_owned()));
                }
                (Some(value), Some(constant)) if value != constant => {
                    return Err(
                        at.violation(QUERY_CODE, format!("is {value:?}; it must be {constant:?}"))
                    );
                }
                (Some(value), _) => self.query_value(param.shape, &param.rules, value, &at)?,
            }
        }
        Ok(())
    }

    /// Checks a JSON body against the operation's: its shape, fields, nullability and rules.
    pub fn check_json(&self, operation: &OperationSchema, body: &Value) -> Result<(), Violation> {
        self.check_json_body(operation, &JsonBody::from(body))
    }

    /// [`check_json`](Self::check_json) of a body read from its bytes with
    /// [`JsonBody::parse`], without building a `serde_json::Value`: what the client checks the
    /// bytes it sends with, and the fake the bytes it receives.
    pub fn check_json_body(
        &self,
        operation: &OperationSchema,
        body: &JsonBody<'_>,
    ) -> Result<(), Violation> {
        let (shape, rules) = match &operation.body {
            Some(BodySchema::Json { shape, rules }) => (*shape, rules),
            _ => return Ok(()),
        };
        self.json(shape, rules, &body.0, &mut Place::body())
    }

    fn query_value(
        &self,
        shape: Shape,
        rules: &Rules,
        value: &str,
        at: &Place,
    ) -> Result<(), Violation> {
        let wrong = |expected: &str| {
            Err(at.violation(QUERY_CODE, format!("is {value:?}; it takes {expected}")))
        };
        match shape {
            Shape::String | Shape::Json => string(rules, value, at, QUERY_CODE),
            Shape::Boolean if matches!(value, "true" | "false") => Ok(()),
            Shape::Boolean => wrong("true or false"),
            Shape::Integer => match value.parse::<i64>() {
                Ok(number) => bounds(rules, number, at, QUERY_CODE),
                Err(_) => wrong("a whole number"),
            },
            Shape::Number if value.parse::<f64>().is_ok_and(f64::is_finite) => Ok(()),
            Shape::Number => wrong("a number"),
            Shape::DateTime if value.parse::<crate::DateTime>().is_ok() => Ok(()),
            Shape::DateTime => wrong(DATE_TIME),
            Shape::Named(index) => self.enum_value(index, value, at, QUERY_CODE),
            Shape::List(inner) => {
                let items = list_items(value);
                count(rules, items.len(), at, QUERY_CODE)?;
                items.into_iter().try_for_each(|item| {
                    // An OData option's item may carry nested options (`sectionGroups(expand=
                    // sections)`): its rules judge the name before them.
                    let named = match at.path.starts_with('$') {
                        true => item.split('(').next().unwrap_or(item),
                        false => item,
                    };
                    self.query_value(*inner, rules, named, at)
                })
            }
        }
    }

    fn json(
        &self,
        shape: Shape,
        rules: &Rules,
        value: &Json<'_>,
        at: &mut Place,
    ) -> Result<(), Violation> {
        let wrong = |at: &Place, expected: &str| {
            Err(at.violation(
                BODY_CODE,
                format!("is {}; it takes {expected}", value.kind()),
            ))
        };
        match (shape, value) {
            (Shape::Json, _) => Ok(()),
            (Shape::String, Json::String(text)) => string(rules, text, at, BODY_CODE),
            (Shape::String, _) => wrong(at, "a string"),
            (Shape::Boolean, Json::Bool(_)) => Ok(()),
            (Shape::Boolean, _) => wrong(at, "true or false"),
            (Shape::Integer, Json::Number(number)) => match number.as_i64() {
                Some(number) => bounds(rules, number, at, BODY_CODE),
                None => wrong(at, "a whole number"),
            },
            (Shape::Integer, _) => wrong(at, "a whole number"),
            (Shape::Number, Json::Number(_)) => Ok(()),
            (Shape::Number, _) => wrong(at, "a number"),
            (Shape::DateTime, Json::String(text)) if text.parse::<crate::DateTime>().is_ok() => {
                Ok(())
            }
            (Shape::DateTime, Json::String(text)) => {
                Err(at.violation(BODY_CODE, format!("is {text:?}; it takes {DATE_TIME}")))
            }
            (Shape::DateTime, _) => wrong(at, DATE_TIME),
            (Shape::List(inner), Json::Array(items)) => {
                count(rules, items.len(), at, BODY_CODE)?;
                for (index, item) in items.iter().enumerate() {
                    at.push_index(index);
                    self.json(*inner, rules, item, at)?;
                    at.pop();
                }
                Ok(())
            }
            (Shape::List(_), _) => wrong(at, "a list"),
            (Shape::Named(index), _) => match self.ty(index).map(|ty| (ty, &ty.kind)) {
                Some((ty, TypeKind::Object { fields })) => match value {
                    Json::Object(members) => self.object(ty, fields, members, at),
                    _ => wrong(at, "an object"),
                },
                Some((_, TypeKind::Enum { .. })) => match value {
                    Json::String(text) => self.enum_value(index, text, at, BODY_CODE),
                    _ => wrong(at, "a string"),
                },
                None => Ok(()),
            },
        }
    }

    fn object(
        &self,
        ty: &TypeSchema,
        fields: &[FieldSchema],
        members: &[(Cow<'_, str>, Json<'_>)],
        at: &mut Place,
    ) -> Result<(), Violation> {
        for (name, _) in members {
            let known = fields
                .iter()
                .any(|f| f.name == name || f.aliases.contains(&name.as_ref()));
            if !known {
                at.push_field(name);
                let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
                return Err(at.violation(
                    BODY_CODE,
                    format!(
                        "is not a field of {} (its fields: {})",
                        ty.name,
                        names.join(", ")
                    ),
                ));
            }
        }
        for field in fields {
            let found = std::iter::once(field.name)
                .chain(field.aliases.iter().copied())
                .find_map(|name| Json::member(members, name));
            at.push_field(field.name);
            match found {
                None if field.required => {
                    return Err(at.violation(
                        MISSING_CODE,
                        format!("is required in {} and missing", ty.name),
                    ));
                }
                None => {}
                Some(Json::Null) if field.nullable => {}
                Some(Json::Null) => {
                    return Err(at.violation(BODY_CODE, "is null; it may not be".to_owned()));
                }
                Some(value) => self.json(field.shape, &field.rules, value, at)?,
            }
            at.pop();
        }
        alternatives(ty, members, at)
    }

    fn enum_value(
        &self,
        index: TypeIndex,
        text: &str,
        at: &Place,
        code: &'static str,
    ) -> Result<(), Violation> {
        let Some(TypeKind::Enum { values, lenient }) = self.ty(index).map(|ty| &ty.kind) else {
            return Ok(());
        };
        let known = match lenient {
            true => values
                .iter()
                .any(|value| crate::enum_value::lenient_eq(value, text)),
            false => values.contains(&text),
        };
        if known {
            return Ok(());
        }
        Err(at.violation(code, not_one_of(text, values)))
    }
}

/// The object's groups of alternative fields: each group sent whole or not at all, and at most
/// one group sent.
fn alternatives(
    ty: &TypeSchema,
    members: &[(Cow<'_, str>, Json<'_>)],
    at: &mut Place,
) -> Result<(), Violation> {
    let sent: Vec<&[&str]> = ty
        .exclusive
        .iter()
        .copied()
        .filter(|group| {
            group
                .iter()
                .any(|field| Json::member(members, field).is_some())
        })
        .collect();
    for group in &sent {
        if let Some(missing) = group
            .iter()
            .find(|field| Json::member(members, field).is_none())
        {
            let present = group
                .iter()
                .find(|field| Json::member(members, field).is_some());
            at.push_field(present.copied().unwrap_or_default());
            return Err(at.violation(
                BODY_CODE,
                format!(
                    "goes with `{missing}` in {}: send both, or neither",
                    ty.name
                ),
            ));
        }
    }
    if let [first, second, ..] = sent.as_slice() {
        at.push_field(first[0]);
        let choices: Vec<String> = ty
            .exclusive
            .iter()
            .map(|group| group.join(" and "))
            .collect();
        return Err(at.violation(
            BODY_CODE,
            format!(
                "and `{}` are alternatives in {}: send one of {}, not both",
                second[0],
                ty.name,
                choices.join("; ")
            ),
        ));
    }
    Ok(())
}

impl ParamSchema {
    /// Whether a query parameter sent as `name` is this one.
    fn is_named(&self, name: &str) -> bool {
        match self.name.strip_prefix('$') {
            Some(option) => name
                .strip_prefix('$')
                .unwrap_or(name)
                .eq_ignore_ascii_case(option),
            None => name == self.name,
        }
    }
}

/// The items of a comma-separated query value, split at the commas outside parentheses
/// (`a,b(c,d)` is `a` and `b(c,d)`); an empty value has none.
fn list_items(value: &str) -> Vec<&str> {
    if value.is_empty() {
        return Vec::new();
    }
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (index, c) in value.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&value[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    items.push(&value[start..]);
    items
}

/// Checks a text part (or a text body) against its rules; `name` is the part's name.
pub fn check_text(name: &str, rules: &Rules, text: &str) -> Result<(), Violation> {
    string(rules, text, &Place::part(name), BODY_CODE)
}

const DATE_TIME: &str = "a date and time (RFC 3339, e.g. 2016-10-11T00:00:00Z)";

/// The string rules.
fn string(rules: &Rules, text: &str, at: &Place, code: &'static str) -> Result<(), Violation> {
    // Most strings have no rule: nothing to count.
    if *rules == Rules::NONE {
        return Ok(());
    }
    let length = text.chars().count();
    let plural = |n: u32| if n == 1 { "" } else { "s" };
    if let Some(rule) = &rules.min_length
        && length < rule.value as usize
    {
        let problem = if length == 0 {
            format!(
                "is empty; it takes at least {} character{}",
                rule.value,
                plural(rule.value)
            )
        } else {
            format!("has {length} characters; it takes at least {}", rule.value)
        };
        return Err(at.violation(rule.code.unwrap_or(code), problem));
    }
    if let Some(rule) = &rules.max_length
        && length > rule.value as usize
    {
        return Err(at.violation(
            rule.code.unwrap_or(code),
            format!("has {length} characters; it takes at most {}", rule.value),
        ));
    }
    if let Some(rule) = &rules.forbidden_characters
        && let Some(found) = text.chars().find(|c| rule.value.contains(*c))
    {
        let list: Vec<String> = rule.value.chars().map(String::from).collect();
        return Err(at.violation(
            rule.code.unwrap_or(code),
            format!(
                "contains {found:?}, which it may not contain (none of {})",
                list.join(" ")
            ),
        ));
    }
    if let Some(rule) = &rules.pattern
        && !rule.value.matches(text)
    {
        let problem = if rule.value.meaning.is_empty() {
            format!(
                "is {text:?}, which does not match the pattern {}",
                rule.value.regex
            )
        } else {
            format!("is {text:?}, which is not {}", rule.value.meaning)
        };
        return Err(at.violation(rule.code.unwrap_or(code), problem));
    }
    if let Some(rule) = &rules.one_of
        && !rule.value.contains(&text)
    {
        return Err(at.violation(rule.code.unwrap_or(code), not_one_of(text, rule.value)));
    }
    Ok(())
}

/// The number rules.
fn bounds(rules: &Rules, number: i64, at: &Place, code: &'static str) -> Result<(), Violation> {
    if let Some(rule) = &rules.minimum
        && number < rule.value
    {
        return Err(at.violation(
            rule.code.unwrap_or(code),
            format!("is {number}; it takes at least {}", rule.value),
        ));
    }
    if let Some(rule) = &rules.maximum
        && number > rule.value
    {
        return Err(at.violation(
            rule.code.unwrap_or(code),
            format!("is {number}; it takes at most {}", rule.value),
        ));
    }
    Ok(())
}

/// The list rules.
fn count(rules: &Rules, items: usize, at: &Place, code: &'static str) -> Result<(), Violation> {
    match &rules.min_items {
        Some(rule) if items < rule.value as usize => {
            let problem = if items == 0 {
                format!("is empty; it takes at least {}", items_text(rule.value))
            } else {
                format!(
                    "has {}; it takes at least {}",
                    items_text(items as u32),
                    rule.value
                )
            };
            Err(at.violation(rule.code.unwrap_or(code), problem))
        }
        _ => Ok(()),
    }
}

fn items_text(n: u32) -> String {
    if n == 1 {
        "1 item".to_owned()
    } else {
        format!("{n} items")
    }
}

fn not_one_of(text: &str, values: &[&str]) -> String {
    format!("is {text:?}, which is not one of: {}", values.join(", "))
}

/// Where in a request a value is: a query parameter, a part, or a path into the JSON body.
#[derive(Clone, Debug)]
struct Place {
    /// `name`, `teachers[0].id`, `$top`; empty for the body itself.
    path: String,
    /// Where each segment of `path` starts, to pop it.
    starts: Vec<usize>,
}

impl Place {
    fn query(name: &str) -> Place {
        Place {
            path: name.to_owned(),
            starts: Vec::new(),
        }
    }

    fn part(name: &str) -> Place {
        Place::query(name)
    }

    fn body() -> Place {
        Place {
            path: String::new(),
            starts: Vec::new(),
        }
    }

    fn push_field(&mut self, name: &str) {
        self.starts.push(self.path.len());
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(name);
    }

    fn push_index(&mut self, index: usize) {
        self.starts.push(self.path.len());
        // Written in place: a list's every item passes here, broken or not.
        let _ = write!(self.path, "[{index}]");
    }

    fn pop(&mut self) {
        if let Some(start) = self.starts.pop() {
            self.path.truncate(start);
        }
    }

    fn violation(&self, code: &'static str, problem: String) -> Violation {
        Violation {
            field: self.path.clone(),
            problem,
            code,
        }
    }
}

/// A request that breaks a rule: where, what, and the service's code for it.
///
/// Its `Display` is the message the client's error and the fake's answer carry:
/// `` `name` contains '/', which it may not contain (none of ? * \ / : < > | & # " % ~) ``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    field: String,
    problem: String,
    code: &'static str,
}

impl Violation {
    /// The field (`name`, `teachers[0].id`), query parameter (`$top`) or part
    /// (`Presentation`) that breaks the rule; empty for a JSON body as a whole.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The OneNote error code the service answers with: the rule's, where a document names
    /// one, else `20126` (a body of the wrong form), `30114` (a missing field or parameter) or
    /// `10017` (a bad query value).
    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "the body {}", self.problem)
        } else {
            write!(f, "`{}` {}", self.field, self.problem)
        }
    }
}

impl std::error::Error for Violation {}

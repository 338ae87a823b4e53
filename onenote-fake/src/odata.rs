//! OData system query options as the service reads them: `$filter` (comparisons joined by
//! `and`/`or`, with parentheses), `$orderby` (default `name asc`), `$select`, `$expand`,
//! `$top`, `$skip`, `$count`, and the server-driven paging that follows (`@odata.nextLink`).
//!
//! Anything else gets a 400 that names the problem: functions (`contains(…)`), `not`,
//! arithmetic, lambda operators, unknown properties, and a literal of the wrong type for its
//! property. Option names are accepted with or without `$` (the documents write
//! `?filter=createdTime ge 2016-01-01`) and in any case.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use onenote_api::schema::{Api, OperationSchema, ResponseSchema, Shape, TypeKind};

use crate::error::ApiError;

/// The kind of a property, which decides the literals it compares with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Number,
    Boolean,
    DateTime,
    /// Objects and arrays: selectable, not comparable.
    Other,
}

/// The properties of an entity's JSON form, with what their literals compare as.
pub(crate) type Schema<'s> = &'s [(&'static str, Kind)];

/// A collection's order when `$orderby` is absent: (property, kind, descending).
pub(crate) type Order = &'static [(&'static str, Kind, bool)];

/// `name asc`, the documents' default for notebooks, section groups and sections.
pub(crate) const BY_NAME: Order = &[("name", Kind::Text, false)];

/// `lastModifiedTime desc`, the default for pages.
pub(crate) const NEWEST_FIRST: Order = &[("lastModifiedTime", Kind::DateTime, true)];

/// Which options an operation takes (its table's OData parameters).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Supported {
    pub(crate) filter: bool,
    pub(crate) orderby: bool,
    pub(crate) select: bool,
    pub(crate) top: bool,
    pub(crate) skip: bool,
    pub(crate) count: bool,
    /// The navigation properties `$expand` takes; empty when it takes none.
    pub(crate) expand: &'static [&'static str],
    /// The largest `$top` (pages: 100, error 20129).
    pub(crate) max_top: Option<u64>,
}

/// The option sets the unit tests read with (the handlers' come from the tables).
#[cfg(test)]
impl Supported {
    /// No OData options at all.
    pub(crate) const NONE: Supported = Supported {
        filter: false,
        orderby: false,
        select: false,
        top: false,
        skip: false,
        count: false,
        expand: &[],
        max_top: None,
    };

    /// A collection with every option but `$expand`.
    pub(crate) const LIST: Supported = Supported {
        filter: true,
        orderby: true,
        select: true,
        top: true,
        skip: true,
        count: true,
        ..Supported::NONE
    };

    /// One entity: `$select` only.
    pub(crate) const SELECT: Supported = Supported {
        select: true,
        ..Supported::NONE
    };
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A literal in a comparison.
#[derive(Clone, Debug, PartialEq)]
enum Literal {
    Text(String),
    Number(f64),
    Boolean(bool),
    DateTime(OffsetDateTime),
    Null,
}

/// A parsed `$filter`.
#[derive(Clone, Debug, PartialEq)]
enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare {
        property: &'static str,
        kind: Kind,
        op: Op,
        value: Literal,
    },
}

/// The parsed query string of one request.
#[derive(Clone, Debug, Default)]
pub(crate) struct Query {
    filter: Option<Expr>,
    /// (property, kind, descending)
    orderby: Vec<(&'static str, Kind, bool)>,
    select: Option<Vec<&'static str>>,
    expand: BTreeSet<&'static str>,
    top: Option<u64>,
    skip: u64,
    count: bool,
    /// Parameters that are not OData options (`omkt`, `sendemail`, …), decoded, in order.
    pub(crate) other: Vec<(String, String)>,
    /// The raw `name=value` pairs that are neither `$skip` nor `$top`, for next links.
    carried: Vec<String>,
}

/// Longest `$filter` read, in bytes.
const MAX_FILTER_BYTES: usize = 4096;
/// Deepest nesting of parentheses in `$filter`.
const MAX_DEPTH: usize = 32;
/// Most comparisons in one `$filter`.
const MAX_TERMS: usize = 64;
/// Most query parameters read.
const MAX_PARAMS: usize = 64;

fn unsupported_parameter(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "20108", message)
}

fn syntax(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "20128", message)
}

fn unknown_property(name: &str, schema: Schema<'_>) -> ApiError {
    let hint = schema
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map(|(known, _)| format!(" (did you mean '{known}'? property names are case-sensitive)"))
        .unwrap_or_default();
    let names: Vec<&str> = schema.iter().map(|(n, _)| *n).collect();
    ApiError::new(
        400,
        "20101",
        format!(
            "The property '{name}' does not exist on this resource{hint}; it has: {}.",
            names.join(", ")
        ),
    )
}

/// What an operation's table says about OData: the options it takes (with `$expand`'s values
/// and `$top`'s maximum) and the properties of its response, with what each compares as.
pub(crate) fn from_table(
    api: &Api,
    operation: &OperationSchema,
) -> (Supported, Vec<(&'static str, Kind)>) {
    let option = |name: &str| operation.query.iter().find(|p| p.name == name);
    let supported = Supported {
        filter: option("$filter").is_some(),
        orderby: option("$orderby").is_some(),
        select: option("$select").is_some(),
        top: option("$top").is_some(),
        skip: option("$skip").is_some(),
        count: option("$count").is_some(),
        expand: option("$expand")
            .and_then(|p| p.rules.one_of)
            .map_or(&[], |rule| rule.value),
        max_top: option("$top")
            .and_then(|p| p.rules.maximum)
            .and_then(|rule| u64::try_from(rule.value).ok()),
    };
    let shape = match operation.response {
        ResponseSchema::Json(shape) | ResponseSchema::Page(shape) => Some(shape),
        _ => None,
    };
    let properties = shape
        .and_then(|shape| api.object_of(shape))
        .map(|(_, fields)| {
            fields
                .iter()
                .filter(|field| !field.name.starts_with('@'))
                .map(|field| (field.name, kind_of(api, field.shape)))
                .collect()
        })
        .unwrap_or_default();
    (supported, properties)
}

/// What a property's literals compare as.
fn kind_of(api: &Api, shape: Shape) -> Kind {
    match shape {
        Shape::String => Kind::Text,
        Shape::Integer | Shape::Number => Kind::Number,
        Shape::Boolean => Kind::Boolean,
        Shape::DateTime => Kind::DateTime,
        Shape::Named(index) => match api.ty(index).map(|ty| &ty.kind) {
            Some(TypeKind::Enum { .. }) => Kind::Text,
            _ => Kind::Other,
        },
        Shape::Json | Shape::List(_) => Kind::Other,
    }
}

/// The query string's `name=value` pairs, decoded, in order.
pub(crate) fn decoded_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    raw.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .take(MAX_PARAMS + 1)
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode_component(name)?, decode_component(value)?))
        })
        .collect()
}

/// Decodes one query component (`+` is a space, then percent-decoding).
fn decode_component(text: &str) -> Result<String, ApiError> {
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| {
            syntax(format!(
                "The query component {text:?} is not UTF-8 once decoded."
            ))
        })
}

/// Parses the query string against what the operation supports and the entity's properties.
pub(crate) fn parse(
    raw: Option<&str>,
    supported: &Supported,
    schema: Schema<'_>,
) -> Result<Query, ApiError> {
    let mut query = Query::default();
    let mut seen = BTreeSet::new();
    let pairs: Vec<&str> = raw
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .take(MAX_PARAMS + 1)
        .collect();
    if pairs.len() > MAX_PARAMS {
        return Err(unsupported_parameter(format!(
            "The query has more than {MAX_PARAMS} parameters."
        )));
    }
    for pair in pairs {
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode_component(raw_name)?;
        let value = decode_component(raw_value)?;
        let bare = name.strip_prefix('$');
        let option = bare.unwrap_or(&name).to_ascii_lowercase();
        let known = [
            "filter", "orderby", "select", "expand", "top", "skip", "count",
        ];
        if !known.contains(&option.as_str()) {
            if bare.is_some() {
                return Err(unsupported_parameter(format!(
                    "The query parameter '{name}' is not supported: the OneNote API takes \
                     $filter, $orderby, $select, $expand, $top, $skip and $count."
                )));
            }
            query.other.push((name, value));
            query.carried.push(pair.to_owned());
            continue;
        }
        if !seen.insert(option.clone()) {
            return Err(unsupported_parameter(format!(
                "The query option '${option}' appears more than once."
            )));
        }
        if option != "skip" && option != "top" {
            query.carried.push(pair.to_owned());
        }
        let allowed = match option.as_str() {
            "filter" => supported.filter,
            "orderby" => supported.orderby,
            "select" => supported.select,
            "expand" => !supported.expand.is_empty(),
            "top" => supported.top,
            "skip" => supported.skip,
            _ => supported.count,
        };
        if !allowed {
            let code = if option == "expand" { "20103" } else { "20108" };
            return Err(ApiError::new(
                400,
                code,
                format!("The query option '${option}' is not supported for this request."),
            ));
        }
        match option.as_str() {
            "filter" => query.filter = Some(parse_filter(&value, schema)?),
            "orderby" => query.orderby = parse_orderby(&value, schema)?,
            "select" => query.select = Some(parse_select(&value, schema)?),
            "expand" => query.expand = parse_expand(&value, supported.expand)?,
            "top" => {
                let top = parse_count("$top", &value)?;
                if let Some(max) = supported.max_top
                    && top > max
                {
                    return Err(ApiError::new(
                        400,
                        "20129",
                        format!("$top is {top}; the largest value this request takes is {max}."),
                    ));
                }
                query.top = Some(top);
            }
            "skip" => query.skip = parse_count("$skip", &value)?,
            _ => {
                query.count = match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(syntax(format!(
                            "$count takes true or false, not {value:?}."
                        )));
                    }
                }
            }
        }
    }
    Ok(query)
}

fn parse_count(option: &str, value: &str) -> Result<u64, ApiError> {
    value.parse::<u64>().map_err(|_| {
        syntax(format!(
            "{option} takes a whole number of 0 or more, not {value:?}."
        ))
    })
}

fn schema_kind(name: &str, schema: Schema<'_>) -> Result<(&'static str, Kind), ApiError> {
    schema
        .iter()
        .find(|(known, _)| *known == name)
        .copied()
        .ok_or_else(|| unknown_property(name, schema))
}

fn parse_select(value: &str, schema: Schema<'_>) -> Result<Vec<&'static str>, ApiError> {
    value
        .split(',')
        .map(str::trim)
        .map(|name| {
            if name.is_empty() {
                Err(syntax("$select has an empty property name."))
            } else {
                schema_kind(name, schema).map(|(name, _)| name)
            }
        })
        .collect()
}

fn parse_expand(
    value: &str,
    expandable: &'static [&'static str],
) -> Result<BTreeSet<&'static str>, ApiError> {
    if value.contains('(') {
        // OData allows options on an expanded property (`sectionGroups(expand=sections)`,
        // which the client passes on): the fake does not apply them, and says so.
        return Err(unsupported_parameter(format!(
            "$expand={value}: the fake does not apply nested query options (`(…)` after an \
             expanded property); expand the properties alone."
        )));
    }
    value
        .split(',')
        .map(str::trim)
        .map(|name| {
            expandable
                .iter()
                .find(|known| known.eq_ignore_ascii_case(name))
                .copied()
                .ok_or_else(|| {
                    ApiError::new(
                        400,
                        "20101",
                        format!(
                            "'{name}' cannot be expanded here; $expand takes: {}.",
                            expandable.join(", ")
                        ),
                    )
                })
        })
        .collect()
}

fn parse_orderby(
    value: &str,
    schema: Schema<'_>,
) -> Result<Vec<(&'static str, Kind, bool)>, ApiError> {
    value
        .split(',')
        .map(|clause| {
            let mut words = clause.split_whitespace();
            let name = words
                .next()
                .ok_or_else(|| syntax("$orderby has an empty clause."))?;
            let (name, kind) = schema_kind(name, schema)?;
            if kind == Kind::Other {
                return Err(syntax(format!("$orderby cannot sort by '{name}'.")));
            }
            let descending = match words.next() {
                None => false,
                Some(direction) if direction.eq_ignore_ascii_case("asc") => false,
                Some(direction) if direction.eq_ignore_ascii_case("desc") => true,
                Some(other) => {
                    return Err(syntax(format!(
                        "$orderby takes 'asc' or 'desc' after '{name}', not '{other}'."
                    )));
                }
            };
            if let Some(extra) = words.next() {
                return Err(syntax(format!(
                    "$orderby: unexpected '{extra}' after '{clause}'."
                )));
            }
            Ok((name, kind, descending))
        })
        .collect()
}

// ----- $filter -----

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Comma,
    Word(String),
    Text(String),
}

fn lex(filter: &str) -> Result<Vec<Token>, ApiError> {
    let mut tokens = Vec::new();
    let mut chars = filter.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | ',' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    _ => Token::Comma,
                });
            }
            '\'' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        None => {
                            return Err(syntax("$filter has a string without its closing quote."));
                        }
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            text.push('\'');
                        }
                        Some('\'') => break,
                        Some(other) => text.push(other),
                    }
                }
                tokens.push(Token::Text(text));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | ',' | '\'') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

struct Parser<'a, 's> {
    tokens: Vec<Token>,
    at: usize,
    schema: Schema<'s>,
    terms: usize,
    filter: &'a str,
}

fn parse_filter(filter: &str, schema: Schema<'_>) -> Result<Expr, ApiError> {
    if filter.len() > MAX_FILTER_BYTES {
        return Err(syntax(format!(
            "$filter is longer than {MAX_FILTER_BYTES} bytes."
        )));
    }
    let mut parser = Parser {
        tokens: lex(filter)?,
        at: 0,
        schema,
        terms: 0,
        filter,
    };
    let expr = parser.or(0)?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(syntax(format!(
            "$filter: unexpected {} in '{}'; join comparisons with 'and' or 'or'.",
            describe(token),
            parser.filter
        ))),
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Open => "'('".to_owned(),
        Token::Close => "')'".to_owned(),
        Token::Comma => "','".to_owned(),
        Token::Word(word) => format!("'{word}'"),
        Token::Text(text) => format!("the string '{text}'"),
    }
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at = self.at.saturating_add(1);
        token
    }

    fn keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w == keyword)
    }

    fn or(&mut self, depth: usize) -> Result<Expr, ApiError> {
        let mut left = self.and(depth)?;
        while self.keyword("or") {
            self.next();
            let right = self.and(depth)?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Expr, ApiError> {
        let mut left = self.atom(depth)?;
        while self.keyword("and") {
            self.next();
            let right = self.atom(depth)?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn atom(&mut self, depth: usize) -> Result<Expr, ApiError> {
        if depth >= MAX_DEPTH {
            return Err(syntax(format!(
                "$filter nests parentheses deeper than {MAX_DEPTH}."
            )));
        }
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or(depth + 1)?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(syntax("$filter has a '(' without its ')'.")),
                }
            }
            Some(Token::Word(word)) if word == "not" => Err(ApiError::new(
                400,
                "20106",
                "$filter: the operator 'not' is not supported; compare with 'ne' instead.",
            )),
            Some(Token::Word(property)) => self.comparison(&property),
            Some(other) => Err(syntax(format!(
                "$filter: expected a property name, found {}.",
                describe(&other)
            ))),
            None => Err(syntax("$filter ends where a comparison was expected.")),
        }
    }

    fn comparison(&mut self, property: &str) -> Result<Expr, ApiError> {
        if self.peek() == Some(&Token::Open) {
            return Err(ApiError::new(
                400,
                "20106",
                format!(
                    "$filter: the function '{property}()' is not supported; the fake takes \
                     comparisons (eq, ne, gt, ge, lt, le) joined by and/or."
                ),
            ));
        }
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(syntax(format!(
                "$filter has more than {MAX_TERMS} comparisons."
            )));
        }
        let (property, kind) = schema_kind(property, self.schema)?;
        let op = match self.next() {
            Some(Token::Word(op)) => match op.as_str() {
                "eq" => Op::Eq,
                "ne" => Op::Ne,
                "gt" => Op::Gt,
                "ge" => Op::Ge,
                "lt" => Op::Lt,
                "le" => Op::Le,
                other => {
                    return Err(ApiError::new(
                        400,
                        "20106",
                        format!(
                            "$filter: the operator '{other}' is not supported; use eq, ne, gt, \
                             ge, lt or le."
                        ),
                    ));
                }
            },
            Some(other) => {
                return Err(syntax(format!(
                    "$filter: expected an operator after '{property}', found {}.",
                    describe(&other)
                )));
            }
            None => {
                return Err(syntax(format!(
                    "$filter: '{property}' needs an operator and a value."
                )));
            }
        };
        let value = match self.next() {
            Some(token @ (Token::Word(_) | Token::Text(_))) => literal(property, kind, op, token)?,
            _ => {
                return Err(syntax(format!(
                    "$filter: '{property}' needs a value after the operator."
                )));
            }
        };
        Ok(Expr::Compare {
            property,
            kind,
            op,
            value,
        })
    }
}

/// The literal `token` for a comparison with `property`, checked against its kind.
fn literal(property: &str, kind: Kind, op: Op, token: Token) -> Result<Literal, ApiError> {
    let mismatch = |shown: &str, wanted: &str| {
        syntax(format!(
            "$filter: '{property}' is compared with {shown}; it takes {wanted}."
        ))
    };
    if token == Token::Word("null".to_owned()) {
        return match op {
            Op::Eq | Op::Ne => Ok(Literal::Null),
            _ => Err(syntax(format!(
                "$filter: only eq and ne compare '{property}' with null."
            ))),
        };
    }
    let ordered = !matches!(op, Op::Eq | Op::Ne);
    match (kind, token) {
        (Kind::Text, Token::Text(text)) => Ok(Literal::Text(text)),
        (Kind::Text, Token::Word(word)) => Err(mismatch(
            &format!("'{word}' unquoted"),
            &format!("a string in single quotes ('{word}')"),
        )),
        (Kind::Boolean, Token::Word(word)) if word == "true" || word == "false" => {
            if ordered {
                Err(syntax(format!(
                    "$filter: only eq and ne compare '{property}' (a boolean)."
                )))
            } else {
                Ok(Literal::Boolean(word == "true"))
            }
        }
        (Kind::Number, Token::Word(word)) => word
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Literal::Number)
            .ok_or_else(|| mismatch(&format!("'{word}'"), "a number")),
        (Kind::DateTime, Token::Word(word)) => {
            parse_date(&word).map(Literal::DateTime).ok_or_else(|| {
                mismatch(
                    &format!("'{word}'"),
                    "a date (2016-01-01) or a date and time (2016-01-01T00:00:00Z), unquoted",
                )
            })
        }
        (Kind::DateTime, Token::Text(text)) => Err(mismatch(
            &format!("the string '{text}'"),
            &format!("a date without quotes ({text})"),
        )),
        (Kind::Boolean, other) => Err(mismatch(&describe(&other), "true or false")),
        (Kind::Number, other) => Err(mismatch(&describe(&other), "a number")),
        (Kind::Other, _) => Err(syntax(format!(
            "$filter cannot compare '{property}': it is not a string, number, boolean or date."
        ))),
        (_, other) => Err(syntax(format!(
            "$filter: '{property}' is compared with {}, which is not a value.",
            describe(&other)
        ))),
    }
}

/// `2016-01-01` (midnight UTC) or an RFC 3339 date and time.
fn parse_date(text: &str) -> Option<OffsetDateTime> {
    if let Ok(date_time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(date_time);
    }
    // `YYYY-MM-DD`, read by hand (the `time` crate's format macros are not in the tree).
    let mut parts = text.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let month = time::Month::try_from(month.parse::<u8>().ok()?).ok()?;
    let date = Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()?;
    Some(PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc())
}

impl Expr {
    fn matches(&self, item: &Map<String, Value>) -> bool {
        match self {
            Expr::And(a, b) => a.matches(item) && b.matches(item),
            Expr::Or(a, b) => a.matches(item) || b.matches(item),
            Expr::Compare {
                property,
                kind,
                op,
                value,
            } => {
                let ordering = match (value, item.get(*property)) {
                    (Literal::Null, None | Some(Value::Null)) => Some(Ordering::Equal),
                    (Literal::Null, Some(_)) | (_, None | Some(Value::Null)) => {
                        return *op == Op::Ne;
                    }
                    (literal, Some(found)) => compare_with(*kind, found, literal),
                };
                match ordering {
                    None => *op == Op::Ne,
                    Some(ordering) => match op {
                        Op::Eq => ordering == Ordering::Equal,
                        Op::Ne => ordering != Ordering::Equal,
                        Op::Gt => ordering == Ordering::Greater,
                        Op::Ge => ordering != Ordering::Less,
                        Op::Lt => ordering == Ordering::Less,
                        Op::Le => ordering != Ordering::Greater,
                    },
                }
            }
        }
    }
}

/// How a property's value compares with a literal; `None` when they cannot be compared.
fn compare_with(kind: Kind, found: &Value, literal: &Literal) -> Option<Ordering> {
    match (kind, found, literal) {
        (Kind::Text, Value::String(found), Literal::Text(text)) => Some(found.as_str().cmp(text)),
        (Kind::Number, Value::Number(found), Literal::Number(n)) => found.as_f64()?.partial_cmp(n),
        (Kind::Boolean, Value::Bool(found), Literal::Boolean(b)) => Some(found.cmp(b)),
        (Kind::DateTime, Value::String(found), Literal::DateTime(at)) => {
            Some(OffsetDateTime::parse(found, &Rfc3339).ok()?.cmp(at))
        }
        _ => None,
    }
}

/// How two items compare on one property, for `$orderby` (absent and null sort first).
fn order_by(kind: Kind, a: Option<&Value>, b: Option<&Value>) -> Ordering {
    fn present(v: Option<&Value>) -> Option<&Value> {
        v.filter(|v| !v.is_null())
    }
    match (present(a), present(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => match (kind, a, b) {
            (Kind::Text, Value::String(a), Value::String(b)) => a
                .to_lowercase()
                .cmp(&b.to_lowercase())
                .then_with(|| a.cmp(b)),
            (Kind::Number, Value::Number(a), Value::Number(b)) => a
                .as_f64()
                .partial_cmp(&b.as_f64())
                .unwrap_or(Ordering::Equal),
            (Kind::Boolean, Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Kind::DateTime, Value::String(a), Value::String(b)) => {
                match (
                    OffsetDateTime::parse(a, &Rfc3339),
                    OffsetDateTime::parse(b, &Rfc3339),
                ) {
                    (Ok(a), Ok(b)) => a.cmp(&b),
                    _ => a.cmp(b),
                }
            }
            _ => Ordering::Equal,
        },
    }
}

impl Query {
    /// Whether `$expand` named this navigation property.
    pub(crate) fn expands(&self, name: &str) -> bool {
        self.expand.contains(name)
    }

    /// A non-OData parameter's value (name compared in any case).
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.other
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Keeps only the `$select`ed properties (and annotations) of one entity.
    pub(crate) fn select(&self, item: Map<String, Value>) -> Map<String, Value> {
        match &self.select {
            None => item,
            Some(selected) => item
                .into_iter()
                .filter(|(key, _)| key.starts_with('@') || selected.contains(&key.as_str()))
                .collect(),
        }
    }

    /// Filters, orders (by `default_order` unless `$orderby` says otherwise, then by `id`),
    /// skips and pages a collection. `next_link(query)` makes the URL of the following page.
    pub(crate) fn collection(
        &self,
        items: Vec<Map<String, Value>>,
        default_order: Order,
        page_size: usize,
        context: String,
        next_link: impl Fn(&str) -> String,
    ) -> Value {
        let mut items: Vec<Map<String, Value>> = match &self.filter {
            Some(filter) => items.into_iter().filter(|i| filter.matches(i)).collect(),
            None => items,
        };
        let order: &[(&str, Kind, bool)] = if self.orderby.is_empty() {
            default_order
        } else {
            &self.orderby
        };
        items.sort_by(|a, b| {
            order
                .iter()
                .map(|(property, kind, descending)| {
                    let ordering = order_by(*kind, a.get(*property), b.get(*property));
                    if *descending {
                        ordering.reverse()
                    } else {
                        ordering
                    }
                })
                .find(|o| *o != Ordering::Equal)
                .unwrap_or_else(|| order_by(Kind::Text, a.get("id"), b.get("id")))
        });
        let total = items.len();
        let skip = usize::try_from(self.skip).unwrap_or(usize::MAX);
        let wanted = self
            .top
            .map_or(usize::MAX, |top| usize::try_from(top).unwrap_or(usize::MAX));
        let available = total.saturating_sub(skip).min(wanted);
        let page_size = page_size.max(1);
        let shown = available.min(page_size);
        let page: Vec<Value> = items
            .into_iter()
            .skip(skip)
            .take(shown)
            .map(|item| Value::Object(self.select(item)))
            .collect();
        let mut body = Map::new();
        body.insert("@odata.context".into(), Value::String(context));
        if self.count {
            body.insert("@odata.count".into(), Value::from(total));
        }
        body.insert("value".into(), Value::Array(page));
        if available > shown {
            let mut carried = self.carried.clone();
            carried.push(format!("$skip={}", skip.saturating_add(shown)));
            if self.top.is_some() {
                carried.push(format!("$top={}", available - shown));
            }
            body.insert(
                "@odata.nextLink".into(),
                Value::String(next_link(&carried.join("&"))),
            );
        }
        Value::Object(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: Schema = &[
        ("id", Kind::Text),
        ("name", Kind::Text),
        ("size", Kind::Number),
        ("shared", Kind::Boolean),
        ("createdTime", Kind::DateTime),
        ("teachers", Kind::Other),
    ];

    const ALL: Supported = Supported {
        expand: &["teachers", "students"],
        ..Supported::LIST
    };

    fn items() -> Vec<Map<String, Value>> {
        [
            json!({"id": "1", "name": "beta", "size": 3, "shared": true, "createdTime": "2016-02-01T00:00:00Z"}),
            json!({"id": "2", "name": "Alpha", "size": 10, "shared": false, "createdTime": "2015-12-31T23:00:00Z"}),
            json!({"id": "3", "name": "gamma", "size": 1, "shared": true, "createdTime": "2016-01-01T00:00:00Z"}),
        ]
        .into_iter()
        .filter_map(|v| v.as_object().cloned())
        .collect()
    }

    fn names(query: &str) -> Vec<String> {
        let query = parse(Some(query), &ALL, SCHEMA).unwrap();
        let page = query.collection(items(), BY_NAME, 100, "ctx".into(), |q| q.to_owned());
        page["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    fn error(query: &str) -> ApiError {
        parse(Some(query), &ALL, SCHEMA).unwrap_err()
    }

    #[test]
    fn the_default_order_is_name_ascending_ignoring_case() {
        assert_eq!(names(""), ["Alpha", "beta", "gamma"]);
        assert_eq!(names("$orderby=size%20desc"), ["Alpha", "beta", "gamma"]);
        assert_eq!(names("$orderby=size"), ["gamma", "beta", "Alpha"]);
    }

    #[test]
    fn filters_compare_strings_numbers_booleans_and_dates() {
        assert_eq!(names("$filter=name eq 'beta'"), ["beta"]);
        assert_eq!(names("$filter=size gt 2 and shared eq true"), ["beta"]);
        assert_eq!(
            names("$filter=size le 1 or name eq 'Alpha'"),
            ["Alpha", "gamma"]
        );
        assert_eq!(
            names("filter=createdTime%20ge%202016-01-01"),
            ["beta", "gamma"]
        );
        assert_eq!(
            names("$filter=(name ne 'beta') and (createdTime lt 2016-01-01T00:00:00Z)"),
            ["Alpha"]
        );
        assert_eq!(names("$filter=name eq 'it''s'"), Vec::<String>::new());
        assert_eq!(names("$filter=name ne null"), ["Alpha", "beta", "gamma"]);
    }

    #[test]
    fn unsupported_filters_say_what_to_do() {
        assert_eq!(error("$filter=contains(name,'a')").code, "20106");
        assert!(
            error("$filter=contains(name,'a')")
                .message
                .contains("'contains()' is not supported")
        );
        assert_eq!(error("$filter=not shared eq true").code, "20106");
        assert_eq!(error("$filter=size add 1 eq 2").code, "20106");
        assert_eq!(
            error("$filter=Name eq 'x'").message,
            "The property 'Name' does not exist on this resource (did you mean 'name'? property \
             names are case-sensitive); it has: id, name, size, shared, createdTime, teachers."
        );
        assert_eq!(
            error("$filter=createdTime ge '2016-01-01'").message,
            "$filter: 'createdTime' is compared with the string '2016-01-01'; it takes a date \
             without quotes (2016-01-01)."
        );
        assert_eq!(error("$filter=name eq beta").code, "20128");
        assert_eq!(error("$filter=shared gt true").code, "20128");
        assert_eq!(error("$filter=name eq 'open").code, "20128");
        assert_eq!(error("$filter=(name eq 'a'").code, "20128");
        assert_eq!(error("$filter=name eq 'a' size eq 1").code, "20128");
        assert_eq!(error("$filter=teachers eq 'a'").code, "20128");
        assert_eq!(
            error(&format!("$filter={}name eq 'a'", "(".repeat(100))).code,
            "20128"
        );
    }

    #[test]
    fn options_are_checked_against_the_operation() {
        let no_expand = parse(Some("$expand=teachers"), &Supported::LIST, SCHEMA).unwrap_err();
        assert_eq!(no_expand.code, "20103");
        let no_top = parse(Some("$top=1"), &Supported::SELECT, SCHEMA).unwrap_err();
        assert_eq!(no_top.code, "20108");
        assert_eq!(error("$search=x").code, "20108");
        assert_eq!(error("$top=1&$top=2").code, "20108");
        assert_eq!(error("$top=-1").code, "20128");
        assert_eq!(error("$expand=sections").code, "20101");
        assert_eq!(error("$select=nope").code, "20101");
        assert_eq!(error("$count=yes").code, "20128");
        let capped = Supported {
            max_top: Some(100),
            ..Supported::LIST
        };
        assert_eq!(
            parse(Some("$top=101"), &capped, SCHEMA).unwrap_err().code,
            "20129"
        );
        let query = parse(Some("sendemail=true&omkt=de-de"), &Supported::NONE, SCHEMA).unwrap();
        assert_eq!(query.param("SendEmail"), Some("true"));
    }

    #[test]
    fn pages_link_to_the_next_with_skip_and_the_remaining_top() {
        let query = parse(
            Some("$filter=size%20gt%200&$top=3&$count=true"),
            &ALL,
            SCHEMA,
        )
        .unwrap();
        let page = query.collection(items(), BY_NAME, 2, "ctx".into(), |q| format!("next?{q}"));
        assert_eq!(page["@odata.count"], 3);
        assert_eq!(page["value"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            page["@odata.nextLink"],
            "next?$filter=size%20gt%200&$count=true&$skip=2&$top=1"
        );
        let last = parse(Some("$skip=2&$top=1"), &ALL, SCHEMA).unwrap();
        let page = last.collection(items(), BY_NAME, 2, "ctx".into(), |q| q.to_owned());
        assert_eq!(page["value"][0]["name"], "gamma");
        assert!(page.get("@odata.nextLink").is_none());
        let huge = parse(Some("$skip=18446744073709551615"), &ALL, SCHEMA).unwrap();
        let page = huge.collection(items(), BY_NAME, 2, "ctx".into(), |q| q.to_owned());
        assert_eq!(page["value"], json!([]));
    }

    #[test]
    fn select_keeps_the_named_properties_and_annotations() {
        let query = parse(Some("$select=name,size"), &ALL, SCHEMA).unwrap();
        let item = json!({"@odata.context": "c", "id": "1", "name": "n", "size": 2});
        let selected = query.select(item.as_object().cloned().unwrap());
        assert_eq!(
            Value::Object(selected),
            json!({"@odata.context": "c", "name": "n", "size": 2})
        );
    }
}

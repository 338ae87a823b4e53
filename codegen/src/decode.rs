//! Reads a positioned JSON tree into the spec types, recording every problem with its position.
//!
//! A serde `Deserializer` over `json::Node`. Unknown keys are reported and skipped (with a
//! suggestion); a wrong value is reported where it stands and only the entry that holds it
//! is dropped, so one run lists the problems of every entry in every file.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Error as _, IntoDeserializer, Visitor};

use crate::diagnostics::{Diagnostics, did_you_mean};
use crate::json::{Member, Node, Pos, Value};
use crate::spec::{
    REPORTED, SHORTHAND_BODY, SHORTHAND_RESPONSE, SHORTHAND_RULE, SPANNED, SPANNED_FIELDS, SpecFile,
};

/// Decodes one parsed spec file; problems go to `diagnostics`.
pub fn spec_file(file: &str, node: &Node, diagnostics: &mut Diagnostics) -> Option<SpecFile> {
    let sink = Sink {
        file,
        diagnostics: RefCell::new(Diagnostics::default()),
    };
    let result = serde::Deserialize::deserialize(NodeDeserializer { node, sink: &sink });
    let mut found = sink.diagnostics.into_inner();
    let decoded = match result {
        Ok(spec) => Some(spec),
        Err(error) => {
            if !error.is_reported() {
                found.push(file, error.pos.unwrap_or(node.pos), error.message);
            }
            None
        }
    };
    diagnostics.extend(found);
    decoded
}

struct Sink<'a> {
    file: &'a str,
    diagnostics: RefCell<Diagnostics>,
}

impl Sink<'_> {
    fn report(&self, pos: Pos, message: String) {
        self.diagnostics.borrow_mut().push(self.file, pos, message);
    }

    /// Records a value's error once, and turns it into the "already reported" marker.
    fn settle(&self, error: Error, fallback: Pos) -> Error {
        if !error.is_reported() {
            self.report(error.pos.unwrap_or(fallback), error.message);
        }
        Error::reported()
    }
}

/// A decoding error: a message and, once known, where.
#[derive(Debug)]
pub struct Error {
    pos: Option<Pos>,
    message: String,
    /// For "missing key" errors: which key, so a misspelling already reported can hide it.
    missing: Option<&'static str>,
}

impl Error {
    fn reported() -> Self {
        Error {
            pos: None,
            message: REPORTED.to_owned(),
            missing: None,
        }
    }

    fn is_reported(&self) -> bool {
        self.message == REPORTED
    }

    fn at(mut self, pos: Pos) -> Self {
        self.pos.get_or_insert(pos);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error {
            pos: None,
            message: message.to_string(),
            missing: None,
        }
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        let expected = spec_term(&expected.to_string());
        let found = match unexpected {
            de::Unexpected::Str(s) => {
                return Error::custom(format_args!(
                    "expected {expected}, found the string \"{s}\"{}",
                    if s.parse::<f64>().is_ok() || s == "true" || s == "false" {
                        ": write it without quotes"
                    } else {
                        ""
                    }
                ));
            }
            de::Unexpected::Seq => "an array".to_owned(),
            de::Unexpected::Map => "an object".to_owned(),
            de::Unexpected::Unit | de::Unexpected::Option => "null".to_owned(),
            de::Unexpected::Bool(b) => format!("`{b}`"),
            de::Unexpected::Unsigned(n) => format!("the number {n}"),
            de::Unexpected::Signed(n) => format!("the number {n}"),
            de::Unexpected::Float(n) => format!("the number {n}"),
            other => other.to_string(),
        };
        Error::custom(format_args!("expected {expected}, found {found}"))
    }

    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        let expected = spec_term(&expected.to_string());
        match unexpected {
            de::Unexpected::Unsigned(n) => Error::custom(format_args!(
                "the number {n} is out of range: expected {expected}"
            )),
            de::Unexpected::Signed(n) => Error::custom(format_args!(
                "the number {n} is out of range: expected {expected}"
            )),
            other => Error::custom(format_args!("expected {expected}, found {other}")),
        }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let list = expected
            .iter()
            .map(|name| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(", ");
        Error::custom(format_args!(
            "unknown value \"{variant}\"{}: expected one of {list}",
            did_you_mean(variant, expected.iter().copied())
        ))
    }

    fn missing_field(field: &'static str) -> Self {
        let mut error = Error::custom(format_args!("missing key \"{field}\": add it"));
        error.missing = Some(field);
        error
    }

    fn duplicate_field(field: &'static str) -> Self {
        Error::custom(format_args!("key \"{field}\" appears twice: keep one"))
    }
}

/// What serde's names for expected values mean in spec terms.
fn spec_term(expected: &str) -> String {
    match expected {
        "u16" => "a number from 0 to 65535 (e.g. 200)".to_owned(),
        "u32" => "a whole number".to_owned(),
        "a string" | "a borrowed string" => "a string".to_owned(),
        "a boolean" => "`true` or `false`".to_owned(),
        "a sequence" => "an array".to_owned(),
        "a map" => "an object".to_owned(),
        other if other.starts_with("struct ") => "an object".to_owned(),
        other => other.to_owned(),
    }
}

/// What a spec struct is called in messages ("this operation has no \"method\"").
fn object_name(struct_name: &str) -> &'static str {
    match struct_name {
        "SpecFile" => "spec file",
        "Api" => "\"api\" section",
        "ApiVersion" => "version",
        "Location" => "location",
        "TypeDef" => "type",
        "Field" => "field",
        "EnumValue" => "enum value",
        "Param" => "parameter",
        "Resource" => "resource",
        "Group" => "group",
        "Operation" => "operation",
        "QueryParam" => "query parameter",
        "MultipartSpec" => "multipart body",
        "PartSpec" => "part",
        "BinaryPartsSpec" => "\"binaryParts\"",
        "Exclusive" => "\"exclusive\"",
        SHORTHAND_BODY => "\"body\" object",
        SHORTHAND_RESPONSE => "\"response\" object",
        SHORTHAND_RULE => "rule",
        _ => "object",
    }
}

/// The members of an object with later repeats of a key reported and dropped.
fn unique_members<'a>(members: &'a [Member], sink: &Sink<'_>) -> Vec<&'a Member> {
    let mut kept: Vec<&Member> = Vec::new();
    for member in members {
        match kept.iter().find(|k| k.key == member.key) {
            Some(first) => sink.report(
                member.key_pos,
                format!(
                    "key \"{}\" appears twice in this object (first at {}): remove one",
                    member.key, first.key_pos
                ),
            ),
            None => kept.push(member),
        }
    }
    kept
}

struct NodeDeserializer<'a> {
    node: &'a Node,
    sink: &'a Sink<'a>,
}

impl<'a> NodeDeserializer<'a> {
    fn wrong(&self, expected: &str) -> Error {
        Error::custom(format_args!(
            "expected {expected}, found {}",
            self.node.value.kind()
        ))
        .at(self.node.pos)
    }
}

macro_rules! forward_to_any {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.deserialize_any(visitor)
        })*
    };
}

impl<'de, 'a> de::Deserializer<'de> for NodeDeserializer<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let pos = self.node.pos;
        let result = match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(text) => {
                if let Ok(n) = text.parse::<u64>() {
                    visitor.visit_u64(n)
                } else if let Ok(n) = text.parse::<i64>() {
                    visitor.visit_i64(n)
                } else {
                    match text.parse::<f64>() {
                        Ok(n) => visitor.visit_f64(n),
                        Err(_) => Err(Error::custom(format_args!("number {text} is out of range"))),
                    }
                }
            }
            Value::String(s) => visitor.visit_str(s),
            Value::Array(items) => visitor.visit_seq(Seq {
                items: items.iter(),
                sink: self.sink,
            }),
            Value::Object(members) => visitor.visit_map(Map {
                members: unique_members(members, self.sink).into_iter(),
                value: None,
                sink: self.sink,
            }),
        };
        result.map_err(|e| e.at(pos))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            Value::String(s) => visitor.visit_str(s).map_err(|e: Error| e.at(self.node.pos)),
            _ => Err(self.wrong("a string")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::String(s) if s == "true" || s == "false" => Err(Error::custom(format_args!(
                "expected `true` or `false`, found the string \"{s}\": write it without quotes"
            ))
            .at(self.node.pos)),
            _ => Err(self.wrong("`true` or `false`")),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            Value::Array(_) => self.deserialize_any(visitor),
            _ => Err(self.wrong("an array")),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            Value::Object(_) => self.deserialize_any(visitor),
            _ => Err(self.wrong("an object")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let pos = self.node.pos;
        if name == SPANNED {
            return visitor.visit_map(SpannedAccess {
                node: self.node,
                sink: self.sink,
                step: 0,
            });
        }
        // A string where a shorthand is allowed is the shorthand (`"body": "TypeName"`); a
        // rule's shorthand is its bare value (`"maxLength": 128`).
        let shorthand = name == SHORTHAND_BODY || name == SHORTHAND_RESPONSE;
        let members = match &self.node.value {
            Value::Object(members) => members,
            _ if name == SHORTHAND_RULE => return self.deserialize_any(visitor),
            Value::String(text) if shorthand => {
                return visitor.visit_str(text).map_err(|e: Error| e.at(pos));
            }
            _ if shorthand => return Err(self.wrong("a type name or an object")),
            _ => return Err(self.wrong("an object")),
        };
        let mut suggested: Vec<&str> = Vec::new();
        let known: Vec<&Member> = unique_members(members, self.sink)
            .into_iter()
            .filter(|member| {
                let known = fields.contains(&member.key.as_str());
                if !known {
                    let suggestion =
                        crate::diagnostics::closest(&member.key, fields.iter().copied());
                    suggested.extend(suggestion);
                    self.sink.report(
                        member.key_pos,
                        format!(
                            "unknown key \"{}\"{}: expected one of {}",
                            member.key,
                            did_you_mean(&member.key, fields.iter().copied()),
                            fields
                                .iter()
                                .map(|f| format!("\"{f}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
                known
            })
            .collect();
        visitor
            .visit_map(Map {
                members: known.into_iter(),
                value: None,
                sink: self.sink,
            })
            .map_err(|e| match e.missing {
                // The misspelling was reported with a "did you mean" already.
                Some(field) if suggested.contains(&field) => Error::reported(),
                Some(field) => Error::custom(format_args!(
                    "this {} has no \"{field}\": add it",
                    object_name(name)
                ))
                .at(pos),
                None => e.at(pos),
            })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.node.value {
            Value::String(s) => {
                let access: de::value::StrDeserializer<'_, Error> = s.as_str().into_deserializer();
                visitor.visit_enum(access).map_err(|e| e.at(self.node.pos))
            }
            _ => Err(self.wrong("a string")),
        }
    }

    forward_to_any! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf
        deserialize_unit deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }
}

struct Seq<'a, I> {
    items: I,
    sink: &'a Sink<'a>,
}

impl<'de, 'a, I: Iterator<Item = &'a Node>> de::SeqAccess<'de> for Seq<'a, I> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        seed.deserialize(NodeDeserializer {
            node,
            sink: self.sink,
        })
        .map(Some)
        .map_err(|e| self.sink.settle(e, node.pos))
    }
}

struct Map<'a, I> {
    members: I,
    value: Option<(&'a str, &'a Node)>,
    sink: &'a Sink<'a>,
}

impl<'de, 'a, I: Iterator<Item = &'a Member>> de::MapAccess<'de> for Map<'a, I> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(member) = self.members.next() else {
            return Ok(None);
        };
        self.value = Some((&member.key, &member.value));
        let key = Node {
            pos: member.key_pos,
            value: Value::String(member.key.clone()),
        };
        seed.deserialize(NodeDeserializer {
            node: &key,
            sink: self.sink,
        })
        .map(Some)
        .map_err(|e| e.at(member.key_pos))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, node)) = self.value.take() else {
            return Err(Error::custom("value requested before key"));
        };
        seed.deserialize(NodeDeserializer {
            node,
            sink: self.sink,
        })
        .map_err(|mut e| {
            // Name the key when the error is about this value itself, not something inside it.
            if !e.is_reported() && e.pos.is_none_or(|pos| pos == node.pos) && e.missing.is_none() {
                e.message = format!("\"{key}\": {}", e.message);
            }
            self.sink.settle(e, node.pos)
        })
    }
}

/// Hands `Spanned<T>` its line, column and value.
struct SpannedAccess<'a> {
    node: &'a Node,
    sink: &'a Sink<'a>,
    step: usize,
}

impl<'de> de::MapAccess<'de> for SpannedAccess<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(field) = SPANNED_FIELDS.get(self.step) else {
            return Ok(None);
        };
        seed.deserialize(de::value::StrDeserializer::<Error>::new(field))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        self.step += 1;
        match self.step {
            1 => seed.deserialize(self.node.pos.line.into_deserializer()),
            2 => seed.deserialize(self.node.pos.column.into_deserializer()),
            _ => seed.deserialize(NodeDeserializer {
                node: self.node,
                sink: self.sink,
            }),
        }
    }
}

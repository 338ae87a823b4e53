//! A JSON body read for checking only: strings borrowed from the bytes where they have no
//! escapes, an object's members kept in a list, no map built. The client checks every body it
//! sends and the fake every body it receives; reading them into `serde_json::Value` (a
//! `String` per key and value, a map per object) cost more than the check itself.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A JSON body as [`Api::check_json_body`](super::Api::check_json_body) reads it: parsed from
/// bytes with [`JsonBody::parse`], or borrowed from a `serde_json::Value` with `From`.
#[derive(Debug, PartialEq)]
pub struct JsonBody<'a>(pub(super) Json<'a>);

impl<'a> JsonBody<'a> {
    /// Reads `bytes` as one JSON value; fails as `serde_json` does on text that is not JSON.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

impl<'a> From<&'a Value> for JsonBody<'a> {
    fn from(value: &'a Value) -> Self {
        JsonBody(Json::from(value))
    }
}

/// One JSON value.
#[derive(Debug, PartialEq)]
pub(super) enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// Members in the order they came; a repeated key's last value is the one
    /// [`Json::member`] finds, as in a `serde_json::Value`.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// A JSON number, as serde reads it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Number {
    Integer(i64),
    Unsigned(u64),
    Float(f64),
}

impl Number {
    /// The number as an `i64`, when it is a whole number that fits.
    pub(super) fn as_i64(self) -> Option<i64> {
        match self {
            Number::Integer(n) => Some(n),
            Number::Unsigned(n) => i64::try_from(n).ok(),
            Number::Float(_) => None,
        }
    }
}

impl<'a> Json<'a> {
    /// The value of member `name` of an object's `members`.
    pub(super) fn member<'m>(
        members: &'m [(Cow<'a, str>, Json<'a>)],
        name: &str,
    ) -> Option<&'m Json<'a>> {
        members
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// What the value is, in words.
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }
}

impl<'a> From<&'a Value> for Json<'a> {
    fn from(value: &'a Value) -> Self {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Number::Integer(i),
                (None, Some(u), _) => Number::Unsigned(u),
                (None, None, f) => Number::Float(f.unwrap_or(f64::NAN)),
            }),
            Value::String(s) => Json::String(Cow::Borrowed(s)),
            Value::Array(items) => Json::Array(items.iter().map(Json::from).collect()),
            Value::Object(members) => Json::Object(
                members
                    .iter()
                    .map(|(key, value)| (Cow::Borrowed(key.as_str()), Json::from(value)))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for JsonBody<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(JsonBody)
    }
}

/// An object key, borrowed when it can be.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StrVisitor).map(Key)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value))
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Json::Number(Number::Integer(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        // As `serde_json::Number` sees it: a whole number that fits an `i64` is one.
        Ok(Json::Number(match i64::try_from(value) {
            Ok(value) => Number::Integer(value),
            Err(_) => Number::Unsigned(value),
        }))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(Json::Number(Number::Float(value)))
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(value)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(JsonBody(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(Key(key)) = map.next_key()? {
            let JsonBody(value) = map.next_value()?;
            members.push((key, value));
        }
        Ok(Json::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_without_escapes_are_borrowed_from_the_bytes() {
        let JsonBody(body) = JsonBody::parse(br#"{"name":"Math 101","note":"a\"b"}"#).unwrap();
        let Json::Object(members) = body else {
            panic!("{body:?}")
        };
        assert!(matches!(members[0].0, Cow::Borrowed("name")));
        assert!(matches!(
            members[0].1,
            Json::String(Cow::Borrowed("Math 101"))
        ));
        assert_eq!(members[1].1, Json::String(Cow::Owned("a\"b".to_owned())));
    }

    #[test]
    fn a_body_read_from_bytes_is_the_body_borrowed_from_a_value() {
        let text = r#"{"a":[1,-2,2.5,true,null],"b":{"c":"d"},"e":18446744073709551615}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            JsonBody::parse(text.as_bytes()).unwrap(),
            JsonBody::from(&value)
        );
    }

    #[test]
    fn text_that_is_not_json_is_refused_as_serde_json_refuses_it() {
        let error = JsonBody::parse(b"{\"a\":").unwrap_err();
        assert!(error.is_eof(), "{error}");
    }
}

//! `Nullable<T>`: a JSON value that may be an explicit `null`, for the three-state fields.
//!
//! An optional nullable field is `Option<Nullable<T>>`: `None` leaves it out of the JSON,
//! `Some(Nullable::Null)` sends `null` (for example to clear a page lock) and
//! `Some(Nullable::Value(v))` sends the value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that is either JSON `null` or a `T`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// JSON `null`.
    Null,
    /// A present value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether this is `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Null => None,
            Self::Value(value) => Some(value),
        }
    }

    /// Converts into an `Option`, `Null` becoming `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Null => None,
            Self::Value(value) => Some(value),
        }
    }

    /// Decodes a present field, keeping an explicit `null` as `Some(Nullable::Null)`.
    ///
    /// Use it with `#[serde(default, deserialize_with = "crate::Nullable::deserialize_present")]`:
    /// `default` leaves an absent field `None`, and this function is only called when the field is
    /// there.
    pub fn deserialize_present<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Nullable<T>>, D::Error>
    where
        T: Deserialize<'de>,
    {
        Nullable::deserialize(deserializer).map(Some)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_none(),
            Self::Value(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Lock {
        #[serde(
            rename = "blockEditsInClientStartDate",
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "crate::Nullable::deserialize_present"
        )]
        start: Option<Nullable<String>>,
    }

    #[test]
    fn three_states_serialize_distinctly() {
        let absent = Lock { start: None };
        let null = Lock {
            start: Some(Nullable::Null),
        };
        let value = Lock {
            start: Some(Nullable::Value("1985-02-25T23:17:16Z".into())),
        };
        assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
        assert_eq!(
            serde_json::to_string(&null).unwrap(),
            r#"{"blockEditsInClientStartDate":null}"#
        );
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"blockEditsInClientStartDate":"1985-02-25T23:17:16Z"}"#
        );
    }

    #[test]
    fn three_states_deserialize_distinctly() {
        let absent: Lock = serde_json::from_str("{}").unwrap();
        assert_eq!(absent.start, None);
        let null: Lock = serde_json::from_str(r#"{"blockEditsInClientStartDate":null}"#).unwrap();
        assert_eq!(null.start, Some(Nullable::Null));
        let value: Lock =
            serde_json::from_str(r#"{"blockEditsInClientStartDate":"1985-02-25T23:17:16Z"}"#)
                .unwrap();
        assert_eq!(
            value.start,
            Some(Nullable::Value("1985-02-25T23:17:16Z".to_owned()))
        );
        assert!(serde_json::from_str::<Lock>(r#"{"blockEditsInClientStartDate":5}"#).is_err());
    }

    #[test]
    fn conversions() {
        assert_eq!(Nullable::from(Some(1)), Nullable::Value(1));
        assert_eq!(Nullable::<i32>::from(None), Nullable::Null);
        assert!(Nullable::<i32>::Null.is_null());
        assert_eq!(Nullable::Value(2).value(), Some(&2));
        assert_eq!(Nullable::Value(3).into_option(), Some(3));
    }
}

//! `DateTime`: an RFC 3339 timestamp that keeps its UTC offset and fractional digits.
//!
//! The documents send `2018-02-25T15:17:16.0938811-08:00`; converting to UTC or padding the
//! fraction to nine digits would change the bytes on the wire, so this type keeps the offset and
//! prints the fraction without trailing zeros (which is what the 7-digit value needs).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A point in time with its UTC offset, sent and received as RFC 3339 text.
///
/// Equality, ordering and hashing compare the instant: `…T15:17:16-08:00` equals
/// `…T23:17:16Z`, although they print differently.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(OffsetDateTime);

impl DateTime {
    /// Wraps a `time::OffsetDateTime`.
    pub fn new(value: OffsetDateTime) -> Self {
        Self(value)
    }

    /// The current time in UTC.
    pub fn now_utc() -> Self {
        Self(OffsetDateTime::now_utc())
    }

    /// The wrapped `time::OffsetDateTime`.
    pub fn into_inner(self) -> OffsetDateTime {
        self.0
    }

    /// RFC 3339 text, or `None` when RFC 3339 cannot express the value (a year outside
    /// 0000–9999, or an offset with seconds).
    pub fn to_rfc3339(&self) -> Option<String> {
        self.0.format(&Rfc3339).ok()
    }
}

impl From<OffsetDateTime> for DateTime {
    fn from(value: OffsetDateTime) -> Self {
        Self(value)
    }
}

impl From<DateTime> for OffsetDateTime {
    fn from(value: DateTime) -> Self {
        value.0
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_rfc3339() {
            Some(text) => f.write_str(&text),
            // Out of RFC 3339's range: `time`'s own rendering is still unambiguous.
            None => fmt::Display::fmt(&self.0, f),
        }
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({self})")
    }
}

/// Why text is not an RFC 3339 date-time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDateTimeError {
    input: String,
    reason: String,
}

impl fmt::Display for ParseDateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid RFC 3339 date-time {:?} (expected e.g. 2018-02-25T15:17:16.0938811-08:00): {}",
            self.input, self.reason
        )
    }
}

impl std::error::Error for ParseDateTimeError {}

impl FromStr for DateTime {
    type Err = ParseDateTimeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        OffsetDateTime::parse(text, &Rfc3339)
            .map(Self)
            .map_err(|error| ParseDateTimeError {
                // Bounded so a huge bogus value cannot make a huge error.
                input: text.chars().take(64).collect(),
                reason: error.to_string(),
            })
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.to_rfc3339() {
            Some(text) => serializer.serialize_str(&text),
            None => Err(serde::ser::Error::custom(format_args!(
                "{} cannot be written as RFC 3339",
                self.0
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENTED: [&str; 2] = ["2018-02-25T15:17:16.0938811-08:00", "1985-02-25T23:17:16Z"];

    #[test]
    fn documented_values_round_trip_byte_for_byte() {
        for text in DOCUMENTED {
            let value: DateTime = text.parse().unwrap();
            assert_eq!(value.to_string(), text);
            let json = format!("\"{text}\"");
            let decoded: DateTime = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&decoded).unwrap(), json);
        }
    }

    #[test]
    fn keeps_the_offset_and_compares_instants() {
        let local: DateTime = "2018-02-25T15:17:16-08:00".parse().unwrap();
        let utc: DateTime = "2018-02-25T23:17:16Z".parse().unwrap();
        assert_eq!(local, utc);
        assert_eq!(local.into_inner().offset().whole_hours(), -8);
        assert_eq!(local.to_string(), "2018-02-25T15:17:16-08:00");
    }

    #[test]
    fn fraction_digits_print_without_padding() {
        for text in [
            "2018-02-25T15:17:16.1Z",
            "2018-02-25T15:17:16.123456789+05:30",
            "2018-02-25T15:17:16.000000001Z",
        ] {
            let value: DateTime = text.parse().unwrap();
            assert_eq!(value.to_string(), text);
        }
    }

    #[test]
    fn invalid_text_has_a_clear_error() {
        let error = "2018-02-30".parse::<DateTime>().unwrap_err();
        assert!(
            error.to_string().starts_with(
                "invalid RFC 3339 date-time \"2018-02-30\" (expected e.g. 2018-02-25T15:17:16.0938811-08:00): "
            ),
            "{error}"
        );
        assert!(serde_json::from_str::<DateTime>("\"DateTimeOffset\"").is_err());
        assert!(serde_json::from_str::<DateTime>("42").is_err());
    }

    #[test]
    fn out_of_range_values_fail_to_serialize_without_panicking() {
        let far = OffsetDateTime::UNIX_EPOCH.replace_year(-5).unwrap();
        let value = DateTime::from(far);
        assert!(serde_json::to_string(&value).is_err());
        assert!(!value.to_string().is_empty());
        assert_eq!(value.to_rfc3339(), None);
    }

    #[test]
    fn debug_and_conversions() {
        let value: DateTime = DOCUMENTED[1].parse().unwrap();
        assert_eq!(format!("{value:?}"), "DateTime(1985-02-25T23:17:16Z)");
        let inner: OffsetDateTime = value.into();
        assert_eq!(DateTime::from(inner), value);
    }
}

//! The match key of generated lenient string enums (e.g. `OperationStatus`).

/// The key lenient enums match on: lowercase, with spaces, `_` and `-` removed, so
/// `notStarted`, `NotStarted`, `not started` and `not_started` all give `notstarted`.
pub(crate) fn lenient_key(value: &str) -> String {
    lenient_chars(value).collect()
}

/// Whether two values have the same [`lenient_key`], without making either key.
pub(crate) fn lenient_eq(a: &str, b: &str) -> bool {
    lenient_chars(a).eq(lenient_chars(b))
}

fn lenient_chars(value: &str) -> impl Iterator<Item = char> + '_ {
    value
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OperationStatus;

    #[test]
    fn lenient_key_ignores_case_and_separators() {
        for spelling in [
            "notStarted",
            "NotStarted",
            "not started",
            "not_started",
            "NOT-STARTED",
        ] {
            assert_eq!(lenient_key(spelling), "notstarted", "{spelling}");
        }
        assert_eq!(lenient_key("İ"), "i\u{307}");
        assert!(lenient_eq("Not Started", "notStarted"));
        assert!(!lenient_eq("notStarted", "notStart"));
    }

    #[test]
    fn generated_enums_decode_leniently_and_keep_unknown_values() {
        let status: OperationStatus = serde_json::from_str(r#""Not Started""#).unwrap();
        assert_eq!(status, OperationStatus::NotStarted);
        let status: OperationStatus = serde_json::from_str(r#""cancel\u006ced""#).unwrap();
        assert_eq!(status, OperationStatus::Unknown("cancelled".into()));
        assert!(serde_json::from_str::<OperationStatus>("3").is_err());
        assert!(serde_json::from_str::<OperationStatus>("null").is_err());
    }
}

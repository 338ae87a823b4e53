//! The one place Rust identifiers are made from spec names (case conversion plus keyword
//! escaping), and the key lenient enum values compare by.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// The kind of identifier a spec name becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: fields, methods, modules, arguments.
    Snake,
    /// `UpperCamelCase`: types and enum variants.
    Pascal,
}

/// Rust keywords (strict and reserved, all editions) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot even be raw identifiers; they get a trailing underscore instead.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Makes the Rust identifier for `name` in `case`, escaping keywords.
///
/// Returns the identifier as it is written in source (`r#type`, `self_`), or `None` when
/// nothing identifier-like is left (the spec name had no letters or digits).
pub fn ident(name: &str, case: Case) -> Option<String> {
    // heck treats `.`, `@`, `-` and spaces as word breaks, so `@odata.nextLink` becomes
    // `odata_next_link` and `sr-Latn-RS` becomes `SrLatnRs`.
    let converted = match case {
        Case::Snake => name.to_snake_case(),
        // A dot between digits separates version numbers: `v1.0` → `V1_0`, so it stays
        // distinct from `v10`.
        Case::Pascal => split_version_dots(name)
            .iter()
            .map(|piece| piece.to_upper_camel_case())
            .collect::<Vec<_>>()
            .join("_"),
    };
    let mut cleaned: String = converted
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if cleaned.trim_matches('_').is_empty() {
        return None;
    }
    if cleaned.starts_with(|c: char| c.is_ascii_digit()) {
        cleaned.insert(0, if case == Case::Snake { '_' } else { 'V' });
    }
    if NOT_RAW.contains(&cleaned.as_str()) {
        cleaned.push('_');
    } else if KEYWORDS.contains(&cleaned.as_str()) {
        cleaned.insert_str(0, "r#");
    }
    Some(cleaned)
}

/// Splits `name` at every `.` that has a digit on both sides.
fn split_version_dots(name: &str) -> Vec<&str> {
    let bytes = name.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let between_digits = *b == b'.'
            && i > 0
            && bytes[i - 1].is_ascii_digit()
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if between_digits {
            pieces.push(&name[start..i]);
            start = i + 1;
        }
    }
    pieces.push(&name[start..]);
    pieces
}

/// The navigation handle type for resource `key` (`ClassNotebook` → `ClassNotebookResource`).
///
/// Handles get a suffix so they never collide with the model of the same name.
pub fn handle_type(key: &str) -> String {
    format!("{key}Resource")
}

/// The key lenient enums compare: lowercase, without spaces, `_` and `-`.
///
/// Validation uses it to find enum values that would match the same input; the emitted
/// `From<&str>` matches on it, calling the runtime's copy (`enum_value::lenient_key`) at run time.
pub fn lenient_key(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_camel_case_to_snake() {
        assert_eq!(
            ident("hasTeacherOnlySectionGroup", Case::Snake).as_deref(),
            Some("has_teacher_only_section_group")
        );
    }

    #[test]
    fn strips_odata_punctuation() {
        assert_eq!(
            ident("@odata.nextLink", Case::Snake).as_deref(),
            Some("odata_next_link")
        );
    }

    #[test]
    fn escapes_keywords_as_raw_identifiers() {
        assert_eq!(ident("type", Case::Snake).as_deref(), Some("r#type"));
        assert_eq!(ident("self", Case::Snake).as_deref(), Some("self_"));
    }

    #[test]
    fn mixed_case_language_codes_become_one_word_each() {
        assert_eq!(
            ident("sr-Latn-RS", Case::Pascal).as_deref(),
            Some("SrLatnRs")
        );
        assert_eq!(ident("en-us", Case::Pascal).as_deref(), Some("EnUs"));
    }

    #[test]
    fn version_dots_become_underscores() {
        assert_eq!(ident("v1.0", Case::Pascal).as_deref(), Some("V1_0"));
        assert_eq!(ident("beta", Case::Pascal).as_deref(), Some("Beta"));
    }

    #[test]
    fn leading_digits_get_a_prefix() {
        assert_eq!(ident("1-b68a", Case::Pascal).as_deref(), Some("V1B68a"));
    }

    #[test]
    fn punctuation_only_names_have_no_identifier() {
        assert_eq!(ident("--", Case::Snake), None);
    }

    #[test]
    fn lenient_key_ignores_case_and_separators() {
        assert_eq!(lenient_key("Not Started"), lenient_key("notStarted"));
        assert_eq!(lenient_key("not_started"), "notstarted");
    }
}

//! Spec errors with a file, line and column, rendered the way rustc renders them.

use std::fmt;

use crate::json::Pos;

/// One problem found in the spec: where it is and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The spec file, as given to the generator (e.g. `spec/permissions.json`).
    pub file: String,
    /// Where in the file.
    pub pos: Pos,
    /// What is wrong and, where it can say, what to do.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.pos, self.message)
    }
}

/// Every problem found in one run, sorted by file and position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, file: &str, pos: Pos, message: impl Into<String>) {
        self.0.push(Diagnostic {
            file: file.to_owned(),
            pos,
            message: message.into(),
        });
    }

    /// Takes over the problems another stage found.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, sorted by file, line and column, duplicates removed.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort();
        self.0.dedup();
        self.0
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sorted = self.clone().into_sorted();
        for diagnostic in &sorted {
            writeln!(f, "error: {diagnostic}")?;
        }
        let count = sorted.len();
        write!(
            f,
            "error: the spec has {count} error{}; nothing was generated",
            if count == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// The closest candidate to `wrong`, if one is close enough to be a likely typo.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let distance = strsim::levenshtein(&wrong_lower, &candidate.to_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, candidate)| {
            *distance <= (candidate.chars().count().max(wrong.chars().count()) / 3).max(1)
        })
        .min()
        .map(|(_, candidate)| candidate)
}

/// ` (did you mean "x"?)` or nothing.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match closest(wrong, candidates) {
        Some(candidate) => format!(" (did you mean \"{candidate}\"?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_near_miss() {
        assert_eq!(
            did_you_mean("Principle", ["Principal", "Permission"]),
            " (did you mean \"Principal\"?)"
        );
    }

    #[test]
    fn suggests_nothing_for_a_stranger() {
        assert_eq!(did_you_mean("Zebra", ["Principal", "Permission"]), "");
    }
}

//! `Problem` and `Problems`: what is wrong with a roster, where (`file:line:column`), and what
//! to do about it, reported all at once.

use std::fmt;

/// A place in an input file: 1-based line and column (columns count characters).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The file name as the user knows it (`enrollments.csv`).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Position {
    /// A position in `file`.
    pub fn new(file: impl Into<String>, line: u32, column: u32) -> Self {
        Self {
            file: file.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One thing wrong with the input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Problem {
    /// Where it is, when it came from a file. Whole-file problems have line 1, column 1 or
    /// only a file name in [`file`](Self::file).
    pub position: Option<Position>,
    /// The file it concerns when there is no position (a missing file).
    pub file: Option<String>,
    /// What is wrong, one sentence.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Problem {
    /// A problem at `position`.
    pub fn at(position: Position, message: impl Into<String>) -> Self {
        Self {
            position: Some(position),
            file: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A problem with a whole file (`file` is missing or unreadable).
    pub fn in_file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            position: None,
            file: Some(file.into()),
            message: message.into(),
            hint: None,
        }
    }

    /// A problem with no place in a file (a roster built in code).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            position: None,
            file: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds what to do about it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The order problems are reported in: by file, then line and column.
    fn sort_key(&self) -> (&str, u32, u32, &str) {
        match (&self.position, &self.file) {
            (Some(p), _) => (&p.file, p.line, p.column, &self.message),
            (None, Some(file)) => (file, 0, 0, &self.message),
            (None, None) => ("", 0, 0, &self.message),
        }
    }

    /// Places the problem at `position` when it has one.
    pub(crate) fn at_opt(position: Option<Position>, message: impl Into<String>) -> Self {
        match position {
            Some(position) => Self::at(position, message),
            None => Self::new(message),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.position, &self.file) {
            (Some(position), _) => write!(f, "{position}: ")?,
            (None, Some(file)) => write!(f, "{file}: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found in one pass, in file and line order, without repeats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems(Vec<Problem>);

impl Problems {
    /// Sorts and de-duplicates `problems`.
    pub fn new(mut problems: Vec<Problem>) -> Self {
        problems.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        problems.dedup();
        Self(problems)
    }

    /// The problems, in order.
    pub fn as_slice(&self) -> &[Problem] {
        &self.0
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl IntoIterator for Problems {
    type Item = Problem;
    type IntoIter = std::vec::IntoIter<Problem>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.0 {
            writeln!(f, "{problem}")?;
        }
        let n = self.0.len();
        write!(
            f,
            "{n} problem{} in the roster; nothing was planned",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Problems {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_read_like_compiler_diagnostics_in_file_order() {
        let problems = Problems::new(vec![
            Problem::at(Position::new("users.csv", 3, 14), "bad").hint("fix it"),
            Problem::in_file("classes.csv", "not found"),
            Problem::at(Position::new("enrollments.csv", 2, 1), "worse"),
            Problem::at(Position::new("enrollments.csv", 2, 1), "worse"),
        ]);
        assert_eq!(
            problems.to_string(),
            "classes.csv: not found\n\
             enrollments.csv:2:1: worse\n\
             users.csv:3:14: bad\n  = hint: fix it\n\
             3 problems in the roster; nothing was planned"
        );
    }
}

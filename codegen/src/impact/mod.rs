//! What a spec edit does to users: the public items of the generated client and the `onenote`
//! command that it adds, removes and changes, each classed and explained.
//!
//! Both models become their public surface (`surface.rs`: every item a caller names, with the
//! facts their code depends on), the two surfaces are compared item by item and fact by fact
//! (`compare.rs`), and [`Impact`] prints the report `cargo xtask codegen` shows. Nothing here
//! reads text: an edit that changes no fact (reformatting, reordering keys) has no impact.
//!
//! The classes follow cargo-semver-checks' reading of the code emit generates: a removed or
//! renamed item, a changed type or argument list, a method available in fewer places, a new
//! field of a struct that can be built with a literal, a new variant of an enum that can be
//! matched exhaustively, a tightened limit: breaking. A new fact of the model (an input
//! constraint, say) is one more `Aspect` in `surface.rs` and one more arm in `compare.rs`.

mod change;
mod compare;
mod surface;

use std::fmt;

pub use self::change::{Change, Class};
use crate::model::Model;

/// The public API changes between two models, breaking first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Impact {
    changes: Vec<Change>,
}

/// The public API changes that going from `before` to `after` makes, for users of the Rust
/// client and of the `onenote` command.
pub fn impact(before: &Model, after: &Model) -> Impact {
    let mut changes = compare::changes(&surface::surface(before), &surface::surface(after));
    changes.sort_by(|a, b| {
        (a.class, &a.item, a.kind, &a.what).cmp(&(b.class, &b.item, b.kind, &b.what))
    });
    changes.dedup();
    Impact { changes }
}

impl Impact {
    /// Every change, breaking first, then by item.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// True when the edit changes nothing users see (not even docs).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many changes are of `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// One line: `3 changes: 1 breaking, 2 compatible`, or `no change to the public API`.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "no change to the public API".to_owned();
        }
        let counts = Class::ALL
            .iter()
            .map(|class| (self.count(*class), class.name()))
            .filter(|(count, _)| *count > 0)
            .map(|(count, name)| format!("{count} {name}"))
            .collect::<Vec<_>>()
            .join(", ");
        let total = self.changes.len();
        let plural = if total == 1 { "" } else { "s" };
        format!("{total} change{plural}: {counts}")
    }
}

/// The report: the summary line, then each class's changes, two lines each (the item, its
/// kind and spec file; what changed and what it means).
impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.summary())?;
        for class in Class::ALL {
            let mut changes = self.changes.iter().filter(|c| c.class == class).peekable();
            if changes.peek().is_none() {
                continue;
            }
            writeln!(f, "{}", class.heading())?;
            for change in changes {
                writeln!(f, "  {} ({}, {})", change.item, change.kind, change.source)?;
                if change.why.is_empty() {
                    writeln!(f, "      {}", change.what)?;
                } else {
                    writeln!(f, "      {}; {}", change.what, change.why)?;
                }
            }
        }
        Ok(())
    }
}

//! One change to one public item and its class: what the impact report is made of.

/// One change to one public item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What it means for users.
    pub class: Class,
    /// The item as a caller writes it: `CreateClassNotebook::new`,
    /// `notes.class_notebook(notebook_id).students().add(body)`, `onenote class-notebooks list`
    /// (`notes` is any location's root, such as `client.me()`).
    pub item: String,
    /// What kind of item it is (`field`, `call`, `command`…).
    pub kind: &'static str,
    /// The spec file it comes from.
    pub source: String,
    /// What changed: ``made required (`Option<bool>` → `bool`)``.
    pub what: String,
    /// What it means for code that uses the item; empty when `what` says it all.
    pub why: String,
}

/// How a change affects users, most severe first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code that compiles today (or a command line that runs) may not: a major release.
    Breaking,
    /// Compiles as before, but what a call sends or how an answer is read changes.
    Behaviour,
    /// Something new; nothing that works today changes.
    Compatible,
    /// Only the documentation (and the permission scopes it lists) changes.
    Docs,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Class; 4] = [
        Class::Breaking,
        Class::Behaviour,
        Class::Compatible,
        Class::Docs,
    ];

    /// The class's name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Behaviour => "behaviour",
            Class::Compatible => "compatible",
            Class::Docs => "docs",
        }
    }

    pub(super) fn heading(self) -> &'static str {
        match self {
            Class::Breaking => {
                "breaking: code that compiles (or a command that runs) today may not"
            }
            Class::Behaviour => "behaviour: compiles as before, but what is sent or read changes",
            Class::Compatible => "compatible: additions",
            Class::Docs => "docs",
        }
    }
}

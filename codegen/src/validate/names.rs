//! The names registry: every name generated code defines, in which namespace, and where it comes
//! from (the runtime, Rust's prelude, or a spec file and position), so a collision is reported
//! with both places.

use std::collections::BTreeMap;

use crate::json::Pos;
use crate::model::Host;
use crate::runtime;

/// Where a name comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The hand-written runtime, defined in this file.
    Runtime(&'static str),
    /// Rust's prelude.
    Prelude,
    /// The generator itself (a module it adds to every client).
    Generator,
    /// A spec file, at this position.
    Spec { file: String, pos: Pos },
}

/// Who holds a name.
#[derive(Clone, Debug)]
pub(crate) struct Claim {
    /// Where it comes from.
    pub source: Source,
    /// What it is, for messages (`type "Principal"`, `the runtime's \`Client::execute\``).
    pub what: String,
}

impl Claim {
    /// ` at file:line:col` for a spec claim, ` (in file)` for the runtime's.
    pub fn place(&self) -> String {
        match &self.source {
            Source::Spec { file, pos } => format!(" at {file}:{pos}"),
            Source::Runtime(file) => format!(" ({file})"),
            Source::Prelude | Source::Generator => String::new(),
        }
    }
}

/// A namespace generated code puts names in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Scope {
    /// Types, traits and constants at the crate root.
    Root,
    /// Modules at the crate root.
    Module,
    /// Methods of a host: the client, a location's notes root or a resource handle.
    Methods(Host),
    /// Setters of one operation's request builder (the index is the operation's spec order).
    Setters(usize),
}

/// Every claimed name, by scope.
pub(crate) struct Names {
    claims: BTreeMap<Scope, BTreeMap<String, Claim>>,
}

impl Names {
    /// A registry that knows the runtime's names and the prelude's.
    pub fn new() -> Names {
        let mut names = Names {
            claims: BTreeMap::new(),
        };
        let mut reserve = |scope: Scope, name: &str, source: Source, what: String| {
            let claims = names.claims.entry(scope).or_default();
            claims.insert(name.to_owned(), Claim { source, what });
        };
        for (scope, reserved, kind) in [
            (Scope::Root, runtime::ROOT_NAMES, "item"),
            (Scope::Module, runtime::MODULES, "module"),
        ] {
            for name in reserved {
                let what = format!("the runtime's {kind} `{}`", name.name);
                reserve(scope.clone(), name.name, Source::Runtime(name.file), what);
            }
        }
        for name in runtime::GENERATED_MODULES {
            let what = format!("the generated module `{name}`");
            reserve(Scope::Module, name, Source::Generator, what);
        }
        for name in runtime::PRELUDE_NAMES {
            reserve(
                Scope::Root,
                name,
                Source::Prelude,
                format!("Rust's `{name}`"),
            );
        }
        names
    }

    /// Records `name` in `scope` for `claim`; when it is taken, returns who holds it.
    pub fn claim(&mut self, scope: Scope, name: &str, claim: Claim) -> Result<(), Claim> {
        if let Some(first) = self.holder(&scope, name) {
            return Err(first);
        }
        self.claims
            .entry(scope)
            .or_default()
            .insert(name.to_owned(), claim);
        Ok(())
    }

    /// Who holds `name` in `scope`, the runtime's methods included.
    pub fn holder(&self, scope: &Scope, name: &str) -> Option<Claim> {
        if let Some(claim) = self.claims.get(scope).and_then(|claims| claims.get(name)) {
            return Some(claim.clone());
        }
        if let (Scope::Setters(_), Some(found)) = (
            scope,
            runtime::ODATA_SETTERS.iter().find(|r| r.name == name),
        ) {
            return Some(Claim {
                source: Source::Runtime(found.file),
                what: format!("OData option \"{name}\""),
            });
        }
        let (reserved, owner) = match scope {
            Scope::Methods(Host::Client) => (runtime::CLIENT_METHODS, "Client"),
            Scope::Methods(_) => (runtime::HANDLE_METHODS, "handle"),
            Scope::Setters(_) => (runtime::BUILDER_METHODS, "request builder"),
            Scope::Root | Scope::Module => return None,
        };
        let found = reserved.iter().find(|r| r.name == name)?;
        let what = if owner == "Client" {
            format!("the runtime's `Client::{name}`")
        } else {
            format!("the runtime's {owner} method `{name}`")
        };
        Some(Claim {
            source: Source::Runtime(found.file),
            what,
        })
    }
}

/// The end of a message about `name` colliding with `first`: what holds it and where.
///
/// `which the runtime already defines in onenote-api/src/client.rs`, `which would shadow
/// Rust's \`Option\` in generated code`, or `as type "User" at spec/a.json:3:5 does`.
pub(crate) fn taken_by(first: &Claim) -> String {
    match &first.source {
        Source::Runtime(file) => format!("which the runtime already defines in {file}"),
        Source::Prelude => format!("which would shadow {} in generated code", first.what),
        Source::Generator => format!("which is {}", first.what),
        Source::Spec { .. } => format!("as {}{} does", first.what, first.place()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(what: &str) -> Claim {
        Claim {
            source: Source::Spec {
                file: "spec/a.json".to_owned(),
                pos: Pos { line: 3, column: 5 },
            },
            what: what.to_owned(),
        }
    }

    #[test]
    fn a_second_claim_gets_the_first() {
        let mut names = Names::new();
        assert!(
            names
                .claim(Scope::Root, "Principal", spec("type \"Principal\""))
                .is_ok()
        );
        let first = names
            .claim(Scope::Root, "Principal", spec("the handle"))
            .unwrap_err();
        assert_eq!(
            taken_by(&first),
            "as type \"Principal\" at spec/a.json:3:5 does"
        );
    }

    #[test]
    fn runtime_names_are_taken_from_the_start() {
        let names = Names::new();
        let client = names.holder(&Scope::Root, "Client").unwrap();
        assert_eq!(
            taken_by(&client),
            "which the runtime already defines in onenote-api/src/client.rs"
        );
        let execute = names
            .holder(&Scope::Methods(Host::Client), "execute")
            .unwrap();
        assert_eq!(execute.what, "the runtime's `Client::execute`");
        assert!(names.holder(&Scope::Methods(Host::Notes), "path").is_some());
        assert!(names.holder(&Scope::Setters(0), "send").is_some());
        let option = names.holder(&Scope::Root, "Option").unwrap();
        assert_eq!(
            taken_by(&option),
            "which would shadow Rust's `Option` in generated code"
        );
    }

    #[test]
    fn scopes_are_separate() {
        let mut names = Names::new();
        assert!(
            names
                .claim(Scope::Methods(Host::Notes), "list", spec("operation"))
                .is_ok()
        );
        assert!(
            names
                .claim(Scope::Methods(Host::Client), "list", spec("operation"))
                .is_ok()
        );
    }
}

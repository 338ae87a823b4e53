//! What every validation phase shares: the [`Checker`] (diagnostics, the names registry, the
//! type table) and the checks more than one phase makes: identifiers, path templates and their
//! parameters, type references.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostics, did_you_mean};
use crate::json::Pos;
use crate::model::{ParamModel, PathTemplate, TypeRef};
use crate::names::{Case, ident};
use crate::spec::{self, Entries, Spanned};

use super::names::{Claim, Names, Scope, Source, taken_by};

/// What every phase shares: the diagnostics, the names registry and the type table.
pub(super) struct Checker {
    pub(super) diagnostics: Diagnostics,
    pub(super) names: Names,
    /// Some file could not be read at all.
    pub(super) incomplete: bool,
    /// Type name → where it is defined and whether it is an enum (query parameters may only
    /// use enums and scalars).
    pub(super) types: BTreeMap<String, TypeEntry>,
    /// Types whose definition failed to decode; references to them are not reported again.
    pub(super) broken_types: BTreeSet<String>,
    /// Some resource failed to decode or was rejected: parameters it would have declared, and
    /// mounts on it, are not reported again.
    pub(super) broken_resources: bool,
    /// Some location or version failed to decode: references to them are not reported again.
    pub(super) broken_locations: bool,
}

/// One spec type, as other phases look it up.
#[derive(Clone)]
pub(super) struct TypeEntry {
    pub(super) file: String,
    pub(super) pos: Pos,
    pub(super) is_enum: bool,
}

impl Checker {
    pub(super) fn error(&mut self, file: &str, pos: Pos, message: impl Into<String>) {
        self.diagnostics.push(file, pos, message);
    }

    /// Records that `what` (e.g. `type "Principal"`) at `file:pos` makes the crate-root name
    /// `name`, reporting a collision with whatever holds it already.
    pub(super) fn claim_root(&mut self, file: &str, pos: Pos, name: &str, what: &str) {
        let claim = spec_claim(file, pos, what);
        if let Err(first) = self.names.claim(Scope::Root, name, claim) {
            let hint = match first.source {
                Source::Spec { .. } => "rename one",
                _ => "rename it",
            };
            self.error(
                file,
                pos,
                format!("{what} makes `{name}`, {}: {hint}", taken_by(&first)),
            );
        }
    }

    /// Checks that a spec name is already the identifier it makes, and returns it.
    pub(super) fn canonical(
        &mut self,
        file: &str,
        name: &Spanned<String>,
        case: Case,
        what: &str,
    ) -> Option<String> {
        let style = match case {
            Case::Snake => "snake_case",
            Case::Pascal => "UpperCamelCase",
        };
        match ident(&name.value, case) {
            None => {
                self.error(
                    file,
                    name.pos,
                    format!("{what} \"{}\" has no letters or digits", name.value),
                );
                None
            }
            Some(rust)
                if rust.starts_with("r#") || rust.ends_with('_') && !name.value.ends_with('_') =>
            {
                self.error(
                    file,
                    name.pos,
                    format!(
                        "{what} \"{}\" is a Rust keyword: choose another name",
                        name.value
                    ),
                );
                None
            }
            Some(rust) if rust != name.value => {
                self.error(
                    file,
                    name.pos,
                    format!("{what} \"{}\" is not {style}: write \"{rust}\"", name.value),
                );
                None
            }
            Some(rust) => Some(rust),
        }
    }

    /// Parses a path template, reporting where it is wrong.
    pub(super) fn path(&mut self, file: &str, path: &Spanned<String>) -> Option<PathTemplate> {
        match PathTemplate::parse(&path.value) {
            Ok(template) => Some(template),
            Err(message) => {
                self.error(
                    file,
                    path.pos,
                    format!("path \"{}\": {message}", path.value),
                );
                None
            }
        }
    }

    /// Checks that `declared` names exactly the parameters of `path`, and resolves them.
    pub(super) fn params_exactly(
        &mut self,
        file: &str,
        at: &Spanned<String>,
        path: &PathTemplate,
        declared: &Entries<spec::Param>,
        what: &str,
    ) -> Vec<ParamModel> {
        let used = path.params();
        let mut seen = BTreeSet::new();
        for name in &used {
            if !seen.insert(*name) {
                self.error(
                    file,
                    at.pos,
                    format!("path parameter \"{{{name}}}\" appears twice: rename one"),
                );
            }
        }
        let mut params = Vec::new();
        for name in &used {
            match declared.iter().find(|(key, _)| key.value == *name) {
                Some((key, param)) => {
                    if let Some(model) = self.param(file, key, &param.value) {
                        params.push(model);
                    }
                }
                None if declared.broken.iter().any(|b| b == name) => {}
                // A broken resource above would have declared it; that is already reported.
                None if self.broken_resources && what != "location" => {}
                None => {
                    let suggestion =
                        did_you_mean(name, declared.iter().map(|(key, _)| key.value.as_str()));
                    self.error(
                        file,
                        at.pos,
                        format!(
                            "path parameter \"{{{name}}}\" is not declared in this {what}'s \"params\"{suggestion}: declare it with a type and doc"
                        ),
                    );
                }
            }
        }
        for (key, _) in declared.iter() {
            if !used.contains(&key.value.as_str()) {
                self.error(
                    file,
                    key.pos,
                    format!(
                        "parameter \"{}\" is declared but not used in the path \"{path}\": remove it or use it",
                        key.value,
                    ),
                );
            }
        }
        let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
        for param in &params {
            if let Some(first) = rust_names.insert(param.rust.clone(), param.wire.clone()) {
                self.error(
                    file,
                    at.pos,
                    format!(
                        "parameters \"{first}\" and \"{}\" both become `{}`: rename one",
                        param.wire, param.rust
                    ),
                );
            }
        }
        params
    }

    pub(super) fn param(
        &mut self,
        file: &str,
        key: &Spanned<String>,
        param: &spec::Param,
    ) -> Option<ParamModel> {
        let ty = self.type_ref(file, &param.ty)?;
        if !matches!(ty, TypeRef::String | TypeRef::Integer) {
            self.error(
                file,
                param.ty.pos,
                format!(
                    "path parameter type \"{}\" is not supported: use \"string\" or \"integer\"",
                    param.ty.value
                ),
            );
            return None;
        }
        let Some(rust) = ident(&key.value, Case::Snake) else {
            self.error(
                file,
                key.pos,
                format!("parameter \"{}\" has no letters or digits", key.value),
            );
            return None;
        };
        Some(ParamModel {
            wire: key.value.clone(),
            rust,
            doc: param.doc.clone(),
            ty,
        })
    }

    /// Resolves a type reference (`string`, `Principal`, `Principal[]`), reporting an unknown
    /// name with a suggestion.
    pub(super) fn type_ref(&mut self, file: &str, text: &Spanned<String>) -> Option<TypeRef> {
        let raw = text.value.as_str();
        if let Some(inner) = raw.strip_suffix("[]") {
            let inner = Spanned {
                pos: text.pos,
                value: inner.to_owned(),
            };
            return self
                .type_ref(file, &inner)
                .map(|t| TypeRef::Array(Box::new(t)));
        }
        Some(match raw {
            "string" => TypeRef::String,
            "boolean" => TypeRef::Boolean,
            "integer" => TypeRef::Integer,
            "number" => TypeRef::Number,
            "date-time" => TypeRef::DateTime,
            "json" => TypeRef::Json,
            name if self.types.contains_key(name) => TypeRef::Named(name.to_owned()),
            name if self.broken_types.contains(name) => return None,
            name => {
                let builtins = [
                    "string",
                    "boolean",
                    "integer",
                    "number",
                    "date-time",
                    "json",
                ];
                let candidates: Vec<&str> = self
                    .types
                    .keys()
                    .map(String::as_str)
                    .chain(builtins)
                    .collect();
                let suggestion = did_you_mean(name, candidates);
                self.error(
                    file,
                    text.pos,
                    format!("unknown type \"{name}\"{suggestion}"),
                );
                return None;
            }
        })
    }

    /// True when `ty` names an enum type of the spec.
    pub(super) fn is_enum(&self, ty: &TypeRef) -> bool {
        matches!(ty, TypeRef::Named(name) if self.types.get(name).is_some_and(|t| t.is_enum))
    }
}

/// A claim of a spec name at `file:pos`.
pub(super) fn spec_claim(file: &str, pos: Pos, what: &str) -> Claim {
    Claim {
        source: Source::Spec {
            file: file.to_owned(),
            pos,
        },
        what: what.to_owned(),
    }
}

/// True for names that are Rust keywords in any case form the generator makes.
pub(super) fn is_keyword(name: &str) -> bool {
    ident(name, Case::Snake).is_some_and(|rust| rust.starts_with("r#") || rust.ends_with('_'))
}

//! Checks the decoded spec for meaning (references, names, paths, statuses) and builds the model.
//!
//! Every check reports and carries on, so one run lists every problem; the model is only
//! returned when nothing was found.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostics, did_you_mean};
use crate::json::Pos;
use crate::model::*;
use crate::names::{Case, handle_type, ident};
use crate::spec::{self, Entries, Spanned, SpecFile};

/// Names the hand-written runtime exports at the crate root; spec names must not shadow them.
const RUNTIME_NAMES: &[&str] = &[
    "AsyncRequest",
    "BoxError",
    "Client",
    "ClientBuilder",
    "Clock",
    "DateTime",
    "Error",
    "ErrorCode",
    "ErrorKind",
    "ItemStream",
    "Location",
    "Notes",
    "Nullable",
    "OperationHandle",
    "Page",
    "ParseDateTimeError",
    "ReadmeDoctests",
    "Result",
    "RetryPolicy",
    "ServiceError",
    "StaticToken",
    "TokenProvider",
    "TokioClock",
    "Version",
    "WaitOptions",
];

/// Names from Rust's prelude that generated code uses unqualified (`Option`, `String`, …):
/// a spec type with one of these names would shadow it.
const PRELUDE_NAMES: &[&str] = &[
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Drop",
    "Eq",
    "Err",
    "Fn",
    "From",
    "Hash",
    "Into",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "PartialEq",
    "Send",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "Vec",
];

/// Suffix of generated request builders; spec types may not end in it, so a body type can never
/// be confused with a builder (`TransferClassNotebookRequest` is the builder).
const BUILDER_SUFFIX: &str = "Request";

/// Methods the runtime's `Client` has; client-level operations must not take these names.
const CLIENT_METHODS: &[&str] = &[
    "base_url",
    "builder",
    "clone",
    "fmt",
    "new",
    "retry_policy",
    "version",
];

/// Methods every navigation handle has.
const HANDLE_METHODS: &[&str] = &["client", "clone", "fmt", "path"];

/// Builder methods every request has; query and OData setters must not take these names.
const BUILDER_METHODS: &[&str] = &["send", "respond_async", "stream"];

/// Validates decoded spec files (sorted by name) and builds the model.
///
/// `incomplete` says some file could not be read at all (already reported), so checks that
/// need every file (is there an "api" section?) stay quiet rather than mislead.
pub fn model(
    files: &[(String, SpecFile)],
    incomplete: bool,
    diagnostics: &mut Diagnostics,
) -> Option<Model> {
    let mut checker = Checker {
        diagnostics: Diagnostics::default(),
        types: BTreeMap::new(),
        broken_types: BTreeSet::new(),
        broken_resources: false,
        broken_locations: false,
        incomplete,
        globals: BTreeMap::new(),
    };
    let model = checker.run(files);
    let found = checker.diagnostics;
    let ok = found.is_empty();
    diagnostics.extend(found);
    model.filter(|_| ok)
}

/// Where a name was first defined, for "first defined at" notes.
#[derive(Clone)]
struct Origin {
    file: String,
    pos: Pos,
}

struct Checker {
    diagnostics: Diagnostics,
    /// Type name → is it an enum (query parameters may only use enums and scalars).
    types: BTreeMap<String, (Origin, bool)>,
    /// Types whose definition failed to decode; references to them are not reported again.
    broken_types: BTreeSet<String>,
    /// Some resource failed to decode or was rejected: parameters it would have declared, and
    /// mounts on it, are not reported again.
    broken_resources: bool,
    /// Some location or version failed to decode: references to them are not reported again.
    broken_locations: bool,
    /// Some file could not be read at all.
    incomplete: bool,
    /// Every Rust type name the crate root will hold, to catch collisions.
    globals: BTreeMap<String, (Origin, String)>,
}

/// A resource with its full path, before hosts are resolved.
struct ResourceDraft<'a> {
    file: &'a str,
    name: String,
    spec: &'a spec::Resource,
    path: PathTemplate,
    /// The group this resource belongs to, if any.
    group: Option<usize>,
}

/// A group's mount points, resolved.
struct GroupDraft {
    /// The resources it is mounted at.
    mounts: Vec<String>,
    /// Their path templates, in the same order.
    mount_paths: Vec<String>,
}

/// Resources by (group, path template), for finding hosts without scanning every resource.
type ResourceIndex<'a> = BTreeMap<(Option<usize>, String), &'a str>;

impl Checker {
    fn error(&mut self, file: &str, pos: Pos, message: impl Into<String>) {
        self.diagnostics.push(file, pos, message);
    }

    /// Records that `what` (e.g. `type "Principal"`) makes the crate-root name `name`.
    fn claim_global(&mut self, file: &str, pos: Pos, name: &str, what: &str) {
        if PRELUDE_NAMES.contains(&name) {
            self.error(
                file,
                pos,
                format!(
                    "{what} makes `{name}`, which would shadow Rust's `{name}` in generated code: rename it"
                ),
            );
            return;
        }
        if RUNTIME_NAMES.contains(&name) {
            self.error(
                file,
                pos,
                format!("{what} makes `{name}`, which the runtime already defines: rename it"),
            );
            return;
        }
        if let Some((origin, first_what)) = self.globals.get(name).cloned() {
            self.error(
                file,
                pos,
                format!(
                    "{what} makes `{name}`, as {first_what} at {}:{} does: rename one",
                    origin.file, origin.pos
                ),
            );
            return;
        }
        self.globals.insert(
            name.to_owned(),
            (
                Origin {
                    file: file.to_owned(),
                    pos,
                },
                what.to_owned(),
            ),
        );
    }

    fn run(&mut self, files: &[(String, SpecFile)]) -> Option<Model> {
        let api = self.api(files);
        let locations: Vec<String> = api
            .as_ref()
            .map(|api| api.locations.iter().map(|l| l.key.clone()).collect())
            .unwrap_or_default();

        self.collect_types(files);
        let mut modules = Vec::new();
        // Rust module name → the file that makes it.
        let mut module_names: BTreeMap<String, String> = BTreeMap::new();
        for (file, spec) in files {
            let name = module_name(file);
            match ident(&name, Case::Snake) {
                Some(rust) if rust == name.replace('-', "_") => {
                    if let Some(first) = module_names.insert(rust.clone(), file.clone()) {
                        self.error(
                            file,
                            Pos { line: 1, column: 1 },
                            format!(
                                "file name gives module `{rust}`, as {first} does: rename one"
                            ),
                        );
                    }
                }
                _ => self.error(
                    file,
                    Pos { line: 1, column: 1 },
                    format!(
                        "file name \"{name}\" does not make a Rust module name: use lowercase letters, digits, `-` and `_`"
                    ),
                ),
            }
            let types = self.resolve_types(file, spec);
            modules.push(Module {
                source: file.clone(),
                name: name.replace('-', "_"),
                doc: spec.doc.clone(),
                types,
                resources: Vec::new(),
                operations: Vec::new(),
                declares_api: spec.api.is_some(),
            });
        }

        self.check_type_sizes(&modules);
        self.resources_and_operations(files, &locations, &mut modules);

        let api = api?;
        Some(Model { api, modules })
    }

    // ---- api ----

    fn api(&mut self, files: &[(String, SpecFile)]) -> Option<ApiModel> {
        let mut declared = files
            .iter()
            .filter_map(|(file, spec)| spec.api.as_ref().map(|api| (file, api)));
        let Some((file, api)) = declared.next() else {
            if !self.incomplete {
                let file = files.first().map(|(f, _)| f.as_str()).unwrap_or("spec");
                self.error(
                    file,
                    Pos { line: 1, column: 1 },
                    "no spec file has an \"api\" section: add one (base URL, versions, locations)",
                );
            }
            return None;
        };
        for (other, second) in declared {
            self.error(
                other,
                second.pos,
                format!(
                    "a second \"api\" section; the first is at {file}:{}: keep one",
                    api.pos
                ),
            );
        }
        let api_pos = api.pos;
        let api = &api.value;
        self.broken_locations = !api.locations.broken.is_empty() || !api.versions.broken.is_empty();

        let base = &api.base_url;
        if !(base.value.starts_with("https://") || base.value.starts_with("http://"))
            || base.value.ends_with('/')
        {
            self.error(
                file,
                base.pos,
                format!(
                    "base URL \"{}\" must be an absolute http(s) URL without a trailing `/`",
                    base.value
                ),
            );
        }
        let mut versions: Vec<VersionModel> = Vec::new();
        for (key, version) in api.versions.iter() {
            let Some(variant) = ident(&key.value, Case::Pascal) else {
                self.error(
                    file,
                    key.pos,
                    format!("version \"{}\" has no letters or digits", key.value),
                );
                continue;
            };
            if !is_literal_segment(&key.value) {
                self.error(
                    file,
                    key.pos,
                    format!(
                        "version \"{}\" must be one path segment of letters, digits and -._~",
                        key.value
                    ),
                );
                continue;
            }
            if let Some(first) = versions.iter().find(|v| v.variant == variant) {
                self.error(
                    file,
                    key.pos,
                    format!(
                        "versions \"{}\" and \"{}\" both become `Version::{variant}`: remove one",
                        first.segment, key.value
                    ),
                );
                continue;
            }
            versions.push(VersionModel {
                segment: key.value.clone(),
                variant,
                doc: version.value.doc.clone(),
            });
        }
        let default_version = versions
            .iter()
            .position(|v| v.segment == api.default_version.value);
        if default_version.is_none() && !self.broken_locations {
            let suggestion = did_you_mean(
                &api.default_version.value,
                versions.iter().map(|v| v.segment.as_str()),
            );
            self.error(
                file,
                api.default_version.pos,
                format!(
                    "default version \"{}\" is not one of \"versions\"{suggestion}",
                    api.default_version.value
                ),
            );
        }
        if !is_literal_segment(&api.notes_root.value) {
            self.error(
                file,
                api.notes_root.pos,
                format!(
                    "notes root \"{}\" must be one literal path segment",
                    api.notes_root.value
                ),
            );
        }

        let mut locations = Vec::new();
        for (key, location) in api.locations.iter() {
            let Some(accessor) = self.canonical(file, key, Case::Snake, "location key") else {
                continue;
            };
            let marker = ident(&key.value, Case::Pascal).unwrap_or_default();
            self.claim_global(
                file,
                key.pos,
                &marker,
                &format!("the marker type of location \"{}\"", key.value),
            );
            let Some(path) = self.path(file, &location.value.path) else {
                continue;
            };
            if path.segments.is_empty() {
                self.error(
                    file,
                    location.value.path.pos,
                    "a location path cannot be empty: write the segments after the version",
                );
                continue;
            }
            let params = self.params_exactly(
                file,
                &location.value.path,
                &path,
                &location.value.params,
                "location",
            );
            locations.push(LocationModel {
                key: key.value.clone(),
                marker,
                accessor,
                doc: location.value.doc.clone(),
                path,
                params,
            });
        }
        if api.locations.entries.is_empty() && !self.broken_locations {
            self.error(
                file,
                api_pos,
                "the API has no \"locations\": add at least one",
            );
        }

        Some(ApiModel {
            source: file.clone(),
            doc: api.doc.clone(),
            base_url: base.value.clone(),
            versions,
            default_version: default_version.unwrap_or(0),
            notes_root: api.notes_root.value.clone(),
            locations,
        })
    }

    /// Checks that a spec name is already the identifier it makes, and returns it.
    fn canonical(
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

    // ---- paths and parameters ----

    fn path(&mut self, file: &str, path: &Spanned<String>) -> Option<PathTemplate> {
        match parse_path(&path.value) {
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
    fn params_exactly(
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
                        "parameter \"{}\" is declared but not used in the path \"{}\": remove it or use it",
                        key.value,
                        path.to_template()
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

    fn param(
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
        let rust = ident(&key.value, Case::Snake);
        let Some(rust) = rust else {
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

    // ---- types ----

    fn collect_types(&mut self, files: &[(String, SpecFile)]) {
        for (file, spec) in files {
            self.broken_types.extend(spec.types.broken.iter().cloned());
            for (name, def) in spec.types.iter() {
                if self
                    .canonical(file, name, Case::Pascal, "type name")
                    .is_none()
                {
                    self.broken_types.insert(name.value.clone());
                    continue;
                }
                if let Some((origin, _)) = self.types.get(&name.value) {
                    let origin = origin.clone();
                    self.error(
                        file,
                        name.pos,
                        format!(
                            "duplicate type \"{}\": first defined at {}:{}: rename or remove one",
                            name.value, origin.file, origin.pos
                        ),
                    );
                    continue;
                }
                if name.value.ends_with(BUILDER_SUFFIX) {
                    self.error(
                        file,
                        name.pos,
                        format!(
                            "type \"{}\" ends in \"{BUILDER_SUFFIX}\", which names request builders: choose another name (e.g. \"…Body\")",
                            name.value
                        ),
                    );
                }
                self.claim_global(
                    file,
                    name.pos,
                    &name.value,
                    &format!("type \"{}\"", name.value),
                );
                self.types.insert(
                    name.value.clone(),
                    (
                        Origin {
                            file: file.clone(),
                            pos: name.pos,
                        },
                        def.value.values.is_some(),
                    ),
                );
            }
        }
    }

    fn type_ref(&mut self, file: &str, text: &Spanned<String>) -> Option<TypeRef> {
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
                let candidates: Vec<String> = self
                    .types
                    .keys()
                    .cloned()
                    .chain(builtins.iter().map(|b| (*b).to_owned()))
                    .collect();
                let suggestion = did_you_mean(name, candidates.iter().map(String::as_str));
                self.error(
                    file,
                    text.pos,
                    format!("unknown type \"{name}\"{suggestion}"),
                );
                return None;
            }
        })
    }

    fn resolve_types(&mut self, file: &str, spec: &SpecFile) -> Vec<TypeModel> {
        let mut types = Vec::new();
        for (name, def) in spec.types.iter() {
            if self
                .types
                .get(&name.value)
                .is_none_or(|(origin, _)| origin.file != file || origin.pos != name.pos)
            {
                continue;
            }
            let def = &def.value;
            let kind = match (&def.fields, &def.values) {
                (Some(fields), None) => {
                    if def.lenient {
                        self.error(
                            file,
                            name.pos,
                            format!(
                                "type \"{}\": \"lenient\" applies to enums only: remove it",
                                name.value
                            ),
                        );
                    }
                    TypeKind::Object {
                        fields: self.fields(file, &name.value, fields),
                    }
                }
                (None, Some(values)) => TypeKind::Enum {
                    values: self.enum_values(file, name, values, def.lenient),
                    lenient: def.lenient,
                },
                (Some(_), Some(_)) => {
                    self.error(
                        file,
                        name.pos,
                        format!(
                            "type \"{}\" has both \"fields\" and \"values\": an object has fields, an enum has values",
                            name.value
                        ),
                    );
                    continue;
                }
                (None, None) => {
                    self.error(
                        file,
                        name.pos,
                        format!(
                            "type \"{}\" has neither \"fields\" nor \"values\": add one",
                            name.value
                        ),
                    );
                    continue;
                }
            };
            types.push(TypeModel {
                name: name.value.clone(),
                doc: def.doc.clone(),
                kind,
            });
        }
        types.sort_by(|a, b| a.name.cmp(&b.name));
        types
    }

    fn fields(
        &mut self,
        file: &str,
        owner: &str,
        fields: &Entries<spec::Field>,
    ) -> Vec<FieldModel> {
        let mut out = Vec::new();
        let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
        for (key, field) in fields.iter() {
            let rust = match &field.value.rust_name {
                Some(name) => self.canonical(file, name, Case::Snake, "rustName"),
                None => {
                    let rust = ident(&key.value, Case::Snake);
                    if rust.is_none() {
                        self.error(
                            file,
                            key.pos,
                            format!(
                                "field \"{}\" has no letters or digits: set \"rustName\"",
                                key.value
                            ),
                        );
                    }
                    rust
                }
            };
            let Some(rust) = rust else {
                continue;
            };
            if let Some(first) = rust_names.insert(rust.clone(), key.value.clone()) {
                self.error(
                    file,
                    key.pos,
                    format!(
                        "fields \"{first}\" and \"{}\" of \"{owner}\" both become `{rust}`: set \"rustName\" on one",
                        key.value
                    ),
                );
                continue;
            }
            let Some(ty) = self.type_ref(file, &field.value.ty) else {
                continue;
            };
            let mut aliases = Vec::new();
            for alias in &field.value.aliases {
                if alias.value == key.value || aliases.contains(&alias.value) {
                    self.error(
                        file,
                        alias.pos,
                        format!(
                            "alias \"{}\" repeats a name of field \"{}\"",
                            alias.value, key.value
                        ),
                    );
                } else {
                    aliases.push(alias.value.clone());
                }
            }
            out.push(FieldModel {
                wire: key.value.clone(),
                rust,
                doc: field.value.doc.clone(),
                ty,
                required: field.value.required,
                nullable: field.value.nullable,
                aliases,
            });
        }
        out
    }

    fn enum_values(
        &mut self,
        file: &str,
        name: &Spanned<String>,
        values: &[Spanned<spec::EnumValue>],
        lenient: bool,
    ) -> Vec<EnumValueModel> {
        if values.is_empty() {
            self.error(
                file,
                name.pos,
                format!("enum \"{}\" has no values: add at least one", name.value),
            );
        }
        let mut out = Vec::new();
        let mut wires: BTreeMap<String, String> = BTreeMap::new();
        let mut variants: BTreeMap<String, String> = BTreeMap::new();
        for value in values {
            let wire = &value.value.value;
            if wire.value.is_empty() {
                self.error(
                    file,
                    wire.pos,
                    format!("enum \"{}\" has an empty value: remove it", name.value),
                );
                continue;
            }
            let key = if lenient {
                lenient_key(&wire.value)
            } else {
                wire.value.clone()
            };
            if let Some(first) = wires.insert(key, wire.value.clone()) {
                let how = if lenient && first != wire.value {
                    format!(
                        " (with \"lenient\", \"{first}\" and \"{}\" are the same)",
                        wire.value
                    )
                } else {
                    String::new()
                };
                self.error(
                    file,
                    wire.pos,
                    format!(
                        "enum \"{}\" lists \"{}\" twice{how}: remove one",
                        name.value, wire.value
                    ),
                );
                continue;
            }
            let variant = match &value.value.variant {
                Some(name) => self.canonical(file, name, Case::Pascal, "variant"),
                None => {
                    let variant = ident(&wire.value, Case::Pascal);
                    if variant.is_none() {
                        self.error(
                            file,
                            wire.pos,
                            format!(
                                "enum value \"{}\" has no letters or digits to name a variant: set \"variant\"",
                                wire.value
                            ),
                        );
                    }
                    variant
                }
            };
            let Some(variant) = variant else {
                continue;
            };
            if variant == "Unknown" {
                self.error(
                    file,
                    wire.pos,
                    format!(
                        "enum value \"{}\" becomes `Unknown`, the variant that keeps unrecognised values: set \"variant\" to another name",
                        wire.value
                    ),
                );
                continue;
            }
            if let Some(first) = variants.insert(variant.clone(), wire.value.clone()) {
                self.error(
                    file,
                    wire.pos,
                    format!(
                        "enum values \"{first}\" and \"{}\" both become `{variant}`: set \"variant\" on one",
                        wire.value
                    ),
                );
                continue;
            }
            out.push(EnumValueModel {
                wire: wire.value.clone(),
                variant,
                doc: value.value.doc.clone(),
            });
        }
        out
    }

    /// A type that holds itself without a list in between would be infinitely large.
    fn check_type_sizes(&mut self, modules: &[Module]) {
        let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for ty in modules.iter().flat_map(|m| &m.types) {
            if let TypeKind::Object { fields } = &ty.kind {
                let targets = fields.iter().filter_map(|f| match &f.ty {
                    TypeRef::Named(name) => Some(name.as_str()),
                    _ => None,
                });
                edges.insert(ty.name.as_str(), targets.collect());
            }
        }
        for start in edges.keys() {
            // Depth-first search for a path from `start` back to itself.
            let mut stack: Vec<Vec<&str>> = vec![vec![start]];
            let mut seen = BTreeSet::new();
            while let Some(trail) = stack.pop() {
                let last = trail.last().copied().unwrap_or_default();
                for next in edges.get(last).into_iter().flatten() {
                    if next == start {
                        let cycle = trail.iter().chain([next]).copied().collect::<Vec<_>>();
                        if let Some((origin, _)) = self.types.get(*start).cloned() {
                            self.error(
                                &origin.file,
                                origin.pos,
                                format!(
                                    "type \"{start}\" contains itself ({}) and would be infinitely large: make one of those fields a list (`T[]`)",
                                    cycle.join(" → ")
                                ),
                            );
                        }
                        stack.clear();
                        break;
                    }
                    if seen.insert(*next) {
                        let mut longer = trail.clone();
                        longer.push(next);
                        stack.push(longer);
                    }
                }
            }
        }
    }

    // ---- resources and operations ----

    fn resources_and_operations(
        &mut self,
        files: &[(String, SpecFile)],
        locations: &[String],
        modules: &mut [Module],
    ) {
        // Resource drafts: every resource with its full path (group resources relative to mounts).
        let mut drafts: Vec<ResourceDraft<'_>> = Vec::new();
        let mut groups: Vec<GroupDraft> = Vec::new();
        let mut names: BTreeMap<String, Origin> = BTreeMap::new();

        // Pass 1: top-level resources.
        let mut top_level = Vec::new();
        for (file, spec) in files {
            self.broken_resources |= !spec.resources.broken.is_empty();
            for (name, resource) in spec.resources.iter() {
                top_level.push((file.as_str(), name, resource, None));
            }
        }
        // Group resources and mounts.
        let mut group_sources = Vec::new();
        for (file, spec) in files {
            self.broken_resources |= !spec.groups.broken.is_empty();
            for (key, group) in spec.groups.iter() {
                if ident(&key.value, Case::Snake).is_none() {
                    self.error(
                        file,
                        key.pos,
                        format!("group name \"{}\" has no letters or digits", key.value),
                    );
                }
                self.broken_resources |= !group.value.resources.broken.is_empty();
                let index = groups.len();
                groups.push(GroupDraft {
                    mounts: Vec::new(),
                    mount_paths: Vec::new(),
                });
                group_sources.push((file.as_str(), key, &group.value));
                for (name, resource) in group.value.resources.iter() {
                    top_level.push((file.as_str(), name, resource, Some(index)));
                }
            }
        }
        for (file, name, resource, group) in top_level {
            if self
                .canonical(file, name, Case::Pascal, "resource name")
                .is_none()
            {
                self.broken_resources = true;
                continue;
            }
            if let Some(origin) = names.get(&name.value) {
                let origin = origin.clone();
                self.error(
                    file,
                    name.pos,
                    format!(
                        "duplicate resource \"{}\": first defined at {}:{}: rename or remove one",
                        name.value, origin.file, origin.pos
                    ),
                );
                continue;
            }
            self.claim_global(
                file,
                name.pos,
                &handle_type(&name.value),
                &format!("the handle of resource \"{}\"", name.value),
            );
            names.insert(
                name.value.clone(),
                Origin {
                    file: file.to_owned(),
                    pos: name.pos,
                },
            );
            let Some(path) = self.path(file, &resource.value.path) else {
                self.broken_resources = true;
                continue;
            };
            if path.segments.is_empty() {
                self.error(
                    file,
                    resource.value.path.pos,
                    "a resource path cannot be empty",
                );
                self.broken_resources = true;
                continue;
            }
            drafts.push(ResourceDraft {
                file,
                name: name.value.clone(),
                spec: &resource.value,
                path,
                group,
            });
        }
        for (index, (file, key, group)) in group_sources.iter().enumerate() {
            for mount in &group.mounted_at {
                match drafts
                    .iter()
                    .find(|d| d.name == mount.value && d.group.is_none())
                {
                    Some(draft) => {
                        groups[index].mounts.push(mount.value.clone());
                        groups[index].mount_paths.push(draft.path.to_template());
                    }
                    None if self.broken_resources => {}
                    None => {
                        let suggestion = did_you_mean(
                            &mount.value,
                            drafts
                                .iter()
                                .filter(|d| d.group.is_none())
                                .map(|d| d.name.as_str()),
                        );
                        self.error(
                            file,
                            mount.pos,
                            format!(
                                "group is mounted at unknown resource \"{}\"{suggestion}",
                                mount.value
                            ),
                        );
                    }
                }
            }
            if group.mounted_at.is_empty() {
                self.error(
                    file,
                    key.pos,
                    format!(
                        "group \"{}\" has an empty \"mountedAt\", so it is never reachable: name the resources it hangs under",
                        key.value
                    ),
                );
            }
        }

        let index: ResourceIndex<'_> = drafts
            .iter()
            .map(|d| ((d.group, d.path.to_template()), d.name.as_str()))
            .collect();

        // Resolve resource hosts.
        let mut resources: Vec<(usize, ResourceModel, &str)> = Vec::new();
        for draft in &drafts {
            let segments = draft.path.segments.len();
            let is_item = draft
                .path
                .segments
                .last()
                .is_some_and(|s| s.parts.iter().all(|p| !matches!(p, Part::Literal(_))));
            let host_len = if is_item && segments >= 2 {
                segments - 2
            } else {
                segments - 1
            };
            let host_prefix = PathTemplate {
                segments: draft.path.segments[..host_len].to_vec(),
            };
            let (hosts, path_from_host, full_paths) =
                self.host_for(&index, &groups, draft.group, &host_prefix, &draft.path);
            let params = self.params_exactly(
                draft.file,
                &draft.spec.path,
                &path_from_host,
                &draft.spec.params,
                "resource",
            );
            let accessor = ident(&draft.name, Case::Snake).unwrap_or_default();
            let module = modules
                .iter()
                .position(|m| m.source == draft.file)
                .unwrap_or(0);
            resources.push((
                module,
                ResourceModel {
                    name: handle_type(&draft.name),
                    key: draft.name.clone(),
                    doc: draft.spec.doc.clone(),
                    accessor,
                    hosts,
                    path_from_host,
                    params,
                    full_paths,
                },
                draft.file,
            ));
        }

        // Operations.
        let mut op_ids: BTreeMap<String, Origin> = BTreeMap::new();
        let mut calls: BTreeMap<(Host, String), (String, Pos, String)> = BTreeMap::new();
        // Methods that already exist on every host: the runtime's, and the location accessors.
        let mut hosts: BTreeSet<Host> = BTreeSet::from([Host::Client, Host::Notes]);
        hosts.extend(
            resources
                .iter()
                .map(|(_, r, _)| Host::Resource(r.key.clone())),
        );
        for host in hosts {
            let taken: &[&str] = match host {
                Host::Client => CLIENT_METHODS,
                _ => HANDLE_METHODS,
            };
            for method in taken {
                calls.insert(
                    (host.clone(), (*method).to_owned()),
                    (String::new(), Pos::default(), "a runtime method".to_owned()),
                );
            }
        }
        for location in locations {
            calls.insert(
                (Host::Client, location.clone()),
                (
                    String::new(),
                    Pos::default(),
                    format!("the accessor of location \"{location}\""),
                ),
            );
        }
        for (_, resource, file) in &resources {
            for host in &resource.hosts {
                calls.insert(
                    (host.clone(), resource.accessor.clone()),
                    (
                        file.to_string(),
                        Pos::default(),
                        format!("the accessor of resource \"{}\"", resource.name),
                    ),
                );
            }
        }
        let mut operations: Vec<(usize, OperationModel)> = Vec::new();
        let mut all_ops = Vec::new();
        for (file, spec) in files {
            for (id, op) in spec.operations.iter() {
                all_ops.push((file.as_str(), id, op, None));
            }
            for (_, group) in spec.groups.iter() {
                let index = group_sources
                    .iter()
                    .position(|(_, _, g)| std::ptr::eq(*g, &group.value))
                    .unwrap_or(0);
                for (id, op) in group.value.operations.iter() {
                    all_ops.push((file.as_str(), id, op, Some(index)));
                }
            }
        }
        for (file, id, op, group) in all_ops {
            let module = modules.iter().position(|m| m.source == file).unwrap_or(0);
            let Some(model) = self.operation(
                file,
                id,
                &op.value,
                op.pos,
                group,
                &index,
                &groups,
                locations,
                &mut op_ids,
                &mut calls,
            ) else {
                continue;
            };
            operations.push((module, model));
        }

        for (module, resource, _) in resources {
            modules[module].resources.push(resource);
        }
        for (module, operation) in operations {
            modules[module].operations.push(operation);
        }
        for module in modules.iter_mut() {
            module.resources.sort_by(|a, b| a.name.cmp(&b.name));
            module.operations.sort_by(|a, b| a.id.cmp(&b.id));
        }
    }

    /// Finds where something at `path` whose host lies at `host_prefix` is generated.
    /// Finds where something at `path` whose host lies at `host_prefix` is generated: the
    /// deepest resource of the same group whose path starts `host_prefix`, else the group's
    /// mounts, else the location root. One index lookup per prefix length, so the whole
    /// resolution is linear in the spec's size.
    fn host_for(
        &self,
        index: &ResourceIndex<'_>,
        groups: &[GroupDraft],
        group: Option<usize>,
        host_prefix: &PathTemplate,
        path: &PathTemplate,
    ) -> (Vec<Host>, PathTemplate, Vec<String>) {
        let best = (1..=host_prefix.segments.len()).rev().find_map(|len| {
            let prefix = PathTemplate {
                segments: host_prefix.segments[..len].to_vec(),
            };
            index
                .get(&(group, prefix.to_template()))
                .map(|name| (*name, len))
        });
        let mount_paths = group.and_then(|g| groups.get(g)).map(|g| &g.mount_paths);
        let full = |paths: Option<&Vec<String>>| -> Vec<String> {
            match paths {
                Some(mounts) => mounts
                    .iter()
                    .map(|m| join_template(m, &path.to_template()))
                    .collect(),
                None => vec![path.to_template()],
            }
        };
        match (best, group.and_then(|g| groups.get(g))) {
            (Some((name, len)), _) => (
                vec![Host::Resource(name.to_owned())],
                path.tail(len),
                full(mount_paths),
            ),
            (None, Some(g)) => (
                g.mounts.iter().map(|m| Host::Resource(m.clone())).collect(),
                path.clone(),
                full(mount_paths),
            ),
            (None, None) => (vec![Host::Notes], path.clone(), full(None)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        file: &str,
        id: &Spanned<String>,
        op: &spec::Operation,
        op_pos: Pos,
        group: Option<usize>,
        index: &ResourceIndex<'_>,
        groups: &[GroupDraft],
        locations: &[String],
        op_ids: &mut BTreeMap<String, Origin>,
        calls: &mut BTreeMap<(Host, String), (String, Pos, String)>,
    ) -> Option<OperationModel> {
        let mut ok = true;
        // The id: lowerCamelCase ASCII letters and digits, unique. Later checks run even when
        // it is wrong, so one run reports every mistake of the operation.
        let well_formed = id.value.starts_with(|c: char| c.is_ascii_lowercase())
            && id.value.chars().all(|c| c.is_ascii_alphanumeric());
        let builder = match ident(&id.value, Case::Pascal) {
            Some(pascal) if well_formed && !is_keyword(&id.value) => format!("{pascal}Request"),
            _ => {
                self.error(
                    file,
                    id.pos,
                    format!(
                        "operation id \"{}\" must be lowerCamelCase ASCII letters and digits, not a Rust keyword (e.g. \"createClassNotebook\")",
                        id.value
                    ),
                );
                ok = false;
                String::new()
            }
        };
        if let Some(origin) = op_ids.get(&id.value) {
            let origin = origin.clone();
            self.error(
                file,
                id.pos,
                format!(
                    "duplicate operation \"{}\": first defined at {}:{}: rename or remove one",
                    id.value, origin.file, origin.pos
                ),
            );
            ok = false;
        } else {
            op_ids.insert(
                id.value.clone(),
                Origin {
                    file: file.to_owned(),
                    pos: id.pos,
                },
            );
            if ok {
                self.claim_global(
                    file,
                    id.pos,
                    &builder,
                    &format!("the request builder of operation \"{}\"", id.value),
                );
            }
        }

        let call = match &op.call {
            Some(call) => self.canonical(file, call, Case::Snake, "call"),
            None if ok => ident(&id.value, Case::Snake),
            None => None,
        };
        ok &= call.is_some();
        let call = call.unwrap_or_default();

        let path = self.path(file, &op.path);
        ok &= path.is_some();
        let path = path.unwrap_or(PathTemplate {
            segments: Vec::new(),
        });
        let method = op.method.value;

        // Host and the path from it.
        let (hosts, path_from_host, full_paths) = match op.root {
            spec::Root::Version => {
                if group.is_some() {
                    self.error(
                        file,
                        op_pos,
                        "an operation in a group cannot use \"root\": \"version\"",
                    );
                    ok = false;
                }
                if op.locations.is_some() {
                    self.error(
                        file,
                        op_pos,
                        "\"locations\" has no meaning with \"root\": \"version\" (the path has no location): remove it",
                    );
                    ok = false;
                }
                (vec![Host::Client], path.clone(), vec![path.to_template()])
            }
            spec::Root::Notes => self.host_for(index, groups, group, &path, &path),
        };
        let params = if ok || !path.segments.is_empty() {
            self.params_exactly(file, &op.path, &path_from_host, &op.params, "operation")
        } else {
            Vec::new()
        };

        for host in hosts.iter().filter(|_| !call.is_empty()) {
            let key = (host.clone(), call.clone());
            if let Some((first_file, first_pos, what)) = calls.get(&key).cloned() {
                let place = match host {
                    Host::Notes => "a location root (`Notes`)".to_owned(),
                    Host::Client => "the client".to_owned(),
                    Host::Resource(name) => format!("resource \"{name}\""),
                };
                let at = if first_pos == Pos::default() {
                    String::new()
                } else {
                    format!(" at {first_file}:{first_pos}")
                };
                self.error(
                    file,
                    op.call.as_ref().map_or(id.pos, |c| c.pos),
                    format!(
                        "method `{call}` on {place} is already {what}{at}: set a different \"call\""
                    ),
                );
                ok = false;
            } else {
                calls.insert(
                    key,
                    (
                        file.to_owned(),
                        id.pos,
                        format!("operation \"{}\"", id.value),
                    ),
                );
            }
        }

        // Status and response.
        let status = op.status.value;
        let response = match &op.response {
            None => ResponseModel::Empty,
            Some(text) => {
                let ty = self.type_ref(file, text);
                match ty {
                    Some(TypeRef::Array(inner)) => ResponseModel::Page(*inner),
                    Some(ty) => ResponseModel::Json(ty),
                    None => {
                        ok = false;
                        ResponseModel::Empty
                    }
                }
            }
        };
        let allowed: &[u16] = match op.async_form {
            spec::AsyncForm::Only => &[202],
            _ => &[200, 201, 204],
        };
        if !allowed.contains(&status) {
            let hint = if op.async_form == spec::AsyncForm::Only {
                "an async-only operation succeeds with 202".to_owned()
            } else {
                "use 200, 201 or 204 (202 is implied by \"async\")".to_owned()
            };
            self.error(
                file,
                op.status.pos,
                format!("unsupported status {status}: {hint}"),
            );
            ok = false;
        } else if status == 204 && op.response.is_some() {
            self.error(
                file,
                op.status.pos,
                "status 204 means no body, but the operation has a \"response\": remove one",
            );
            ok = false;
        } else if status == 202 && op.response.is_some() {
            self.error(
                file,
                op.status.pos,
                "an async-only operation answers with a Location to poll, not a \"response\": remove it",
            );
            ok = false;
        }

        // Body.
        let body = match &op.body {
            None => None,
            Some(text) => {
                if matches!(method, Method::Get | Method::Delete) {
                    self.error(
                        file,
                        text.pos,
                        format!("a {} request has no body: remove \"body\"", method.as_str()),
                    );
                    ok = false;
                }
                let ty = self.type_ref(file, text);
                if ty.is_none() {
                    ok = false;
                }
                ty
            }
        };

        // Query.
        let mut query = Vec::new();
        let mut setters: BTreeMap<String, String> = BUILDER_METHODS
            .iter()
            .map(|m| ((*m).to_owned(), format!("the builder's `{m}`")))
            .collect();
        let mut odata = BTreeSet::new();
        for option in &op.odata {
            if !odata.insert(option.value) {
                self.error(
                    file,
                    option.pos,
                    format!("OData option \"{}\" is listed twice", option.value.as_str()),
                );
                ok = false;
            }
            setters.insert(
                option.value.as_str().to_owned(),
                format!("OData option \"{}\"", option.value.as_str()),
            );
        }
        if !op.odata.is_empty() && method != Method::Get {
            self.error(
                file,
                op.odata[0].pos,
                format!(
                    "OData query options apply to GET requests, not {}: remove \"odata\"",
                    method.as_str()
                ),
            );
            ok = false;
        }
        for (key, param) in op.query.iter() {
            let param = &param.value;
            let rust = match &param.rust_name {
                Some(name) => self.canonical(file, name, Case::Snake, "rustName"),
                None => ident(&key.value, Case::Snake),
            };
            let Some(rust) = rust else {
                ok = false;
                continue;
            };
            let value = match (&param.ty, &param.constant) {
                (Some(ty), None) => match self.type_ref(file, ty) {
                    Some(
                        t @ (TypeRef::String
                        | TypeRef::Boolean
                        | TypeRef::Integer
                        | TypeRef::Number),
                    ) => QueryValue::Typed(t),
                    Some(TypeRef::Named(name))
                        if self.types.get(&name).is_some_and(|(_, is_enum)| *is_enum) =>
                    {
                        QueryValue::Typed(TypeRef::Named(name))
                    }
                    Some(_) => {
                        self.error(
                            file,
                            ty.pos,
                            format!(
                                "query parameter \"{}\" has type \"{}\": use a scalar or an enum type",
                                key.value, ty.value
                            ),
                        );
                        ok = false;
                        continue;
                    }
                    None => {
                        ok = false;
                        continue;
                    }
                },
                (None, Some(constant)) => QueryValue::Const(constant.value.clone()),
                _ => {
                    self.error(
                        file,
                        key.pos,
                        format!(
                            "query parameter \"{}\" needs exactly one of \"type\" (set by the caller) or \"const\" (always sent)",
                            key.value
                        ),
                    );
                    ok = false;
                    continue;
                }
            };
            if matches!(value, QueryValue::Typed(_)) {
                if let Some(first) = setters.get(&rust) {
                    self.error(
                        file,
                        key.pos,
                        format!(
                            "query parameter \"{}\" becomes setter `{rust}`, as {first} does: set \"rustName\"",
                            key.value
                        ),
                    );
                    ok = false;
                    continue;
                }
                setters.insert(rust.clone(), format!("query parameter \"{}\"", key.value));
            }
            query.push(QueryModel {
                wire: key.value.clone(),
                rust,
                doc: param.doc.clone(),
                value,
            });
        }

        let mut scopes: Vec<String> = Vec::new();
        for scope in &op.scopes {
            if scope.value.trim().is_empty() || scope.value.contains(char::is_whitespace) {
                self.error(
                    file,
                    scope.pos,
                    format!(
                        "scope \"{}\" is not a scope name (e.g. \"Notes.Read\")",
                        scope.value
                    ),
                );
                ok = false;
            } else if scopes.contains(&scope.value) {
                self.error(
                    file,
                    scope.pos,
                    format!("scope \"{}\" is listed twice", scope.value),
                );
                ok = false;
            } else {
                scopes.push(scope.value.clone());
            }
        }

        let restricted = match &op.locations {
            None => None,
            Some(list) => {
                if list.is_empty() {
                    self.error(
                        file,
                        op_pos,
                        "\"locations\" is empty, so the operation could never be called: remove it or name a location",
                    );
                    ok = false;
                }
                let mut keys = Vec::new();
                for location in list {
                    if locations.contains(&location.value) {
                        keys.push(location.value.clone());
                    } else if self.broken_locations {
                        ok = false;
                    } else {
                        let suggestion =
                            did_you_mean(&location.value, locations.iter().map(String::as_str));
                        self.error(
                            file,
                            location.pos,
                            format!(
                                "operation is restricted to location \"{}\", which the API does not define{suggestion}",
                                location.value
                            ),
                        );
                        ok = false;
                    }
                }
                keys.sort();
                keys.dedup();
                Some(keys)
            }
        };

        if !ok {
            return None;
        }
        Some(OperationModel {
            id: id.value.clone(),
            call,
            builder,
            doc: op.doc.clone(),
            method,
            hosts,
            path_from_host,
            params,
            full_paths,
            root: op.root,
            query,
            odata: odata.into_iter().collect(),
            body,
            status,
            response,
            scopes,
            async_form: op.async_form,
            locations: restricted,
        })
    }
}

/// True for names that are Rust keywords in any case form the generator makes.
fn is_keyword(name: &str) -> bool {
    ident(name, Case::Snake).is_some_and(|rust| rust.starts_with("r#") || rust.ends_with('_'))
}

/// `spec/class-notebooks.json` → `class-notebooks`.
fn module_name(file: &str) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.strip_suffix(".json").unwrap_or(name).to_owned()
}

fn join_template(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_owned(),
        (_, true) => prefix.to_owned(),
        _ => format!("{prefix}/{rest}"),
    }
}

/// The key lenient enums compare: lowercase, without spaces, `_` and `-`.
pub fn lenient_key(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Characters a literal path part may hold: sent as written, so nothing that needs encoding.
fn is_literal_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '(' | ')' | '=' | ',' | '$')
}

fn is_literal_segment(text: &str) -> bool {
    !text.is_empty() && text.chars().all(is_literal_char)
}

/// Parses `a/{b}/c('{d}')` into segments.
pub fn parse_path(text: &str) -> Result<PathTemplate, String> {
    if text.is_empty() {
        return Ok(PathTemplate {
            segments: Vec::new(),
        });
    }
    if text.starts_with('/') || text.ends_with('/') {
        return Err("write it without a leading or trailing `/`".to_owned());
    }
    let mut segments = Vec::new();
    for raw in text.split('/') {
        if raw.is_empty() {
            return Err("has an empty segment (`//`): remove the extra `/`".to_owned());
        }
        let mut parts = Vec::new();
        let mut rest = raw;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("'{") {
                let Some(end) = after.find("}'") else {
                    return Err("`'{` without a matching `}'`".to_owned());
                };
                parts.push(Part::QuotedParam(param_name(&after[..end])?));
                rest = &after[end + 2..];
            } else if let Some(after) = rest.strip_prefix('{') {
                let Some(end) = after.find('}') else {
                    return Err("`{` without a matching `}`".to_owned());
                };
                parts.push(Part::Param(param_name(&after[..end])?));
                rest = &after[end + 1..];
            } else {
                // Literal text runs to the next parameter or quote; a quote must open `'{`.
                let end = rest.find(['{', '\'']).unwrap_or(rest.len());
                if end == 0 {
                    return Err(format!(
                        "a `'` must open an OData literal `'{{name}}'` (found in \"{raw}\")"
                    ));
                }
                let literal = &rest[..end];
                if let Some(bad) = literal.chars().find(|c| !is_literal_char(*c)) {
                    return Err(format!(
                        "character `{bad}` in \"{raw}\" would need encoding: use letters, digits and -._~()=,$"
                    ));
                }
                parts.push(Part::Literal(literal.to_owned()));
                rest = &rest[end..];
            }
        }
        if parts
            .windows(2)
            .any(|w| !matches!(w[0], Part::Literal(_)) && !matches!(w[1], Part::Literal(_)))
        {
            return Err(format!(
                "two parameters touch in \"{raw}\": separate them with literal text"
            ));
        }
        segments.push(Segment { parts });
    }
    Ok(PathTemplate { segments })
}

fn param_name(name: &str) -> Result<String, String> {
    if name.is_empty()
        || !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(format!(
            "parameter name \"{name}\" must be letters, digits and `_`, starting with a letter"
        ));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_odata_key_syntax() {
        let path = parse_path("classNotebooks/{notebookId}/pages('{pageId}')/X.Y").unwrap();
        assert_eq!(
            path.segments[2].parts,
            vec![
                Part::Literal("pages(".into()),
                Part::QuotedParam("pageId".into()),
                Part::Literal(")".into())
            ]
        );
        assert_eq!(
            path.to_template(),
            "classNotebooks/{notebookId}/pages('{pageId}')/X.Y"
        );
    }

    #[test]
    fn refuses_characters_that_need_encoding() {
        assert_eq!(
            parse_path("class notebooks").unwrap_err(),
            "character ` ` in \"class notebooks\" would need encoding: use letters, digits and -._~()=,$"
        );
    }

    #[test]
    fn lenient_key_ignores_case_and_separators() {
        assert_eq!(lenient_key("Not Started"), lenient_key("notStarted"));
        assert_eq!(lenient_key("not_started"), "notstarted");
    }
}

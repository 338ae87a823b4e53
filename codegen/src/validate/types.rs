//! Phase 2: named types: objects and enums, their fields and values, and types that would
//! contain themselves.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::did_you_mean;
use crate::model::{
    EnumValueModel, ExclusiveFields, FieldModel, Module, TypeKind, TypeModel, TypeRef, Usage,
};
use crate::names::{Case, ident, lenient_key};
use crate::runtime::BUILDER_SUFFIX;
use crate::spec::{self, Entries, Spanned, SpecFile};

use super::checker::{Checker, TypeEntry};
use super::constraints::{Target, Written};

/// Collects every type name (so later references resolve whatever the file order), then
/// resolves each file's types into its module.
pub(super) fn check(cx: &mut Checker, files: &[(String, SpecFile)], modules: &mut [Module]) {
    cx.collect_types(files);
    for ((file, spec), module) in files.iter().zip(modules.iter_mut()) {
        module.types = cx.resolve_types(file, spec);
    }
    cx.inherit_fields(files, modules);
    cx.exclusive_fields(files, modules);
    cx.check_type_sizes(modules);
}

/// One `"extends"`: the extending type, its file and the base it names.
struct Extends<'a> {
    file: &'a str,
    name: &'a str,
    base: &'a Spanned<String>,
    /// The extending type's own fields as written (for positions).
    own: &'a Entries<spec::Field>,
}

impl Checker {
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
                if let Some(origin) = self.types.get(&name.value) {
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
                self.claim_root(
                    file,
                    name.pos,
                    &name.value,
                    &format!("type \"{}\"", name.value),
                );
                self.types.insert(
                    name.value.clone(),
                    TypeEntry {
                        file: file.clone(),
                        pos: name.pos,
                        is_enum: def.value.values.is_some(),
                    },
                );
            }
        }
    }

    fn resolve_types(&mut self, file: &str, spec: &SpecFile) -> Vec<TypeModel> {
        let mut types = Vec::new();
        for (name, def) in spec.types.iter() {
            if self
                .types
                .get(&name.value)
                .is_none_or(|origin| origin.file != file || origin.pos != name.pos)
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
                usage: Usage::default(),
                exclusive: None,
            });
        }
        types.sort_by(|a, b| a.name.cmp(&b.name));
        types
    }

    pub(super) fn fields(
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
            let what = format!("field \"{}\" of \"{owner}\"", key.value);
            let Some(constraints) = self.constraints(
                file,
                &what,
                Target::Value(&ty),
                &Written::field(&field.value),
            ) else {
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
                constraints,
            });
        }
        out
    }

    pub(super) fn enum_values(
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
    /// Puts each extending object's inherited fields before its own: base first, checked
    /// for an unknown or non-object base, a cycle, and a field both declare.
    fn inherit_fields(&mut self, files: &[(String, SpecFile)], modules: &mut [Module]) {
        let extends = self.extends_list(files);
        if extends.is_empty() {
            return;
        }
        let mut own: BTreeMap<String, Vec<FieldModel>> = BTreeMap::new();
        for ty in modules.iter().flat_map(|m| &m.types) {
            if let TypeKind::Object { fields } = &ty.kind {
                own.insert(ty.name.clone(), fields.clone());
            }
        }
        let bases: BTreeMap<&str, &str> = extends
            .iter()
            .map(|e| (e.name, e.base.value.as_str()))
            .collect();
        let mut full: BTreeMap<String, Vec<FieldModel>> = BTreeMap::new();
        for entry in &extends {
            if let Some(chain) = self.base_chain(entry, &bases) {
                let fields = self.chain_fields(entry, &chain, &own);
                full.insert(entry.name.to_owned(), fields);
            }
        }
        for ty in modules.iter_mut().flat_map(|m| &mut m.types) {
            if let (Some(fields), TypeKind::Object { fields: slot }) =
                (full.remove(&ty.name), &mut ty.kind)
            {
                *slot = fields;
            }
        }
    }

    /// Every `"extends"` whose base is a known object type; the others are reported.
    fn extends_list<'a>(&mut self, files: &'a [(String, SpecFile)]) -> Vec<Extends<'a>> {
        let mut list = Vec::new();
        for (file, spec) in files {
            for (name, def) in spec.types.iter() {
                let Some(base) = &def.value.extends else {
                    continue;
                };
                let Some(own) = &def.value.fields else {
                    self.error(
                        file,
                        base.pos,
                        format!(
                            "type \"{}\" is not an object: \"extends\" applies to object types (with \"fields\"): remove it",
                            name.value
                        ),
                    );
                    continue;
                };
                match self.types.get(&base.value) {
                    Some(entry) if entry.is_enum => self.error(
                        file,
                        base.pos,
                        format!(
                            "type \"{}\" extends the enum \"{}\": only an object type can be extended",
                            name.value, base.value
                        ),
                    ),
                    Some(_) => list.push(Extends {
                        file,
                        name: &name.value,
                        base,
                        own,
                    }),
                    None if self.broken_types.contains(&base.value) => {}
                    None => {
                        let known = self.types.keys().map(String::as_str);
                        let hint = did_you_mean(&base.value, known);
                        self.error(
                            file,
                            base.pos,
                            format!(
                                "type \"{}\" extends unknown type \"{}\"{hint}",
                                name.value, base.value
                            ),
                        );
                    }
                }
            }
        }
        list
    }

    /// The bases of `entry`, nearest first; `None` when they lead back to it (reported at the
    /// member of the cycle whose name sorts first) or into a cycle further up.
    fn base_chain<'a>(
        &mut self,
        entry: &Extends<'a>,
        bases: &BTreeMap<&'a str, &'a str>,
    ) -> Option<Vec<&'a str>> {
        let mut chain = vec![entry.base.value.as_str()];
        loop {
            let last = chain.last().copied().unwrap_or_default();
            if last == entry.name {
                // One cycle, one error: at the member whose name sorts first.
                if chain.iter().any(|member| *member < entry.name) {
                    return None;
                }
                let mut trail = vec![entry.name];
                trail.extend(chain.iter().copied());
                self.error(
                    entry.file,
                    entry.base.pos,
                    format!(
                        "type \"{}\" extends itself ({}): remove one \"extends\"",
                        entry.name,
                        trail.join(" → ")
                    ),
                );
                return None;
            }
            match bases.get(last) {
                Some(next) if chain.contains(next) => return None,
                Some(next) => chain.push(next),
                None => return Some(chain),
            }
        }
    }

    /// The fields of the farthest base first, then each nearer one's, then the type's own; a
    /// field (JSON or Rust name) declared twice along the chain is an error at its place.
    fn chain_fields(
        &mut self,
        entry: &Extends<'_>,
        chain: &[&str],
        own: &BTreeMap<String, Vec<FieldModel>>,
    ) -> Vec<FieldModel> {
        let mut fields: Vec<FieldModel> = Vec::new();
        let mut from: BTreeMap<String, &str> = BTreeMap::new();
        for base in chain.iter().rev() {
            for field in own.get(*base).into_iter().flatten() {
                if !from.contains_key(&field.wire) {
                    from.insert(field.wire.clone(), base);
                    fields.push(field.clone());
                }
            }
        }
        for field in own.get(entry.name).into_iter().flatten() {
            let clash = fields
                .iter()
                .find(|inherited| inherited.wire == field.wire || inherited.rust == field.rust);
            if let Some(inherited) = clash {
                let pos = entry
                    .own
                    .iter()
                    .find(|(key, _)| key.value == field.wire)
                    .map_or(entry.base.pos, |(key, _)| key.pos);
                let base = from.get(&inherited.wire).copied().unwrap_or_default();
                self.error(
                    entry.file,
                    pos,
                    format!(
                        "field \"{}\" of \"{}\" is also field \"{}\" of \"{base}\", which it extends: remove it here (it is inherited) or rename it",
                        field.wire, entry.name, inherited.wire
                    ),
                );
                continue;
            }
            fields.push(field.clone());
        }
        fields
    }

    /// Resolves each object's `"exclusive"` groups against its fields (inherited ones too):
    /// optional fields it has, each in one group, at least two groups.
    fn exclusive_fields(&mut self, files: &[(String, SpecFile)], modules: &mut [Module]) {
        for (file, spec) in files {
            for (name, def) in spec.types.iter() {
                let Some(exclusive) = &def.value.exclusive else {
                    continue;
                };
                let Some(ty) = modules
                    .iter_mut()
                    .flat_map(|m| &mut m.types)
                    .find(|ty| ty.name == name.value)
                else {
                    continue;
                };
                let TypeKind::Object { fields } = &ty.kind else {
                    self.error(
                        file,
                        exclusive.pos,
                        format!(
                            "type \"{}\" is an enum: \"exclusive\" groups an object's fields, remove it",
                            name.value
                        ),
                    );
                    continue;
                };
                if let Some(resolved) = self.exclusive_groups(file, &name.value, exclusive, fields)
                {
                    ty.exclusive = Some(resolved);
                }
            }
        }
    }

    fn exclusive_groups(
        &mut self,
        file: &str,
        owner: &str,
        exclusive: &Spanned<spec::Exclusive>,
        fields: &[FieldModel],
    ) -> Option<ExclusiveFields> {
        let mut ok = true;
        if exclusive.value.groups.len() < 2 {
            self.error(
                file,
                exclusive.pos,
                "\"exclusive\" needs two groups or more: alternatives are sent one at a time",
            );
            ok = false;
        }
        if exclusive.value.source.value.trim().is_empty() {
            self.error(
                file,
                exclusive.value.source.pos,
                "\"source\" is empty: name the document or page that states the alternatives",
            );
            ok = false;
        }
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut groups = Vec::new();
        for group in &exclusive.value.groups {
            if group.is_empty() {
                self.error(
                    file,
                    exclusive.pos,
                    "\"exclusive\" has an empty group: list a field in it, or remove it",
                );
                ok = false;
            }
            for member in group {
                match fields.iter().find(|f| f.wire == member.value) {
                    None => {
                        let known = fields.iter().map(|f| f.wire.as_str());
                        self.error(
                            file,
                            member.pos,
                            format!(
                                "\"exclusive\" names \"{}\", which is not a field of \"{owner}\"{}",
                                member.value,
                                did_you_mean(&member.value, known)
                            ),
                        );
                        ok = false;
                    }
                    Some(field) if field.required => {
                        self.error(
                            file,
                            member.pos,
                            format!(
                                "\"exclusive\" names \"{}\", which is required, so always sent: alternatives are optional fields",
                                member.value
                            ),
                        );
                        ok = false;
                    }
                    Some(_) if !seen.insert(&member.value) => {
                        self.error(
                            file,
                            member.pos,
                            format!(
                                "\"exclusive\" names \"{}\" twice: a field is in one group",
                                member.value
                            ),
                        );
                        ok = false;
                    }
                    Some(_) => {}
                }
            }
            groups.push(group.iter().map(|m| m.value.clone()).collect());
        }
        ok.then(|| ExclusiveFields {
            groups,
            source: exclusive.value.source.value.clone(),
        })
    }

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
                        if let Some(origin) = self.types.get(*start).cloned() {
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
}

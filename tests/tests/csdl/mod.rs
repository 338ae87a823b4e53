//! The CSDL cross-check: every Graph type of the spec (a type's `"graph"` shape) against
//! Microsoft Graph's metadata (`spec/graph/onenote-csdl.xml`, extracted at a named commit).
//! Each difference (a property one side lacks, another type, other enum values) is reported,
//! and must be explained in spec/README.md ("Where the Graph shapes differ from the
//! metadata") or fixed in the spec.

use std::collections::BTreeMap;
use std::fs;

use codegen::model::{FieldModel, Model, TypeKind, TypeModel};
use tests::spec_files::{read_spec, workspace};

/// What each Graph type of the spec is in the metadata.
#[derive(Clone, Copy)]
enum Counterpart {
    /// An entity or complex type: the same properties.
    Type(&'static str),
    /// A create body: a part of the entity's properties.
    PartOf(&'static str),
    /// An action's parameters.
    Action(&'static str),
}

/// The spec's Graph types and their counterparts; every Graph type needs a row.
const COUNTERPARTS: &[(&str, Counterpart)] = &[
    ("GraphCopyNotebook", Counterpart::Action("copyNotebook")),
    ("GraphCopyPage", Counterpart::Action("copyToSection")),
    ("GraphCopySection", Counterpart::Action("copyToNotebook")),
    ("GraphCreateNotebook", Counterpart::PartOf("notebook")),
    ("GraphCreateSection", Counterpart::PartOf("onenoteSection")),
    (
        "GraphCreateSectionGroup",
        Counterpart::PartOf("sectionGroup"),
    ),
    ("GraphExternalLink", Counterpart::Type("externalLink")),
    ("GraphIdentity", Counterpart::Type("identity")),
    ("GraphIdentitySet", Counterpart::Type("identitySet")),
    ("GraphNotebook", Counterpart::Type("notebook")),
    ("GraphOneNoteLinks", Counterpart::Type("notebookLinks")),
    ("GraphOperationModel", Counterpart::Type("onenoteOperation")),
    ("GraphOperationStatus", Counterpart::Type("operationStatus")),
    ("GraphPageMetadata", Counterpart::Type("onenotePage")),
    (
        "GraphParentSectionGroup",
        Counterpart::PartOf("sectionGroup"),
    ),
    (
        "GraphPatchAction",
        Counterpart::Type("onenotePatchActionType"),
    ),
    (
        "GraphPatchContentCommand",
        Counterpart::Type("onenotePatchContentCommand"),
    ),
    (
        "GraphPatchInsertPosition",
        Counterpart::Type("onenotePatchInsertPosition"),
    ),
    ("GraphSection", Counterpart::Type("onenoteSection")),
    ("GraphSectionGroup", Counterpart::Type("sectionGroup")),
    ("GraphUserRole", Counterpart::Type("onenoteUserRole")),
];

/// Metadata types our one Graph type stands for (the links types have one shape).
const ALSO: &[(&str, &str)] = &[
    ("pageLinks", "GraphOneNoteLinks"),
    ("sectionLinks", "GraphOneNoteLinks"),
    ("onenoteOperationError", "json"),
];

/// One structured type, enum or action of the metadata.
#[derive(Default, Debug)]
struct CsdlType {
    base: Option<String>,
    /// Property (or parameter) name → metadata type; enum members have no type.
    members: Vec<(String, String)>,
}

/// The value of `name="…"` in an element's text.
fn attribute<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = line[start..].find('"')?;
    Some(&line[start..start + len])
}

/// The extract's types, enums and bound actions, by name (one element per line, as
/// `spec/graph/extract.py` copies them).
fn csdl() -> BTreeMap<String, CsdlType> {
    let text = fs::read_to_string(workspace().join("spec/graph/onenote-csdl.xml"))
        .expect("spec/graph/onenote-csdl.xml");
    let mut types = BTreeMap::new();
    let mut current: Option<(String, CsdlType)> = None;
    for line in text.lines().map(str::trim) {
        let opens = [
            "<EntityType ",
            "<ComplexType ",
            "<EnumType ",
            "<Action ",
            "<Function ",
        ];
        if opens.iter().any(|open| line.starts_with(open)) {
            let name = attribute(line, "Name").expect("a named element").to_owned();
            let base =
                attribute(line, "BaseType").map(|b| b.trim_start_matches("graph.").to_owned());
            current = Some((
                name,
                CsdlType {
                    base,
                    members: Vec::new(),
                },
            ));
        } else if line.starts_with("</EntityType")
            || line.starts_with("</ComplexType")
            || line.starts_with("</EnumType")
            || line.starts_with("</Action")
            || line.starts_with("</Function")
        {
            if let Some((name, ty)) = current.take() {
                types.insert(name, ty);
            }
        } else if let Some((_, ty)) = current.as_mut() {
            let member = [
                "<Property ",
                "<NavigationProperty ",
                "<Member ",
                "<Parameter ",
            ]
            .iter()
            .any(|open| line.starts_with(open));
            if let (true, Some(name)) = (member, attribute(line, "Name"))
                && name != "bindingParameter"
            {
                let member_type = attribute(line, "Type").unwrap_or_default().to_owned();
                ty.members.push((name.to_owned(), member_type));
            }
        }
    }
    types
}

/// A type's members with its base types' first, as the spec's flat types list them.
fn flattened(types: &BTreeMap<String, CsdlType>, name: &str) -> Vec<(String, String)> {
    let Some(ty) = types.get(name) else {
        return Vec::new();
    };
    let mut members = match &ty.base {
        Some(base) => flattened(types, base),
        None => Vec::new(),
    };
    members.extend(ty.members.iter().cloned());
    members
}

/// The spec type a metadata type reference stands for (`Edm.String` → `string`,
/// `graph.notebook` → `GraphNotebook`, `Collection(…)` → `…[]`), as the spec writes it.
fn spec_name(csdl_type: &str) -> String {
    if let Some(inner) = csdl_type
        .strip_prefix("Collection(")
        .and_then(|t| t.strip_suffix(')'))
    {
        return format!("{}[]", spec_name(inner));
    }
    match csdl_type {
        "Edm.String" => "string".to_owned(),
        "Edm.Boolean" => "boolean".to_owned(),
        "Edm.Int32" | "Edm.Int64" => "integer".to_owned(),
        "Edm.Double" => "number".to_owned(),
        "Edm.DateTimeOffset" => "date-time".to_owned(),
        "Edm.Stream" => "stream".to_owned(),
        other => {
            let name = other.trim_start_matches("graph.");
            let ours = COUNTERPARTS
                .iter()
                .find(|(_, c)| matches!(c, Counterpart::Type(t) if *t == name))
                .map(|(ours, _)| *ours)
                .or_else(|| ALSO.iter().find(|(t, _)| *t == name).map(|(_, ours)| *ours));
            ours.map_or_else(|| format!("(metadata {name})"), str::to_owned)
        }
    }
}

/// Every difference of one Graph type from its counterpart, one line each:
/// `{type}.{property}: …`.
fn differences(
    ty: &TypeModel,
    counterpart: Counterpart,
    csdl: &BTreeMap<String, CsdlType>,
) -> Vec<String> {
    let (csdl_name, part_only) = match counterpart {
        Counterpart::Type(name) | Counterpart::Action(name) => (name, false),
        Counterpart::PartOf(name) => (name, true),
    };
    assert!(
        csdl.contains_key(csdl_name),
        "{csdl_name} is not in the extract"
    );
    let theirs = flattened(csdl, csdl_name);
    let name = &ty.name;
    let mut found = Vec::new();
    match &ty.kind {
        TypeKind::Object { fields } => {
            let field =
                |wire: &str| -> Option<&FieldModel> { fields.iter().find(|f| f.wire == wire) };
            for ours in fields {
                if ours.wire.starts_with('@') {
                    continue; // OData annotations are not properties
                }
                match theirs.iter().find(|(n, _)| *n == ours.wire) {
                    None => found.push(format!(
                        "{name}.{}: only in the spec ({csdl_name} has no such property)",
                        ours.wire
                    )),
                    Some((_, csdl_type)) if spec_name(csdl_type) != ours.ty.spec_text() => found
                        .push(format!(
                            "{name}.{}: the spec says {}, the metadata {}",
                            ours.wire,
                            ours.ty.spec_text(),
                            spec_name(csdl_type)
                        )),
                    Some(_) => {}
                }
            }
            if !part_only {
                for (property, csdl_type) in &theirs {
                    if field(property).is_none() {
                        found.push(format!(
                            "{name}.{property}: only in the metadata ({})",
                            spec_name(csdl_type)
                        ));
                    }
                }
            }
        }
        TypeKind::Enum { values, .. } => {
            let ours: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
            let theirs: Vec<&str> = theirs.iter().map(|(n, _)| n.as_str()).collect();
            let mut sorted_ours = ours.clone();
            let mut sorted_theirs = theirs.clone();
            sorted_ours.sort_unstable();
            sorted_theirs.sort_unstable();
            if sorted_ours != sorted_theirs {
                found.push(format!(
                    "{name}: values {} in the spec, {} in the metadata",
                    sorted_ours.join(" "),
                    sorted_theirs.join(" ")
                ));
            }
        }
    }
    found
}

fn model() -> Model {
    codegen::load(&read_spec("spec")).unwrap_or_else(|e| panic!("{e}"))
}

/// Every difference of every Graph type of the spec, sorted.
fn all_differences() -> Vec<String> {
    let model = model();
    let graph = model.graph.as_ref().expect("the spec has a Graph section");
    let csdl = csdl();
    let mut found = Vec::new();
    for ty in &graph.types {
        let counterpart = COUNTERPARTS
            .iter()
            .find(|(name, _)| *name == ty.name)
            .map(|(_, c)| *c)
            .unwrap_or_else(|| {
                panic!(
                    "{} has no counterpart in tests/tests/csdl/mod.rs: add the metadata type it is",
                    ty.name
                )
            });
        found.extend(differences(ty, counterpart, &csdl));
    }
    found.sort();
    found
}

#[test]
fn the_extract_reads_as_the_metadata_types() {
    let csdl = csdl();
    let notebook = flattened(&csdl, "notebook");
    let names: Vec<&str> = notebook.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "self",
            "createdDateTime",
            "createdBy",
            "displayName",
            "lastModifiedBy",
            "lastModifiedDateTime",
            "isDefault",
            "isShared",
            "links",
            "sectionGroupsUrl",
            "sectionsUrl",
            "userRole",
            "sectionGroups",
            "sections"
        ]
    );
    assert_eq!(
        spec_name("Collection(graph.onenoteSection)"),
        "GraphSection[]"
    );
    assert_eq!(flattened(&csdl, "copyToSection").len(), 4);
}

#[test]
fn every_graph_type_matches_the_metadata_or_its_difference_is_explained() {
    let readme = fs::read_to_string(workspace().join("spec/README.md")).unwrap_or_default();
    let explained = readme
        .split("### Where the Graph shapes differ from the metadata")
        .nth(1)
        .unwrap_or_default();
    let unexplained: Vec<String> = all_differences()
        .into_iter()
        .filter(|line| !explained.contains(&format!("`{line}`")))
        .collect();
    assert!(
        unexplained.is_empty(),
        "differences between the spec's Graph types and spec/graph/onenote-csdl.xml that \
         spec/README.md (\"Where the Graph shapes differ from the metadata\") does not explain; \
         fix the Graph shape, or add each line, in backquotes, with why:\n{}",
        unexplained.join("\n")
    );
}

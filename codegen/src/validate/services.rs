//! Phase 7: Microsoft Graph, the second service: its root and locations (`api.graph`), which
//! operations it serves (`"services"`), and the Graph shape of every type they use (`"graph"`
//! on a type). An operation both services serve is written once; here it gets its Graph form.

use std::collections::{BTreeMap, BTreeSet};

use crate::json::Pos;
use crate::model::{
    ApiModel, BodyModel, FieldModel, GraphChanges, GraphModel, Host, LocationModel, Module,
    OperationModel, PartContent, QueryValue, ResourceId, ResourceModel, ResponseModel, Root,
    Service, TypeKind, TypeModel, TypeRef, graph_name,
};
use crate::names::{Case, ident};
use crate::spec::{self, Spanned, SpecFile};

use super::checker::Checker;
use super::operations::OperationDraft;

/// What Graph serves, before routes are known.
pub(super) struct GraphDraft {
    doc: String,
    base_url: String,
    notes_root: String,
    locations: Vec<LocationModel>,
    types: Vec<TypeModel>,
    changes: BTreeMap<String, GraphChanges>,
    served: BTreeSet<String>,
}

/// Checks the Graph section, the types' Graph shapes and every operation claimed for Graph.
pub(super) fn check(
    cx: &mut Checker,
    files: &[(String, SpecFile)],
    modules: &[Module],
    api: &ApiModel,
    drafts: &[OperationDraft],
) -> Option<GraphDraft> {
    let claims = claims(files);
    let section = files.iter().find_map(|(file, spec)| {
        let graph = spec.api.as_ref()?.value.graph.as_ref()?;
        Some((file.as_str(), graph))
    });
    let Some((api_file, section)) = section else {
        for claim in &claims {
            cx.error(
                claim.file,
                claim.pos,
                format!(
                    "operation \"{}\" is served by \"graph\", but no \"api\" section has a \"graph\" part: add one (its base URL, notes root and locations), or remove \"graph\" here",
                    claim.id
                ),
            );
        }
        return None;
    };
    let base = &section.value.base_url;
    if base.value != crate::runtime::requires::GRAPH_BASE_URL {
        cx.error(
            api_file,
            base.pos,
            format!(
                "the Graph base URL is \"{}\", but the runtime's default (`GRAPH_BASE_URL`, onenote-api/src/service.rs) is \"{}\": write that here (callers change it with `ClientBuilder::graph_base_url`)",
                base.value,
                crate::runtime::requires::GRAPH_BASE_URL
            ),
        );
    }
    let locations = locations(cx, api_file, &section.value, api);
    let shapes = shapes(cx, files, modules);
    let by_id: BTreeMap<&str, &OperationModel> = drafts
        .iter()
        .map(|d| (d.model.id.as_str(), &d.model))
        .collect();
    let mut served = BTreeSet::new();
    for claim in &claims {
        let Some(op) = by_id.get(claim.id) else {
            continue;
        };
        if claim_is_sound(cx, claim, op, &shapes, &locations, api) {
            served.insert(claim.id.to_owned());
        }
    }
    let changes = shapes
        .values()
        .filter(|shape| !shape.changes.is_empty())
        .map(|shape| (shape.model.name.clone(), shape.changes.clone()))
        .collect();
    Some(GraphDraft {
        doc: section.value.doc.clone(),
        base_url: section.value.base_url.value.clone(),
        notes_root: section.value.notes_root.value.clone(),
        locations,
        types: shapes.into_values().map(|shape| shape.model).collect(),
        changes,
        served,
    })
}

/// The Graph model, once the operations have their routes.
pub(super) fn finish(
    draft: GraphDraft,
    operations: &[OperationModel],
    resources: &[ResourceModel],
) -> GraphModel {
    let operations: Vec<OperationModel> = operations
        .iter()
        .filter(|op| draft.served.contains(&op.id))
        .map(graph_operation)
        .collect();
    let mut reached = BTreeSet::new();
    for op in &operations {
        for host in &op.hosts {
            reach(host, resources, &mut reached);
        }
    }
    GraphModel {
        doc: draft.doc,
        base_url: draft.base_url,
        notes_root: draft.notes_root,
        locations: draft.locations,
        types: draft.types,
        operations,
        resources: reached.into_iter().collect(),
        changes: draft.changes,
    }
}

/// `host` and every resource above it.
fn reach(host: &Host, resources: &[ResourceModel], reached: &mut BTreeSet<ResourceId>) {
    if let Host::Resource(id) = host
        && reached.insert(*id)
    {
        for above in &resources[id.0].hosts {
            reach(above, resources, reached);
        }
    }
}

/// An operation as Graph serves it: its builder and types in their Graph forms.
fn graph_operation(op: &OperationModel) -> OperationModel {
    let mut graph = op.clone();
    graph.table_id = format!("graph.{}", op.id);
    graph.builder = graph_name(&op.builder);
    graph.body = op.body.as_ref().map(|body| match body {
        BodyModel::Json(ty) => BodyModel::Json(ty.to_graph()),
        BodyModel::Text { media_type } => BodyModel::Text {
            media_type: media_type.clone(),
        },
        BodyModel::Multipart(multipart) => {
            let mut multipart = multipart.clone();
            for part in &mut multipart.parts {
                if let PartContent::Json(ty) = &part.content {
                    part.content = PartContent::Json(ty.to_graph());
                }
            }
            BodyModel::Multipart(multipart)
        }
    });
    graph.response = match &op.response {
        ResponseModel::Json(ty) => ResponseModel::Json(ty.to_graph()),
        ResponseModel::Page(ty) => ResponseModel::Page(ty.to_graph()),
        other => other.clone(),
    };
    for query in &mut graph.query {
        if let QueryValue::Typed(ty) = &query.value {
            query.value = QueryValue::Typed(ty.to_graph());
        }
    }
    graph
}

/// One `"graph"` entry of an operation's `"services"`.
struct Claim<'a> {
    file: &'a str,
    id: &'a str,
    pos: Pos,
    op: &'a spec::Operation,
}

/// Every operation that names `"graph"`, in file order (groups' operations included).
fn claims(files: &[(String, SpecFile)]) -> Vec<Claim<'_>> {
    let mut out = Vec::new();
    for (file, spec) in files {
        let grouped = spec
            .groups
            .iter()
            .flat_map(|(_, g)| g.value.operations.iter());
        for (id, op) in spec.operations.iter().chain(grouped) {
            if let Some(entry) = op.value.services.iter().find(|s| s.value == Service::Graph) {
                out.push(Claim {
                    file,
                    id: &id.value,
                    pos: entry.pos,
                    op: &op.value,
                });
            }
        }
    }
    out
}

/// Graph's locations: each a kind the main service has, so handles share its markers.
fn locations(
    cx: &mut Checker,
    file: &str,
    section: &spec::GraphApi,
    api: &ApiModel,
) -> Vec<LocationModel> {
    let mut out = Vec::new();
    for (key, location) in section.locations.iter() {
        let Some(main) = api.locations.iter().find(|l| l.key == key.value) else {
            let known: Vec<&str> = api.locations.iter().map(|l| l.key.as_str()).collect();
            cx.error(
                file,
                key.pos,
                format!(
                    "Graph location \"{}\" is not a location of the main service ({}): Graph's locations are the same kinds, under their Graph paths",
                    key.value,
                    known.join(", ")
                ),
            );
            continue;
        };
        let Some(path) = cx.path(file, &location.value.path) else {
            continue;
        };
        let params = cx.params_exactly(
            file,
            &location.value.path,
            &path,
            &location.value.params,
            "location",
        );
        out.push(LocationModel {
            key: main.key.clone(),
            marker: main.marker.clone(),
            accessor: main.accessor.clone(),
            doc: location.value.doc.clone(),
            path,
            params,
        });
    }
    // Main-service order, so both services list their locations alike.
    out.sort_by_key(|l| api.locations.iter().position(|m| m.key == l.key));
    out
}

/// A type's Graph shape and where the spec gives it.
struct Shape {
    file: String,
    pos: Pos,
    model: TypeModel,
    /// How its fields differ from the main shape's.
    changes: GraphChanges,
}

/// Every type with a `"graph"` shape, by main-service name.
fn shapes(
    cx: &mut Checker,
    files: &[(String, SpecFile)],
    modules: &[Module],
) -> BTreeMap<String, Shape> {
    let mains: BTreeMap<&str, &TypeModel> = modules
        .iter()
        .flat_map(|m| &m.types)
        .map(|t| (t.name.as_str(), t))
        .collect();
    let mut out = BTreeMap::new();
    for (file, spec) in files {
        for (name, def) in spec.types.iter() {
            let (Some(shape), Some(main)) = (&def.value.graph, mains.get(name.value.as_str()))
            else {
                continue;
            };
            let gname = graph_name(&name.value);
            cx.claim_root(
                file,
                shape.pos,
                &gname,
                &format!("the Graph shape of type \"{}\"", name.value),
            );
            let model = shape_model(cx, file, name, main, &shape.value);
            let changes = changes(&shape.value, &model);
            out.insert(
                name.value.clone(),
                Shape {
                    file: file.clone(),
                    pos: shape.pos,
                    model,
                    changes,
                },
            );
        }
    }
    let names: BTreeSet<String> = out.keys().cloned().collect();
    for (name, shape) in &out {
        let TypeKind::Object { fields } = &shape.model.kind else {
            continue;
        };
        for field in fields {
            let Some(used) = field.ty.named() else {
                continue;
            };
            let main = used.strip_prefix("Graph").unwrap_or(used);
            if !names.contains(main) {
                cx.error(
                    &shape.file,
                    shape.pos,
                    format!(
                        "the Graph shape of type \"{name}\" uses type \"{main}\" (field \"{}\"), which has no Graph shape: add \"graph\": {{}} to \"{main}\" if Graph writes it the same way, or give the fields that differ",
                        field.wire
                    ),
                );
            }
        }
    }
    out
}

/// What the shape changes, by JSON name, with each retyped field's type as the Graph model
/// (`graph`) has it.
fn changes(shape: &spec::GraphShape, graph: &TypeModel) -> GraphChanges {
    let graph_type = |wire: &str| match &graph.kind {
        TypeKind::Object { fields } => fields.iter().find(|f| f.wire == wire).map(|f| &f.ty),
        TypeKind::Enum { .. } => None,
    };
    let mut changes = GraphChanges::default();
    for (key, change) in shape.fields.iter() {
        let wire = change.value.name.as_ref().map_or(&key.value, |n| &n.value);
        if wire != &key.value {
            changes.renamed.push((key.value.clone(), wire.clone()));
        }
        if change.value.ty.is_some()
            && let Some(ty) = graph_type(wire)
        {
            changes.retyped.push((key.value.clone(), ty.clone()));
        }
    }
    changes.omitted = shape.omit.iter().map(|o| o.value.clone()).collect();
    changes.added = shape.add.iter().map(|(key, _)| key.value.clone()).collect();
    changes
}

/// The main type with the shape's changes: renamed and retyped fields, omissions, additions;
/// every named type replaced by its Graph form.
fn shape_model(
    cx: &mut Checker,
    file: &str,
    name: &Spanned<String>,
    main: &TypeModel,
    shape: &spec::GraphShape,
) -> TypeModel {
    let kind = match &main.kind {
        TypeKind::Object { fields } => {
            let mut fields: Vec<FieldModel> = fields.clone();
            for (key, change) in shape.fields.iter() {
                let Some(field) = fields.iter_mut().find(|f| f.wire == key.value) else {
                    unknown_field(cx, file, name, key);
                    continue;
                };
                if let Some(wire) = &change.value.name {
                    field.wire = wire.value.clone();
                    field.aliases.clear();
                    match ident(&wire.value, Case::Snake) {
                        Some(rust) => field.rust = rust,
                        None => cx.error(
                            file,
                            wire.pos,
                            format!(
                                "\"{}\" makes no Rust field name: use a JSON name with letters",
                                wire.value
                            ),
                        ),
                    }
                }
                if let Some(ty) = &change.value.ty
                    && let Some(resolved) = cx.type_ref(file, ty)
                {
                    field.ty = resolved;
                }
                if let Some(doc) = &change.value.doc {
                    field.doc = doc.clone();
                }
            }
            for omitted in &shape.omit {
                match fields.iter().position(|f| f.wire == omitted.value) {
                    Some(index) => {
                        fields.remove(index);
                    }
                    None => unknown_field(cx, file, name, omitted),
                }
            }
            fields.extend(cx.fields(file, &name.value, &shape.add));
            for field in &mut fields {
                field.ty = field.ty.to_graph();
            }
            TypeKind::Object { fields }
        }
        TypeKind::Enum { values, lenient } => {
            let mut values = values.clone();
            if !shape.add_values.is_empty() {
                values.extend(cx.enum_values(file, name, &shape.add_values, *lenient));
            }
            TypeKind::Enum {
                values,
                lenient: *lenient,
            }
        }
    };
    TypeModel {
        name: graph_name(&name.value),
        doc: shape.doc.clone().unwrap_or_else(|| main.doc.clone()),
        kind,
        // Graph's form is carried where the main form is, with the same alternatives (their
        // fields keep their names).
        usage: main.usage,
        exclusive: main.exclusive.clone(),
    }
}

fn unknown_field(cx: &mut Checker, file: &str, ty: &Spanned<String>, field: &Spanned<String>) {
    cx.error(
        file,
        field.pos,
        format!(
            "type \"{}\" has no field \"{}\": a Graph shape changes or omits the type's own JSON names (Graph-only fields go in \"add\")",
            ty.value, field.value
        ),
    );
}

/// Whether Graph can serve the claimed operation: under the notes root, at Graph's locations,
/// with a Graph shape for every type it sends or receives.
fn claim_is_sound(
    cx: &mut Checker,
    claim: &Claim<'_>,
    op: &OperationModel,
    shapes: &BTreeMap<String, Shape>,
    locations: &[LocationModel],
    api: &ApiModel,
) -> bool {
    let mut sound = true;
    if !claim
        .op
        .services
        .iter()
        .any(|s| s.value == Service::OneNote)
    {
        cx.error(
            claim.file,
            claim.pos,
            format!(
                "operation \"{}\" is served by Graph only: every operation is written for the main service too, add \"oneNote\" to its \"services\"",
                claim.id
            ),
        );
        sound = false;
    }
    if op.root == Root::Version {
        cx.error(
            claim.file,
            claim.pos,
            format!(
                "operation \"{}\" is under the version root, which Graph does not serve: remove \"graph\" from its \"services\"",
                claim.id
            ),
        );
        sound = false;
    }
    let kinds = op.locations.clone().unwrap_or_else(|| {
        (0..api.locations.len())
            .map(crate::model::LocationId)
            .collect()
    });
    for id in kinds {
        let key = &api.locations[id.0].key;
        if !locations.iter().any(|l| &l.key == key) {
            cx.error(
                claim.file,
                claim.pos,
                format!(
                    "operation \"{}\" is served at location \"{key}\", which the \"graph\" section does not have: add it there, or restrict the operation with \"locations\"",
                    claim.id
                ),
            );
            sound = false;
        }
    }
    for used in used_types(op) {
        if !shapes.contains_key(&used) {
            let at = match cx.types.get(&used) {
                Some(entry) => format!(" ({}:{})", entry.file, entry.pos),
                None => String::new(),
            };
            cx.error(
                claim.file,
                claim.pos,
                format!(
                    "operation \"{}\" is served by \"graph\", but type \"{used}\"{at} has no Graph shape: add \"graph\": {{}} to it if Graph writes it the same way, or give the fields that differ (\"graph\": {{ \"fields\": {{ \"name\": {{ \"name\": \"displayName\" }} }} }})",
                    claim.id
                ),
            );
            sound = false;
        }
    }
    sound
}

/// The named types an operation sends or receives directly (their fields are the shapes'
/// concern), sorted.
fn used_types(op: &OperationModel) -> BTreeSet<String> {
    let mut refs: Vec<&TypeRef> = Vec::new();
    match &op.body {
        Some(BodyModel::Json(ty)) => refs.push(ty),
        Some(BodyModel::Multipart(multipart)) => {
            for part in &multipart.parts {
                if let PartContent::Json(ty) = &part.content {
                    refs.push(ty);
                }
            }
        }
        Some(BodyModel::Text { .. }) | None => {}
    }
    match &op.response {
        ResponseModel::Json(ty) | ResponseModel::Page(ty) => refs.push(ty),
        _ => {}
    }
    for query in &op.query {
        if let QueryValue::Typed(ty) = &query.value {
            refs.push(ty);
        }
    }
    refs.into_iter()
        .filter_map(|ty| ty.named().map(str::to_owned))
        .collect()
}

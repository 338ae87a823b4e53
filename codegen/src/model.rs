//! The resolved model: what `validate` proves about the spec, in the form emit walks.
//!
//! Every name here is already a Rust identifier made by `names::ident`, every reference is
//! resolved, and every list is in the order it reaches the output.

pub use crate::spec::{AsyncForm, Method, ODataOption, Root, Service};
pub use crate::template::{Part, PathTemplate, Segment};

/// The whole API, ready to emit.
///
/// Resources, operations and routes are kept in flat lists and refer to each other by index
/// ([`ResourceId`], [`OperationId`], [`LocationId`]); modules list the ids of what they hold.
#[derive(Clone, Debug)]
pub struct Model {
    /// The service description.
    pub api: ApiModel,
    /// One entry per spec file, sorted by file name.
    pub modules: Vec<Module>,
    /// Every resource, in module order and by name within a module.
    pub resources: Vec<ResourceModel>,
    /// Every operation, in module order and by id within a module.
    pub operations: Vec<OperationModel>,
    /// Every operation expanded once per location it is allowed at and per mount of its group,
    /// in operation order, then location order, then mount order. What a server must answer.
    pub routes: Vec<Route>,
    /// Microsoft Graph, when the spec describes it: what it serves and in which shapes.
    pub graph: Option<GraphModel>,
}

/// Microsoft Graph, the second service: its root, the shapes of its types, and the operations
/// it serves (the main service's, written once, with Graph's types).
#[derive(Clone, Debug)]
pub struct GraphModel {
    /// What Graph offers here.
    pub doc: String,
    /// Default base URL, without the version (`https://graph.microsoft.com`).
    pub base_url: String,
    /// The segment after the location (`onenote`).
    pub notes_root: String,
    /// Graph's location roots, in the main service's order; `key` and `marker` name the same
    /// kind as there.
    pub locations: Vec<LocationModel>,
    /// Every type a Graph operation uses, in Graph's shape, named [`graph_name`], sorted.
    pub types: Vec<TypeModel>,
    /// The operations Graph serves, in model order: the same id, routes and hosts, with the
    /// builder and the types renamed to their Graph forms.
    pub operations: Vec<OperationModel>,
    /// The resources a Graph operation is reached through, in model order.
    pub resources: Vec<ResourceId>,
    /// Per Graph type (`GraphNotebook`) whose shape differs from the main one, how its fields
    /// differ: the renames turn a body written with the main names (the command line's field
    /// flags) into Graph's, and all of it is what a server in front of one store translates.
    pub changes: std::collections::BTreeMap<String, GraphChanges>,
}

/// How one type's Graph shape differs from its main shape, by JSON name, as the spec's
/// `"graph"` shape says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GraphChanges {
    /// (main name, Graph name) of each renamed field.
    pub renamed: Vec<(String, String)>,
    /// Fields whose type Graph changes, by main name, with Graph's type.
    pub retyped: Vec<(String, TypeRef)>,
    /// Fields of the main shape Graph leaves out.
    pub omitted: Vec<String>,
    /// Fields only Graph has.
    pub added: Vec<String>,
}

impl GraphChanges {
    /// No field differs.
    pub fn is_empty(&self) -> bool {
        self.renamed.is_empty()
            && self.retyped.is_empty()
            && self.omitted.is_empty()
            && self.added.is_empty()
    }
}

/// The Rust name of a type's (or a builder's) Graph form: `Notebook` → `GraphNotebook`.
pub fn graph_name(name: &str) -> String {
    format!("Graph{name}")
}

impl TypeRef {
    /// The same reference with every named type replaced by its Graph form.
    pub fn to_graph(&self) -> TypeRef {
        match self {
            TypeRef::Named(name) => TypeRef::Named(graph_name(name)),
            TypeRef::Array(inner) => TypeRef::Array(Box::new(inner.to_graph())),
            other => other.clone(),
        }
    }

    /// The named type it refers to, through lists.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::Array(inner) => inner.named(),
            _ => None,
        }
    }
}

impl Model {
    /// The location an id names.
    pub fn location(&self, id: LocationId) -> &LocationModel {
        &self.api.locations[id.0]
    }

    /// The resource an id names.
    pub fn resource(&self, id: ResourceId) -> &ResourceModel {
        &self.resources[id.0]
    }

    /// The operation an id names.
    pub fn operation(&self, id: OperationId) -> &OperationModel {
        &self.operations[id.0]
    }

    /// The routes of one operation.
    pub fn routes_of(&self, op: &OperationModel) -> &[Route] {
        self.routes.get(op.routes.clone()).unwrap_or_default()
    }

    /// A module's resources, in order.
    pub fn module_resources<'a>(
        &'a self,
        module: &'a Module,
    ) -> impl Iterator<Item = &'a ResourceModel> + 'a {
        module.resources.iter().map(|id| self.resource(*id))
    }

    /// Microsoft Graph as a model of its own: Graph's root and locations, the Graph shapes as
    /// each module's types, the operations Graph serves (with their Graph types) and their
    /// routes at Graph's locations. What a backend that knows one service (the OpenAPI export)
    /// reads for Graph; `None` when the spec has no Graph section.
    pub fn graph_view(&self) -> Option<Model> {
        let graph = self.graph.as_ref()?;
        let api = ApiModel {
            source: self.api.source.clone(),
            doc: graph.doc.clone(),
            base_url: graph.base_url.clone(),
            versions: self.api.versions.clone(),
            default_version: self.api.default_version,
            notes_root: graph.notes_root.clone(),
            locations: graph.locations.clone(),
            service: Service::Graph,
        };
        let notes_root = PathTemplate {
            segments: vec![Segment {
                parts: vec![Part::Literal(graph.notes_root.clone())],
            }],
        };
        let mut operations = Vec::new();
        let mut routes = Vec::new();
        let mut ids = std::collections::BTreeMap::new();
        for op in &graph.operations {
            let id = OperationId(operations.len());
            ids.insert(op.id.clone(), id);
            let start = routes.len();
            // One route per mount (the main service's routes repeat it per location).
            let mut mounts: Vec<&Route> = Vec::new();
            for route in self.routes_of(op) {
                if !mounts.iter().any(|m| m.mount == route.mount) {
                    mounts.push(route);
                }
            }
            let allowed = |key: &str| {
                op.locations
                    .as_ref()
                    .is_none_or(|ids| ids.iter().any(|id| self.location(*id).key == key))
            };
            for route in mounts {
                for (index, location) in api.locations.iter().enumerate() {
                    if !allowed(&location.key) {
                        continue;
                    }
                    let mut params: Vec<RouteParam> = location
                        .params
                        .iter()
                        .map(|param| RouteParam {
                            param: param.clone(),
                            origin: ParamOrigin::Location(LocationId(index)),
                        })
                        .collect();
                    params.extend(
                        route
                            .params
                            .iter()
                            .filter(|p| !matches!(p.origin, ParamOrigin::Location(_)))
                            .cloned(),
                    );
                    routes.push(Route {
                        operation: id,
                        location: Some(LocationId(index)),
                        mount: route.mount,
                        template: location.path.join(&notes_root).join(&route.relative),
                        relative: route.relative.clone(),
                        params,
                    });
                }
            }
            let mut op = op.clone();
            op.routes = start..routes.len();
            op.locations = None;
            operations.push(op);
        }
        let modules = self
            .modules
            .iter()
            .map(|module| {
                let own = |name: &str| module.types.iter().any(|t| graph_name(&t.name) == name);
                Module {
                    types: graph
                        .types
                        .iter()
                        .filter(|t| own(&t.name))
                        .cloned()
                        .collect(),
                    operations: module
                        .operations
                        .iter()
                        .filter_map(|id| ids.get(&self.operation(*id).id).copied())
                        .collect(),
                    resources: Vec::new(),
                    declares_api: false,
                    ..module.clone()
                }
            })
            .collect();
        Some(Model {
            api,
            modules,
            resources: self.resources.clone(),
            operations,
            routes,
            graph: None,
        })
    }

    /// A module's operations, in order.
    pub fn module_operations<'a>(
        &'a self,
        module: &'a Module,
    ) -> impl Iterator<Item = &'a OperationModel> + 'a {
        module.operations.iter().map(|id| self.operation(*id))
    }
}

/// An index into [`ApiModel::locations`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocationId(pub usize);

/// An index into [`Model::resources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId(pub usize);

/// An index into [`Model::operations`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OperationId(pub usize);

/// One operation at one place: a location (or the version root) and a mount of its group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The operation.
    pub operation: OperationId,
    /// The location, or `None` for an operation under the version root.
    pub location: Option<LocationId>,
    /// The resource the operation's group is mounted at here; `None` outside groups.
    pub mount: Option<ResourceId>,
    /// The whole path after `{base}/{version}/`: the location's path, the notes root, then
    /// the path under it (`users/{userId}/notes/classNotebooks`).
    pub template: PathTemplate,
    /// The path under the notes root (`classNotebooks`); at the version root, all of it.
    pub relative: PathTemplate,
    /// Every parameter of `template`, in path order, with where it is declared.
    pub params: Vec<RouteParam>,
}

/// A path parameter of a route and who declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteParam {
    /// The parameter.
    pub param: ParamModel,
    /// Where it comes from.
    pub origin: ParamOrigin,
}

/// Who declares a path parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamOrigin {
    /// The location root (`userId`).
    Location(LocationId),
    /// A resource on the way (`notebookId` of `ClassNotebook`).
    Resource(ResourceId),
    /// The operation itself (`pageId` of `distributePageToStudent`).
    Operation,
}

/// Base URL, versions and locations.
#[derive(Clone, Debug)]
pub struct ApiModel {
    /// The spec file that declares the API.
    pub source: String,
    /// What the service is.
    pub doc: String,
    /// Default base URL.
    pub base_url: String,
    /// Versions in spec order.
    pub versions: Vec<VersionModel>,
    /// Index into `versions` of the default.
    pub default_version: usize,
    /// The segment after the location (`notes`).
    pub notes_root: String,
    /// Locations in spec order.
    pub locations: Vec<LocationModel>,
    /// The service this is: the main one, or Microsoft Graph in [`Model::graph_view`].
    pub service: Service,
}

/// One API version.
#[derive(Clone, Debug)]
pub struct VersionModel {
    /// The path segment (`v1.0`).
    pub segment: String,
    /// The enum variant (`V1_0`).
    pub variant: String,
    /// Docs.
    pub doc: String,
}

/// One location root.
#[derive(Clone, Debug)]
pub struct LocationModel {
    /// The spec key (`me`, `group`), used by operation restrictions and routes.
    pub key: String,
    /// The marker type (`Me`, `Group`).
    pub marker: String,
    /// The accessor on the client (`me`, `group`).
    pub accessor: String,
    /// Docs.
    pub doc: String,
    /// Path after the version.
    pub path: PathTemplate,
    /// Its parameters, in path order.
    pub params: Vec<ParamModel>,
}

/// A typed path parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamModel {
    /// The name in the template (`notebookId`).
    pub wire: String,
    /// The Rust argument (`notebook_id`).
    pub rust: String,
    /// Docs.
    pub doc: String,
    /// Its type (string or integer).
    pub ty: TypeRef,
}

/// The generated module for one spec file.
#[derive(Clone, Debug)]
pub struct Module {
    /// The spec file (`spec/class-notebooks.json`).
    pub source: String,
    /// The module name (`class_notebooks`).
    pub name: String,
    /// Module docs.
    pub doc: String,
    /// Types, sorted by name.
    pub types: Vec<TypeModel>,
    /// Resources (navigation handles), sorted by name.
    pub resources: Vec<ResourceId>,
    /// Operations, sorted by id.
    pub operations: Vec<OperationId>,
    /// True when this module declares the API (locations, versions).
    pub declares_api: bool,
}

/// A named type.
#[derive(Clone, Debug)]
pub struct TypeModel {
    /// The spec name, also the Rust type name.
    pub name: String,
    /// Docs.
    pub doc: String,
    /// Object or enum.
    pub kind: TypeKind,
    /// Where requests and responses carry it: a request's enum is closed and its rules apply,
    /// a response's enum keeps values it does not know.
    pub usage: Usage,
    /// An object's fields a request sends as alternatives, if the documents say so.
    pub exclusive: Option<ExclusiveFields>,
}

/// Groups of an object's optional fields a request sends as alternatives: at most one group,
/// a group's fields together or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExclusiveFields {
    /// The groups, each a list of JSON field names, in spec order.
    pub groups: Vec<Vec<String>>,
    /// The document or page that states it.
    pub source: String,
}

/// Where a type is carried, directly or inside another: in requests (bodies, query
/// parameters), in responses, both or neither.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Some request carries it.
    pub requests: bool,
    /// Some response carries it.
    pub responses: bool,
}

/// What a named type is.
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// A JSON object.
    Object {
        /// Fields in spec order.
        fields: Vec<FieldModel>,
    },
    /// A closed string enum that keeps unknown values.
    Enum {
        /// Values in spec order.
        values: Vec<EnumValueModel>,
        /// Match ignoring case, spaces, `_` and `-`.
        lenient: bool,
    },
}

/// One object field.
#[derive(Clone, Debug)]
pub struct FieldModel {
    /// The JSON name.
    pub wire: String,
    /// The Rust field name.
    pub rust: String,
    /// Docs.
    pub doc: String,
    /// Its type.
    pub ty: TypeRef,
    /// Always present.
    pub required: bool,
    /// May be `null`, distinct from absent.
    pub nullable: bool,
    /// Other accepted spellings when decoding.
    pub aliases: Vec<String>,
    /// What the service accepts in it, when a request sends it.
    pub constraints: Constraints,
}

/// What the documents state the service accepts in one input (a field, a query parameter, a
/// body or a text part). On a list, `min_items` counts its items and the string rules apply to
/// every item. All empty when the documents state nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Constraints {
    /// The fewest characters of a string (`1`: not empty).
    pub min_length: Option<Rule<u32>>,
    /// The most characters of a string.
    pub max_length: Option<Rule<u32>>,
    /// Characters a string may not contain, in the spec's order.
    pub forbidden_characters: Option<Rule<String>>,
    /// A regular expression a string must match.
    pub pattern: Option<Rule<Pattern>>,
    /// The fewest items of a list.
    pub min_items: Option<Rule<u32>>,
    /// The document or page that states them (empty when there is no rule).
    pub source: String,
}

impl Constraints {
    /// True when no rule is set.
    pub fn is_empty(&self) -> bool {
        self.min_length.is_none()
            && self.max_length.is_none()
            && self.forbidden_characters.is_none()
            && self.pattern.is_none()
            && self.min_items.is_none()
    }
}

/// One rule: its value, and the OneNote error code the service answers when it is broken,
/// where a document names one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule<T> {
    /// The limit, characters or pattern.
    pub value: T,
    /// The error code (`20155`).
    pub code: Option<String>,
}

/// A regular expression and what a matching value is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The expression, matched anywhere unless anchored.
    pub regex: String,
    /// What a matching value is, as a noun phrase; empty when the spec gives none.
    pub meaning: String,
}

/// One enum value.
#[derive(Clone, Debug)]
pub struct EnumValueModel {
    /// On the wire.
    pub wire: String,
    /// The Rust variant.
    pub variant: String,
    /// Docs.
    pub doc: String,
}

/// A resolved type reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeRef {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `integer` (i64)
    Integer,
    /// `number` (f64)
    Number,
    /// `date-time` (RFC 3339)
    DateTime,
    /// `json`: any JSON value
    Json,
    /// A named type.
    Named(String),
    /// `T[]`
    Array(Box<TypeRef>),
}

impl TypeRef {
    /// The type as the spec writes it (`ClassNotebook`, `string[]`).
    pub fn spec_text(&self) -> String {
        match self {
            TypeRef::String => "string".to_owned(),
            TypeRef::Boolean => "boolean".to_owned(),
            TypeRef::Integer => "integer".to_owned(),
            TypeRef::Number => "number".to_owned(),
            TypeRef::DateTime => "date-time".to_owned(),
            TypeRef::Json => "json".to_owned(),
            TypeRef::Named(name) => name.clone(),
            TypeRef::Array(inner) => format!("{}[]", inner.spec_text()),
        }
    }
}

/// A navigation handle.
#[derive(Clone, Debug)]
pub struct ResourceModel {
    /// The handle type name (`ClassNotebookResource`).
    pub name: String,
    /// The spec name (`ClassNotebook`), as hosts refer to it.
    pub key: String,
    /// Docs.
    pub doc: String,
    /// The accessor method name (`class_notebook`).
    pub accessor: String,
    /// Where the accessor is generated, one entry per place (several for mounted groups).
    pub hosts: Vec<Host>,
    /// The path from the host to this resource.
    pub path_from_host: PathTemplate,
    /// The parameters of `path_from_host`: the accessor's arguments.
    pub params: Vec<ParamModel>,
    /// Full templates under the notes root, one per mount of its group (else one).
    pub full_paths: Vec<PathTemplate>,
}

/// Where an accessor or operation method lives.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Host {
    /// The location root handle (`Notes<L>`).
    Notes,
    /// The client itself (version-root paths).
    Client,
    /// A resource handle.
    Resource(ResourceId),
}

/// One operation.
#[derive(Clone, Debug)]
pub struct OperationModel {
    /// The unique operation id (`createClassNotebook`).
    pub id: String,
    /// The id its table is found by in `onenote_api::schema::API`: [`id`](Self::id), or
    /// `graph.{id}` for Microsoft Graph's form of it.
    pub table_id: String,
    /// Its place in those tables, which sort every operation (Graph's forms too) by
    /// [`table_id`](Self::table_id). Numbered once Graph's forms exist.
    pub table: usize,
    /// The method on the host (`create`).
    pub call: String,
    /// The request builder type (`CreateClassNotebookRequest`).
    pub builder: String,
    /// Docs from the spec.
    pub doc: String,
    /// HTTP method.
    pub method: Method,
    /// Where the method is generated, one entry per place (several for mounted groups).
    pub hosts: Vec<Host>,
    /// The path from the host.
    pub path_from_host: PathTemplate,
    /// Parameters of `path_from_host`: the method's arguments.
    pub params: Vec<ParamModel>,
    /// Where its routes are in [`Model::routes`].
    pub routes: std::ops::Range<usize>,
    /// Notes root or version root.
    pub root: Root,
    /// Query parameters in spec order.
    pub query: Vec<QueryModel>,
    /// OData options, sorted.
    pub odata: Vec<ODataOption>,
    /// What the spec says about some of them for this operation.
    pub odata_docs: std::collections::BTreeMap<ODataOption, String>,
    /// The largest value the service takes for some numeric options (`top`, `skip`), with the
    /// service's error code for a larger one.
    pub odata_max: std::collections::BTreeMap<ODataOption, Rule<u32>>,
    /// The navigation properties `$expand` takes (fields of the response type), in spec
    /// order; empty without `expand`.
    pub expand: Vec<String>,
    /// The request body, if any.
    pub body: Option<BodyModel>,
    /// What the body holds, from the spec (empty when it says nothing).
    pub body_doc: String,
    /// What the service accepts in the body as a whole (`min_items` of a list body,
    /// `min_length` of a text body).
    pub body_constraints: Constraints,
    /// The service needs a body (`false`: it also takes the request without one).
    pub body_required: bool,
    /// Success status.
    pub status: u16,
    /// What a success returns.
    pub response: ResponseModel,
    /// What the response holds, from the spec (empty when it says nothing).
    pub response_doc: String,
    /// Permission scopes.
    pub scopes: Vec<String>,
    /// Asynchronous form.
    pub async_form: AsyncForm,
    /// The locations it is restricted to, in API order; `None` means all.
    pub locations: Option<Vec<LocationId>>,
}

/// What a successful call decodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseModel {
    /// No body.
    Empty,
    /// A JSON body of this type.
    Json(TypeRef),
    /// An OData collection page of this element type.
    Page(TypeRef),
    /// A text body of this media type, returned as a `String` (never parsed).
    Text {
        /// The media type, also the `Accept` sent (`text/html`).
        media_type: String,
    },
    /// Raw bytes, returned as `Bytes`.
    Bytes {
        /// The `Accept` sent (`*/*`, `image/*`).
        accept: String,
    },
}

impl ResponseModel {
    /// The `Accept` header a call sends.
    pub fn accept(&self) -> &str {
        match self {
            ResponseModel::Text { media_type } => media_type,
            ResponseModel::Bytes { accept } => accept,
            ResponseModel::Empty | ResponseModel::Json(_) | ResponseModel::Page(_) => {
                "application/json"
            }
        }
    }
}

/// What a request sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyModel {
    /// A JSON body of this type (an array type is a JSON array).
    Json(TypeRef),
    /// A text body of this media type, taken as a string.
    Text {
        /// The `Content-Type` (`text/html`).
        media_type: String,
    },
    /// A `multipart/form-data` body.
    Multipart(MultipartModel),
}

/// A multipart body: the parts the spec declares, and the caller's binary parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultipartModel {
    /// What the body holds.
    pub doc: String,
    /// The declared parts, in spec order.
    pub parts: Vec<PartModel>,
    /// Binary parts the caller may add; `None` allows none.
    pub binary_parts: Option<BinaryPartsModel>,
    /// The declared text part sent as the whole body when it is the only part.
    pub alone: Option<String>,
}

/// One declared part of a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartModel {
    /// The name sent in `Content-Disposition` (`Presentation`).
    pub name: String,
    /// What it holds.
    pub doc: String,
    /// Its content.
    pub content: PartContent,
    /// The request is refused (before sending) without it.
    pub required: bool,
    /// What the service accepts in a text part.
    pub constraints: Constraints,
}

/// The content of a declared part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartContent {
    /// Text of this media type.
    Text {
        /// The part's `Content-Type`.
        media_type: String,
    },
    /// JSON of this type (`application/json`).
    Json(TypeRef),
}

impl PartContent {
    /// The part's `Content-Type`.
    pub fn media_type(&self) -> &str {
        match self {
            PartContent::Text { media_type } => media_type,
            PartContent::Json(_) => "application/json",
        }
    }
}

/// Binary parts a caller may add to a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BinaryPartsModel {
    /// What they are for.
    pub doc: String,
    /// The most bytes one part may hold.
    pub max_bytes: u64,
}

/// One query parameter.
#[derive(Clone, Debug)]
pub struct QueryModel {
    /// The name on the wire.
    pub wire: String,
    /// The setter name.
    pub rust: String,
    /// Docs.
    pub doc: String,
    /// Set by the caller, or always sent.
    pub value: QueryValue,
    /// What the service accepts in it.
    pub constraints: Constraints,
}

/// How a query parameter gets its value.
#[derive(Clone, Debug)]
pub enum QueryValue {
    /// The caller may set it.
    Typed(TypeRef),
    /// Always sent with this value.
    Const(String),
}

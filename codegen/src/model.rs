//! The resolved model: what `validate` proves about the spec, in the form emit walks.
//!
//! Every name here is already a Rust identifier made by `names::ident`, every reference is
//! resolved, and every list is in the order it reaches the output.

pub use crate::spec::{AsyncForm, Method, ODataOption, Root};

/// The whole API, ready to emit.
#[derive(Clone, Debug)]
pub struct Model {
    /// The service description.
    pub api: ApiModel,
    /// One entry per spec file, sorted by file name.
    pub modules: Vec<Module>,
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

/// A path template split into segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathTemplate {
    /// The segments between `/`.
    pub segments: Vec<Segment>,
}

/// One path segment: literal text and parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The parts in order.
    pub parts: Vec<Part>,
}

/// A piece of a path segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Text sent as written.
    Literal(String),
    /// A parameter, percent-encoded as one segment.
    Param(String),
    /// A parameter inside `'…'`: an OData string literal (quotes doubled, then percent-encoded).
    QuotedParam(String),
}

impl PathTemplate {
    /// The template as written in the spec (`classNotebooks/{notebookId}`).
    pub fn to_template(&self) -> String {
        self.segments
            .iter()
            .map(|segment| {
                segment
                    .parts
                    .iter()
                    .map(|part| match part {
                        Part::Literal(text) => text.clone(),
                        Part::Param(name) => format!("{{{name}}}"),
                        Part::QuotedParam(name) => format!("'{{{name}}}'"),
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The parameter names in path order.
    pub fn params(&self) -> Vec<&str> {
        self.segments
            .iter()
            .flat_map(|segment| &segment.parts)
            .filter_map(|part| match part {
                Part::Literal(_) => None,
                Part::Param(name) | Part::QuotedParam(name) => Some(name.as_str()),
            })
            .collect()
    }

    /// The segments after the first `n`.
    pub fn tail(&self, n: usize) -> PathTemplate {
        PathTemplate {
            segments: self.segments.iter().skip(n).cloned().collect(),
        }
    }

    /// True when `prefix`'s segments start this template.
    pub fn starts_with(&self, prefix: &PathTemplate) -> bool {
        self.segments.starts_with(&prefix.segments)
    }
}

/// A typed path parameter.
#[derive(Clone, Debug)]
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
    pub resources: Vec<ResourceModel>,
    /// Operations, sorted by id.
    pub operations: Vec<OperationModel>,
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
    /// Full templates (from the notes or version root) for docs, one per mount.
    pub full_paths: Vec<String>,
}

/// Where an accessor or operation method lives.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Host {
    /// The location root handle (`Notes<L>`).
    Notes,
    /// The client itself (version-root paths).
    Client,
    /// A resource handle, by its spec name (`ClassNotebook`; the type is `names::handle_type`).
    Resource(String),
}

/// One operation.
#[derive(Clone, Debug)]
pub struct OperationModel {
    /// The unique operation id (`createClassNotebook`).
    pub id: String,
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
    /// Full templates for docs and routes, one per mount, relative to `root`.
    pub full_paths: Vec<String>,
    /// Notes root or version root.
    pub root: Root,
    /// Query parameters in spec order.
    pub query: Vec<QueryModel>,
    /// OData options, sorted.
    pub odata: Vec<ODataOption>,
    /// The request body type.
    pub body: Option<TypeRef>,
    /// Success status.
    pub status: u16,
    /// What a success returns.
    pub response: ResponseModel,
    /// Permission scopes.
    pub scopes: Vec<String>,
    /// Asynchronous form.
    pub async_form: AsyncForm,
    /// Allowed location keys; `None` means all.
    pub locations: Option<Vec<String>>,
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
}

/// How a query parameter gets its value.
#[derive(Clone, Debug)]
pub enum QueryValue {
    /// The caller may set it.
    Typed(TypeRef),
    /// Always sent with this value.
    Const(String),
}

//! The spec format: the types a spec file is read into, which also produce `spec/schema.json`.
//!
//! These types say what may be written, not whether it makes sense: `validate` checks
//! references, names and paths and builds the resolved `model`.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use crate::json::Pos;

/// One spec file.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "OneNote API spec file")]
pub struct SpecFile {
    /// Path to `schema.json`, so editors validate and complete the file.
    #[serde(rename = "$schema")]
    pub schema: Option<String>,
    /// What this file describes; becomes the generated module's documentation.
    pub doc: String,
    /// The service itself: base URL, versions and locations. Exactly one file has it.
    pub api: Option<Spanned<Api>>,
    /// Named data types: objects and closed string enums.
    #[serde(default)]
    pub types: Entries<TypeDef>,
    /// Navigation points: a path prefix that callers reach with an accessor method.
    #[serde(default)]
    pub resources: Entries<Resource>,
    /// Operations, keyed by their unique operation id (camelCase).
    #[serde(default)]
    pub operations: Entries<Operation>,
    /// Reusable groups of resources and operations mounted under several resources.
    #[serde(default)]
    pub groups: Entries<Group>,
}

/// The service: where it lives, its versions and the location roots every path hangs from.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Api {
    /// What the service is; becomes the crate-level summary of the generated code.
    pub doc: String,
    /// Default base URL, without the version (e.g. `https://www.onenote.com/api`).
    pub base_url: Spanned<String>,
    /// The API versions, keyed by their path segment (`v1.0`, `beta`).
    pub versions: Entries<ApiVersion>,
    /// The version a client uses unless told otherwise.
    pub default_version: Spanned<String>,
    /// The segment after the location that operations hang from (`notes`).
    pub notes_root: Spanned<String>,
    /// Location roots, keyed by the accessor name (`me`, `user`, `site`, `group`).
    pub locations: Entries<Location>,
    /// Microsoft Graph, the second service: its root and locations. Operations it serves say
    /// so with `"services"`; types they use give their `"graph"` shape.
    pub graph: Option<Spanned<GraphApi>>,
}

/// Microsoft Graph's OneNote root: `{baseUrl}/{version}/{location}/{notesRoot}/`, with the
/// versions of the main service.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GraphApi {
    /// What Microsoft Graph offers here and how it differs.
    pub doc: String,
    /// Default base URL, without the version (`https://graph.microsoft.com`).
    pub base_url: Spanned<String>,
    /// The segment after the location (`onenote`).
    pub notes_root: Spanned<String>,
    /// Location roots, keyed like the main service's (the same kinds: `me`, `user`, …).
    pub locations: Entries<Location>,
}

/// The services an operation can be served by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Service {
    /// `https://www.onenote.com/api` (the `api` section).
    OneNote,
    /// Microsoft Graph (the `api.graph` section).
    Graph,
}

fn onenote_only() -> Vec<Spanned<Service>> {
    vec![Spanned {
        pos: Pos { line: 0, column: 0 },
        value: Service::OneNote,
    }]
}

/// How a type reads on Microsoft Graph: the fields whose name or type differ, the fields
/// Graph lacks or adds. `{}` says the shape is the same.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GraphShape {
    /// Docs for the Graph type, when they differ.
    pub doc: Option<String>,
    /// Changes to fields, keyed by the main service's JSON name.
    #[serde(default)]
    pub fields: Entries<GraphField>,
    /// Fields Graph does not have (main-service JSON names).
    #[serde(default)]
    pub omit: Vec<Spanned<String>>,
    /// Fields only Graph has, keyed by their JSON name.
    #[serde(default)]
    pub add: Entries<Field>,
    /// Enum values only Graph sends.
    #[serde(default, rename = "addValues")]
    pub add_values: Vec<Spanned<EnumValue>>,
}

/// One field as Graph writes it: its JSON name, or its type, or both.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GraphField {
    /// Graph's JSON name (`displayName` for `name`).
    pub name: Option<Spanned<String>>,
    /// Graph's type (`IdentitySet` for a string `createdBy`).
    #[serde(rename = "type")]
    pub ty: Option<Spanned<String>>,
    /// Docs, when they differ.
    pub doc: Option<String>,
}

/// One API version.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiVersion {
    /// What this version offers.
    pub doc: String,
}

/// A location root: whose notebooks a call works on.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Whose notebooks these are.
    pub doc: String,
    /// Path template after the version (e.g. `users/{userId}`).
    pub path: Spanned<String>,
    /// The path's parameters.
    #[serde(default)]
    pub params: Entries<Param>,
}

/// A named data type: exactly one of `fields` (an object) or `values` (a closed string enum).
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// What the type represents.
    pub doc: String,
    /// An object that has every property of this other object type first, then its own
    /// `fields` (`"extends": "Notebook"`).
    pub extends: Option<Spanned<String>>,
    /// An object's properties, keyed by their JSON name.
    pub fields: Option<Entries<Field>>,
    /// A closed string enum's values. Unknown values received from the service are kept.
    pub values: Option<Vec<Spanned<EnumValue>>>,
    /// Enum only: match received values ignoring case, spaces, `_` and `-`.
    #[serde(default)]
    pub lenient: bool,
    /// The type's shape on Microsoft Graph; needed by every type a Graph operation uses.
    pub graph: Option<Spanned<GraphShape>>,
    /// Object only: fields sent as alternatives (at most one group, each group whole).
    pub exclusive: Option<Spanned<Exclusive>>,
}

/// Groups of optional fields a request sends as alternatives: at most one group, and a
/// group's fields together or not at all (`{ "groups": [["groupId"], ["siteCollectionId",
/// "siteId"]], "source": "…" }`).
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exclusive {
    /// The groups, each a list of field names (JSON names).
    pub groups: Vec<Vec<Spanned<String>>>,
    /// The document or page that states it.
    pub source: Spanned<String>,
}

/// One property of an object type.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// What the property holds.
    pub doc: String,
    /// `string`, `boolean`, `integer`, `number`, `date-time`, `json`, a type name, or `T[]`.
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    /// The property is always present.
    #[serde(default)]
    pub required: bool,
    /// The property may be `null`, and `null` means something other than absent.
    #[serde(default)]
    pub nullable: bool,
    /// Other spellings accepted when decoding (e.g. `Id` for `id`); the JSON name is sent.
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// The Rust field name (snake_case), when the one made from the JSON name would clash.
    #[serde(rename = "rustName")]
    pub rust_name: Option<Spanned<String>>,
    /// Strings (and each item of a list of strings): the fewest characters (Unicode scalar
    /// values) the service takes; `1` means not empty. A number, or `{ "value", "code" }` with
    /// the service's error code for breaking it.
    #[serde(rename = "minLength")]
    pub min_length: Option<Spanned<Rule<u32>>>,
    /// Strings (and each item of a list of strings): the most characters the service takes.
    #[serde(rename = "maxLength")]
    pub max_length: Option<Spanned<Rule<u32>>>,
    /// Strings (and each item of a list of strings): characters the service refuses, written
    /// one after another (`"?*\\/:<>|"`).
    #[serde(rename = "forbiddenCharacters")]
    pub forbidden_characters: Option<Spanned<Rule<String>>>,
    /// Strings (and each item of a list of strings): a regular expression the value must match
    /// anywhere (anchor it with `^…$` to match the whole), in the syntax ECMA-262 and Rust's
    /// `regex` share; the object form's `"meaning"` says what a matching value is.
    pub pattern: Option<Spanned<Rule<String>>>,
    /// Lists: the fewest items the service takes.
    #[serde(rename = "minItems")]
    pub min_items: Option<Spanned<Rule<u32>>>,
    /// The document or page that states these rules (required with any of them).
    pub source: Option<Spanned<String>>,
}

/// One value of a closed string enum.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The value exactly as it appears on the wire.
    pub value: Spanned<String>,
    /// What the value means.
    pub doc: String,
    /// The Rust variant name (UpperCamelCase), when the one made from the value would clash.
    pub variant: Option<Spanned<String>>,
}

/// A typed path parameter.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// What the parameter identifies.
    pub doc: String,
    /// `string` or `integer`.
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
}

/// A navigation point: callers reach the path with an accessor method and call operations on it.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// What the resource is.
    pub doc: String,
    /// Path template relative to the notes root (or to the mount point inside a group).
    pub path: Spanned<String>,
    /// Parameters this path adds to its parent's.
    #[serde(default)]
    pub params: Entries<Param>,
}

/// A group of resources and operations written once and mounted under several resources.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Group {
    /// What the group provides.
    pub doc: String,
    /// The resources this group hangs under; its paths are relative to each of them.
    pub mounted_at: Vec<Spanned<String>>,
    /// The group's resources.
    #[serde(default)]
    pub resources: Entries<Resource>,
    /// The group's operations.
    #[serde(default)]
    pub operations: Entries<Operation>,
}

/// One HTTP operation.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Operation {
    /// The Rust method name on its resource (snake_case); defaults to the operation id.
    pub call: Option<Spanned<String>>,
    /// What the call does, its caveats, and what the caller should know.
    pub doc: String,
    /// The HTTP method.
    pub method: Spanned<Method>,
    /// Path template relative to the notes root (or the mount point, in a group).
    /// `{name}` is a parameter; `'{name}'` is an OData string literal.
    pub path: Spanned<String>,
    /// `notes` (default): under `{version}/{location}/notes/`; `version`: under `{version}/`.
    #[serde(default)]
    pub root: Root,
    /// Parameters in the path that no resource declares.
    #[serde(default)]
    pub params: Entries<Param>,
    /// Query parameters, keyed by their wire name.
    #[serde(default)]
    pub query: Entries<QueryParam>,
    /// The OData system query options the operation accepts: a list (`["top", "skip"]`), or
    /// an object giving each one's docs for this operation (`{ "orderby": "Default order
    /// `name asc`." }`).
    #[serde(default)]
    pub odata: ODataSpec,
    /// The request body: a JSON type name (`"CreateClassNotebook"`), or an object naming its
    /// content type (`{ "json": … }`, `{ "text": "text/html" }`, `{ "multipart": … }`).
    pub body: Option<Spanned<BodySpec>>,
    /// The success status of the synchronous form.
    pub status: Spanned<u16>,
    /// The response body: a JSON type name, where `T[]` is an OData collection (`value`,
    /// `@odata.nextLink`), or an object naming its content type (`{ "json": … }`,
    /// `{ "text": "text/html" }`, `{ "bytes": "image/*" }`).
    pub response: Option<Spanned<ResponseSpec>>,
    /// The permission scopes, any one of which allows the call; empty when the documents name none.
    pub scopes: Vec<Spanned<String>>,
    /// Whether the call has a `Prefer: respond-async` form.
    #[serde(default, rename = "async")]
    pub async_form: AsyncForm,
    /// Restricts the operation to these locations; absent means every location.
    pub locations: Option<Vec<Spanned<String>>>,
    /// The services that serve it: `["oneNote"]` (the default), or `["oneNote", "graph"]`.
    #[serde(default = "onenote_only")]
    pub services: Vec<Spanned<Service>>,
}

/// A request body: the shorthand `"TypeName"` (JSON), or an object with its content type.
#[derive(Debug, JsonSchema)]
#[schemars(untagged)]
pub enum BodySpec {
    /// `"CreateClassNotebook"`: a JSON body of this type.
    Json(String),
    /// `{ "json" | "text" | "multipart": … }` (boxed: it is much larger than a name).
    Typed(Box<BodyObject>),
}

/// A request body with its content type: exactly one of `json`, `text` or `multipart`.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyObject {
    /// What the caller passes (shown with the `body` argument).
    pub doc: Option<String>,
    /// A JSON body of this type (`T[]` is a JSON array, e.g. a list of commands).
    pub json: Option<Spanned<String>>,
    /// A text body of this media type (`text/html`), taken as a string.
    pub text: Option<Spanned<String>>,
    /// A `multipart/form-data` body with named parts.
    pub multipart: Option<Spanned<MultipartSpec>>,
    /// A JSON list body: the fewest items the service takes.
    #[serde(rename = "minItems")]
    pub min_items: Option<Spanned<Rule<u32>>>,
    /// A text body: the fewest characters the service takes (`1`: not empty).
    #[serde(rename = "minLength")]
    pub min_length: Option<Spanned<Rule<u32>>>,
    /// The document or page that states these rules (required with either), or that the
    /// service takes the request without a body.
    pub source: Option<Spanned<String>>,
    /// `false`: the service also takes the request with no body at all (the client still
    /// sends one). JSON bodies only; say where the documents allow it in `"source"`.
    pub required: Option<Spanned<bool>>,
}

/// A `multipart/form-data` body: the parts the spec names, and whether the caller may add
/// binary parts of their own.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MultipartSpec {
    /// What the body holds.
    pub doc: String,
    /// The named parts, keyed by the part name sent in `Content-Disposition`.
    #[serde(default)]
    pub parts: Entries<PartSpec>,
    /// Binary parts the caller names (images, files); absent means none are allowed.
    pub binary_parts: Option<Spanned<BinaryPartsSpec>>,
    /// A declared text part that is sent on its own, as the whole body with its media type and
    /// without multipart framing, when the caller adds no other part (a page from HTML alone).
    pub alone: Option<Spanned<String>>,
}

/// One named part of a multipart body: exactly one of `text` or `json`.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartSpec {
    /// What the part holds.
    pub doc: String,
    /// A text part of this media type (`text/html`).
    pub text: Option<Spanned<String>>,
    /// A JSON part of this type.
    pub json: Option<Spanned<String>>,
    /// The request cannot be sent without it (default `true`).
    #[serde(default = "yes")]
    pub required: bool,
    /// A text part: the fewest characters the service takes (`1`: not empty).
    #[serde(rename = "minLength")]
    pub min_length: Option<Spanned<Rule<u32>>>,
    /// A text part: the most characters the service takes.
    #[serde(rename = "maxLength")]
    pub max_length: Option<Spanned<Rule<u32>>>,
    /// The document or page that states these rules (required with either).
    pub source: Option<Spanned<String>>,
}

fn yes() -> bool {
    true
}

/// The binary parts a caller may add to a multipart body.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BinaryPartsSpec {
    /// What the parts are for, and how the body refers to them.
    pub doc: String,
    /// The most bytes one part may hold; checked before anything is sent.
    pub max_bytes: Spanned<u64>,
}

/// A response body: the shorthand `"TypeName"` / `"TypeName[]"` (JSON, an OData page), or an
/// object with its content type.
#[derive(Debug, JsonSchema)]
#[schemars(untagged)]
pub enum ResponseSpec {
    /// `"ClassNotebook"` (JSON) or `"ClassNotebook[]"` (an OData collection page).
    Json(String),
    /// `{ "json" | "text" | "bytes": … }`.
    Typed(ResponseObject),
}

/// A response body with its content type: exactly one of `json`, `text` or `bytes`.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseObject {
    /// What the response holds.
    pub doc: Option<String>,
    /// A JSON body of this type (`T[]` is a plain JSON array, not an OData page).
    pub json: Option<Spanned<String>>,
    /// A text body of this media type (`text/html`), returned as a `String`.
    pub text: Option<Spanned<String>>,
    /// Raw bytes, sent with this `Accept` (`*/*`, `image/*`), returned as `Bytes`.
    pub bytes: Option<Spanned<String>>,
}

/// The struct names the decoder recognises as "a string here is the shorthand".
pub(crate) const SHORTHAND_BODY: &str = "$__codegen_shorthand_body";
pub(crate) const SHORTHAND_RESPONSE: &str = "$__codegen_shorthand_response";
const BODY_FIELDS: &[&str] = &[
    "doc",
    "json",
    "text",
    "multipart",
    "minItems",
    "minLength",
    "source",
    "required",
];
const RESPONSE_FIELDS: &[&str] = &["doc", "json", "text", "bytes"];

/// Deserializes `S` from a string (the shorthand) or an object (the full form), telling the
/// decoder so with the struct name `name`.
fn shorthand_or_object<'de, D, S, F>(
    deserializer: D,
    name: &'static str,
    fields: &'static [&'static str],
    expecting: &'static str,
    shorthand: fn(String) -> S,
    full: fn(F) -> S,
) -> Result<S, D::Error>
where
    D: Deserializer<'de>,
    F: Deserialize<'de>,
{
    struct ShorthandVisitor<S, F> {
        expecting: &'static str,
        shorthand: fn(String) -> S,
        full: fn(F) -> S,
    }
    impl<'de, S, F: Deserialize<'de>> Visitor<'de> for ShorthandVisitor<S, F> {
        type Value = S;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<S, E> {
            Ok((self.shorthand)(value.to_owned()))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<S, A::Error> {
            F::deserialize(de::value::MapAccessDeserializer::new(map)).map(self.full)
        }
    }
    deserializer.deserialize_struct(
        name,
        fields,
        ShorthandVisitor {
            expecting,
            shorthand,
            full,
        },
    )
}

impl<'de> Deserialize<'de> for BodySpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        shorthand_or_object(
            deserializer,
            SHORTHAND_BODY,
            BODY_FIELDS,
            "a type name or an object with \"json\", \"text\" or \"multipart\"",
            BodySpec::Json,
            |object| BodySpec::Typed(Box::new(object)),
        )
    }
}

impl<'de> Deserialize<'de> for ResponseSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        shorthand_or_object(
            deserializer,
            SHORTHAND_RESPONSE,
            RESPONSE_FIELDS,
            "a type name or an object with \"json\", \"text\" or \"bytes\"",
            ResponseSpec::Json,
            ResponseSpec::Typed,
        )
    }
}

/// A query parameter: either typed and set by the caller, or a constant always sent.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct QueryParam {
    /// What the parameter does, including the service's default.
    pub doc: String,
    /// The value type (`string`, `boolean`, `integer`, or an enum type); absent with `const`.
    #[serde(rename = "type")]
    pub ty: Option<Spanned<String>>,
    /// A value always sent; the caller cannot change it.
    #[serde(rename = "const")]
    pub constant: Option<Spanned<String>>,
    /// The Rust setter name, when the wire name is not a good one (e.g. `sendemail`).
    pub rust_name: Option<Spanned<String>>,
    /// Strings (and each item of a list of strings): the fewest characters (Unicode scalar
    /// values) the service takes; `1` means not empty. A number, or `{ "value", "code" }` with
    /// the service's error code for breaking it.
    pub min_length: Option<Spanned<Rule<u32>>>,
    /// Strings (and each item of a list of strings): the most characters the service takes.
    pub max_length: Option<Spanned<Rule<u32>>>,
    /// Strings (and each item of a list of strings): characters the service refuses, written
    /// one after another (`"?*\\/:<>|"`).
    pub forbidden_characters: Option<Spanned<Rule<String>>>,
    /// Strings (and each item of a list of strings): a regular expression the value must match
    /// anywhere (anchor it with `^…$` to match the whole), in the syntax ECMA-262 and Rust's
    /// `regex` share; the object form's `"meaning"` says what a matching value is.
    pub pattern: Option<Spanned<Rule<String>>>,
    /// Lists: the fewest items the service takes.
    pub min_items: Option<Spanned<Rule<u32>>>,
    /// The document or page that states these rules (required with any of them).
    pub source: Option<Spanned<String>>,
}

/// HTTP methods the spec can use (the documents use no PUT, so the format has none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Where an operation's path starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Root {
    /// `{base}/{version}/{location}/notes/`
    #[default]
    Notes,
    /// `{base}/{version}/`, outside any location (e.g. `FromUrl`).
    Version,
}

/// Whether an operation has the asynchronous `Prefer: respond-async` form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum AsyncForm {
    /// Synchronous only.
    #[default]
    None,
    /// Both forms; the caller chooses with `respond_async()`.
    Optional,
    /// Asynchronous only: the call always returns an operation to poll.
    Only,
}

/// OData system query options.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ODataOption {
    /// `$filter`
    Filter,
    /// `$orderby`
    Orderby,
    /// `$select`
    Select,
    /// `$top`
    Top,
    /// `$skip`
    Skip,
    /// `$expand`
    Expand,
    /// `$count`
    Count,
}

impl ODataOption {
    /// Every option, in the order the spec format lists them.
    pub const ALL: [ODataOption; 7] = [
        ODataOption::Filter,
        ODataOption::Orderby,
        ODataOption::Select,
        ODataOption::Top,
        ODataOption::Skip,
        ODataOption::Expand,
        ODataOption::Count,
    ];

    /// The option's name without the `$`.
    pub fn as_str(self) -> &'static str {
        match self {
            ODataOption::Filter => "filter",
            ODataOption::Orderby => "orderby",
            ODataOption::Select => "select",
            ODataOption::Top => "top",
            ODataOption::Skip => "skip",
            ODataOption::Expand => "expand",
            ODataOption::Count => "count",
        }
    }
}

/// The OData options of an operation: the names alone, or each with its docs.
#[derive(Debug)]
pub enum ODataSpec {
    /// `["filter", "top"]`.
    List(Vec<Spanned<ODataOption>>),
    /// `{ "orderby": "Default order `name asc`.", "top": { "doc": "", "max": 100 } }`: option
    /// name → what it does here.
    Documented(Entries<ODataDoc>),
}

/// What the spec says about one OData option of an operation: its docs (`"…"`), or an object
/// with its docs and the largest value the service takes (`{ "doc": "…", "max": 100 }`) or the
/// navigation properties `$expand` takes (`{ "doc": "…", "values": ["teachers"] }`).
#[derive(Debug)]
pub struct ODataDoc {
    /// What the option does for this operation (`""` when there is nothing to add).
    pub doc: String,
    /// The largest value the service takes (`top` and `skip` only), checked before sending,
    /// with the service's error code for a larger one (`{ "value": 100, "code": "20129" }`).
    pub max: Option<Spanned<Rule<u32>>>,
    /// The properties `$expand` takes (`expand` only), checked before sending.
    pub values: Option<Spanned<Vec<Spanned<String>>>>,
}

/// The object form of [`ODataDoc`].
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ODataLimit {
    /// What the option does for this operation.
    #[serde(default)]
    doc: String,
    /// `top` and `skip`: the largest value the service takes (a number, or `{ "value", "code" }`).
    max: Option<Spanned<Rule<u32>>>,
    /// `expand`: the navigation properties it takes (fields of the response type).
    values: Option<Spanned<Vec<Spanned<String>>>>,
}

impl<'de> Deserialize<'de> for ODataDoc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DocVisitor;
        impl<'de> Visitor<'de> for DocVisitor {
            type Value = ODataDoc;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "the option's docs, or an object with \"doc\" and \"max\" or \"values\"",
                )
            }
            fn visit_str<E: de::Error>(self, doc: &str) -> Result<ODataDoc, E> {
                Ok(ODataDoc {
                    doc: doc.to_owned(),
                    max: None,
                    values: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ODataDoc, A::Error> {
                ODataLimit::deserialize(de::value::MapAccessDeserializer::new(map)).map(|limit| {
                    ODataDoc {
                        doc: limit.doc,
                        max: limit.max,
                        values: limit.values,
                    }
                })
            }
        }
        deserializer.deserialize_any(DocVisitor)
    }
}

impl Default for ODataSpec {
    fn default() -> Self {
        ODataSpec::List(Vec::new())
    }
}

impl<'de> Deserialize<'de> for ODataSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ODataVisitor;
        impl<'de> Visitor<'de> for ODataVisitor {
            type Value = ODataSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of OData options or an object of their docs")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<ODataSpec, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(ODataSpec::List)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ODataSpec, A::Error> {
                Entries::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(ODataSpec::Documented)
            }
        }
        deserializer.deserialize_any(ODataVisitor)
    }
}

impl JsonSchema for ODataSpec {
    fn schema_name() -> Cow<'static, str> {
        "ODataSpec".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let option = generator.subschema_for::<ODataOption>();
        let limit = generator.subschema_for::<ODataLimit>();
        json_schema!({
            "description": "The OData system query options the operation accepts: a list, or an object giving each one's docs for this operation (and, for `top` and `skip`, the largest value the service takes: `{ \"doc\": \"…\", \"max\": 100 }`; for `expand`, the properties it takes: `{ \"doc\": \"…\", \"values\": [\"teachers\"] }`).",
            "anyOf": [
                { "type": "array", "items": option },
                {
                    "type": "object",
                    "propertyNames": option,
                    "additionalProperties": { "anyOf": [{ "type": "string" }, limit] },
                },
            ],
        })
    }
}

/// A rule on an input: the bare value (`"maxLength": 128`), or an object with the error code
/// the service answers when it is broken, where a document names one (`"maxLength": { "value":
/// 128, "code": "20155" }`), and, for a pattern, what a matching value is (`"meaning"`).
#[derive(Debug)]
pub struct Rule<T> {
    /// The limit, characters or pattern.
    pub value: T,
    /// The OneNote error code (`"20155"`).
    pub code: Option<Spanned<String>>,
    /// A pattern's matching values, as a noun phrase ("a name that does not start with a
    /// space"), for messages.
    pub meaning: Option<Spanned<String>>,
}

/// The struct name the decoder recognises as "a bare value here is the shorthand rule".
pub(crate) const SHORTHAND_RULE: &str = "$__codegen_shorthand_rule";
const RULE_FIELDS: &[&str] = &["value", "code", "meaning"];

/// The object form of [`Rule`].
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RuleObject")]
struct RuleObject<T> {
    /// The limit, characters or pattern.
    value: T,
    /// The OneNote error code the service answers when the rule is broken (`"20155"`).
    code: Option<Spanned<String>>,
    /// For a pattern: what a matching value is, as a noun phrase.
    meaning: Option<Spanned<String>>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Rule<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RuleVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for RuleVisitor<T> {
            type Value = Rule<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the rule's value, or an object with \"value\" and \"code\"")
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Rule<T>, E> {
                T::deserialize(de::value::U64Deserializer::<E>::new(value)).map(Rule::bare)
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Rule<T>, E> {
                T::deserialize(de::value::I64Deserializer::<E>::new(value)).map(Rule::bare)
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Rule<T>, E> {
                T::deserialize(de::value::StrDeserializer::<E>::new(value)).map(Rule::bare)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Rule<T>, A::Error> {
                RuleObject::deserialize(de::value::MapAccessDeserializer::new(map)).map(|object| {
                    Rule {
                        value: object.value,
                        code: object.code,
                        meaning: object.meaning,
                    }
                })
            }
        }
        deserializer.deserialize_struct(SHORTHAND_RULE, RULE_FIELDS, RuleVisitor(PhantomData))
    }
}

impl<T> Rule<T> {
    fn bare(value: T) -> Self {
        Rule {
            value,
            code: None,
            meaning: None,
        }
    }
}

impl<T: JsonSchema> JsonSchema for Rule<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Rule_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = generator.subschema_for::<T>();
        let object = generator.subschema_for::<RuleObject<T>>();
        json_schema!({
            "description": "The rule's value, or an object with it (`value`), the OneNote error code the service answers when the rule is broken (`code`) and, for a pattern, what a matching value is (`meaning`).",
            "anyOf": [value, object],
        })
    }
}

/// A value with the position it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// Where the value starts in its file.
    pub pos: Pos,
    /// The value.
    pub value: T,
}

/// The struct name the decoder recognises to hand over positions (as toml's `Spanned` does).
pub(crate) const SPANNED: &str = "$__codegen_spanned";
pub(crate) const SPANNED_FIELDS: &[&str] = &["$__line", "$__column", "$__value"];

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpannedVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for SpannedVisitor<T> {
            type Value = Spanned<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value with a position")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                expect_key(&mut map, "line")?;
                let line: u32 = map.next_value()?;
                expect_key(&mut map, "column")?;
                let column: u32 = map.next_value()?;
                expect_key(&mut map, "value")?;
                let value: T = map.next_value()?;
                Ok(Spanned {
                    pos: Pos { line, column },
                    value,
                })
            }
        }
        deserializer.deserialize_struct(SPANNED, SPANNED_FIELDS, SpannedVisitor(PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// Reads the next key of the decoder's position map, which must be there.
fn expect_key<'de, A: MapAccess<'de>>(map: &mut A, what: &str) -> Result<(), A::Error> {
    match map.next_key::<String>()? {
        Some(_) => Ok(()),
        None => Err(de::Error::custom(format_args!("{what} missing"))),
    }
}

/// A JSON object read as named entries in source order, keeping every key's position.
///
/// Entries whose value failed to decode are listed in `broken`, so later checks do not
/// report a second, confusing error about a name the file does define.
#[derive(Debug)]
pub struct Entries<T> {
    /// The entries that decoded, in source order.
    pub entries: Vec<(Spanned<String>, Spanned<T>)>,
    /// Names whose value failed to decode (already reported).
    pub broken: Vec<String>,
}

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries {
            entries: Vec::new(),
            broken: Vec::new(),
        }
    }
}

impl<T> Entries<T> {
    /// The decoded entries in source order.
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<String>, &Spanned<T>)> {
        self.entries.iter().map(|(key, value)| (key, value))
    }
}

/// Marks an error that the decoder already recorded, so callers skip the entry silently.
pub(crate) const REPORTED: &str = "$__codegen_reported";

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for EntriesVisitor<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Entries::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    match map.next_value::<Spanned<T>>() {
                        Ok(value) => entries.entries.push((key, value)),
                        Err(error) if error.to_string() == REPORTED => {
                            entries.broken.push(key.value);
                        }
                        Err(error) => return Err(error),
                    }
                }
                Ok(entries)
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for Entries<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("Entries_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = generator.subschema_for::<T>();
        json_schema!({
            "type": "object",
            "additionalProperties": value,
        })
    }
}

/// The JSON Schema of the spec format, as written to `spec/schema.json`.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(SpecFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

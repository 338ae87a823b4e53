//! What a generated command calls: the `Context` (client, location, output format), `Inputs`
//! (the command's arguments as typed values and bodies), and the printing of each kind of
//! answer (one object, a list, nothing, text, bytes, an operation).

use std::future::Future;
use std::io::{self, IsTerminal, Read, Write};
use std::pin::Pin;
use std::sync::OnceLock;

use bytes::Bytes;
use clap::ArgMatches;
use onenote_api::{
    Client, Multipart, Operation, OperationHandle, Page, Request, Response, TokenProvider,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::failure::Failure;
use crate::generated::{LOCATIONS, Location};
use crate::output::{self, Format};
use crate::tree::{Found, Input, Kind, Leaf, Role};

/// The future a generated command's `run` returns.
pub(crate) type Run<'a> = Pin<Box<dyn Future<Output = Result<(), Failure>> + 'a>>;

/// Something done with a location's notes root, whichever location it is (the roster sync
/// is generic over the location, like the client).
pub(crate) trait AtLocation {
    /// What it gives.
    type Output;
    /// Does it at `notes`.
    fn at<L: onenote_api::Location + Send + Sync + 'static>(
        self,
        notes: onenote_api::Notes<L>,
    ) -> Self::Output;
}

/// What every command shares: how to reach the service, where, and how to print.
pub(crate) struct Context {
    base_url: Option<String>,
    graph_base_url: Option<String>,
    /// `--service graph`: the general resources on Microsoft Graph.
    graph: bool,
    format: Format,
    location: Result<Location, String>,
    client: OnceLock<Client>,
}

impl Context {
    /// Reads the global flags.
    pub(crate) fn new(matches: &ArgMatches) -> Context {
        Context {
            base_url: matches.get_one::<String>("base-url").cloned(),
            graph_base_url: matches.get_one::<String>("graph-base-url").cloned(),
            graph: matches.get_one::<String>("service").map(String::as_str) == Some("graph"),
            format: Format::choose(matches.get_one::<String>("output").map(String::as_str)),
            location: location(matches),
            client: OnceLock::new(),
        }
    }

    /// Where commands work.
    pub(crate) fn location(&self) -> Result<&Location, Failure> {
        self.location
            .as_ref()
            .map_err(|message| Failure::usage(message.clone()))
    }

    /// Whether commands go to Microsoft Graph (`--service graph`) rather than onenote.com.
    pub(crate) fn graph(&self) -> bool {
        self.graph
    }

    /// How answers are printed.
    pub(crate) fn format(&self) -> Format {
        self.format
    }

    /// The client, made on first use with the token of `ONENOTE_TOKEN` or of `onenote login`.
    pub(crate) fn client(&self) -> Result<Client, Failure> {
        if let Some(client) = self.client.get() {
            return Ok(client.clone());
        }
        let provider: Box<dyn TokenProvider> = crate::sign_in::token_provider()?;
        let mut builder = Client::builder().token_provider(provider);
        if let Some(base_url) = &self.base_url {
            builder = builder.base_url(base_url);
        }
        if let Some(base_url) = &self.graph_base_url {
            builder = builder.graph_base_url(base_url);
        }
        let client = builder.build()?;
        Ok(self.client.get_or_init(|| client).clone())
    }
}

/// The location flag given (at most one), else the default location.
fn location(matches: &ArgMatches) -> Result<Location, String> {
    let mut given = LOCATIONS.iter().filter(|l| {
        matches!(
            matches.value_source(l.flag),
            Some(clap::parser::ValueSource::CommandLine)
        )
    });
    let chosen = match (given.next(), given.next()) {
        (Some(first), Some(second)) => {
            return Err(format!(
                "give one location, not --{} and --{}",
                first.flag, second.flag
            ));
        }
        (Some(flag), None) => flag,
        (None, _) => match LOCATIONS.iter().find(|l| l.values.is_empty()) {
            Some(default) => default,
            None => return Err("give a location flag".to_owned()),
        },
    };
    let values: Vec<String> = if chosen.values.is_empty() {
        Vec::new()
    } else {
        matches
            .get_many::<String>(chosen.flag)
            .map(|values| values.cloned().collect())
            .unwrap_or_default()
    };
    Location::new(chosen.key, &values).map_err(|failure| failure.message)
}

/// A location value that must be present.
pub(crate) fn text(value: Option<&String>, name: &str) -> Result<String, Failure> {
    value
        .cloned()
        .ok_or_else(|| Failure::usage(format!("the location needs {name}")))
}

/// A location value that must be an integer.
#[allow(
    dead_code,
    reason = "used where a location has an integer parameter (the constructs fixture)"
)]
pub(crate) fn integer(value: Option<&String>, name: &str) -> Result<i64, Failure> {
    let text = text(value, name)?;
    text.parse()
        .map_err(|_| Failure::usage(format!("{name} must be an integer, not {text:?}")))
}

/// The inputs of the command being run, with what its answer is printed through.
pub(crate) struct Inputs<'a> {
    cx: &'a Context,
    words: Vec<&'static str>,
    levels: Vec<(&'static [Input], &'a ArgMatches)>,
    leaf: &'static Leaf,
}

impl<'a> Inputs<'a> {
    /// The inputs of a parse that reached a generated leaf.
    pub(crate) fn new(cx: &'a Context, found: Found<'a>, leaf: &'static Leaf) -> Inputs<'a> {
        Inputs {
            cx,
            words: found.words,
            levels: found.levels,
            leaf,
        }
    }

    /// `onenote class-notebook students add`, for messages.
    fn command(&self) -> String {
        format!("onenote {}", self.words.join(" "))
    }

    /// Where the command works.
    pub(crate) fn location(&self) -> Result<&Location, Failure> {
        self.cx.location()
    }

    /// The refusal of an operation that exists only at the locations `keys`.
    /// The refusal of a command only onenote.com serves, asked of Microsoft Graph.
    pub(crate) fn not_on_graph(&self) -> Failure {
        Failure::usage(format!(
            "`{}` ({}) is onenote.com's only: Microsoft Graph has no class notebooks, \
             permissions or page locks. Use --service onenote",
            self.command(),
            self.leaf.operation
        ))
    }

    /// The refusal of a location the command line cannot name on Microsoft Graph.
    pub(crate) fn not_at_graph_location(&self, key: &str) -> Failure {
        Failure::usage(format!(
            "`{}` on Microsoft Graph: the {key} location is not addressed as on onenote.com \
             (Graph names a site by one composite id, `{{hostname}},{{site collection id}},{{site id}}`), \
             and the command line takes onenote.com's form. Use --service onenote, or the \
             library's client.graph().site(id)",
            self.command()
        ))
    }

    pub(crate) fn not_at_location(&self, keys: &[&str]) -> Failure {
        let flags: Vec<String> = LOCATIONS
            .iter()
            .filter(|l| keys.contains(&l.key))
            .map(|l| {
                let mut flag = format!("--{}", l.flag);
                for value in l.values {
                    flag.push(' ');
                    flag.push_str(value);
                }
                flag
            })
            .collect();
        Failure::usage(format!(
            "`{}` ({}) exists only at {}: give that location",
            self.command(),
            self.leaf.operation,
            flags.join(" or ")
        ))
    }

    fn input(&self, id: &str) -> Option<(&'static Input, &'a ArgMatches)> {
        self.levels
            .iter()
            .find_map(|(inputs, matches)| inputs.iter().find(|i| i.id == id).map(|i| (i, *matches)))
    }

    fn raw(&self, id: &str) -> Option<(&'static Input, Vec<String>)> {
        let (input, matches) = self.input(id)?;
        let values: Vec<String> = matches.get_many::<String>(id)?.cloned().collect();
        Some((input, values))
    }

    /// The value of input `id` as `T`, if given: the text is read by the input's kind
    /// (integers, booleans, dates, choices ignoring case), then decoded into the client's type.
    pub(crate) fn value<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>, Failure> {
        let Some((input, values)) = self.raw(id) else {
            return Ok(None);
        };
        let value = self.json(input, &values)?;
        serde_json::from_value(value)
            .map(Some)
            .map_err(|error| Failure::usage(format!("invalid value for {}: {error}", shown(input))))
    }

    /// The value of a required input (clap has checked it is there).
    pub(crate) fn required<T: DeserializeOwned>(&self, id: &str) -> Result<T, Failure> {
        self.value(id)?.ok_or_else(|| {
            let name = self
                .input(id)
                .map_or_else(|| id.to_owned(), |(input, _)| shown(input));
            Failure::usage(format!("{} needs {name}", self.command()))
        })
    }

    fn json(&self, input: &Input, values: &[String]) -> Result<Value, Failure> {
        if input.list {
            return values
                .iter()
                .map(|v| scalar(input, v))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array);
        }
        scalar(input, values.first().map_or("", String::as_str))
    }

    /// `--async` was given.
    pub(crate) fn asynchronous(&self) -> bool {
        self.flag("async")
    }

    fn flag(&self, id: &str) -> bool {
        matches!(self.value::<bool>(id), Ok(Some(true)))
    }

    /// The JSON body: from `--body FILE` (or the `BODY` argument), else from the fields'
    /// arguments and flags; decoded into the client's body type, so its checks apply.
    /// The JSON body: `--body FILE` as it is, or the field flags, each under its JSON name
    /// (renamed as `renames` says: onenote.com's name → Microsoft Graph's).
    pub(crate) fn json_body<T: DeserializeOwned>(
        &self,
        renames: &[(&str, &str)],
    ) -> Result<T, Failure> {
        if let Some((input, values)) = self.raw("body") {
            let path = values.first().map_or("-", String::as_str);
            let bytes = read(path)?;
            return serde_json::from_slice(&bytes).map_err(|error| {
                Failure::usage(format!(
                    "{} ({}) is not the body {} takes: {error}",
                    shown(input),
                    path,
                    self.command()
                ))
            });
        }
        let mut body = Map::new();
        for input in self.leaf.inputs {
            let Role::Field(wire) = input.role else {
                continue;
            };
            if let Some((_, values)) = self.raw(input.id) {
                let wire = renames
                    .iter()
                    .find(|(main, _)| *main == wire)
                    .map_or(wire, |(_, graph)| graph);
                body.insert(wire.to_owned(), self.json(input, &values)?);
            }
        }
        serde_json::from_value(Value::Object(body))
            .map_err(|error| Failure::usage(format!("the body of {}: {error}", self.command())))
    }

    /// A text body from its file.
    #[allow(
        dead_code,
        reason = "used where the spec has a text body (the constructs fixture)"
    )]
    pub(crate) fn text_body(&self) -> Result<String, Failure> {
        let path = self.required::<String>("body")?;
        text_file(&path)
    }

    /// A multipart body: the declared parts from their files, then `--part NAME=FILE`.
    pub(crate) fn multipart(&self) -> Result<Multipart, Failure> {
        let mut body = Multipart::new();
        for input in self.leaf.inputs {
            match input.role {
                Role::Part { name, media_type } => {
                    let Some(path) = self.value::<String>(input.id)? else {
                        continue;
                    };
                    if media_type == "application/json" {
                        let value: Value =
                            serde_json::from_slice(&read(&path)?).map_err(|error| {
                                Failure::usage(format!("{path} is not JSON: {error}"))
                            })?;
                        body = body.json(name, &value);
                    } else {
                        body = body.text(name, media_type, text_file(&path)?);
                    }
                }
                Role::BinaryParts => {
                    for part in self.value::<Vec<String>>(input.id)?.unwrap_or_default() {
                        let (name, path, media_type) = binary_part(&part)?;
                        body = body.binary(name, read(&path)?, media_type);
                    }
                }
                _ => {}
            }
        }
        Ok(body)
    }

    fn out(&self) -> io::StdoutLock<'static> {
        io::stdout().lock()
    }

    /// Prints one object.
    pub(crate) fn one<T: Serialize>(&self, value: T, columns: &[&str]) -> Result<(), Failure> {
        let value = to_value(&value)?;
        let mut out = self.out();
        match self.cx.format {
            Format::Json => output::json_lines(&mut out, &[value]),
            Format::Table => output::record(&mut out, &value, columns),
        }
        .map_err(broken_pipe)
    }

    /// Prints a list: the first page, or with `--all` every page (JSON lines as they come).
    pub(crate) async fn list<O, T>(
        &self,
        request: Request<O>,
        columns: &[&str],
    ) -> Result<(), Failure>
    where
        O: Operation<Response = Page<T>>,
        T: DeserializeOwned + Serialize + Send + 'static,
    {
        let mut items = Vec::new();
        if self.flag("all") {
            let mut stream = request.stream();
            while let Some(item) = stream.next_item().await {
                let item = to_value(&item?)?;
                if self.cx.format == Format::Json {
                    output::json_lines(&mut self.out(), &[item]).map_err(broken_pipe)?;
                } else {
                    items.push(item);
                }
            }
        } else {
            let page = request.send().await?;
            for item in &page.value {
                items.push(to_value(item)?);
            }
            if page.next_link.is_some() && io::stderr().is_terminal() {
                eprintln!("(more on the next page: --all follows @odata.nextLink)");
            }
        }
        let mut out = self.out();
        match self.cx.format {
            Format::Json => output::json_lines(&mut out, &items),
            Format::Table => output::table(&mut out, &items, columns),
        }
        .map_err(broken_pipe)
    }

    /// A call that answers with no body: on a terminal, says so with the correlation id.
    pub(crate) fn done(&self, response: Response<()>) -> Result<(), Failure> {
        if io::stderr().is_terminal() {
            eprintln!(
                "done: HTTP {} (X-CorrelationId {})",
                response.status(),
                response.correlation_id().unwrap_or("none")
            );
        }
        Ok(())
    }

    /// A text answer, printed as it came.
    pub(crate) fn text(&self, text: String) -> Result<(), Failure> {
        let mut out = self.out();
        out.write_all(text.as_bytes())
            .and_then(|()| {
                if text.ends_with('\n') {
                    Ok(())
                } else {
                    out.write_all(b"\n")
                }
            })
            .map_err(broken_pipe)
    }

    /// Raw bytes, written to standard output unless it is a terminal.
    pub(crate) fn bytes(&self, bytes: Bytes) -> Result<(), Failure> {
        if io::stdout().is_terminal() {
            return Err(Failure::usage(format!(
                "the answer is {} bytes of binary data: redirect it to a file (`> file`)",
                bytes.len()
            )));
        }
        self.out().write_all(&bytes).map_err(broken_pipe)
    }

    /// An asynchronous call's operation: its location, to wait for later.
    pub(crate) fn started(&self, handle: OperationHandle) -> Result<(), Failure> {
        let mut out = self.out();
        match self.cx.format {
            Format::Json => output::json_lines(
                &mut out,
                &[serde_json::json!({ "location": handle.location() })],
            ),
            Format::Table => writeln!(out, "{}", handle.location()),
        }
        .map_err(broken_pipe)
    }

    /// An operation the call started: waited for with a progress bar, or with `--async` only
    /// its location.
    pub(crate) async fn follow(&self, handle: OperationHandle) -> Result<(), Failure> {
        if self.asynchronous() {
            return self.started(handle);
        }
        let done = crate::wait::wait(&handle).await?;
        self.one(done, crate::wait::COLUMNS)
    }
}

/// One value of an input as JSON, by its kind.
fn scalar(input: &Input, text: &str) -> Result<Value, Failure> {
    if input.nullable && text == "null" {
        return Ok(Value::Null);
    }
    let bad = |why: &str| {
        Failure::usage(format!(
            "invalid value {text:?} for {}: {why}",
            shown(input)
        ))
    };
    Ok(match input.kind {
        Kind::Text | Kind::File => Value::String(text.to_owned()),
        Kind::Integer => Value::from(text.parse::<i64>().map_err(|_| bad("not an integer"))?),
        Kind::Unsigned => Value::from(
            text.parse::<u32>()
                .map_err(|_| bad("not a whole number from 0 to 4294967295"))?,
        ),
        Kind::Number => {
            let number: f64 = text.parse().map_err(|_| bad("not a number"))?;
            serde_json::Number::from_f64(number)
                .map(Value::Number)
                .ok_or_else(|| bad("not a finite number"))?
        }
        Kind::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad("write true or false")),
        },
        Kind::DateTime => {
            text.parse::<onenote_api::DateTime>()
                .map_err(|_| bad("not an RFC 3339 date and time (2027-09-01T08:00:00Z)"))?;
            Value::String(text.to_owned())
        }
        Kind::Choice(values) => Value::String(
            values
                .iter()
                .find(|v| v.eq_ignore_ascii_case(text))
                .map_or(text, |v| v)
                .to_owned(),
        ),
    })
}

/// `--name` or `<NAME>`, as clap shows the input.
fn shown(input: &Input) -> String {
    if input.positional {
        format!("<{}>", input.value_name)
    } else {
        format!("--{}", input.id)
    }
}

fn to_value<T: Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value)
        .map_err(|error| Failure::other(format!("cannot print the answer: {error}")))
}

/// A closed pipe (`| head`) ends the output quietly; anything else is a failure.
fn broken_pipe(error: io::Error) -> Failure {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Failure {
            exit: crate::failure::Exit::Other,
            message: String::new(),
        }
    } else {
        Failure::other(format!("cannot write the answer: {error}"))
    }
}

/// The bytes of a file, or of standard input for `-`.
pub(crate) fn read(path: &str) -> Result<Vec<u8>, Failure> {
    if path == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|error| Failure::usage(format!("cannot read standard input: {error}")))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|error| Failure::usage(format!("cannot read {path}: {error}")))
}

fn text_file(path: &str) -> Result<String, Failure> {
    String::from_utf8(read(path)?).map_err(|_| Failure::usage(format!("{path} is not UTF-8 text")))
}

/// `NAME=FILE` or `NAME=FILE;type=MEDIA/TYPE`, with the media type from the extension when not
/// given.
fn binary_part(text: &str) -> Result<(String, String, String), Failure> {
    let Some((name, rest)) = text.split_once('=') else {
        return Err(Failure::usage(format!(
            "--part {text:?}: write NAME=FILE (e.g. diagram=diagram.png)"
        )));
    };
    let (path, media_type) = match rest.split_once(";type=") {
        Some((path, media_type)) => (path, media_type.to_owned()),
        None => (rest, media_type_of(rest).to_owned()),
    };
    Ok((name.to_owned(), path.to_owned(), media_type))
}

/// The media type of the files pages usually embed, by extension.
fn media_type_of(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "html" | "htm" => "text/html",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

//! The command tree's data types (the generated `TREE` is made of them), and clap commands
//! built from them: one subcommand per resource and operation, one argument per input, the
//! location flags on every command.

use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::call::Run;
use crate::generated::{LOCATIONS, TREE};

/// A resource (a subcommand with its path parameters and children) or an operation (a leaf).
pub(crate) struct Node {
    /// The subcommand name.
    pub(crate) name: &'static str,
    /// One line for the parent's list.
    pub(crate) about: &'static str,
    /// The whole doc, for `--help`.
    pub(crate) help: &'static str,
    /// A resource's path parameters (positional).
    pub(crate) params: &'static [Input],
    /// What is reached from here.
    pub(crate) children: &'static [Node],
    /// The call, for an operation.
    pub(crate) leaf: Option<Leaf>,
}

/// What an operation's command takes and does.
pub(crate) struct Leaf {
    /// The spec's operation id.
    pub(crate) operation: &'static str,
    /// Its own path parameters, body, query parameters and options, in help order.
    pub(crate) inputs: &'static [Input],
    /// Sends the call and prints the answer.
    pub(crate) run: for<'a> fn(&'a crate::call::Context, &'a crate::call::Inputs<'a>) -> Run<'a>,
}

/// One argument or flag.
pub(crate) struct Input {
    /// The clap id, the long flag and the name generated code asks for.
    pub(crate) id: &'static str,
    pub(crate) value_name: &'static str,
    pub(crate) help: &'static str,
    pub(crate) kind: Kind,
    pub(crate) role: Role,
    /// An argument rather than a `--flag`.
    pub(crate) positional: bool,
    /// Several values (comma-separated or repeated).
    pub(crate) list: bool,
    /// `null` is a value (a nullable body field).
    pub(crate) nullable: bool,
}

impl Input {
    /// A `--flag` taking one value that is never `null`; the methods below say otherwise.
    pub(crate) const fn new(
        id: &'static str,
        value_name: &'static str,
        help: &'static str,
        kind: Kind,
        role: Role,
    ) -> Self {
        Input {
            id,
            value_name,
            help,
            kind,
            role,
            positional: false,
            list: false,
            nullable: false,
        }
    }

    /// An argument rather than a `--flag`.
    pub(crate) const fn positional(self) -> Self {
        Input {
            positional: true,
            ..self
        }
    }

    /// Several values.
    pub(crate) const fn list(self) -> Self {
        Input { list: true, ..self }
    }

    /// `null` is a value.
    pub(crate) const fn nullable(self) -> Self {
        Input {
            nullable: true,
            ..self
        }
    }
}

/// How the text of an input becomes a value.
#[derive(Clone, Copy)]
#[allow(dead_code, reason = "the spec decides which kinds its commands use")]
pub(crate) enum Kind {
    Text,
    Integer,
    /// `$top` and `$skip`.
    Unsigned,
    Number,
    Boolean,
    DateTime,
    /// One of these wire values, matched ignoring case.
    Choice(&'static [&'static str]),
    /// A path; `-` is standard input.
    File,
}

/// What an input is for.
#[derive(Clone, Copy, PartialEq, Eq)]
#[allow(dead_code, reason = "the spec decides which roles its commands use")]
pub(crate) enum Role {
    /// A path parameter.
    Path,
    /// A field of the JSON body (its wire name).
    Field(&'static str),
    /// The whole JSON body from a file.
    BodyFile,
    /// The whole text body from a file.
    TextBody,
    /// A query parameter, set through the typed builder.
    Query,
    /// An OData option or a runtime flag (`--all`, `--async`).
    Option,
    /// A declared part of a multipart body.
    Part {
        name: &'static str,
        media_type: &'static str,
    },
    /// The caller's binary parts, `NAME=FILE`.
    BinaryParts,
}

/// A location flag: `--me`, `--user USER_ID`, `--site SITE_COLLECTION_ID SITE_ID`.
pub(crate) struct LocationFlag {
    /// The spec's key (`user`).
    pub(crate) key: &'static str,
    pub(crate) flag: &'static str,
    /// The names of its values, in path order.
    pub(crate) values: &'static [&'static str],
    pub(crate) help: &'static str,
}

/// The generated commands, with the global flags.
pub(crate) fn generated_commands() -> Vec<Command> {
    TREE.iter().map(node_command).collect()
}

/// The global flags: `--output`, `--base-url`, `--service`, `--graph-base-url` and one per
/// location.
pub(crate) fn global_args() -> Vec<Arg> {
    let mut args = vec![
        Arg::new("output")
            .long("output")
            .short('o')
            .global(true)
            .value_name("FORMAT")
            .value_parser(["table", "json"])
            .help("table (the default on a terminal) or json (one object per line; the default otherwise)"),
        Arg::new("base-url")
            .long("base-url")
            .global(true)
            .value_name("URL")
            .env("ONENOTE_BASE_URL")
            .help("The service root (default https://www.onenote.com/api; `onenote fake serve` prints the fake's)"),
        Arg::new("service")
            .long("service")
            .global(true)
            .value_name("SERVICE")
            .value_parser(["onenote", "graph"])
            .default_value("onenote")
            .env("ONENOTE_SERVICE")
            .help("Where notebooks, section groups, sections, pages and copies go: onenote (https://www.onenote.com/api, the default: every command works there) or graph (Microsoft Graph; class notebooks and permissions are onenote.com's only)"),
        Arg::new("graph-base-url")
            .long("graph-base-url")
            .global(true)
            .value_name("URL")
            .env("ONENOTE_GRAPH_BASE_URL")
            .help("Microsoft Graph's root (default https://graph.microsoft.com; `onenote fake serve` prints the fake's)"),
    ];
    let default = LOCATIONS
        .iter()
        .find(|l| l.values.is_empty())
        .map(|l| l.key);
    for location in LOCATIONS {
        let mut help = location.help.to_owned();
        if Some(location.key) == default {
            help.push_str(" (the default)");
        }
        let arg = Arg::new(location.flag)
            .long(location.flag)
            .global(true)
            .help(help)
            .help_heading("Location");
        args.push(if location.values.is_empty() {
            arg.action(ArgAction::SetTrue)
        } else {
            arg.num_args(location.values.len())
                .value_names(location.values.iter().copied())
                .action(ArgAction::Set)
        });
    }
    args
}

fn node_command(node: &'static Node) -> Command {
    let mut command = Command::new(node.name)
        .about(node.about)
        .long_about(node.help)
        .args(node.params.iter().map(arg));
    match &node.leaf {
        Some(leaf) => command = command.args(leaf.inputs.iter().map(arg)),
        None => {
            command = command
                .subcommand_required(true)
                .subcommands(node.children.iter().map(node_command));
        }
    }
    command
}

fn arg(input: &'static Input) -> Arg {
    let mut arg = Arg::new(input.id)
        .value_name(input.value_name)
        .help(input.help);
    if input.positional {
        arg = arg.required(true);
        if let Role::Field(_) = input.role {
            // The whole body may come from `--body FILE` instead.
            arg = arg.required(false).required_unless_present("body");
        }
    } else {
        arg = arg.long(input.id);
        if let Role::Field(_) = input.role {
            arg = arg.conflicts_with("body");
        }
    }
    if input.list {
        arg = arg.action(ArgAction::Append).value_delimiter(',');
    } else if matches!(input.kind, Kind::Boolean) && !input.positional {
        arg = arg
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true");
    }
    if let Kind::Choice(values) = input.kind {
        arg = arg
            .value_parser(clap::builder::PossibleValuesParser::new(
                values.iter().copied(),
            ))
            .ignore_case(true);
    }
    arg
}

/// The leaf a parse reached: its words, the matches of every level with the inputs declared
/// there, and the leaf. `None` when the subcommand is not a generated one.
pub(crate) fn find<'a>(matches: &'a ArgMatches) -> Option<Found<'a>> {
    let mut nodes = TREE;
    let mut current = matches;
    let mut found = Found {
        words: Vec::new(),
        levels: Vec::new(),
        leaf: None,
    };
    while let Some((name, sub)) = current.subcommand() {
        let node = nodes.iter().find(|n| n.name == name)?;
        found.words.push(node.name);
        found.levels.push((node.params, sub));
        if let Some(leaf) = &node.leaf {
            found.levels.push((leaf.inputs, sub));
            found.leaf = Some(leaf);
            return Some(found);
        }
        nodes = node.children;
        current = sub;
    }
    None
}

/// A parse that reached a generated command.
pub(crate) struct Found<'a> {
    pub(crate) words: Vec<&'static str>,
    pub(crate) levels: Vec<(&'static [Input], &'a ArgMatches)>,
    pub(crate) leaf: Option<&'static Leaf>,
}

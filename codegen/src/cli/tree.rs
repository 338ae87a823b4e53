//! The command tree: a resource is a subcommand (its accessor's name, taking its path
//! parameters), an operation a leaf (its `call`), reached the way the client reaches them, once
//! per mount of a group.

use crate::model::{Host, Model, OperationId, ResourceId};

use super::words::word;

/// One node of the command tree.
#[derive(Clone, Debug)]
pub struct CommandNode {
    /// The subcommand name (`class-notebook`, `add`).
    pub word: String,
    /// A resource (takes its path parameters, has children) or an operation (a leaf).
    pub kind: NodeKind,
    /// The resources and operations reached from here, sorted by word.
    pub children: Vec<CommandNode>,
}

/// What a node of the command tree is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A navigation step.
    Resource(ResourceId),
    /// A call.
    Operation(OperationId),
}

/// One leaf command: its words from the root, its operation and the resources on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// `["class-notebook", "students", "add"]`.
    pub words: Vec<String>,
    /// The operation it calls.
    pub operation: OperationId,
    /// The resources from the root to the operation's host, in order.
    pub resources: Vec<ResourceId>,
}

impl Command {
    /// The words joined with spaces: `class-notebook students add`.
    pub fn path(&self) -> String {
        self.words.join(" ")
    }
}

/// The command tree: the children of the root, sorted by word.
pub fn tree(model: &Model) -> Vec<CommandNode> {
    let mut nodes = children(model, &Host::Client);
    nodes.extend(children(model, &Host::Notes));
    nodes.sort_by(|a, b| a.word.cmp(&b.word));
    nodes
}

fn children(model: &Model, host: &Host) -> Vec<CommandNode> {
    let mut nodes: Vec<CommandNode> = Vec::new();
    for (index, resource) in model.resources.iter().enumerate() {
        if resource.hosts.contains(host) {
            let id = ResourceId(index);
            nodes.push(CommandNode {
                word: word(&resource.accessor),
                kind: NodeKind::Resource(id),
                children: children(model, &Host::Resource(id)),
            });
        }
    }
    for (index, op) in model.operations.iter().enumerate() {
        if op.hosts.contains(host) {
            nodes.push(CommandNode {
                word: word(&op.call),
                kind: NodeKind::Operation(OperationId(index)),
                children: Vec::new(),
            });
        }
    }
    nodes.sort_by(|a, b| a.word.cmp(&b.word));
    nodes
}

/// Every leaf command, in tree order (the order `onenote --help` lists them).
pub fn commands(model: &Model) -> Vec<Command> {
    let mut out = Vec::new();
    walk(&tree(model), &mut Vec::new(), &mut Vec::new(), &mut out);
    out
}

fn walk(
    nodes: &[CommandNode],
    words: &mut Vec<String>,
    resources: &mut Vec<ResourceId>,
    out: &mut Vec<Command>,
) {
    for node in nodes {
        words.push(node.word.clone());
        match node.kind {
            NodeKind::Operation(operation) => out.push(Command {
                words: words.clone(),
                operation,
                resources: resources.clone(),
            }),
            NodeKind::Resource(id) => {
                resources.push(id);
                walk(&node.children, words, resources, out);
                resources.pop();
            }
        }
        words.pop();
    }
}

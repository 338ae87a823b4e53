//! The command tree: a resource is a subcommand (its accessor's name, taking its path
//! parameters), an operation a leaf (its `call`), reached the way the client reaches them, once
//! per mount of a group.

use std::collections::BTreeMap;

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
    let residents = residents(model);
    let mut nodes = children(&residents, &Host::Client);
    nodes.extend(children(&residents, &Host::Notes));
    nodes.sort_by(|a, b| a.word.cmp(&b.word));
    nodes
}

/// Each host's resources and operations as unsorted leaf nodes, found in one pass over the
/// model, so building the tree costs the same per node however large the spec is.
fn residents(model: &Model) -> BTreeMap<&Host, Vec<CommandNode>> {
    let mut residents: BTreeMap<&Host, Vec<CommandNode>> = BTreeMap::new();
    let resources = model
        .resources
        .iter()
        .enumerate()
        .flat_map(|(index, resource)| {
            let kind = NodeKind::Resource(ResourceId(index));
            resource
                .hosts
                .iter()
                .map(move |host| (host, &resource.accessor, kind))
        });
    let operations = model.operations.iter().enumerate().flat_map(|(index, op)| {
        let kind = NodeKind::Operation(OperationId(index));
        op.hosts.iter().map(move |host| (host, &op.call, kind))
    });
    for (host, name, kind) in resources.chain(operations) {
        residents.entry(host).or_default().push(CommandNode {
            word: word(name),
            kind,
            children: Vec::new(),
        });
    }
    residents
}

fn children(residents: &BTreeMap<&Host, Vec<CommandNode>>, host: &Host) -> Vec<CommandNode> {
    let mut nodes = residents.get(host).cloned().unwrap_or_default();
    for node in &mut nodes {
        if let NodeKind::Resource(id) = node.kind {
            node.children = children(residents, &Host::Resource(id));
        }
    }
    nodes.sort_by(|a, b| a.word.cmp(&b.word));
    nodes
}

/// Every leaf command, in tree order (the order `onenote --help` lists them).
pub fn commands(model: &Model) -> Vec<Command> {
    leaves(&tree(model))
}

/// Every leaf command of a tree already built, in tree order.
pub fn leaves(tree: &[CommandNode]) -> Vec<Command> {
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), &mut Vec::new(), &mut out);
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

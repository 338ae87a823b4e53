//! Phase 3: the resource table: every resource with its id, the groups and their mounts, and
//! where each accessor is generated (its hosts), with the parameters on the way to it.

use std::collections::BTreeMap;

use crate::diagnostics::did_you_mean;
use crate::json::Pos;
use crate::model::{
    Host, Module, ParamModel, ParamOrigin, PathTemplate, ResourceId, ResourceModel, RouteParam,
};
use crate::names::{Case, handle_type, ident};
use crate::spec::{self, Spanned, SpecFile};

use super::checker::{Checker, spec_claim};
use super::names::Scope;
use super::names::taken_by;

/// Every resource, by id, and what operations need to find their hosts.
pub(super) struct ResourceTable {
    /// By id; `None` only while the table is being built.
    entries: Vec<Option<Entry>>,
    groups: Vec<GroupEntry>,
    /// (group, path template inside it) → resource, for finding hosts without scanning.
    index: BTreeMap<(Option<usize>, PathTemplate), ResourceId>,
}

struct Entry {
    model: ResourceModel,
    /// One per way to reach it: per mount of its group, else one.
    chains: Vec<Chain>,
}

/// A group's mount points, resolved.
struct GroupEntry {
    mounts: Vec<ResourceId>,
}

/// One way to reach a place under the notes root: the path, the parameters on the way with
/// who declares them, and the mount of the group it goes through.
#[derive(Clone, Debug, Default)]
pub(super) struct Chain {
    pub full: PathTemplate,
    pub params: Vec<RouteParam>,
    pub mount: Option<ResourceId>,
}

impl Chain {
    /// This chain continued by `path`, whose parameters `params` come from `origin`.
    pub fn extend(&self, path: &PathTemplate, params: &[ParamModel], origin: ParamOrigin) -> Chain {
        let mut next = self.clone();
        next.full = self.full.join(path);
        next.params.extend(params.iter().map(|param| RouteParam {
            param: param.clone(),
            origin,
        }));
        next
    }
}

/// Where something is generated and how it is reached.
pub(super) struct Placement {
    pub hosts: Vec<Host>,
    pub path_from_host: PathTemplate,
    /// What the host is reached through: its chains are the path and parameters up to it.
    pub base: Base,
}

/// The ways to reach a host.
pub(super) enum Base {
    /// A location's notes root (or the version root): one empty chain.
    Root,
    /// A resource: its chains.
    Resource(ResourceId),
    /// The mounts of a group: each mount's chain, marked with the mount.
    Mounts(Vec<ResourceId>),
}

impl Placement {
    /// The chains to what is placed: the host's, continued by the path from the host, whose
    /// parameters `params` come from `origin`.
    pub fn chains(
        &self,
        table: &ResourceTable,
        params: &[ParamModel],
        origin: ParamOrigin,
    ) -> Vec<Chain> {
        let extend = |chain: &Chain, mount: Option<ResourceId>| {
            let mut next = chain.extend(&self.path_from_host, params, origin);
            if mount.is_some() {
                next.mount = mount;
            }
            next
        };
        match &self.base {
            Base::Root => vec![extend(&Chain::default(), None)],
            Base::Resource(id) => table
                .chains_of(*id)
                .iter()
                .map(|chain| extend(chain, None))
                .collect(),
            Base::Mounts(mounts) => mounts
                .iter()
                .flat_map(|mount| {
                    table
                        .chains_of(*mount)
                        .iter()
                        .map(move |chain| extend(chain, Some(*mount)))
                })
                .collect(),
        }
    }
}

/// One spec file's group, in the order every phase visits them.
pub(super) fn groups(
    files: &[(String, SpecFile)],
) -> impl Iterator<Item = (&str, &Spanned<String>, &spec::Group)> {
    files.iter().flat_map(|(file, spec)| {
        spec.groups
            .iter()
            .map(move |(key, group)| (file.as_str(), key, &group.value))
    })
}

/// A resource as read, before its id and hosts are known.
struct Draft<'a> {
    file: &'a str,
    module: usize,
    name: &'a Spanned<String>,
    spec: &'a spec::Resource,
    path: PathTemplate,
    group: Option<usize>,
}

/// Builds the resource table and puts each resource's id into its module.
pub(super) fn check(
    cx: &mut Checker,
    files: &[(String, SpecFile)],
    modules: &mut [Module],
) -> ResourceTable {
    let mut drafts = drafts(cx, files);
    // Ids follow the output order: module, then handle type name.
    drafts.sort_by_cached_key(|d| (d.module, handle_type(&d.name.value)));
    let mut table = ResourceTable {
        entries: Vec::with_capacity(drafts.len()),
        groups: Vec::new(),
        index: drafts
            .iter()
            .enumerate()
            .map(|(id, d)| ((d.group, d.path.clone()), ResourceId(id)))
            .collect(),
    };
    table.groups = mounts(cx, files, &drafts);

    // Hosts first: a host's path is a strict prefix, so shorter paths (and top-level resources
    // before the groups mounted on them) are placed first.
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by_key(|&i| (drafts[i].group.is_some(), drafts[i].path.segments.len()));
    table.entries = (0..drafts.len()).map(|_| None).collect();
    for i in order {
        let entry = table.place_resource(cx, ResourceId(i), &drafts[i]);
        table.entries[i] = Some(entry);
    }
    for (id, draft) in drafts.iter().enumerate() {
        modules[draft.module].resources.push(ResourceId(id));
    }
    table
}

/// Every resource with a valid name and path, top-level ones first, duplicates reported.
fn drafts<'a>(cx: &mut Checker, files: &'a [(String, SpecFile)]) -> Vec<Draft<'a>> {
    let mut listed = Vec::new();
    for (module, (file, spec)) in files.iter().enumerate() {
        cx.broken_resources |= !spec.resources.broken.is_empty();
        for (name, resource) in spec.resources.iter() {
            listed.push((file.as_str(), module, name, &resource.value, None));
        }
    }
    for (index, (file, key, group)) in groups(files).enumerate() {
        cx.broken_resources |= !group.resources.broken.is_empty();
        if ident(&key.value, Case::Snake).is_none() {
            cx.error(
                file,
                key.pos,
                format!("group name \"{}\" has no letters or digits", key.value),
            );
        }
        let module = files.iter().position(|(f, _)| f == file).unwrap_or(0);
        for (name, resource) in group.resources.iter() {
            listed.push((file, module, name, &resource.value, Some(index)));
        }
    }
    for (_, spec) in files {
        cx.broken_resources |= !spec.groups.broken.is_empty();
    }

    let mut seen: BTreeMap<&str, (&str, Pos)> = BTreeMap::new();
    let mut drafts = Vec::new();
    for (file, module, name, spec, group) in listed {
        if cx
            .canonical(file, name, Case::Pascal, "resource name")
            .is_none()
        {
            cx.broken_resources = true;
            continue;
        }
        if let Some((first_file, first_pos)) = seen.get(name.value.as_str()) {
            cx.error(
                file,
                name.pos,
                format!(
                    "duplicate resource \"{}\": first defined at {first_file}:{first_pos}: rename or remove one",
                    name.value
                ),
            );
            continue;
        }
        seen.insert(&name.value, (file, name.pos));
        cx.claim_root(
            file,
            name.pos,
            &handle_type(&name.value),
            &format!("the handle of resource \"{}\"", name.value),
        );
        let Some(path) = cx.path(file, &spec.path) else {
            cx.broken_resources = true;
            continue;
        };
        if path.is_empty() {
            cx.error(file, spec.path.pos, "a resource path cannot be empty");
            cx.broken_resources = true;
            continue;
        }
        drafts.push(Draft {
            file,
            module,
            name,
            spec,
            path,
            group,
        });
    }
    drafts
}

/// Resolves every group's `mountedAt` to top-level resources.
fn mounts(cx: &mut Checker, files: &[(String, SpecFile)], drafts: &[Draft<'_>]) -> Vec<GroupEntry> {
    let mut entries = Vec::new();
    for (file, key, group) in groups(files) {
        let mut mounts = Vec::new();
        for mount in &group.mounted_at {
            let found = drafts
                .iter()
                .position(|d| d.name.value == mount.value && d.group.is_none());
            match found {
                Some(id) => mounts.push(ResourceId(id)),
                None if cx.broken_resources => {}
                None => {
                    let top_level = drafts
                        .iter()
                        .filter(|d| d.group.is_none())
                        .map(|d| d.name.value.as_str());
                    let suggestion = did_you_mean(&mount.value, top_level);
                    cx.error(
                        file,
                        mount.pos,
                        format!(
                            "group is mounted at unknown resource \"{}\"{suggestion}",
                            mount.value
                        ),
                    );
                }
            }
        }
        if group.mounted_at.is_empty() {
            cx.error(
                file,
                key.pos,
                format!(
                    "group \"{}\" has an empty \"mountedAt\", so it is never reachable: name the resources it hangs under",
                    key.value
                ),
            );
        }
        entries.push(GroupEntry { mounts });
    }
    entries
}

impl ResourceTable {
    /// One resource: its host, the path and parameters from there, and its accessor's name.
    fn place_resource(&self, cx: &mut Checker, id: ResourceId, draft: &Draft<'_>) -> Entry {
        // An item (`…/{id}`) is reached from where its collection is: one segment further up.
        let segments = draft.path.segments.len();
        let host_len = if draft.path.ends_in_param() && segments >= 2 {
            segments - 2
        } else {
            segments - 1
        };
        let placement = self.host_for(draft.group, &draft.path.prefix(host_len), &draft.path);
        let params = cx.params_exactly(
            draft.file,
            &draft.spec.path,
            &placement.path_from_host,
            &draft.spec.params,
            "resource",
        );
        let accessor = ident(&draft.name.value, Case::Snake).unwrap_or_default();
        for host in &placement.hosts {
            let what = format!("the accessor of resource \"{}\"", draft.name.value);
            let claim = spec_claim(draft.file, draft.name.pos, &what);
            if let Err(first) = cx
                .names
                .claim(Scope::Methods(host.clone()), &accessor, claim)
            {
                cx.error(
                    draft.file,
                    draft.name.pos,
                    format!(
                        "resource \"{}\" makes the accessor `{accessor}` on {}, {}: rename the resource",
                        draft.name.value,
                        self.describe(host),
                        taken_by(&first)
                    ),
                );
            }
        }
        let chains = placement.chains(self, &params, ParamOrigin::Resource(id));
        Entry {
            model: ResourceModel {
                name: handle_type(&draft.name.value),
                key: draft.name.value.clone(),
                doc: draft.spec.doc.clone(),
                accessor,
                hosts: placement.hosts,
                path_from_host: placement.path_from_host,
                params,
                full_paths: chains.iter().map(|c| c.full.clone()).collect(),
            },
            chains,
        }
    }

    /// Where something at `path` whose host lies at `host_prefix` is generated: the deepest
    /// resource of the same group whose path starts `host_prefix`, else the group's mounts,
    /// else the location root. One index lookup per prefix length, so placing everything is
    /// linear in the spec's size.
    pub fn host_for(
        &self,
        group: Option<usize>,
        host_prefix: &PathTemplate,
        path: &PathTemplate,
    ) -> Placement {
        let best = (1..=host_prefix.segments.len()).rev().find_map(|len| {
            self.index
                .get(&(group, host_prefix.prefix(len)))
                .map(|id| (*id, len))
        });
        match (best, group.and_then(|g| self.groups.get(g))) {
            (Some((id, len)), _) => Placement {
                hosts: vec![Host::Resource(id)],
                path_from_host: path.tail(len),
                base: Base::Resource(id),
            },
            (None, Some(group)) => Placement {
                hosts: group.mounts.iter().map(|m| Host::Resource(*m)).collect(),
                path_from_host: path.clone(),
                base: Base::Mounts(group.mounts.clone()),
            },
            (None, None) => Placement {
                hosts: vec![Host::Notes],
                path_from_host: path.clone(),
                base: Base::Root,
            },
        }
    }

    /// The chains of a resource placed already (none for one that is not).
    fn chains_of(&self, id: ResourceId) -> &[Chain] {
        self.entries
            .get(id.0)
            .and_then(Option::as_ref)
            .map_or(&[], |entry| entry.chains.as_slice())
    }

    /// How messages name a host.
    pub fn describe(&self, host: &Host) -> String {
        match host {
            Host::Resource(id) => match self.entries.get(id.0).and_then(Option::as_ref) {
                Some(entry) => format!("resource \"{}\"", entry.model.key),
                None => "a resource".to_owned(),
            },
            Host::Notes => "a location root (`Notes`)".to_owned(),
            Host::Client => "the client".to_owned(),
        }
    }

    /// The resources, by id.
    pub fn into_models(self) -> Vec<ResourceModel> {
        self.entries
            .into_iter()
            .flatten()
            .map(|entry| entry.model)
            .collect()
    }
}

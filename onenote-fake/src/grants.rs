//! The roles held on notebooks, section groups and sections, kept as the permissions document
//! describes them: "When you create a permission for a notebook or section group, the
//! permission is pushed down to all children"; "When you delete a permission, it is deleted
//! from all the OneNote entities down the inheritance chain" (002).
//!
//! So a role is stored on every entity it reaches, not computed from the parents when read: a
//! grant writes it on the entity and everything inside; a new child starts with its parent's
//! roles (it inherits); a delete removes it from the entity and everything inside and leaves
//! the parents as they are. That is what lets a child stop inheriting: delete there, then
//! grant the lesser role there. Only the highest role per principal is kept on an entity,
//! which is everything "POST appends a role" can be observed to do.
//!
//! The document library's roles (the OneDrive's owner, a group's or a site's owners and
//! members) are not stored here: they come from the tenant, above every notebook
//! ([`State::library_grants`](crate::State)).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A role on a notebook, section group or section; `Owner` > `Contributor` > `Reader`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Read-only access.
    Reader,
    /// Can add, edit and delete notebooks, section groups and sections.
    Contributor,
    /// Everything, and managing permissions.
    Owner,
}

impl Role {
    /// The role as the service writes it (`Owner`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "Reader",
            Role::Contributor => "Contributor",
            Role::Owner => "Owner",
        }
    }

    /// Parses the service's spelling (exactly `Owner`, `Contributor` or `Reader`).
    pub(crate) fn parse(text: &str) -> Option<Role> {
        match text {
            "Owner" => Some(Role::Owner),
            "Contributor" => Some(Role::Contributor),
            "Reader" => Some(Role::Reader),
            _ => None,
        }
    }
}

/// Who a role is granted to: a user (by UPN) or a unified group (by id), both lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grantee {
    /// A user, by lower-case UPN.
    User(String),
    /// A unified group, by lower-case id.
    Group(String),
}

impl Grantee {
    /// The grantee for the user `upn` (any case).
    pub fn user(upn: &str) -> Grantee {
        Grantee::User(upn.to_ascii_lowercase())
    }

    /// The grantee for the group `id` (any case).
    pub fn group(id: &str) -> Grantee {
        Grantee::Group(id.to_ascii_lowercase())
    }
}

/// The roles held on each entity, with a count by grantee and notebook so "does this user hold
/// anything in this notebook" does not scan it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grants {
    /// entity id → grantee → the highest role held there. A grant over a class notebook writes
    /// every section group and section in it, so the grantee is shared, not copied.
    by_entity: BTreeMap<String, BTreeMap<Arc<Grantee>, Role>>,
    /// (grantee, notebook id) → on how many of that notebook's entities the grantee holds a
    /// role.
    held: BTreeMap<(Grantee, String), usize>,
}

impl Grants {
    /// The roles held on exactly this entity.
    pub(crate) fn on(&self, entity: &str) -> impl Iterator<Item = (&Grantee, Role)> {
        self.by_entity
            .get(entity)
            .into_iter()
            .flatten()
            .map(|(grantee, role)| (grantee.as_ref(), *role))
    }

    /// `grantee`'s role on exactly this entity.
    pub(crate) fn role_on(&self, entity: &str, grantee: &Grantee) -> Option<Role> {
        self.by_entity.get(entity)?.get(grantee).copied()
    }

    /// Whether `grantee` holds a role on any entity of `notebook`.
    pub(crate) fn holds_in(&self, grantee: &Grantee, notebook: &str) -> bool {
        self.held
            .get(&(grantee.clone(), notebook.to_owned()))
            .is_some_and(|count| *count > 0)
    }

    /// Raises `grantee`'s role on each of `entities` (all in `notebook`) to at least `role`.
    pub(crate) fn raise<'e>(
        &mut self,
        notebook: &str,
        entities: impl IntoIterator<Item = &'e String>,
        grantee: &Grantee,
        role: Role,
    ) {
        let shared = Arc::new(grantee.clone());
        let mut added = 0;
        for entity in entities {
            // The entity's id is copied only the first time anything is held on it.
            let granted = match self.by_entity.get_mut(entity) {
                Some(granted) => granted,
                None => self.by_entity.entry(entity.clone()).or_default(),
            };
            match granted.get_mut(grantee) {
                Some(slot) => *slot = (*slot).max(role),
                None => {
                    granted.insert(Arc::clone(&shared), role);
                    added += 1;
                }
            }
        }
        if added > 0 {
            *self
                .held
                .entry((grantee.clone(), notebook.to_owned()))
                .or_default() += added;
        }
    }

    /// Removes `grantee`'s role from each of `entities` (all in `notebook`); returns how many
    /// it held.
    pub(crate) fn remove<'e>(
        &mut self,
        notebook: &str,
        entities: impl IntoIterator<Item = &'e String>,
        grantee: &Grantee,
    ) -> usize {
        let mut removed = 0;
        for entity in entities {
            let Some(granted) = self.by_entity.get_mut(entity) else {
                continue;
            };
            if granted.remove(grantee).is_some() {
                removed += 1;
                if granted.is_empty() {
                    self.by_entity.remove(entity);
                }
            }
        }
        let key = (grantee.clone(), notebook.to_owned());
        if let Some(count) = self.held.get_mut(&key) {
            *count = count.saturating_sub(removed);
            if *count == 0 {
                self.held.remove(&key);
            }
        }
        removed
    }

    /// A new `child` of `parent` (in `notebook`) starts with the parent's roles.
    pub(crate) fn inherit(&mut self, notebook: &str, parent: &str, child: &str) {
        let Some(inherited) = self.by_entity.get(parent).cloned() else {
            return;
        };
        for grantee in inherited.keys() {
            *self
                .held
                .entry((grantee.as_ref().clone(), notebook.to_owned()))
                .or_default() += 1;
        }
        self.by_entity.insert(child.to_owned(), inherited);
    }

    /// Forgets every role held in `notebook`, whose entities are `entities`.
    pub(crate) fn forget(&mut self, notebook: &str, entities: &BTreeSet<String>) {
        for entity in entities {
            self.by_entity.remove(entity);
        }
        self.held
            .retain(|(_, in_notebook), _| in_notebook != notebook);
    }

    /// Whether any role is held anywhere.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.by_entity.is_empty() && self.held.is_empty()
    }
}

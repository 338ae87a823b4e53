//! The fake tenant a roster needs: the account that runs the sync and every teacher and student
//! the roster names, as users (the fake refuses members it does not know, as the service does).
//! Shared by the tests, the benchmark and the `roster_sync` example.

use std::collections::BTreeSet;

use onenote_fake::{Tenant, User};
use onenote_roster::{Role, Roster};

/// A tenant on `domain` with `account` and every member of `roster` as users.
pub fn tenant_for(roster: &Roster, domain: &str, account: &str) -> Tenant {
    let mut upns = BTreeSet::from([account.to_ascii_lowercase()]);
    for class in roster.classes() {
        for role in [Role::Teacher, Role::Student] {
            upns.extend(class.members(role).iter().map(|m| m.id.key().to_owned()));
        }
    }
    upns.into_iter().fold(Tenant::new(domain), |tenant, upn| {
        let name = upn.split('@').next().unwrap_or(&upn).to_owned();
        tenant.user(User::new(upn, name))
    })
}

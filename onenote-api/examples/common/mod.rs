//! What the examples share: where they run, and how they report what they did.
//!
//! By default they run against an in-process fake OneNote (`onenote-fake`, the demo tenant
//! `contoso.com`), so they need no tenant. To run them against the real service, set:
//!
//! - `ONENOTE_TOKEN`: a delegated access token for `https://onenote.com/` (required);
//! - `ONENOTE_LOCATION`: `me` (default), `users/{upn}`, `groups/{group-id}` or
//!   `sites/{site-collection-id}/{site-id}`;
//! - `ONENOTE_TEACHER`: the teacher's UPN (default: the token's user is assumed to be
//!   `teacher1@contoso.com`, which a real tenant will not have);
//! - `ONENOTE_STUDENTS`: comma-separated student UPNs;
//! - `ONENOTE_BASE_URL`: another service root (default `https://www.onenote.com/api`).
//!
//! Against the real service the examples create real class notebooks (named with the time,
//! so they do not collide); delete them afterwards.

#![allow(dead_code)] // each example uses its own part

use std::error::Error;
use std::time::{SystemTime, UNIX_EPOCH};

use onenote_api::{Client, Principal, PrincipalType};
use onenote_fake::FakeOneNote;

pub type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

/// Which notes root the examples use.
#[derive(Clone, Debug)]
pub enum Place {
    Me,
    User(String),
    Group(String),
    Site(String, String),
}

/// Where an example runs and as whom.
pub struct Setup {
    pub client: Client,
    pub place: Place,
    pub teacher: String,
    pub co_teacher: String,
    pub students: Vec<String>,
    /// The in-process fake, when the example runs against it.
    pub fake: Option<FakeOneNote>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn place(text: &str) -> Result<Place> {
    let parts: Vec<&str> = text.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["me"] => Ok(Place::Me),
        ["users", upn] => Ok(Place::User((*upn).to_owned())),
        ["groups", id] => Ok(Place::Group((*id).to_owned())),
        ["sites", collection, site] => {
            Ok(Place::Site((*collection).to_owned(), (*site).to_owned()))
        }
        _ => Err(format!(
            "ONENOTE_LOCATION={text:?}: use me, users/{{upn}}, groups/{{group-id}} or \
             sites/{{site-collection-id}}/{{site-id}}"
        )
        .into()),
    }
}

/// The real service when `ONENOTE_TOKEN` is set, else a fresh in-process fake.
pub async fn setup(example: &str) -> Result<Setup> {
    println!("onenote-api example: {example}");
    let students: Vec<String> = env("ONENOTE_STUDENTS")
        .map(|list| list.split(',').map(|s| s.trim().to_owned()).collect())
        .unwrap_or_else(|| (1..=4).map(|n| format!("student{n}@contoso.com")).collect());
    let teacher = env("ONENOTE_TEACHER").unwrap_or_else(|| "teacher1@contoso.com".to_owned());
    let co_teacher = env("ONENOTE_CO_TEACHER").unwrap_or_else(|| "teacher2@contoso.com".to_owned());
    if let Some(token) = env("ONENOTE_TOKEN") {
        let place = place(&env("ONENOTE_LOCATION").unwrap_or_else(|| "me".to_owned()))?;
        let mut builder = Client::builder().bearer_token(token);
        if let Some(base) = env("ONENOTE_BASE_URL") {
            builder = builder.base_url(base);
        }
        let client = builder.build()?;
        println!(
            "  against  {} as {teacher}, at {place:?}",
            client.base_url()
        );
        return Ok(Setup {
            client,
            place,
            teacher,
            co_teacher,
            students,
            fake: None,
        });
    }
    let fake = FakeOneNote::builder().start().await?;
    let client = fake.client_for(&teacher)?;
    println!(
        "  against  the in-process fake OneNote at {} (demo tenant contoso.com), as {teacher}",
        fake.base_url()
    );
    println!("           (its ids are seeded: every run prints the same ones;");
    println!("            set ONENOTE_TOKEN and ONENOTE_LOCATION to use the real service)");
    Ok(Setup {
        client,
        place: Place::Me,
        teacher,
        co_teacher,
        students,
        fake: Some(fake),
    })
}

impl Setup {
    /// A name that does not collide with an earlier run's.
    pub fn unique(&self, name: &str) -> String {
        if self.fake.is_some() {
            return name.to_owned();
        }
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        format!("{name} ({seconds})")
    }

    /// Prints one step and the `X-CorrelationId` the service answered it with.
    pub fn done(&self, what: impl std::fmt::Display, correlation_id: Option<&str>) {
        println!(
            "{what}\n           X-CorrelationId {}",
            correlation_id.unwrap_or("(none sent)")
        );
    }
}

pub fn person(upn: &str) -> Principal {
    Principal::new(upn, PrincipalType::Person)
}

/// Runs `$run(notes, &setup)` with the notes root `setup.place` names: the examples are
/// generic over the location, which is typed.
#[macro_export]
macro_rules! at_place {
    ($setup:expr, $run:ident) => {
        match $setup.place.clone() {
            common::Place::Me => $run($setup.client.me(), &$setup).await,
            common::Place::User(upn) => $run($setup.client.user(upn), &$setup).await,
            common::Place::Group(id) => $run($setup.client.group(id), &$setup).await,
            common::Place::Site(collection, site) => {
                $run($setup.client.site(collection, site), &$setup).await
            }
        }
    };
}

//! The bounds a long run meets: the journal's capacity (and its count of what it dropped) and
//! the most entities the fake holds, both set from the builder.

use onenote_fake::{FakeOneNote, ManualClock};
use serde_json::json;

use crate::harness::{TEACHER, builder, send};

fn entities(fake: &FakeOneNote) -> usize {
    let state = fake.state();
    state.notebooks().count()
        + state.section_groups().count()
        + state.sections().count()
        + state.pages().count()
}

#[tokio::test]
async fn the_journal_keeps_its_capacity_and_counts_what_it_dropped() {
    let clock = ManualClock::new();
    let fake = builder(&clock).journal_capacity(3).start().await.unwrap();
    for _ in 0..5 {
        let listed = send(&fake, "GET", "/v1.0/me/notes/classNotebooks", TEACHER, None).await;
        assert_eq!(listed.status, 200);
    }
    let journal = fake.journal();
    let seqs: Vec<u64> = journal.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [3, 4, 5], "the newest three, oldest first");
    assert_eq!(fake.journal_dropped(), 2);

    let roomy = builder(&clock).start().await.unwrap();
    for _ in 0..5 {
        send(
            &roomy,
            "GET",
            "/v1.0/me/notes/classNotebooks",
            TEACHER,
            None,
        )
        .await;
    }
    assert_eq!(roomy.journal().len(), 5);
    assert_eq!(roomy.journal_dropped(), 0);
}

#[tokio::test]
async fn past_max_entities_a_create_answers_507_and_makes_nothing() {
    let clock = ManualClock::new();
    let seeded = entities(&builder(&clock).start().await.unwrap());
    // A class notebook without students is four entities: itself, `_Content Library`,
    // `_Collaboration Space` and `_Teacher Only`.
    let fake = builder(&clock)
        .max_entities(seeded + 4)
        .start()
        .await
        .unwrap();
    let create = |name: &str| json!({ "name": name, "hasTeacherOnlySectionGroup": true });
    let first = send(
        &fake,
        "POST",
        "/v1.0/me/notes/classNotebooks",
        TEACHER,
        Some(create("Math 101")),
    )
    .await;
    assert_eq!(first.status, 201);
    assert_eq!(entities(&fake), seeded + 4);

    let second = send(
        &fake,
        "POST",
        "/v1.0/me/notes/classNotebooks",
        TEACHER,
        Some(create("Math 102")),
    )
    .await;
    assert_eq!(second.status, 507);
    assert_eq!(second.json()["error"]["code"], "30101");
    assert_eq!(
        second.json()["error"]["message"],
        format!(
            "The account is over its quota: the fake holds at most {} notebooks, section \
             groups, sections and pages.",
            seeded + 4
        )
    );
    assert!(fake.state().notebook_named("Math 102").is_none());
    assert_eq!(entities(&fake), seeded + 4, "nothing of it was made");
}

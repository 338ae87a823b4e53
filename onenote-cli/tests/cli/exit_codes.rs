//! Every documented exit code, with the one-line error on stderr: 0 success, 1 other, 2 usage,
//! 3 not found, 4 throttled.

use std::time::Duration;

use onenote_fake::Throttling;

use crate::harness::{ConfigDir, builder, command, onenote, onenote_as, output, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn success_is_0() {
    let fake = start().await;
    let run = onenote(&fake, &["class-notebooks", "list"]).await;
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_command_line_is_2_and_sends_nothing() {
    let fake = start().await;
    for args in [
        &["class-notebooks", "list", "--bogus"][..],
        &["class-notebooks", "list", "--top", "many"],
        &[
            "section",
            "1-x",
            "permissions",
            "create",
            "king",
            "a@contoso.com",
        ],
        &["class-notebook", "1-x", "students", "add"],
        &[
            "--user",
            "a@contoso.com",
            "--group",
            "g",
            "notebooks",
            "list",
        ],
    ] {
        let run = onenote(&fake, args).await;
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.starts_with("error:"), "{args:?}: {run:?}");
    }
    assert!(fake.journal().is_empty(), "{:?}", fake.journal());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_elsewhere_than_its_location_is_2_and_names_where_it_exists() {
    let fake = start().await;
    let run = onenote(
        &fake,
        &[
            "--user",
            "teacher2@contoso.com",
            "class-notebooks",
            "update-membership",
        ],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: `onenote class-notebooks update-membership` (updateMembership) exists only at --group GROUP_ID: give that location\n"
    );
    assert!(fake.journal().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_top_over_the_maximum_is_refused_before_sending_with_2() {
    let fake = start().await;
    let run = onenote(&fake, &["all-pages", "list", "--top", "500"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("100"), "{run:?}");
    assert!(fake.journal().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_is_3_with_code_message_and_correlation_id() {
    let fake = start().await;
    let run = onenote(&fake, &["class-notebook", "1-nope", "get"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    let entry = fake.journal().pop().unwrap();
    assert_eq!(
        run.stderr,
        format!(
            "error: getClassNotebook: HTTP 404 Not Found, code 20102: There is no class notebook with id '1-nope' at this location that teacher1@contoso.com can see. (X-CorrelationId {})\n",
            entry.correlation_id
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_is_4() {
    // One request a minute, and a Retry-After longer than the client's retry budget.
    let fake = builder()
        .throttling(
            Throttling::onenote()
                .per_minute(1)
                .retry_after(Duration::from_secs(600)),
        )
        .start()
        .await
        .unwrap();
    onenote(&fake, &["notebooks", "list"]).await.ok();
    let run = onenote(&fake, &["notebooks", "list"]).await;
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains("HTTP 429"), "{run:?}");
    assert!(run.stderr.contains("X-CorrelationId"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anything_else_is_1() {
    let fake = start().await;
    // A user the tenant does not know: 401.
    let run = onenote_as(&fake, "nobody@contoso.com", &["notebooks", "list"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("HTTP 401"), "{run:?}");
    // No token and nobody signed in: nothing is sent.
    let config = ConfigDir::new("no-sign-in");
    let mut bare = command(&fake, &config);
    bare.args(["notebooks", "list"]);
    let run = output(bare).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: not signed in: run `onenote login`, or set ONENOTE_TOKEN to an access token\n"
    );
}

//! Tokens: `Bearer fake:{upn}` for a user of the tenant; anything else is a 401 with a
//! OneNote error body that says how to authenticate.

use crate::harness::{TEACHER, is_guid, raw, start};

const LIST: &str = "/api/v1.0/me/notes/classNotebooks";

#[tokio::test]
async fn a_missing_or_unknown_token_gets_401_with_a_onenote_error_body() {
    let (fake, _clock) = start().await;
    for (authorization, says) in [
        (None, "The request has no bearer token."),
        (
            Some("Bearer fake:nobody@contoso.com"),
            "The bearer token names no user of the tenant.",
        ),
        (
            Some("Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi"),
            "The bearer token names no user of the tenant.",
        ),
        (
            Some("Basic dGVhY2hlcjE6cGFzcw=="),
            "The bearer token names no user of the tenant.",
        ),
        (Some("Bearer"), "The request has no bearer token."),
    ] {
        let headers: Vec<(&str, &str)> = authorization
            .map(|a| ("Authorization", a))
            .into_iter()
            .collect();
        let answer = raw(&fake, "GET", LIST, &headers, b"").await;
        assert_eq!(answer.status, 401, "{authorization:?}");
        assert_eq!(
            answer.header("www-authenticate"),
            Some("Bearer realm=\"onenote-fake\"")
        );
        assert!(is_guid(
            answer.header("x-correlationid").unwrap_or_default()
        ));
        let body = answer.json();
        assert_eq!(body["error"]["code"], "40001");
        assert_eq!(body["error"]["isRetriable"], false);
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(says), "{authorization:?}: {message}");
        assert!(
            message.contains("fake:teacher1@contoso.com"),
            "says how: {message}"
        );
    }
    assert!(fake.state().notebooks().all(|n| n.class.is_none()));
}

#[tokio::test]
async fn the_upn_of_a_token_is_matched_in_any_case() {
    let (fake, _clock) = start().await;
    let answer = raw(
        &fake,
        "GET",
        LIST,
        &[("Authorization", "bearer fake:Teacher1@CONTOSO.com")],
        b"",
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(fake.journal()[0].user.as_deref(), Some(TEACHER));
}

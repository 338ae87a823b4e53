//! The identity platform's tokens per audience: a token is for the resource its request's
//! scopes name, a refresh token is redeemed for another audience, and the API refuses a token
//! of another audience with 401.

use onenote_api::Audience;
use onenote_fake::FakeOneNote;

use crate::harness::{RawResponse, TEACHER, raw, start};

const LIST: &str = "/api/v1.0/me/notes/notebooks";
pub const ONENOTE_SCOPES: &str = "https://onenote.com/Notes.ReadWrite.All offline_access";
pub const GRAPH_SCOPES: &str = "https://graph.microsoft.com/Notes.ReadWrite.All offline_access";

/// A form POST to the identity platform of the fake (tenant `organizations`).
async fn post(fake: &FakeOneNote, endpoint: &str, form: &[(&str, &str)]) -> RawResponse {
    let body: Vec<String> = form
        .iter()
        .map(|(name, value)| {
            format!(
                "{name}={}",
                value
                    .replace(' ', "+")
                    .replace(':', "%3A")
                    .replace('/', "%2F")
            )
        })
        .collect();
    raw(
        fake,
        "POST",
        &format!("/organizations/oauth2/v2.0/{endpoint}"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.join("&").as_bytes(),
    )
    .await
}

/// A device code for `scope`, approved as teacher1 and redeemed: the token answer.
pub async fn sign_in(fake: &FakeOneNote, scope: &str) -> serde_json::Value {
    let code = post(
        fake,
        "devicecode",
        &[("client_id", "app"), ("scope", scope)],
    )
    .await;
    assert_eq!(code.status, 200, "{:?}", code.json());
    let code = code.json();
    fake.approve_sign_in(code["user_code"].as_str().unwrap(), TEACHER)
        .unwrap();
    let device_code = code["device_code"].as_str().unwrap();
    let tokens = post(
        fake,
        "token",
        &[
            ("client_id", "app"),
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device_code),
        ],
    )
    .await;
    assert_eq!(tokens.status, 200, "{:?}", tokens.json());
    tokens.json()
}

async fn redeem(fake: &FakeOneNote, refresh_token: &str, scope: Option<&str>) -> RawResponse {
    let mut form = vec![
        ("client_id", "app"),
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    form.extend(scope.map(|scope| ("scope", scope)));
    post(fake, "token", &form).await
}

async fn list_with(fake: &FakeOneNote, access_token: &str) -> RawResponse {
    let bearer = format!("Bearer {access_token}");
    raw(
        fake,
        "GET",
        LIST,
        &[("Authorization", bearer.as_str())],
        b"",
    )
    .await
}

fn text<'a>(json: &'a serde_json::Value, key: &str) -> &'a str {
    json[key].as_str().unwrap_or_default()
}

#[tokio::test]
async fn one_refresh_token_is_redeemed_for_each_audience_and_the_api_takes_only_onenote_s() {
    let (fake, _clock) = start().await;
    let onenote = sign_in(&fake, ONENOTE_SCOPES).await;
    assert_eq!(text(&onenote, "scope"), ONENOTE_SCOPES);
    assert_eq!(
        list_with(&fake, text(&onenote, "access_token"))
            .await
            .status,
        200
    );

    let graph = redeem(&fake, text(&onenote, "refresh_token"), Some(GRAPH_SCOPES)).await;
    assert_eq!(graph.status, 200, "{:?}", graph.json());
    let graph = graph.json();
    let refused = list_with(&fake, text(&graph, "access_token")).await;
    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.header("www-authenticate"),
        Some("Bearer realm=\"onenote-fake\"")
    );
    let body = refused.json();
    assert_eq!(body["error"]["code"], "40001");
    assert_eq!(
        body["error"]["message"],
        "The request does not contain a valid authentication token. Detailed error \
         information: the token was issued for Microsoft Graph (https://graph.microsoft.com/…), \
         and this service takes tokens for OneNote: ask for its scopes (e.g. \
         https://onenote.com/Notes.ReadWrite.All)."
    );
    // The refusal is not counted against the user's quota, nor processed.
    assert_eq!(fake.journal().last().unwrap().handled, None);

    // The rotated refresh token gets a OneNote token again.
    let again = redeem(&fake, text(&graph, "refresh_token"), Some(ONENOTE_SCOPES)).await;
    let again = again.json();
    assert_eq!(
        list_with(&fake, text(&again, "access_token")).await.status,
        200
    );
    let audiences: Vec<(String, Option<Audience>)> = fake
        .sign_in_events()
        .into_iter()
        .map(|e| (e.request, e.audience))
        .collect();
    assert_eq!(
        audiences,
        [
            ("devicecode".to_owned(), Some(Audience::OneNote)),
            ("device_code".to_owned(), Some(Audience::OneNote)),
            ("refresh_token".to_owned(), Some(Audience::Graph)),
            ("refresh_token".to_owned(), Some(Audience::OneNote)),
        ]
    );
}

#[tokio::test]
async fn a_refresh_without_scope_keeps_the_audience_it_was_issued_with() {
    let (fake, _clock) = start().await;
    let graph = sign_in(&fake, "Notes.Read offline_access").await;
    assert_eq!(
        list_with(&fake, text(&graph, "access_token")).await.status,
        401
    );
    let again = redeem(&fake, text(&graph, "refresh_token"), None)
        .await
        .json();
    assert_eq!(
        list_with(&fake, text(&again, "access_token")).await.status,
        401
    );
    assert_eq!(
        fake.sign_in_events().last().unwrap().audience,
        Some(Audience::Graph)
    );
}

#[tokio::test]
async fn scopes_of_two_resources_or_of_an_unknown_one_are_refused() {
    let (fake, _clock) = start().await;
    for (scope, code, says) in [
        (
            "https://onenote.com/Notes.Read https://graph.microsoft.com/Notes.Read",
            "invalid_scope",
            "AADSTS28000: Provided value for the input parameter scope is not valid because it \
             contains more than one resource.",
        ),
        (
            "https://onenote.com/Notes.Read Notes.Read offline_access",
            "invalid_scope",
            "AADSTS28000:",
        ),
        (
            "https://vault.azure.net/user_impersonation",
            "invalid_resource",
            "AADSTS500011: The resource principal named \
             https://vault.azure.net/user_impersonation was not found",
        ),
    ] {
        let answer = post(
            &fake,
            "devicecode",
            &[("client_id", "app"), ("scope", scope)],
        )
        .await;
        assert_eq!(answer.status, 400, "{scope}");
        let body = answer.json();
        assert_eq!(body["error"], code, "{scope}");
        assert!(text(&body, "error_description").starts_with(says), "{body}");
    }
    // A refresh is refused alike, and its refresh token is not used up.
    let onenote = sign_in(&fake, ONENOTE_SCOPES).await;
    let mixed = redeem(
        &fake,
        text(&onenote, "refresh_token"),
        Some("https://onenote.com/Notes.Read https://graph.microsoft.com/Notes.Read"),
    )
    .await;
    assert_eq!(mixed.json()["error"], "invalid_scope");
    let graph = redeem(&fake, text(&onenote, "refresh_token"), Some(GRAPH_SCOPES)).await;
    assert_eq!(graph.status, 200);
}

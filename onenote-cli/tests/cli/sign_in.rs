//! `onenote login` against the fake's identity platform, end to end: pending polls, slow_down
//! honoured, success, the token file (0600) with a token per audience, silent refresh after
//! expiry, a service without consent, an expired code, a declined one, and logout.

use std::time::{Duration, Instant};

use onenote_api::{Audience, TokenProvider};
use onenote_auth::{SignedIn, TokenStore};
use onenote_fake::{FakeOneNote, SignInSettings};

use crate::harness::{ConfigDir, TEACHER, builder, command, finish, output, spawn, start};

/// `onenote login` at the fake, started and left polling.
fn login(fake: &FakeOneNote, config: &ConfigDir) -> std::process::Child {
    let mut login = command(fake, config);
    login.args([
        "login",
        "--authority",
        &fake.authority(),
        "--client-id",
        "cli-tests",
    ]);
    spawn(login)
}

/// A fake that approves every code as teacher1 at its first poll, with `settings` otherwise.
async fn approving(settings: SignInSettings) -> FakeOneNote {
    builder()
        .sign_in(settings.interval(0).approve_after(0, TEACHER))
        .start()
        .await
        .expect("the fake starts")
}

/// The user code of the one sign-in in progress, once the CLI asked for it.
async fn code(fake: &FakeOneNote) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(code) = fake.pending_sign_ins().pop() {
            return code;
        }
        assert!(Instant::now() < deadline, "no sign-in started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the fake answered `answer` to a device-code poll at least `times` times.
async fn answered(fake: &FakeOneNote, answer: &str, times: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while fake
        .sign_in_events()
        .iter()
        .filter(|e| e.request == "device_code" && e.answer == answer)
        .count()
        < times
    {
        assert!(Instant::now() < deadline, "no {answer} answer");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_polls_while_pending_slows_down_when_told_and_stores_the_tokens() {
    let fake = start().await;
    let config = ConfigDir::new("login");
    let child = login(&fake, &config);
    let code = code(&fake).await;
    answered(&fake, "authorization_pending", 2).await;
    fake.slow_down_sign_in(&code).unwrap();
    answered(&fake, "slow_down", 1).await;
    fake.approve_sign_in(&code, TEACHER).unwrap();
    let run = finish(child).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains(&format!("enter the code {code}")),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("Signed in for OneNote and Microsoft Graph."),
        "{run:?}"
    );

    // After slow_down the CLI waited 5 seconds more before polling again (RFC 8628 §3.5).
    let events = fake.sign_in_events();
    let slow = events.iter().position(|e| e.answer == "slow_down").unwrap();
    let next = &events[slow + 1];
    assert_eq!(
        (next.request.as_str(), next.answer.as_str()),
        ("device_code", "ok")
    );
    assert!(
        next.at - events[slow].at >= Duration::from_secs(5),
        "{events:?}"
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(config.tokens())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Later commands use the stored token: no ONENOTE_TOKEN.
    let mut list = command(&fake, &config);
    list.args(["class-notebooks", "list"]);
    let run = output(list).await;
    assert_eq!(run.code, 0, "{run:?}");
    let sent = fake.journal().pop().unwrap();
    let bearer = sent.header("authorization").unwrap().to_owned();
    let stored = tokens(&config);
    assert_eq!(
        bearer,
        format!(
            "Bearer {}",
            stored["tokens"]["onenote"]["access_token"]
                .as_str()
                .unwrap()
        )
    );
    assert_eq!(sent.user.as_deref(), Some(TEACHER));
}

/// The token file as JSON.
fn tokens(config: &ConfigDir) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(config.tokens()).unwrap()).unwrap()
}

/// The sign-in requests the fake answered: what, how, and for which audience.
fn grants(fake: &FakeOneNote) -> Vec<(String, String, Option<Audience>)> {
    fake.sign_in_events()
        .into_iter()
        .map(|e| (e.request, e.answer, e.audience))
        .collect()
}

fn grant(
    request: &str,
    answer: &str,
    audience: Option<Audience>,
) -> (String, String, Option<Audience>) {
    (request.to_owned(), answer.to_owned(), audience)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_login_signs_in_for_both_services_and_their_tokens_are_served_silently() {
    let fake = approving(SignInSettings::default()).await;
    let config = ConfigDir::new("both");
    let run = finish(login(&fake, &config)).await;
    assert_eq!(run.code, 0, "{run:?}");
    // One code, for OneNote's scopes; its refresh token redeemed for Graph's.
    assert_eq!(
        grants(&fake),
        [
            grant("devicecode", "ok", Some(Audience::OneNote)),
            grant("device_code", "ok", Some(Audience::OneNote)),
            grant("refresh_token", "ok", Some(Audience::Graph)),
        ]
    );
    let stored = tokens(&config);
    let token = |audience: &str| {
        stored["tokens"][audience]["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_ne!(token("onenote"), token("graph"));

    // The stored sign-in serves each audience its own token, without asking again.
    let signed_in = SignedIn::new(TokenStore::at(config.tokens())).unwrap();
    for (audience, key) in [(Audience::OneNote, "onenote"), (Audience::Graph, "graph")] {
        let served = signed_in.access_token(audience).await.unwrap();
        assert_eq!(served.secret(), token(key));
    }
    assert_eq!(fake.sign_in_events().len(), 3);
    // OneNote takes its own token and refuses Graph's.
    let client = |token: String| {
        onenote_api::Client::builder()
            .base_url(fake.base_url())
            .bearer_token(token)
            .build()
            .unwrap()
    };
    client(token("onenote"))
        .me()
        .notebooks()
        .list()
        .send()
        .await
        .unwrap();
    let refused = client(token("graph"))
        .me()
        .notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(401));
    assert!(
        refused
            .message()
            .unwrap()
            .contains("issued for Microsoft Graph"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_without_consent_is_a_warning_and_the_other_is_signed_in() {
    let fake = approving(SignInSettings::default().without_consent(Audience::Graph)).await;
    let config = ConfigDir::new("no-consent");
    let run = finish(login(&fake, &config)).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains(
            "warning: no token for Microsoft Graph: the identity platform refused: \
             invalid_grant: AADSTS65001: The user or administrator has not consented"
        ),
        "{run:?}"
    );
    assert!(
        run.stderr.contains(
            "until the app registration has consent to its permissions \
             (https://graph.microsoft.com/Notes.ReadWrite.All offline_access)"
        ),
        "{run:?}"
    );
    assert!(run.stderr.contains("Signed in for OneNote."), "{run:?}");
    let stored = tokens(&config);
    assert!(stored["tokens"]["onenote"].is_object(), "{stored}");
    assert!(stored["tokens"].get("graph").is_none(), "{stored}");
    // OneNote's commands work.
    let mut list = command(&fake, &config);
    list.args(["notebooks", "list"]);
    assert_eq!(output(list).await.code, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refreshed_silently() {
    // Tokens that live two seconds.
    let fake = approving(SignInSettings::default().token_lifetime(Duration::from_secs(2))).await;
    let config = ConfigDir::new("refresh");
    let run = finish(login(&fake, &config)).await;
    assert_eq!(run.code, 0, "{run:?}");
    let stored = tokens(&config);
    let first = stored["tokens"]["onenote"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(2200)).await;

    let mut list = command(&fake, &config);
    list.args(["notebooks", "list"]);
    let run = output(list).await;
    assert_eq!(run.code, 0, "{run:?}");
    // Graph's token at login; OneNote's refreshed when the command needed it, not Graph's.
    assert_eq!(
        grants(&fake),
        [
            grant("devicecode", "ok", Some(Audience::OneNote)),
            grant("device_code", "ok", Some(Audience::OneNote)),
            grant("refresh_token", "ok", Some(Audience::Graph)),
            grant("refresh_token", "ok", Some(Audience::OneNote)),
        ]
    );
    // The API saw only the new token; the old one is refused.
    let journal = fake.journal();
    assert_eq!(journal.len(), 1, "{journal:?}");
    assert_ne!(
        journal[0].header("authorization"),
        Some(format!("Bearer {first}").as_str())
    );
    assert_eq!(journal[0].status, Some(200));
    let stale = onenote_api::Client::builder()
        .base_url(fake.base_url())
        .bearer_token(first)
        .build()
        .unwrap();
    let refused = stale.me().notebooks().list().send().await.unwrap_err();
    assert_eq!(refused.status(), Some(401));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_ends_the_sign_in_with_1_and_stores_nothing() {
    let fake = start().await;
    let config = ConfigDir::new("expired");
    let child = login(&fake, &config);
    let code = code(&fake).await;
    fake.expire_sign_in(&code).unwrap();
    let run = finish(child).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("expired_token"), "{run:?}");
    assert!(run.stderr.contains("run `onenote login` again"), "{run:?}");
    assert!(!config.tokens().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_sign_in_ends_with_1_and_stores_nothing() {
    let fake = start().await;
    let config = ConfigDir::new("declined");
    let child = login(&fake, &config);
    let code = code(&fake).await;
    fake.decline_sign_in(&code).unwrap();
    let run = finish(child).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("sign-in was declined"), "{run:?}");
    assert!(!config.tokens().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_forgets_the_tokens() {
    let fake = approving(SignInSettings::default()).await;
    let config = ConfigDir::new("logout");
    assert_eq!(finish(login(&fake, &config)).await.code, 0);
    assert!(config.tokens().exists());
    assert!(tokens(&config)["tokens"]["graph"].is_object());
    let mut logout = command(&fake, &config);
    logout.arg("logout");
    let run = output(logout).await;
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .starts_with("Signed out of OneNote and Microsoft Graph: removed "),
        "{run:?}"
    );
    assert!(!config.tokens().exists());
    // Neither service gets a token from the forgotten sign-in.
    let signed_in = SignedIn::new(TokenStore::at(config.tokens())).unwrap();
    for audience in Audience::ALL {
        let error = signed_in.token(*audience).await.unwrap_err();
        assert!(error.to_string().starts_with("not signed in"), "{error}");
    }
    let mut list = command(&fake, &config);
    list.args(["notebooks", "list"]);
    let run = output(list).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("not signed in"), "{run:?}");
}

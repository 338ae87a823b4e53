//! `onenote login` against the fake's identity platform, end to end: pending polls, slow_down
//! honoured, success, the token file (0600), silent refresh after expiry, an expired code, a
//! declined one, and logout.

use std::time::{Duration, Instant};

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
    assert!(bearer.starts_with("Bearer fake-at-"), "{bearer}");
    assert_eq!(sent.user.as_deref(), Some(TEACHER));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refreshed_silently() {
    // Tokens that live two seconds, codes approved at the first poll.
    let fake = builder()
        .sign_in(
            SignInSettings::default()
                .interval(0)
                .approve_after(0, TEACHER)
                .token_lifetime(Duration::from_secs(2)),
        )
        .start()
        .await
        .unwrap();
    let config = ConfigDir::new("refresh");
    let run = finish(login(&fake, &config)).await;
    assert_eq!(run.code, 0, "{run:?}");
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(config.tokens()).unwrap()).unwrap();
    let first = stored["tokens"]["onenote"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(2200)).await;

    let mut list = command(&fake, &config);
    list.args(["notebooks", "list"]);
    let run = output(list).await;
    assert_eq!(run.code, 0, "{run:?}");
    let grants: Vec<(String, String)> = fake
        .sign_in_events()
        .into_iter()
        .map(|e| (e.request, e.answer))
        .collect();
    assert_eq!(
        grants,
        [
            ("devicecode".to_owned(), "ok".to_owned()),
            ("device_code".to_owned(), "ok".to_owned()),
            ("refresh_token".to_owned(), "ok".to_owned()),
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
    let fake = builder()
        .sign_in(
            SignInSettings::default()
                .interval(0)
                .approve_after(0, TEACHER),
        )
        .start()
        .await
        .unwrap();
    let config = ConfigDir::new("logout");
    assert_eq!(finish(login(&fake, &config)).await.code, 0);
    assert!(config.tokens().exists());
    let mut logout = command(&fake, &config);
    logout.arg("logout");
    assert_eq!(output(logout).await.code, 0);
    assert!(!config.tokens().exists());
    let mut list = command(&fake, &config);
    list.args(["notebooks", "list"]);
    let run = output(list).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("not signed in"), "{run:?}");
}

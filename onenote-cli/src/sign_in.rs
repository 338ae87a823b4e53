//! `onenote login` (the device code flow), `onenote logout`, and the token every other command
//! sends: `ONENOTE_TOKEN` if set, else the stored sign-in, refreshed silently.

use clap::{Arg, ArgMatches, Command};
use onenote_api::{StaticToken, TokenProvider};
use onenote_auth::{
    Audience, DEFAULT_AUTHORITY, DEFAULT_TENANT, DeviceCodeSignIn, SignInError, SignInSettings,
    SignedIn, TokenStore,
};

use crate::failure::Failure;

/// `login` and `logout`.
pub(crate) fn commands() -> Vec<Command> {
    vec![
        Command::new("login")
            .about("Sign in with a code entered in a browser (the device code flow)")
            .long_about(
                "Sign in with the OAuth 2.0 device authorization grant of the Microsoft identity platform: \
                 prints a URL and a code, waits while you enter it in a browser on any device, and stores \
                 the access and refresh tokens in a file only you can read (tokens.json in the onenote \
                 folder of your config directory, or in ONENOTE_CONFIG_DIR). Later commands refresh the \
                 token silently. ONENOTE_TOKEN, when set, is used instead.",
            )
            .arg(
                Arg::new("client-id")
                    .long("client-id")
                    .env("ONENOTE_CLIENT_ID")
                    .required(true)
                    .value_name("ID")
                    .help("The application (client) id of a public client app registration that allows public client flows"),
            )
            .arg(
                Arg::new("tenant")
                    .long("tenant")
                    .env("ONENOTE_TENANT")
                    .default_value(DEFAULT_TENANT)
                    .value_name("TENANT")
                    .help("The tenant: its id or domain, or organizations"),
            )
            .arg(
                Arg::new("authority")
                    .long("authority")
                    .env("ONENOTE_AUTHORITY")
                    .default_value(DEFAULT_AUTHORITY)
                    .value_name("URL")
                    .help("The identity platform (`onenote fake serve` prints the fake's)"),
            )
            .arg(
                Arg::new("scope")
                    .long("scope")
                    .value_name("SCOPE")
                    .action(clap::ArgAction::Append)
                    .help("A scope to ask for instead of the defaults (https://onenote.com/Notes.ReadWrite.All offline_access); repeatable"),
            ),
        Command::new("logout").about("Forget the stored sign-in (the token file)"),
    ]
}

/// The token store every command uses.
fn store() -> Result<TokenStore, Failure> {
    TokenStore::default_location().map_err(sign_in_failure)
}

fn sign_in_failure(error: SignInError) -> Failure {
    Failure::other(error.to_string())
}

/// `onenote login`.
pub(crate) async fn login(matches: &ArgMatches) -> Result<(), Failure> {
    let text = |id: &str| matches.get_one::<String>(id).cloned().unwrap_or_default();
    let mut settings = SignInSettings::new(text("client-id"))
        .tenant(text("tenant"))
        .authority(text("authority"));
    if let Some(scopes) = matches.get_many::<String>("scope") {
        settings = settings.scopes(scopes.cloned().collect());
    }
    let store = store()?;
    let sign_in = DeviceCodeSignIn::new(settings, Audience::OneNote).map_err(sign_in_failure)?;
    let pending = sign_in.start().await.map_err(sign_in_failure)?;
    eprintln!("{}", pending.message());
    let signed_in = sign_in.finish(&pending).await.map_err(sign_in_failure)?;
    store.save(&signed_in).map_err(sign_in_failure)?;
    eprintln!("Signed in. The tokens are in {}.", store.path().display());
    Ok(())
}

/// `onenote logout`.
pub(crate) fn logout() -> Result<(), Failure> {
    let store = store()?;
    if store.forget().map_err(sign_in_failure)? {
        eprintln!("Signed out: removed {}.", store.path().display());
    } else {
        eprintln!("Not signed in (no {}).", store.path().display());
    }
    Ok(())
}

/// `ONENOTE_TOKEN` if set (a fixed token, e.g. `fake:teacher1@contoso.com` for the fake),
/// else the stored sign-in.
pub(crate) fn token_provider() -> Result<Box<dyn TokenProvider>, Failure> {
    if let Some(token) = std::env::var("ONENOTE_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
    {
        return Ok(Box::new(StaticToken::new(token)));
    }
    let store = store()?;
    if store.load().map_err(sign_in_failure)?.is_none() {
        return Err(sign_in_failure(SignInError::NotSignedIn));
    }
    Ok(Box::new(
        SignedIn::new(store, Audience::OneNote).map_err(sign_in_failure)?,
    ))
}

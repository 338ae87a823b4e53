//! `onenote login` (the device code flow, once for OneNote and Microsoft Graph), `onenote
//! logout`, and the tokens every other command sends: `ONENOTE_TOKEN` if set, else the stored
//! sign-in, each audience's token refreshed silently.

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
                 the tokens in a file only you can read (tokens.json in the onenote folder of your config \
                 directory, or in ONENOTE_CONFIG_DIR). The code asks for OneNote's scopes (one resource per \
                 request is all the identity platform allows); its refresh token is then redeemed for \
                 Microsoft Graph's, which needs consent to Graph's permissions (an admin's, or ask for \
                 https://onenote.com/.default to consent to every permission the app registration lists). \
                 Later commands refresh each token silently. ONENOTE_TOKEN, when set, is used instead.",
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
                    .help("A scope to ask for instead of the defaults, for the service it names: https://onenote.com/… for OneNote, https://graph.microsoft.com/… (or a bare permission) for Microsoft Graph, offline_access for both; a service none names keeps its defaults (Notes.ReadWrite.All, offline_access); repeatable"),
            ),
        Command::new("logout")
            .about("Forget the stored sign-in (the token file)")
            .long_about(
                "Forget the stored sign-in: removes the token file, with the refresh token and the \
                 access tokens of OneNote and Microsoft Graph.",
            ),
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
        settings = settings.scopes(scopes).map_err(sign_in_failure)?;
    }
    let store = store()?;
    let sign_in = DeviceCodeSignIn::new(settings, SIGN_IN).map_err(sign_in_failure)?;
    let pending = sign_in.start().await.map_err(sign_in_failure)?;
    eprintln!("{}", pending.message());
    let tokens = sign_in.finish(&pending).await.map_err(sign_in_failure)?;
    store.save(&tokens).map_err(sign_in_failure)?;
    // The one refresh token, redeemed for every other service now, so a refusal (no consent
    // to its permissions) shows at sign-in rather than at its first call.
    let signed_in = SignedIn::new(store.clone()).map_err(sign_in_failure)?;
    let mut ready = vec![SIGN_IN.to_string()];
    for audience in Audience::ALL.iter().filter(|a| **a != SIGN_IN) {
        match signed_in.current(*audience).await {
            Ok(_) => ready.push(audience.to_string()),
            Err(error) => eprintln!(
                "warning: no token for {audience}: {error}. Its calls will fail until the app \
                 registration has consent to its permissions ({}); then they sign in silently.",
                tokens.settings.scopes_for(*audience).join(" ")
            ),
        }
    }
    eprintln!(
        "Signed in for {}. The tokens are in {}.",
        ready.join(" and "),
        store.path().display()
    );
    Ok(())
}

/// The audience whose scopes the device code asks for (class notebooks and permissions are
/// OneNote's only); the others are redeemed from its refresh token.
const SIGN_IN: Audience = Audience::OneNote;

/// `onenote logout`.
pub(crate) fn logout() -> Result<(), Failure> {
    let store = store()?;
    if store.forget().map_err(sign_in_failure)? {
        eprintln!(
            "Signed out of OneNote and Microsoft Graph: removed {}.",
            store.path().display()
        );
    } else {
        eprintln!("Not signed in (no {}).", store.path().display());
    }
    Ok(())
}

/// `ONENOTE_TOKEN` if set (a fixed token for every service, e.g. `fake:teacher1@contoso.com`
/// for the fake), else the stored sign-in (each service's own token).
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
    Ok(Box::new(SignedIn::new(store).map_err(sign_in_failure)?))
}

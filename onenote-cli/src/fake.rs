//! `onenote fake serve`: the fake OneNote (`onenote-fake`) with its identity platform, on
//! 127.0.0.1 until Ctrl-C, so every command can be tried without a tenant. Its flags are the
//! `onenote-fake` binary's own (the library's `ServeArgs`, flattened), plus the sign-in's and
//! `--users-from-sds`.

use std::io::Write;
use std::time::Duration;

use clap::{Arg, ArgMatches, Args, Command, FromArgMatches};
use onenote_fake::{ServeArgs, SignInSettings, Tenant, User};

use crate::failure::Failure;

/// `fake serve`.
pub(crate) fn command() -> Command {
    // ServeArgs brings its own doc as the command's about: set ours after it.
    let serve = ServeArgs::augment_args(Command::new("serve"))
        .about("Serve the fake OneNote API and identity platform on 127.0.0.1 until Ctrl-C")
        .long_about(
            "Serves the fake OneNote class-notebook and permissions API (state in memory) and its \
             Microsoft identity platform (device code sign-in) on 127.0.0.1 until Ctrl-C, and prints \
             the lines that point the other commands at it. The flags are those of the onenote-fake \
             binary, and the sign-in's.",
        )
        .arg(
            Arg::new("users-from-sds")
                .long("users-from-sds")
                .value_name("SDS-FOLDER")
                .help("Add every teacher and student of a School Data Sync export as users (to try `onenote roster`)"),
        )
        .arg(
            Arg::new("approve-after")
                .long("approve-after")
                .value_name("POLLS")
                .value_parser(clap::value_parser!(u32))
                .default_value("2")
                .help("Approve each sign-in code after this many polls"),
        )
        .arg(
            Arg::new("sign-in-as")
                .long("sign-in-as")
                .value_name("UPN")
                .default_value("teacher1@contoso.com")
                .help("The user an approved sign-in is for"),
        )
        .arg(
            Arg::new("token-lifetime")
                .long("token-lifetime")
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64))
                .default_value("3600")
                .help("How long the access tokens it issues live"),
        );
    Command::new("fake")
        .about("An offline OneNote to try every command against")
        .subcommand_required(true)
        .subcommand(serve)
}

/// Runs `fake serve` until Ctrl-C.
pub(crate) async fn serve(matches: &ArgMatches) -> Result<(), Failure> {
    let Some(("serve", matches)) = matches.subcommand() else {
        return Err(Failure::usage("fake needs serve"));
    };
    let args = ServeArgs::from_arg_matches(matches).map_err(|e| Failure::usage(e.to_string()))?;
    let upn = matches
        .get_one::<String>("sign-in-as")
        .cloned()
        .unwrap_or_default();
    let sign_in = SignInSettings::default()
        .approve_after(
            matches
                .get_one::<u32>("approve-after")
                .copied()
                .unwrap_or(2),
            upn.clone(),
        )
        .token_lifetime(Duration::from_secs(
            matches
                .get_one::<u64>("token-lifetime")
                .copied()
                .unwrap_or(3600),
        ));
    let tenant = args.tenant().map_err(|e| Failure::usage(e.to_string()))?;
    let tenant = match matches.get_one::<String>("users-from-sds") {
        Some(folder) => with_roster_users(tenant, folder)?,
        None => tenant,
    };
    let fake = args
        .builder(tenant.clone())
        .sign_in(sign_in)
        .start()
        .await
        .map_err(|e| Failure::other(format!("cannot start the fake: {e}")))?;
    let first = tenant
        .users
        .iter()
        .find(|u| !u.admin)
        .or(tenant.users.first())
        .map_or("user@example.com", |u| u.upn.as_str());
    let banner = format!(
        "{}\n  point the onenote commands at it:\n    export ONENOTE_BASE_URL={}\n    \
         export ONENOTE_GRAPH_BASE_URL={}   (for --service graph)\n    \
         export ONENOTE_TOKEN=fake:{first}\n  or sign in (approved after a few polls, as \
         {upn}):\n    onenote login --authority {} --client-id any\n",
        args.banner(&fake, &tenant),
        fake.base_url(),
        fake.graph_base_url(),
        fake.authority()
    );
    // A reader that took the base URL and closed the pipe must not stop the fake: println!
    // panics on a closed stdout, so the banner is written once and a failure ignored.
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(banner.as_bytes())
        .and_then(|()| stdout.flush());
    drop(stdout);
    let _ = tokio::signal::ctrl_c().await;
    fake.shutdown().await;
    Ok(())
}

/// `tenant` with every teacher and student of the export as a user (the fake refuses members
/// it does not know, as the service does).
fn with_roster_users(tenant: Tenant, folder: &str) -> Result<Tenant, Failure> {
    let roster =
        onenote_roster::sds::load_folder(folder, &onenote_roster::sds::SdsOptions::default())
            .map_err(|problems| Failure::usage(problems.to_string()))?
            .roster;
    let mut upns = std::collections::BTreeSet::new();
    for class in roster.classes() {
        for role in [onenote_roster::Role::Teacher, onenote_roster::Role::Student] {
            upns.extend(class.members(role).iter().map(|m| m.id.key().to_owned()));
        }
    }
    Ok(upns.into_iter().fold(tenant, |tenant, upn| {
        if tenant.find_user(&upn).is_some() {
            return tenant;
        }
        let name = upn.split('@').next().unwrap_or(&upn).to_owned();
        tenant.user(User::new(upn, name))
    }))
}

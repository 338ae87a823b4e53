//! Brings class notebooks in line with a School Data Sync v2.1 export, with a progress bar.
//!
//! ```sh
//! cargo run -p onenote-roster --example roster_sync -- --dry-run onenote-roster/sample/sds
//! cargo run -p onenote-roster --example roster_sync -- onenote-roster/sample/sds
//! ```
//!
//! Options: `--dry-run` (plan and print, send no write), `--journal FILE` (where the run is
//! recorded), `--resume` (carry on the run that `--journal FILE` recorded, instead of planning
//! again), `--max-removal SHARE` (loosen the guard: the largest share, 0–1, of a class's and
//! of all members a plan may remove), `--lost-create-grace SECS` (how long an asynchronous
//! create whose answer was lost is looked for by name before it is sent again; default 60).
//!
//! By default it runs against an in-process fake OneNote (`onenote-fake`) whose tenant holds
//! the export's users and one notebook left from last term (the first class, one student short
//! and with one who left), so the plan shows creates, an add and a removal. To sync a real
//! tenant, set `ONENOTE_TOKEN` (a delegated token for `https://onenote.com/`) and
//! `ONENOTE_LOCATION` (`me`, `users/{upn}`, `groups/{group-id}` or
//! `sites/{site-collection-id}/{site-id}`); `ONENOTE_BASE_URL` changes the service root. Against
//! the service the journal defaults to `roster.journal` in the current folder.

#[path = "../tests/support/tenant.rs"]
mod tenant;

use std::error::Error;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;

use onenote_api::{Client, Location, Notes, WaitCause};
use onenote_fake::{ClassSeed, FakeOneNote, LocationSeed, NotebookSeed, User};
use onenote_roster::sds::{self, SdsOptions};
use onenote_roster::{
    Actual, ApplyOptions, ClientExecutor, Commands, Event, Guard, Journal, PlanOptions, PlanSource,
    Report, Role, Roster, apply, plan,
};

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

const USAGE: &str = "usage: roster_sync [--dry-run] [--journal FILE] [--resume] \
                     [--max-removal SHARE] [--lost-create-grace SECS] SDS-FOLDER";

/// How an operator starts this example, for the commands its messages name.
const COMMAND: &str = "cargo run -p onenote-roster --example roster_sync --";

/// The commands of this example, for the hints of journal errors and guard refusals.
struct ExampleCommands<'a> {
    folder: &'a std::path::Path,
}

impl Commands for ExampleCommands<'_> {
    fn resume(&self, journal: &std::path::Path) -> String {
        format!(
            "{COMMAND} --resume --journal {} {}",
            journal.display(),
            self.folder.display()
        )
    }

    fn plan(&self, journal: &std::path::Path, max_removal: Option<f64>) -> String {
        let guard = max_removal.map_or(String::new(), |share| format!(" --max-removal {share}"));
        format!(
            "{COMMAND}{guard} --journal {} {}",
            journal.display(),
            self.folder.display()
        )
    }
}

/// The command line.
#[derive(Debug, Default)]
struct Args {
    folder: PathBuf,
    dry_run: bool,
    journal: Option<PathBuf>,
    resume: bool,
    max_removal: Option<f64>,
    lost_create_grace: Option<std::time::Duration>,
}

impl Args {
    fn parse(args: impl IntoIterator<Item = String>) -> Result<Args> {
        let mut parsed = Args::default();
        let mut folder = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--dry-run" => parsed.dry_run = true,
                "--resume" => parsed.resume = true,
                "--journal" => {
                    let file = args.next().ok_or("--journal needs a file")?;
                    parsed.journal = Some(file.into());
                }
                "--max-removal" => {
                    let share = args.next().ok_or("--max-removal needs a share, 0 to 1")?;
                    let share: f64 = share
                        .parse()
                        .map_err(|_| format!("--max-removal {share:?}: not a number"))?;
                    if !(0.0..=1.0).contains(&share) {
                        return Err(
                            format!("--max-removal {share}: use a share from 0 to 1").into()
                        );
                    }
                    parsed.max_removal = Some(share);
                }
                "--lost-create-grace" => {
                    let secs = args.next().ok_or("--lost-create-grace needs seconds")?;
                    let secs: u64 = secs
                        .parse()
                        .map_err(|_| format!("--lost-create-grace {secs:?}: not whole seconds"))?;
                    parsed.lost_create_grace = Some(std::time::Duration::from_secs(secs));
                }
                "-h" | "--help" => return Err(USAGE.into()),
                other if other.starts_with('-') => {
                    return Err(format!("unknown option {other}\n{USAGE}").into());
                }
                other if folder.is_none() => folder = Some(PathBuf::from(other)),
                other => return Err(format!("one folder only ({other:?})\n{USAGE}").into()),
            }
        }
        if parsed.resume && parsed.journal.is_none() {
            return Err("--resume needs --journal FILE: the run to carry on".into());
        }
        parsed.folder = folder.ok_or(USAGE)?;
        Ok(parsed)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let outcome = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => run(args).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(report) if report.as_ref().is_none_or(Report::is_complete) => {}
        Ok(_) => std::process::exit(1),
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(2);
        }
    }
}

/// Reads the export and syncs it where the environment says; the report, unless a dry run.
async fn run(args: Args) -> Result<Option<Report>> {
    let import = sds::load_folder(&args.folder, &SdsOptions::default())?;
    let roster = import.roster;
    println!(
        "{}: {} classes, {} enrolments",
        args.folder.display(),
        roster.classes().len(),
        roster.enrolments()
    );
    for (role, count) in &import.skipped {
        println!("  skipped {count} enrolment(s) with role {role:?}");
    }
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let Some(token) = env("ONENOTE_TOKEN") else {
        let fake = start_fake(&roster).await?;
        println!(
            "against the in-process fake OneNote at {} (set ONENOTE_TOKEN and ONENOTE_LOCATION \
             for the real service)",
            fake.base_url()
        );
        let client = fake.client_for(&account(&roster))?;
        let journal = args.journal.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("roster_sync-{}.journal", std::process::id()))
        });
        let report = sync(client.me(), &roster, &args, journal.clone()).await?;
        if report.is_some() {
            let again = plan(
                &roster,
                &Actual::read(&client.me()).await?,
                &PlanOptions::default(),
            );
            println!("planned again after the run: {} requests", again.requests());
            if args.journal.is_none() {
                let _ = std::fs::remove_file(journal);
            }
        }
        fake.shutdown().await;
        return Ok(report);
    };
    let mut builder = Client::builder().bearer_token(token);
    if let Some(base) = env("ONENOTE_BASE_URL") {
        builder = builder.base_url(base);
    }
    let client = builder.build()?;
    let journal = args
        .journal
        .clone()
        .unwrap_or_else(|| PathBuf::from("roster.journal"));
    let location = env("ONENOTE_LOCATION").unwrap_or_else(|| "me".to_owned());
    println!("against {} at {location}", client.base_url());
    let parts: Vec<&str> = location.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["me"] => sync(client.me(), &roster, &args, journal).await,
        ["users", upn] => sync(client.user(*upn), &roster, &args, journal).await,
        ["groups", id] => sync(client.group(*id), &roster, &args, journal).await,
        ["sites", collection, site] => {
            sync(client.site(*collection, *site), &roster, &args, journal).await
        }
        _ => Err(format!(
            "ONENOTE_LOCATION={location:?}: use me, users/{{upn}}, groups/{{group-id}} or \
             sites/{{site-collection-id}}/{{site-id}}"
        )
        .into()),
    }
}

/// Plans (or resumes) and applies at `notes`, drawing progress on stderr.
async fn sync<L: Location + 'static>(
    notes: Notes<L>,
    roster: &Roster,
    args: &Args,
    journal: PathBuf,
) -> Result<Option<Report>> {
    let commands = ExampleCommands {
        folder: &args.folder,
    };
    let with_hint = |error: &dyn Error, hint: String| format!("{error}\n  = hint: {hint}");
    let options = PlanOptions::default();
    let journal = if args.resume {
        let journal = Journal::resume(&journal, &PlanSource::of(roster, &options))
            .map_err(|e| with_hint(&e, e.hint(&commands)))?;
        if let Some(torn) = journal.torn_record() {
            eprintln!("note: {torn}");
        }
        println!(
            "resuming {}: {} of {} steps left",
            journal.path().display(),
            journal.remaining(),
            journal.states().len()
        );
        journal
    } else {
        let actual = Actual::read(&notes).await?;
        let plan = plan(roster, &actual, &options);
        println!("\n{plan}\n");
        if args.dry_run {
            println!("dry run: nothing sent");
            return Ok(None);
        }
        let guard = args
            .max_removal
            .map_or_else(Guard::default, Guard::max_removal);
        let approved = guard
            .approve(plan)
            .map_err(|e| with_hint(&e, e.hint(&commands, &journal)))?;
        let journal =
            Journal::create(&journal, approved).map_err(|e| with_hint(&e, e.hint(&commands)))?;
        println!("journal: {}", journal.path().display());
        journal
    };
    let path = journal.path().to_path_buf();
    let mut options = ApplyOptions::default();
    if let Some(grace) = args.lost_create_grace {
        options.lost_create_grace = grace;
    }
    let mut run = apply(ClientExecutor::new(notes), journal, options);
    let mut bar = Bar::new(run.steps());
    while let Some(event) = run.next_event().await {
        match event {
            Event::Done { .. } => bar.done += 1,
            Event::Failed {
                notebook,
                change,
                error,
                ..
            } => {
                bar.failed += 1;
                bar.note(&format!(
                    "failed: {notebook:?}: {}: {error}",
                    change.describe()
                ));
            }
            Event::WaitingForQuota { wait, limit } => bar.waiting = Some((wait, limit)),
            Event::Finished(report) => {
                bar.finish();
                println!("{report}");
                let refused = report
                    .failures
                    .iter()
                    .all(|f| f.outcome == onenote_roster::Outcome::Rejected);
                if report.aborted.is_some() || !refused {
                    println!(
                        "the run is not finished; once the cause is fixed, resume it: `{}`",
                        commands.resume(&path)
                    );
                } else if !report.is_complete() {
                    println!(
                        "the service refused the steps above; fix them, then plan again: `{}`",
                        commands.plan(&path, None)
                    );
                }
                return Ok(Some(report));
            }
        }
        bar.draw();
    }
    Err("the run ended without a report".into())
}

/// A progress bar on stderr, redrawn in place on a terminal; elsewhere a line per tenth.
struct Bar {
    total: usize,
    done: usize,
    failed: usize,
    waiting: Option<(std::time::Duration, WaitCause)>,
    terminal: bool,
    shown_tenths: usize,
}

impl Bar {
    const WIDTH: usize = 30;

    fn new(total: usize) -> Self {
        Self {
            total,
            done: 0,
            failed: 0,
            waiting: None,
            terminal: std::io::stderr().is_terminal(),
            shown_tenths: 0,
        }
    }

    fn line(&self) -> String {
        let finished = self.done + self.failed;
        let filled = (finished * Self::WIDTH)
            .checked_div(self.total)
            .unwrap_or(Self::WIDTH);
        let mut line = format!(
            "[{}{}] {finished}/{} steps, {} failed",
            "#".repeat(filled),
            ".".repeat(Self::WIDTH - filled),
            self.total,
            self.failed
        );
        if let Some((wait, limit)) = &self.waiting {
            line.push_str(&format!(", waiting {:.0?} for {limit}", wait));
        }
        line
    }

    fn draw(&mut self) {
        let mut stderr = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(stderr, "\r{}\x1b[K", self.line());
        } else {
            let tenths = ((self.done + self.failed) * 10)
                .checked_div(self.total)
                .unwrap_or(10);
            if tenths > self.shown_tenths {
                self.shown_tenths = tenths;
                let _ = writeln!(stderr, "{}", self.line());
            }
        }
        let _ = stderr.flush();
    }

    /// A line above the bar.
    fn note(&self, text: &str) {
        if self.terminal {
            eprint!("\r\x1b[K");
        }
        eprintln!("{text}");
    }

    fn finish(&mut self) {
        self.waiting = None;
        if self.terminal {
            eprintln!("\r{}\x1b[K", self.line());
        } else if self.shown_tenths < 10 {
            eprintln!("{}", self.line());
        }
    }
}

/// The account that runs the sync in the fake: `sds-sync@` the export's domain.
fn account(roster: &Roster) -> String {
    let domain = roster
        .classes()
        .iter()
        .flat_map(|class| class.teachers().iter().chain(class.students()))
        .find_map(|member| {
            member
                .id
                .as_str()
                .split_once('@')
                .map(|(_, d)| d.to_owned())
        })
        .unwrap_or_else(|| "contoso.com".to_owned());
    format!("sds-sync@{domain}")
}

/// A fake whose tenant knows the export's people, with the first class's notebook as last term
/// left it: one student short, and one who has left still in it.
async fn start_fake(roster: &Roster) -> Result<FakeOneNote> {
    let account = account(roster);
    let domain = account.split_once('@').map_or("", |(_, d)| d).to_owned();
    let mut tenant = tenant::tenant_for(roster, &domain, &account);
    if let Some(class) = roster.classes().first() {
        let leaver = format!("left.student@{domain}");
        tenant = tenant.user(User::new(&leaver, "Left Student"));
        let upns = |role| -> Vec<String> {
            class
                .members(role)
                .iter()
                .map(|m| m.id.as_str().to_owned())
                .collect()
        };
        let mut students = upns(Role::Student);
        students.pop();
        students.push(leaver);
        let last_term = ClassSeed {
            teachers: upns(Role::Teacher),
            students,
            ..ClassSeed::default()
        };
        tenant = tenant.notebook(
            NotebookSeed::new(class.notebook_name(), LocationSeed::User(account.clone()))
                .class(last_term),
        );
    }
    Ok(FakeOneNote::builder().tenant(tenant).start().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Args {
        Args::parse(list.iter().map(|s| s.to_string())).unwrap()
    }

    fn sample() -> String {
        concat!(env!("CARGO_MANIFEST_DIR"), "/sample/sds").to_owned()
    }

    #[tokio::test]
    async fn the_sample_is_planned_then_synced_against_the_fake() {
        assert!(
            std::env::var("ONENOTE_TOKEN").is_err(),
            "run without ONENOTE_TOKEN"
        );
        assert!(
            run(args(&["--dry-run", &sample()]))
                .await
                .unwrap()
                .is_none()
        );
        let report = run(args(&[&sample()])).await.unwrap().unwrap();
        // Three creates, one add and one removal in Biology 10.
        assert!(report.is_complete(), "{report}");
        assert_eq!(report.applied, 5, "{report}");
    }

    #[test]
    fn options_are_checked() {
        let parse = |list: &[&str]| {
            Args::parse(list.iter().map(|s| s.to_string()))
                .map(drop)
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            parse(&["--resume", "x"]).unwrap_err(),
            "--resume needs --journal FILE: the run to carry on"
        );
        assert_eq!(
            parse(&["--max-removal", "2", "x"]).unwrap_err(),
            "--max-removal 2: use a share from 0 to 1"
        );
        assert_eq!(parse(&[]).unwrap_err(), USAGE);
        assert!(parse(&["--dry-run", "--journal", "j", "x"]).is_ok());
    }

    /// A journal path of its own, removed when dropped.
    struct TempPath(PathBuf);

    impl TempPath {
        fn new(name: &str) -> Self {
            Self(
                std::env::temp_dir()
                    .join(format!("roster-sync-{name}-{}.journal", std::process::id())),
            )
        }

        fn text(&self) -> String {
            self.0.display().to_string()
        }
    }

    impl Drop for TempPath {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    /// The sample export with one class more, in a folder of its own.
    fn another_export() -> TempFolder {
        let folder = TempFolder(
            std::env::temp_dir().join(format!("roster-sync-export-{}", std::process::id())),
        );
        std::fs::create_dir_all(&folder.0).unwrap();
        for (file, extra) in [
            ("classes.csv", "C-9999,S-01,Physics 12,FY2027,PHY12\n"),
            ("enrollments.csv", "C-9999,U-001,teacher\n"),
            ("users.csv", ""),
        ] {
            let text = std::fs::read_to_string(format!("{}/{file}", sample())).unwrap();
            std::fs::write(folder.0.join(file), text + extra).unwrap();
        }
        folder
    }

    struct TempFolder(PathBuf);

    impl Drop for TempFolder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Issue 24, item 4: resumed with another export, it carried on the journal's old plan and
    /// reported success.
    #[tokio::test]
    async fn resuming_with_another_export_is_refused_naming_both_rosters() {
        let journal = TempPath::new("other-export");
        let report = run(args(&["--journal", &journal.text(), &sample()]))
            .await
            .unwrap()
            .unwrap();
        assert!(report.is_complete(), "{report}");
        let other = another_export();
        let folder = other.0.display().to_string();
        let error = run(args(&["--resume", "--journal", &journal.text(), &folder]))
            .await
            .unwrap_err()
            .to_string();
        let (planned, given) = {
            let load = |path: &str| {
                let roster = sds::load_folder(path, &SdsOptions::default())
                    .unwrap()
                    .roster;
                PlanSource::of(&roster, &PlanOptions::default())
            };
            (load(&sample()), load(&folder))
        };
        assert_eq!(
            error,
            format!(
                "journal {j} was planned from {planned}, not from the {given} given now\n  = \
                 hint: resume it with the export it was planned from ({planned}); or, to sync \
                 this export, remove {j} and run `{COMMAND} --journal {j} {folder}`",
                j = journal.text()
            )
        );
        assert!(
            planned.to_string().contains("(4 classes, 19 enrolments)"),
            "{planned}"
        );
        assert!(
            given.to_string().contains("(5 classes, 20 enrolments)"),
            "{given}"
        );
    }

    /// Issue 24, item 6: the messages told the operator to run again what had just failed, or
    /// to call `Journal::create`.
    #[tokio::test]
    async fn journal_errors_name_the_command_to_run() {
        let journal = TempPath::new("messages");
        let j = journal.text();
        std::fs::write(&journal.0, "").unwrap();
        let empty = run(args(&["--resume", "--journal", &j, &sample()]))
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(
            empty,
            format!(
                "journal {j} holds no run to resume (no file, or an empty one)\n  = hint: plan \
                 a run into it: `{COMMAND} --journal {j} {}`",
                sample()
            )
        );

        // A run that never got to its first write: planning again is refused.
        let roster = sds::load_folder(sample(), &SdsOptions::default())
            .unwrap()
            .roster;
        let pending = plan(&roster, &Actual::default(), &PlanOptions::default());
        Journal::create(&journal.0, Guard::default().approve(pending).unwrap()).unwrap();
        let unfinished = run(args(&["--journal", &j, &sample()]))
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(
            unfinished,
            format!(
                "journal {j} holds an unfinished run (4 of 4 steps left), so it is not \
                 overwritten with a new plan\n  = hint: resume it: `{COMMAND} --resume --journal \
                 {j} {s}`; or remove {j} and run `{COMMAND} --journal {j} {s}` to plan anew",
                s = sample()
            )
        );
        for text in [&empty, &unfinished] {
            assert!(!text.contains("Journal::"), "{text}");
        }
    }
}

//! `onenote roster plan` and `onenote roster apply`: class notebooks brought in line with a
//! School Data Sync export, thin over `onenote-roster` (plan, guard, journal, apply), with an
//! indicatif bar that shows quota waits, and Ctrl-C that stops after the writes in flight.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Arg, ArgAction, ArgMatches, Command};
use indicatif::{ProgressBar, ProgressStyle};
use onenote_api::{CreateClassNotebook, Location, Notes};
use onenote_roster::sds::{self, SdsOptions};
use onenote_roster::{
    Actual, ActualClass, ApplyOptions, ClientExecutor, Commands, Event, Executor, Guard, Journal,
    JournalError, Member, Outcome, PlanOptions, PlanSource, Progress, Report, Role, WriteError,
    apply, plan,
};

use crate::call::{AtLocation, Context};
use crate::failure::Failure;

/// `roster plan` and `roster apply`.
pub(crate) fn command() -> Command {
    let folder = Arg::new("folder")
        .value_name("SDS-FOLDER")
        .required(true)
        .help("A School Data Sync v2.1 export: classes.csv, enrollments.csv, users.csv");
    Command::new("roster")
        .about("Bring class notebooks in line with a School Data Sync export")
        .subcommand_required(true)
        .subcommand(
            Command::new("plan")
                .about("The dry run: what apply would change, nothing sent")
                .arg(folder.clone())
                .arg(
                    Arg::new("json")
                        .long("json")
                        .action(ArgAction::SetTrue)
                        .help("The plan as JSON (the format apply records in its journal)"),
                ),
        )
        .subcommand(
            Command::new("apply")
                .about("Apply the plan, recorded in a journal; run it again to resume")
                .long_about(
                    "Plans, checks the plan against the guard's limits, records it in the journal and \
                     applies it, a progress bar on stderr showing steps and quota waits. When the \
                     journal exists already, the same command resumes the run it records instead of \
                     planning again: no write that took effect is sent twice. Ctrl-C stops after the \
                     writes in flight, leaving the journal consistent. Exit code 1 when a step failed.",
                )
                .arg(folder)
                .arg(
                    Arg::new("journal")
                        .long("journal")
                        .value_name("FILE")
                        .required(true)
                        .help("Where the run is recorded (created, or resumed when it exists)"),
                )
                .arg(share("max-class-removal", "The largest share (0-1) of one class's members a plan may remove [default: 0.25]"))
                .arg(share("max-total-removal", "The largest share (0-1) of all members a plan may remove [default: 0.10]"))
                .arg(
                    Arg::new("class-allowance")
                        .long("class-allowance")
                        .value_name("N")
                        .value_parser(clap::value_parser!(usize))
                        .help("Removals from one class always allowed [default: 2]"),
                )
                .arg(
                    Arg::new("total-allowance")
                        .long("total-allowance")
                        .value_name("N")
                        .value_parser(clap::value_parser!(usize))
                        .help("Removals in all always allowed [default: 10]"),
                )
                .arg(
                    Arg::new("concurrency")
                        .long("concurrency")
                        .value_name("N")
                        .value_parser(clap::value_parser!(usize))
                        .help("Classes worked on at once [default: 4]"),
                ),
        )
}

fn share(id: &'static str, help: &'static str) -> Arg {
    Arg::new(id)
        .long(id)
        .value_name("SHARE")
        .value_parser(|text: &str| match text.parse::<f64>() {
            Ok(share) if (0.0..=1.0).contains(&share) => Ok(share),
            _ => Err(format!("{text:?} is not a share from 0 to 1")),
        })
        .help(help)
}

/// Runs `roster plan` or `roster apply`.
pub(crate) async fn run(cx: &Context, matches: &ArgMatches) -> Result<(), Failure> {
    let (name, sub) = matches
        .subcommand()
        .ok_or_else(|| Failure::usage("roster needs plan or apply"))?;
    let folder = PathBuf::from(sub.get_one::<String>("folder").cloned().unwrap_or_default());
    let import = sds::load_folder(&folder, &SdsOptions::default())
        .map_err(|problems| Failure::usage(problems.to_string()))?;
    let task = Task {
        folder: folder.display().to_string(),
        roster: import.roster,
        apply: (name == "apply").then(|| ApplyArgs::read(sub)),
        json: name == "plan" && sub.get_flag("json"),
    };
    let client = cx.client()?;
    cx.location()?.visit(&client, task).await
}

/// The guard's limits and the journal, from `roster apply`'s flags.
struct ApplyArgs {
    journal: PathBuf,
    guard: Guard,
    options: ApplyOptions,
}

impl ApplyArgs {
    fn read(matches: &ArgMatches) -> ApplyArgs {
        let mut guard = Guard::default();
        if let Some(share) = matches.get_one::<f64>("max-class-removal") {
            guard.max_class_removal = *share;
        }
        if let Some(share) = matches.get_one::<f64>("max-total-removal") {
            guard.max_total_removal = *share;
        }
        if let Some(n) = matches.get_one::<usize>("class-allowance") {
            guard.class_allowance = *n;
        }
        if let Some(n) = matches.get_one::<usize>("total-allowance") {
            guard.total_allowance = *n;
        }
        let mut options = ApplyOptions::default();
        if let Some(n) = matches.get_one::<usize>("concurrency") {
            options.concurrency = (*n).max(1);
        }
        ApplyArgs {
            journal: PathBuf::from(
                matches
                    .get_one::<String>("journal")
                    .cloned()
                    .unwrap_or_default(),
            ),
            guard,
            options,
        }
    }
}

struct Task {
    /// The export's folder as given, for the commands hints name.
    folder: String,
    roster: onenote_roster::Roster,
    apply: Option<ApplyArgs>,
    json: bool,
}

impl AtLocation for Task {
    type Output = Pin<Box<dyn Future<Output = Result<(), Failure>>>>;

    fn at<L: Location + Send + Sync + 'static>(self, notes: Notes<L>) -> Self::Output {
        Box::pin(async move {
            match self.apply {
                None => dry_run(&self.roster, &notes, self.json).await,
                Some(args) => {
                    let commands = Hints {
                        folder: &self.folder,
                    };
                    sync(&self.roster, notes, args, &commands).await
                }
            }
        })
    }
}

async fn dry_run<L: Location>(
    roster: &onenote_roster::Roster,
    notes: &Notes<L>,
    json: bool,
) -> Result<(), Failure> {
    let actual = Actual::read(notes)
        .await
        .map_err(|e| Failure::other(e.to_string()))?;
    let plan = plan(roster, &actual, &PlanOptions::default());
    if json {
        let text = serde_json::to_string(&plan)
            .map_err(|e| Failure::other(format!("cannot write the plan: {e}")))?;
        println!("{text}");
    } else {
        println!("{plan}");
    }
    Ok(())
}

async fn sync<L: Location + Send + Sync + 'static>(
    roster: &onenote_roster::Roster,
    notes: Notes<L>,
    args: ApplyArgs,
    commands: &Hints<'_>,
) -> Result<(), Failure> {
    let options = PlanOptions::default();
    let journal_error =
        |e: JournalError| Failure::other(format!("{e}\n  = hint: {}", e.hint(commands)));
    // An unfinished run in the journal is carried on; a finished one (or none) is planned anew.
    let resumed = if args.journal.exists() {
        Some(
            Journal::resume(&args.journal, &PlanSource::of(roster, &options))
                .map_err(journal_error)?,
        )
    } else {
        None
    };
    let journal = match resumed {
        Some(journal) if !journal.is_finished() => {
            eprintln!(
                "resuming {}: {} of {} steps left",
                journal.path().display(),
                journal.remaining(),
                journal.states().len()
            );
            journal
        }
        _ => {
            let actual = Actual::read(&notes)
                .await
                .map_err(|e| Failure::other(e.to_string()))?;
            let plan = plan(roster, &actual, &options);
            let approved = args.guard.approve(plan).map_err(|refusal| {
                Failure::usage(format!(
                    "{refusal}\n  = hint: {}",
                    refusal.hint(commands, &args.journal)
                ))
            })?;
            Journal::create(&args.journal, approved).map_err(journal_error)?
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let executor = Stoppable {
        inner: ClientExecutor::new(notes),
        stop: stop.clone(),
    };
    let mut run = apply(executor, journal, args.options);
    let bar = ProgressBar::new(run.steps() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} steps {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut interrupt = Box::pin(tokio::signal::ctrl_c());
    let mut failed = 0usize;
    let report = loop {
        tokio::select! {
            event = run.next_event() => match event {
                Some(Event::Done { .. }) => {
                    bar.inc(1);
                    bar.set_message(progress_message(failed, None));
                }
                Some(Event::Failed { notebook, change, error, .. }) => {
                    failed += 1;
                    bar.inc(1);
                    bar.println(format!("failed: {notebook:?}: {}: {error}", change.describe()));
                    bar.set_message(progress_message(failed, None));
                }
                Some(Event::WaitingForQuota { wait, limit }) => {
                    bar.set_message(progress_message(failed, Some(format!("waiting {wait:.0?} for {limit}"))));
                }
                Some(Event::Finished(report)) => break report,
                None => return Err(Failure::other("the run ended without a report")),
            },
            _ = &mut interrupt, if !stop.load(Ordering::SeqCst) => {
                stop.store(true, Ordering::SeqCst);
                bar.println("stopping after the writes in flight (Ctrl-C again to kill; the journal stays consistent)");
            }
        }
    };
    bar.finish_and_clear();
    eprintln!("{report}");
    finish(&report, stop.load(Ordering::SeqCst))
}

fn progress_message(failed: usize, waiting: Option<String>) -> String {
    let mut text = format!("{failed} failed");
    if let Some(waiting) = waiting {
        text.push_str(", ");
        text.push_str(&waiting);
    }
    text
}

fn finish(report: &Report, stopped: bool) -> Result<(), Failure> {
    if report.is_complete() {
        Ok(())
    } else if stopped {
        Err(Failure::other(
            "stopped: run the same command again to carry on from the journal",
        ))
    } else {
        Err(Failure::other(
            "some steps failed: fix what the report says, then run the same command again",
        ))
    }
}

/// The commands the roster engine's hints name: this command, with the export's folder.
struct Hints<'a> {
    folder: &'a str,
}

impl Commands for Hints<'_> {
    fn resume(&self, journal: &Path) -> String {
        format!(
            "onenote roster apply {} --journal {}",
            self.folder,
            journal.display()
        )
    }

    fn plan(&self, journal: &Path, max_removal: Option<f64>) -> String {
        let guard = max_removal.map_or(String::new(), |share| {
            format!(" --max-class-removal {share} --max-total-removal {share}")
        });
        format!(
            "onenote roster apply {}{guard} --journal {}",
            self.folder,
            journal.display()
        )
    }
}

/// The client's executor, that sends no new write once Ctrl-C was pressed (a write it did not
/// send is `NotApplied`: the next run does it).
struct Stoppable<E> {
    inner: E,
    stop: Arc<AtomicBool>,
}

impl<E> Stoppable<E> {
    fn check(&self) -> Result<(), WriteError> {
        if self.stop.load(Ordering::SeqCst) {
            Err(WriteError::new(
                Outcome::NotApplied,
                "stopped by Ctrl-C before it was sent",
            ))
        } else {
            Ok(())
        }
    }
}

impl<E: Executor> Executor for Stoppable<E> {
    async fn create(&self, body: CreateClassNotebook) -> Result<String, WriteError> {
        self.check()?;
        self.inner.create(body).await
    }

    async fn start_create(&self, body: CreateClassNotebook) -> Result<String, WriteError> {
        self.check()?;
        self.inner.start_create(body).await
    }

    async fn finish_create(&self, location: &str) -> Result<Option<String>, WriteError> {
        self.inner.finish_create(location).await
    }

    async fn add(&self, notebook_id: &str, role: Role, member: &Member) -> Result<(), WriteError> {
        self.check()?;
        self.inner.add(notebook_id, role, member).await
    }

    async fn remove(
        &self,
        notebook_id: &str,
        role: Role,
        principal_id: &str,
    ) -> Result<(), WriteError> {
        self.check()?;
        self.inner.remove(notebook_id, role, principal_id).await
    }

    async fn class(&self, notebook_id: &str) -> Result<Option<ActualClass>, WriteError> {
        self.inner.class(notebook_id).await
    }

    async fn find(&self, name: &str) -> Result<Vec<ActualClass>, WriteError> {
        self.inner.find(name).await
    }

    fn attach(&self, progress: Progress) {
        self.inner.attach(progress);
    }
}

//! Runs the built `onenote` against a fake OneNote started in the test: the environment it
//! gets (the fake's base URL, a token or a config folder of its own), and what it answered.

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use onenote_fake::{FakeOneNote, FakeOneNoteBuilder, SignInSettings};
use serde_json::Value;

/// The teacher most tests act as.
pub const TEACHER: &str = "teacher1@contoso.com";

/// A fake of the demo tenant whose sign-in codes are polled without waiting.
pub fn builder() -> FakeOneNoteBuilder {
    FakeOneNote::builder().sign_in(SignInSettings::default().interval(0))
}

pub async fn start() -> FakeOneNote {
    builder().start().await.expect("the fake starts")
}

/// What one run of `onenote` did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    /// Standard output as it came (binary answers).
    pub bytes: Vec<u8>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The JSON lines of stdout.
    pub fn json(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}\n{self:?}"))
            })
            .collect()
    }

    /// The one JSON object of stdout.
    pub fn object(&self) -> Value {
        let mut values = self.json();
        assert_eq!(values.len(), 1, "{self:?}");
        values.remove(0)
    }

    /// Asserts success and returns itself.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "{self:?}");
        self
    }
}

/// A folder of its own for the token file, removed when dropped.
pub struct ConfigDir(pub PathBuf);

impl ConfigDir {
    pub fn new(name: &str) -> ConfigDir {
        let dir = std::env::temp_dir().join(format!("onenote-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temp folder");
        ConfigDir(dir)
    }

    pub fn tokens(&self) -> PathBuf {
        self.0.join("tokens.json")
    }
}

impl Drop for ConfigDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `onenote` with the fake's base URL, a table width of 100, and no token or sign-in from the
/// machine it runs on.
pub fn command(fake: &FakeOneNote, config: &ConfigDir) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_onenote"));
    for (name, _) in std::env::vars() {
        if name.starts_with("ONENOTE_") {
            command.env_remove(name);
        }
    }
    command
        .env("ONENOTE_BASE_URL", fake.base_url())
        .env("ONENOTE_GRAPH_BASE_URL", fake.graph_base_url())
        .env("ONENOTE_CONFIG_DIR", &config.0)
        .env("COLUMNS", "100")
        .stdin(Stdio::null());
    command
}

/// Runs `onenote ARGS` as `upn` (`ONENOTE_TOKEN=fake:{upn}`), off the fake's threads.
pub async fn onenote_as(fake: &FakeOneNote, upn: &str, args: &[&str]) -> Run {
    let config = ConfigDir::new("run");
    let mut command = command(fake, &config);
    command
        .env("ONENOTE_TOKEN", FakeOneNote::token_for(upn))
        .args(args);
    output(command).await
}

/// Runs `onenote ARGS` as the teacher.
pub async fn onenote(fake: &FakeOneNote, args: &[&str]) -> Run {
    onenote_as(fake, TEACHER, args).await
}

/// Runs a prepared command to the end.
pub async fn output(mut command: Command) -> Run {
    let output: Output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the run was not cancelled")
        .expect("onenote runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        bytes: output.stdout.clone(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Starts a prepared command without waiting for it (its output piped).
pub fn spawn(mut command: Command) -> Child {
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("onenote starts")
}

/// Waits for a spawned command off the fake's threads.
pub async fn finish(child: Child) -> Run {
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("the run was not cancelled")
        .expect("onenote ran");
    Run {
        code: output.status.code().unwrap_or(-1),
        bytes: output.stdout.clone(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The workspace's `spec/` as the generator reads it.
pub fn model() -> codegen::model::Model {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let sources = codegen::source::read_spec_folder(&root, std::path::Path::new("spec"))
        .unwrap_or_else(|e| panic!("{e}"));
    codegen::load(&sources).unwrap_or_else(|e| panic!("{e}"))
}

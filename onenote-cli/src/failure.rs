//! Why a command failed, as one line on stderr and a documented exit code.

use std::fmt;
use std::process::ExitCode;

use onenote_api::{ErrorCode, ErrorKind};

/// The exit codes `onenote` documents (README, `onenote --help`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 1: anything else (the service refused, the network failed, sign-in failed).
    Other = 1,
    /// 2: the command line is wrong (clap's usage errors too), or an input file is.
    Usage = 2,
    /// 3: the service answered 404: no such notebook, section, page, operation….
    NotFound = 3,
    /// 4: throttled by the service (429, code 20166) or over the client's pacing limit.
    Throttled = 4,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// A failed command: its exit code and the one line printed after `error: `.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    pub(crate) message: String,
}

impl Failure {
    /// A mistake on the command line or in an input file.
    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure {
            exit: Exit::Usage,
            message: message.into(),
        }
    }

    /// Anything else.
    pub(crate) fn other(message: impl Into<String>) -> Failure {
        Failure {
            exit: Exit::Other,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<onenote_api::Error> for Failure {
    /// The client's error is already one line: operation, status, OneNote code and message,
    /// and the `X-CorrelationId` to quote to support.
    fn from(error: onenote_api::Error) -> Failure {
        let throttled = error.kind() == ErrorKind::PacingLimit
            || error.status() == Some(429)
            || error.code() == Some(ErrorCode::Throttled);
        let exit = if throttled {
            Exit::Throttled
        } else if error.status() == Some(404) {
            Exit::NotFound
        } else if error.kind() == ErrorKind::InvalidRequest {
            Exit::Usage
        } else {
            Exit::Other
        };
        Failure {
            exit,
            message: error.to_string(),
        }
    }
}

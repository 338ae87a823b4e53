//! `Commands`: how a front end (a command-line tool) spells the commands an operator runs, so
//! the hints of journal errors and guard refusals name the exact command to type, while the
//! library knows only what must be done.

use std::path::Path;

/// The commands of a front end that runs this engine, for hints.
///
/// ```
/// use std::path::Path;
/// use onenote_roster::Commands;
///
/// /// `sync [--resume] [--max-removal SHARE] --journal FILE FOLDER`.
/// struct Sync<'a> {
///     folder: &'a str,
/// }
///
/// impl Commands for Sync<'_> {
///     fn resume(&self, journal: &Path) -> String {
///         format!("sync --resume --journal {} {}", journal.display(), self.folder)
///     }
///
///     fn plan(&self, journal: &Path, max_removal: Option<f64>) -> String {
///         let guard = max_removal.map_or(String::new(), |s| format!(" --max-removal {s}"));
///         format!("sync{guard} --journal {} {}", journal.display(), self.folder)
///     }
/// }
/// ```
pub trait Commands {
    /// The command that carries on the run recorded in `journal`, with the export it was
    /// planned from.
    fn resume(&self, journal: &Path) -> String;

    /// The command that plans a new run into `journal` (a file that does not exist, or holds
    /// a finished run), with `max_removal` as the share (0–1) of members a plan may remove
    /// when the default guard refused it.
    fn plan(&self, journal: &Path, max_removal: Option<f64>) -> String;
}
